"""Benchmark the OGC API under gunicorn beside plain-Flask ceilings and pygeoapi.

Everything is measured in one run, on this machine, with the same load (``wrk``,
16 connections) over the synthetic 100,000-parcel store (``scripts/synthetic.py``):

- parkmap: ``webmap:create_app()`` serving ``/api``, under plain ``gunicorn -w 2``
  (sync workers) and under ``deploy/gunicorn.conf.py`` (gthread, keep-alive);
- ceilings: a plain Flask route answering fixed bytes of the median size of the
  responses it stands beside (one for the bbox pages, one for single items), under
  the same two gunicorn set-ups: what this machine serves with no work per request;
- pygeoapi 0.21 through its OGR provider on the same GeoPackage (plain gunicorn),
  installed only in ``.bench/pygeoapi-venv`` (skipped with a note when it cannot be).

``--store postgis`` builds the same data into a throw-away PostGIS cluster
(``scripts/pgcluster.py``) and serves parkmap from it (pygeoapi is then skipped).

Targets (issue 18): ``items?bbox`` with 100 features ≥ 0.5 of its ceiling (≥ 0.3 on
PostGIS) and ≥ 2,000 req/s with p99 ≤ 20 ms under both set-ups; one item ≥ 3,000
req/s. The servers run side by side and the loads are interleaved over a few rounds;
each figure is the median round, with the best and worst req/s beside it. Every URL
is checked before it is timed, and any socket error, timeout or non-2xx/3xx answer
fails the run (exit 1); a missed target is printed as MISSED, not an error.
Run: ``python scripts/bench_api.py [--parcels N] [--rounds R] [--duration S]
[--store gpkg|postgis] [--setups plain,deploy]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask, Response  # noqa: E402

from layers.build import build  # noqa: E402
from layers.store.gpkg import GpkgStore  # noqa: E402
from scripts.benchkit import (  # noqa: E402
    BenchFailed,
    Spread,
    check_url,
    exit_on_failure,
    requests_per_second,
    run_wrk,
    spread,
)
from scripts.pgcluster import PgCluster, find_bindir  # noqa: E402
from scripts.pygeoapi_setup import ensure_pygeoapi, pygeoapi_config  # noqa: E402
from scripts.synthetic import make_synthetic  # noqa: E402

BENCH = ROOT / ".bench"
VENV_BIN = Path(sys.executable).parent
WORKERS = 2
CONNECTIONS = 16
LAYER = "bench_parcels"  # the synthetic parcels, added with ``layers add``
LUA = """
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local i = math.random(#paths)
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
"""
PYGEOAPI = "pygeoapi 0.21 (OGR provider)"
CEILING = "ceiling"
logger = logging.getLogger("bench_api")


def ceiling_app(size: int | None = None) -> Flask:
    """A Flask app whose one route answers ``size`` fixed bytes (the ceiling).

    Without ``size``, ``CEILING_BYTES`` from the environment (default 50,000), so
    gunicorn can start it as ``'scripts.bench_api:ceiling_app()'``.
    """
    app = Flask("ceiling")
    body = b"x" * (size or int(os.environ.get("CEILING_BYTES", "50000")))

    @app.get("/fixed")
    def fixed() -> Response:
        return Response(body, mimetype="application/octet-stream")

    return app


@dataclass
class Result:
    """What wrk measured (one run), or the median of the rounds (``rps`` spread)."""

    rps: float
    p50_ms: float
    p99_ms: float
    spread: Spread | None = None


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 10) -> bytes:
    """GET ``url`` (only ever 127.0.0.1)."""
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.read()


@contextmanager
def server(
    cmd: list[str], env: dict[str, str], ready: str, log: Path
) -> Iterator[None]:
    """Run ``cmd`` (a gunicorn master) until ``ready`` answers; stop it after."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                get(ready, timeout=30)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start, see {log}") from None
                time.sleep(0.3)
        yield
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wrk(base: str, paths: list[str], duration: int) -> Result:
    """Load ``base`` cycling through ``paths``; parse throughput and latency.

    Raises:
        BenchFailed: on any socket error, timeout or non-2xx/3xx answer.
    """
    paths_file = BENCH / "wrk-paths.txt"
    paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
    script = BENCH / "wrk-paths.lua"
    script.write_text(LUA, encoding="utf-8")
    out = run_wrk(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency",
         "-s", str(script), base],
        f"{base}{paths[0]} and {len(paths) - 1} more",
        env={**os.environ, "WRK_PATHS": str(paths_file)},
    )  # fmt: skip
    return Result(
        requests_per_second(out), _percentile(out, "50"), _percentile(out, "99")
    )


