"""Issue 18's speed measurement, for profiling: one server, wrk, medians of rounds.

Usage (the store is made once, see ``--help``)::

    python scripts/profile_api.py paths STORE          # writes .bench/prof-*.txt
    python scripts/profile_api.py ceiling-size          # size of a typical bbox page
    python scripts/profile_api.py wrk BASE KIND [-n 3 -d 5]
    python scripts/profile_api.py snapshot BASE OUT     # responses of many queries
    python scripts/profile_api.py inproc KIND           # app CPU per request, no HTTP

``KIND`` is ``items`` (bbox pages of 100 features), ``item`` (one feature by id)
or ``fixed`` (the plain-Flask ceiling, ``gunicorn 'scripts.profile_api:ceiling_app()'``
with ``CEILING_BYTES`` set). Every path is checked before timing, and any non-2xx or
socket error fails the run (exit 1). Figures are the median of the rounds, with
the best and worst beside it: this is for before/after comparisons run back to
back on the same (shared, noisy) machine, not for absolute figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask, Response  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

from layers.store.gpkg import GpkgStore  # noqa: E402
from webmap import create_app  # noqa: E402

BENCH = ROOT / ".bench"
LAYER = "bench_parcels"
LUA = """
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local i = math.random(#paths)
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def ceiling_app() -> Flask:
    """A Flask app answering ``CEILING_BYTES`` fixed bytes at ``/fixed``."""
    app = Flask("ceiling")
    body = b"x" * int(os.environ.get("CEILING_BYTES", "50000"))

    @app.get("/fixed")
    def fixed() -> Response:
        return Response(body, mimetype="application/geo+json")

    return app


def bbox_text(box: tuple) -> str:
    """``minx,miny,maxx,maxy``."""
    return ",".join(f"{v:.6f}" for v in box)


def make_paths(store_path: Path, n: int = 64) -> None:
    """Bboxes matching 100 to 400 features and ids, as wrk path files."""
    store = GpkgStore(store_path)
    minx, miny, maxx, maxy = store.layer(LAYER).bbox
    rng = random.Random(4)
    size = 0.006
    boxes: list[tuple] = []
    ids: list[str] = []
    while len(boxes) < n:
        x, y = rng.uniform(minx, maxx - size), rng.uniform(miny, maxy - size)
        box = (round(x, 6), round(y, 6), round(x + size, 6), round(y + size, 6))
        page = store.query_geojson(LAYER, box, limit=100)
        if 100 <= page.number_matched <= 400:
            boxes.append(box)
            ids.extend(json.loads(t)["id"] for t in page.features[::25])
    items = [
        f"/api/collections/{LAYER}/items?bbox={bbox_text(b)}&limit=100" for b in boxes
    ]
    one = [f"/api/collections/{LAYER}/items/{i}" for i in ids]
    (BENCH / "prof-items.txt").write_text("\n".join(items) + "\n")
    (BENCH / "prof-item.txt").write_text("\n".join(one) + "\n")
    (BENCH / "prof-fixed.txt").write_text("/fixed\n")


def get(url: str) -> tuple[int, dict, bytes]:
    """GET ``url`` (only ever 127.0.0.1): status, headers, body."""
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.status, dict(resp.headers), resp.read()


def wrk_once(base: str, kind: str, duration: int) -> tuple[float, float]:
    """One wrk run: req/s and p99 ms; SystemExit on any error."""
    script = BENCH / "prof.lua"
    script.write_text(LUA)
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{duration}s", "--latency", "-s", str(script), base],
        env={**os.environ, "WRK_PATHS": str(BENCH / f"prof-{kind}.txt")},
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    if re.search(r"Non-2xx|Socket errors", out):
        sys.exit(f"errors under load:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
    return rps, float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def run_wrk(base: str, kind: str, rounds: int, duration: int) -> None:
    """Check every path, then ``rounds`` runs; print the median, best and worst."""
    for path in (BENCH / f"prof-{kind}.txt").read_text().split():
        status, _, body = get(base + path)
        if status != 200:
            sys.exit(f"{path}: {status}")
        if kind == "items" and len(json.loads(body)["features"]) != 100:
            sys.exit(f"{path}: not 100 features")
    runs = [wrk_once(base, kind, duration) for _ in range(rounds)]
    rps = sorted(r for r, _ in runs)
    p99 = sorted(p for _, p in runs)
    print(
        f"{kind}: median {statistics.median(rps):,.0f} req/s (min {rps[0]:,.0f}, "
        f"max {rps[-1]:,.0f}); p99 median {statistics.median(p99):.1f} ms "
        f"(min {p99[0]:.1f}, max {p99[-1]:.1f})"
    )


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
            len(get(args.base + p)[2])
            for p in (BENCH / "prof-items.txt").read_text().split()
        ]
        print(int(statistics.median(sizes)))


if __name__ == "__main__":
    main()
