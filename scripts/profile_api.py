"""Issue 18's speed measurement, for profiling: one server, wrk, medians of rounds.

Usage (the store is made once, see ``--help``)::

    python scripts/profile_api.py paths STORE          # writes .bench/prof-*.txt
    python scripts/profile_api.py ceiling-size          # size of a typical bbox page
    python scripts/profile_api.py wrk BASE KIND [-n 3 -d 5]
    python scripts/profile_api.py snapshot BASE OUT     # responses of many queries
    python scripts/profile_api.py inproc KIND           # app CPU per request, no HTTP

``KIND`` is ``items`` (bbox pages of 100 features), ``item`` (one feature by id)
or ``fixed`` (the plain-Flask ceiling, ``gunicorn 'scripts.bench_api:ceiling_app()'``
with ``CEILING_BYTES`` set). Every path is checked before timing, and any non-2xx or
socket error fails the run (exit 1). Figures are the median of the rounds, with
the best and worst beside it: this is for before/after comparisons run back to
back on the same (shared, noisy) machine, not for absolute figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.test import EnvironBuilder  # noqa: E402

from scripts import bench_api  # noqa: E402
from scripts.benchkit import check_url, exit_on_failure, spread  # noqa: E402
from webmap import create_app  # noqa: E402

BENCH = ROOT / ".bench"
LAYER = "bench_parcels"
JSON = ("application/geo+json", "application/json")


def make_paths(store_path: Path, n: int = 64) -> None:
    """Bboxes matching 100 to 400 features and ids, as wrk path files."""
    boxes, ids = bench_api.pick_requests(store_path, n, layer=LAYER)
    bbox_text = bench_api.bbox_text
    items = [
        f"/api/collections/{LAYER}/items?bbox={bbox_text(b)}&limit=100" for b in boxes
    ]
    one = [f"/api/collections/{LAYER}/items/{i}" for i in ids]
    (BENCH / "prof-items.txt").write_text("\n".join(items) + "\n")
    (BENCH / "prof-item.txt").write_text("\n".join(one) + "\n")
    (BENCH / "prof-fixed.txt").write_text("/fixed\n")


def run_wrk(base: str, kind: str, rounds: int, duration: int) -> None:
    """Check every path, then ``rounds`` runs; print the median, best and worst."""
    paths = (BENCH / f"prof-{kind}.txt").read_text().split()
    for path in paths:
        body = check_url(base + path, None if kind == "fixed" else JSON)
        if kind == "items" and len(json.loads(body)["features"]) != 100:
            sys.exit(f"{path}: not 100 features")
    runs = [bench_api.wrk(base, paths, duration) for _ in range(rounds)]
    rps = spread([r.rps for r in runs])
    p99 = spread([r.p99_ms for r in runs], higher_is_better=False)
    print(f"{kind}: {rps:,.0f} req/s; p99 {p99:.1f} ms (median (lowest–highest))")


def snapshot(base: str, out: Path) -> None:
    """Status, content headers and body of many queries, to diff before/after."""
    items = (BENCH / "prof-items.txt").read_text().split()[:12]
    ids = (BENCH / "prof-item.txt").read_text().split()[:12]
    extra = []
    for p in items[:4]:
        extra += [
            p.replace("limit=100", "limit=7&offset=3"),
            p.replace("limit=100", "limit=10&offset=150"),
            p + "&status=available",
            p + "&park_id=nosuch",
            p + "&f=json",
            p.replace("limit=100", "limit=1000"),
        ]
    extra += [
        f"/api/collections/{LAYER}/items",
        f"/api/collections/{LAYER}/items?limit=5&offset=99990",
        "/api/collections/parcels/items?limit=50",
        "/api/collections/parcels/items?bbox=0,0,1,1",
    ]
    lines = []
    for path in items + ids + extra:
        for accept in ("", "gzip"):
            req = urllib.request.Request(base + path)
            if accept:
                req.add_header("Accept-Encoding", accept)
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    status, headers, body = resp.status, resp.headers, resp.read()
            except urllib.error.HTTPError as e:
                status, headers, body = e.code, e.headers, e.read()
            keep = {
                k: headers.get(k)
                for k in (
                    "Content-Type", "Content-Encoding", "ETag", "Content-Length",
                    "Link", "Cache-Control", "Vary",
                )
            }  # fmt: skip
            digest = hashlib.sha256(body).hexdigest()
            lines.append(f"{path} {accept} {status} {json.dumps(keep)} {digest}")
    out.write_text("\n".join(lines) + "\n")
    print(f"{len(lines)} responses → {out}")


def inproc(kind: str, rounds: int) -> None:
    """The app's own CPU time per request (no sockets, no gunicorn), median of rounds.

    Steadier than wrk on a shared machine, so it can tell a 5 % change apart;
    ``PARKMAP_*`` settings come from the environment as for the server.
    """
    app = create_app()
    envs = []
    for p in (BENCH / f"prof-{kind}.txt").read_text().split():
        path, _, query = p.partition("?")
        envs.append(EnvironBuilder(path=path, query_string=query).get_environ())

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        if not status.startswith("200"):
            sys.exit(f"{status}")

    def one_round() -> float:
        t0 = time.process_time()
        for environ in envs:
            b"".join(app(dict(environ), start_response))
        return (time.process_time() - t0) / len(envs) * 1e6

    for _ in range(3):
        one_round()
    times = sorted(one_round() for _ in range(rounds))
    print(
        f"{kind}: {statistics.median(times):.0f} µs/request median "
        f"(min {times[0]:.0f}, max {times[-1]:.0f}) over {rounds} rounds"
    )


@exit_on_failure
def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("paths")
    p.add_argument("store", type=Path)
    p = sub.add_parser("wrk")
    p.add_argument("base")
    p.add_argument("kind", choices=("items", "item", "fixed"))
    p.add_argument("-n", type=int, default=3)
    p.add_argument("-d", type=int, default=5)
    p = sub.add_parser("snapshot")
    p.add_argument("base")
    p.add_argument("out", type=Path)
    p = sub.add_parser("inproc")
    p.add_argument("kind", choices=("items", "item"))
    p.add_argument("-n", type=int, default=21)
    p = sub.add_parser("ceiling-size")
    p.add_argument("base")
    args = parser.parse_args()
    BENCH.mkdir(exist_ok=True)
    if args.cmd == "paths":
        make_paths(args.store)
    elif args.cmd == "wrk":
        run_wrk(args.base, args.kind, args.n, args.d)
    elif args.cmd == "inproc":
        inproc(args.kind, args.n)
    elif args.cmd == "snapshot":
        snapshot(args.base, args.out)
    else:
        sizes = [
            len(check_url(args.base + p, JSON))
            for p in (BENCH / "prof-items.txt").read_text().split()
        ]
        print(int(statistics.median(sizes)))


if __name__ == "__main__":
    main()