def _percentile(out: str, pct: str) -> float:
    value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def make_store(n_parcels: int, rebuild: bool) -> Path:
    """The sample store plus ``n_parcels`` synthetic parcels as layer ``LAYER``.

    As issue 18 measured it: the synthetic parcels (``scripts/synthetic.py``) are
    added to a copy of the sample data with the real command, ``flask --app webmap
    layers add bench_parcels FILE --id parcel_id``, and the whole is built. Kept
    under .bench/ and reused unless ``rebuild``.
    """
    root = BENCH / f"api-{n_parcels}"
    store = root / "data" / "build" / "parkmap.gpkg"
    if store.exists() and not rebuild:
        return store
    if root.exists():
        shutil.rmtree(root)
    synthetic = make_synthetic(root / "synthetic", n_parcels)
    data = root / "data"
    shutil.copytree(
        ROOT / "data",
        data,
        ignore=shutil.ignore_patterns("build", "state", "rasters", "panoramas"),
    )
    source = root / "source"
    source.mkdir()
    for part in (synthetic / "shapefiles").glob("parcels.*"):
        shutil.copy2(part, source / f"{LAYER}{part.suffix}")
    subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "webmap", "layers", "add", LAYER,
         str(source / f"{LAYER}.shp"), "--id", "parcel_id"],
        cwd=ROOT, env={**os.environ, "PARKMAP_DATA_DIR": str(data)}, check=True,
    )  # fmt: skip
    build(data, store)
    return store


def pick_requests(
    store_path: Path, n: int = 64, layer: str = "bench_parcels"
) -> tuple[list[tuple], list[str]]:
    """Bboxes matching 100 to 400 parcels, and parcel ids to ask for one by one."""
    store = GpkgStore(store_path)
    minx, miny, maxx, maxy = store.layer(layer).bbox
    rng = random.Random(4)
    size = 0.006
    boxes: list[tuple] = []
    ids: list[str] = []
    for _ in range(200 * n):
        if len(boxes) == n:
            break
        x, y = rng.uniform(minx, maxx - size), rng.uniform(miny, maxy - size)
        box = (round(x, 6), round(y, 6), round(x + size, 6), round(y + size, 6))
        page = store.query_geojson(layer, box, limit=100)
        if 100 <= page.number_matched <= 400:
            boxes.append(box)
            ids.extend(json.loads(t)["id"] for t in page.features[::25])
    if len(boxes) < n:
        raise BenchFailed(f"only {len(boxes)} of {n} boxes match 100–400 parcels")
    return boxes, ids


def bbox_text(box: tuple) -> str:
    """``minx,miny,maxx,maxy``."""
    return ",".join(f"{v:.6f}" for v in box)


SETUPS = ("plain", "deploy")


def gunicorn(bin_dir: Path, port: int, app: str, setup: str = "plain") -> list[str]:
    """The gunicorn command line of ``setup``: plain ``-w 2`` or the deployment's."""
    if setup == "deploy":
        return [
            str(bin_dir / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
            "-b", f"127.0.0.1:{port}", "--log-level", "warning", app,
        ]  # fmt: skip
    return [
        str(bin_dir / "gunicorn"), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
        "--log-level", "warning", app,
    ]  # fmt: skip


JSON = ("application/geo+json", "application/json")


def check_loads(base: str, loads: dict[str, list[str]]) -> dict[str, int]:
    """Refuse to measure a server unless every URL it will be timed on answers well.

    Every URL: 200, a JSON content type, a body; a bbox page holds 100 features,
    an item is a Feature.

    Returns:
        The median body size of each load, for the ceilings beside it.

    Raises:
        BenchFailed: naming the first URL that does not.
    """
    sizes: dict[str, int] = {}
    for kind, paths in loads.items():
        lengths = []
        for path in paths:
            body = check_url(base + path, JSON)
            lengths.append(len(body))
            try:
                doc = json.loads(body)
            except ValueError:
                raise BenchFailed(f"{base}{path}: not JSON") from None
            if kind == "items" and len(doc.get("features", [])) != 100:
                returned = len(doc.get("features", []))
                raise BenchFailed(f"{base}{path}: {returned} features, not 100")
            if kind == "item" and doc.get("type") != "Feature":
                raise BenchFailed(f"{base}{path}: not a Feature")
        sizes[kind] = int(statistics.median(lengths))
    return sizes


@dataclass
class Target:
    """A running server and the request paths of each kind of load."""

    name: str
    base: str
    loads: dict[str, list[str]]


def parkmap_name(setup: str) -> str:
    """The table's name of parkmap under ``setup``."""
    return f"parkmap ({setup})"


def ceiling_name(setup: str, kind: str) -> str:
    """The table's name of the ceiling beside ``kind`` under ``setup``."""
    return f"ceiling ({setup}) {kind}"


@contextmanager
def start_parkmap(store: str, boxes, ids, setup: str) -> Iterator[Target]:
    """This project under gunicorn (``store``: a GeoPackage path or PostGIS URL)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    items = [
        f"/api/collections/{LAYER}/items?bbox={bbox_text(b)}&limit=100" for b in boxes
    ]
    one = [f"/api/collections/{LAYER}/items/{i}" for i in ids]
    cmd = gunicorn(VENV_BIN, port, "webmap:create_app()", setup)
    env = {"PARKMAP_STORE": store}
    log = BENCH / f"parkmap-{setup}.log"
    with server(cmd, env, base + "/api/collections", log):
        yield Target(parkmap_name(setup), base, {"items": items, "item": one})


@contextmanager
def start_pygeoapi(store: Path, boxes, ids) -> Iterator[Target]:
    """Serve pygeoapi 0.21 (OGR provider) under gunicorn; RuntimeError if absent."""
    bin_dir = ensure_pygeoapi(BENCH)
    if bin_dir is None:
        raise RuntimeError("not installed")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config, openapi = pygeoapi_config(store, port, BENCH, LAYER)
    env = {"PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
    items = [
        f"/collections/parcels/items?bbox={bbox_text(b)}&limit=100&f=json"
        for b in boxes
    ]
    one = [f"/collections/parcels/items/{i}?f=json" for i in ids]
    cmd = gunicorn(bin_dir, port, "pygeoapi.flask_app:APP")
    with server(cmd, env, base + "/collections?f=json", BENCH / "pygeoapi.log"):
        loads = {"items": items, "item": one}
        check_loads(base, loads)
        yield Target(PYGEOAPI, base, loads)


@contextmanager
def start_ceiling(setup: str, kind: str, size: int) -> Iterator[Target]:
    """The plain-Flask route of ``size`` fixed bytes under gunicorn ``setup``."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = gunicorn(VENV_BIN, port, "scripts.bench_api:ceiling_app()", setup)
    env = {"CEILING_BYTES": str(size)}
    with server(cmd, env, base + "/fixed", BENCH / f"ceiling-{setup}-{kind}.log"):
        body = check_url(base + "/fixed", "application/octet-stream")
        if len(body) != size:
            raise BenchFailed(f"ceiling answered {len(body)} bytes, not {size}")
        yield Target(ceiling_name(setup, kind), base, {kind: ["/fixed"]})


def measure(
    targets: list[Target], rounds: int, duration: int
) -> dict[tuple[str, str], Result]:
    """Each load, in turn, ``rounds`` times; the median round of each.

    Interleaving spreads a disturbance of the machine over every server alike; the
    median round (by req/s) is reported, its p50 and p99 with it, and the best and
    worst req/s beside it. Any wrk error fails the run (``BenchFailed``).
    """
    runs: dict[tuple[str, str], list[Result]] = {}
    for i in range(rounds):
        for target in targets:
            for kind, paths in target.loads.items():
                result = wrk(target.base, paths, duration)
                logger.info(
                    "round %d %s %s: %.0f req/s", i + 1, target.name, kind, result.rps
                )
                runs.setdefault((target.name, kind), []).append(result)
    out: dict[tuple[str, str], Result] = {}
    for key, results in runs.items():
        ordered = sorted(results, key=lambda r: r.rps)
        middle = ordered[len(ordered) // 2]
        rps = spread([r.rps for r in results])
        out[key] = Result(rps.median, middle.p50_ms, middle.p99_ms, rps)
    return out


def row(name: str, r: Result | None, ceiling: Result | None = None) -> str:
    """One line of the table (with the share of its ceiling when given)."""
    if r is None:
        return f"  {name:<34}{'—':>10}{'—':>10}{'—':>10}"
    share = f"{r.rps / ceiling.rps:>9.2f}" if ceiling is not None else f"{'':>9}"
    extremes = ""
    if r.spread is not None and r.spread.n > 1:
        extremes = f"  (best {r.spread.best:,.0f}, worst {r.spread.worst:,.0f})"
    return (
        f"  {name:<34}{r.rps:>10,.0f}{r.p50_ms:>10.1f}{r.p99_ms:>10.1f}{share}"
        f"{extremes}"
    )


def verdicts(
    results: dict[tuple[str, str], Result], setups: list[str], min_share: float
) -> list[str]:
    """One line per target: the figure, the target, met or MISSED."""
    lines = []
    for setup in setups:
        items = results[(parkmap_name(setup), "items")]
        item = results[(parkmap_name(setup), "item")]
        share = items.rps / results[(ceiling_name(setup, "items"), "items")].rps
        checks = [
            (f"items?bbox share of ceiling ≥ {min_share}", share, share >= min_share),
            ("items?bbox ≥ 2,000 req/s", items.rps, items.rps >= 2000),
            ("items?bbox p99 ≤ 20 ms", items.p99_ms, items.p99_ms <= 20),
            ("one item ≥ 3,000 req/s", item.rps, item.rps >= 3000),
        ]
        for label, value, met in checks:
            verdict = "met" if met else "MISSED"
            lines.append(f"  {setup:<7} {label:<38}{value:>10,.2f}  {verdict}")
    return lines


def print_table(
    results: dict[tuple[str, str], Result],
    rounds: int,
    setups: list[str],
    min_share: float,
) -> None:
    """The figures, each beside its ceiling, and the targets."""
    print()
    print(f"  {'':<34}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'share':>9}")
    for kind, title in (("items", "items?bbox, 100 features"), ("item", "one item")):
        print(title)
        for setup in setups:
            ceiling = results[(ceiling_name(setup, kind), kind)]
            print(
                row(parkmap_name(setup), results[(parkmap_name(setup), kind)], ceiling)
            )
            print(row(ceiling_name(setup, kind), ceiling))
        theirs = results.get((PYGEOAPI, kind))
        if theirs is not None:
            print(row(PYGEOAPI, theirs, results[(ceiling_name("plain", kind), kind)]))
    print()
    print("targets (issue 18)")
    print("\n".join(verdicts(results, setups, min_share)))
    print(
        f"plain: gunicorn -w {WORKERS} (sync); deploy: deploy/gunicorn.conf.py; "
        f"wrk {CONNECTIONS} connections; median of {rounds} interleaved rounds "
        "(p50/p99 of that round); share = req/s ÷ the ceiling's of the same size "
        "and set-up; no errors (any fails the run)"
    )


@contextmanager
def postgis_store(data_store: Path) -> Iterator[str]:
    """The data behind ``data_store`` built into a throw-away PostGIS; its URL."""
    bindir = find_bindir()
    if bindir is None:
        raise BenchFailed("PostgreSQL with PostGIS not found: make system-deps")
    cluster = PgCluster.start(bindir)
    try:
        cluster.create_database("bench")
        url = cluster.url("bench")
        logger.info("building %s into PostGIS", data_store.parent.parent)
        build(data_store.parent.parent, url, progress=logger.info)
        yield url
    finally:
        cluster.stop()


def serve_all(
    stack: ExitStack, store_path: Path, store: str, args: argparse.Namespace
) -> list[Target]:
    """Start every server of the run; check their URLs; the targets to time."""
    boxes, ids = pick_requests(store_path)
    logger.info("%d bboxes, %d ids over %s", len(boxes), len(ids), store)
    targets: list[Target] = []
    sizes: dict[str, int] = {}
    for setup in args.setups:
        ours = stack.enter_context(start_parkmap(store, boxes, ids, setup))
        sizes = check_loads(ours.base, ours.loads)
        targets.append(ours)
    if args.store == "gpkg" and not args.skip_pygeoapi:
        try:
            targets.append(stack.enter_context(start_pygeoapi(store_path, boxes, ids)))
        except BenchFailed:
            raise  # it runs but answers badly: a failure, not a skip
        except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
            print(f"pygeoapi skipped: {exc}")
    for setup in args.setups:
        for kind, size in sizes.items():
            targets.append(stack.enter_context(start_ceiling(setup, kind, size)))
    logger.info("response sizes (median): %s", sizes)
    return targets


@exit_on_failure
def main() -> None:
    """Build (or reuse) the store, measure every server, print the table.

    Exits with status 1 on any bad answer, socket error or timeout.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=8, help="seconds per run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--skip-pygeoapi", action="store_true")
    parser.add_argument("--store", choices=("gpkg", "postgis"), default="gpkg")
    parser.add_argument(
        "--setups",
        type=lambda text: [s for s in text.split(",") if s],
        default=list(SETUPS),
        help="comma-separated: plain, deploy",
    )
    args = parser.parse_args()
    if unknown := set(args.setups) - set(SETUPS):
        parser.error(f"unknown --setups {', '.join(sorted(unknown))}")
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install wrk (make system-deps)")
    BENCH.mkdir(exist_ok=True)
    store_path = make_store(args.parcels, args.rebuild)
    with ExitStack() as stack:
        store = str(store_path)
        if args.store == "postgis":
            store = stack.enter_context(postgis_store(store_path))
        targets = serve_all(stack, store_path, store, args)
        results = measure(targets, args.rounds, args.duration)
    print_table(
        results, args.rounds, args.setups, 0.3 if args.store == "postgis" else 0.5
    )


if __name__ == "__main__":
    main()
