"""Load the service under gunicorn with a realistic mix; print req/s and p99 per route.

Issue 10 asks for 60 s with 64 connections and no errors. One ``wrk`` per route
runs at the same time as the others, with the connections split by the mix's
weights (each route gets at least one):

- ``map page``: ``/`` in the four languages;
- ``items?bbox``: ``/api/collections/parcels/items?bbox=…&limit=100`` (a QGIS-sized
  page) over boxes 0.5 to 4 km across around real parcels;
- ``vector tiles``: ``/tiles/parcels/z/x/y.mvt`` at z12, z14 and z16, each holding
  parcels;
- ``raster tiles``: ``/tiles/raster/<name>/z/x/y.png`` of every registered raster at
  z11, z13 and z15 (clamped to its zooms), around parcels where it has some;
- ``parcel pages``: ``/parcels/<id>``.

Every URL is fetched once first (it must answer 200 in place; that also warms the
caches as browsing would). Each wrk cycles through its URLs (a Lua ``request()``)
and reports its own latency percentiles and errors as JSON (a Lua ``done()``): a
status other than 2xx or 304, a socket error or a timeout is an error, and the run
exits with status 1 if there is any. The server's own access log (``webmap.access``,
one JSON line per request) gives each route's p99 inside the app and catches
statuses wrk does not count (3xx other than 304).

By default the service runs as deployed (``deploy/gunicorn.conf.py``: gthread, two
workers per CPU) with ``PARKMAP_ENV_NAME=production`` on 127.0.0.1, over the sample
data built into ``.bench/load/`` (rebuilt when ``data/`` changes) and its demo
rasters (``raster sample``). ``--store`` serves another store (file or
``postgresql://`` URL), ``--rasters`` another raster directory, and ``--url`` loads a
server that is already running (no server-side figures then).

Run: ``python -m scripts.load [--duration 60] [--connections 64] [--threads 1]
[--workers N] [--store PATH_OR_URL | --url URL] [--json FILE]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from urllib.parse import quote

import shapely.geometry

from geo.tiles import Tile, tile_for_lonlat
from layers.build import build
from layers.imagery.rasters import RasterRegistry
from layers.imagery.sample import make_sample
from layers.store.open import open_store
from scripts.bench_api import LUA, bbox_text, free_port, get, server
from scripts.bench_raster import tiles_at
from scripts.load_figures import RouteResult, parse_wrk, server_side, table
from webmap.__main__ import production_command

ROOT = Path(__file__).resolve().parents[1]
WORKDIR = ROOT / ".bench" / "load"
# Connections out of 64 per route: tiles dominate a map session's requests.
MIX = {
    "map page": 8,
    "items?bbox": 12,
    "vector tiles": 20,
    "raster tiles": 12,
    "parcel pages": 12,
}
LANGUAGES = ("", "?lang=en", "?lang=ko", "?lang=ja")
VECTOR_ZOOMS = (12, 14, 16)
RASTER_ZOOMS = (11, 13, 15)
ITEMS_LIMIT = 100
DONE_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests": %d, "duration_us": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d, '
    .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout,
    e.status, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
"""
logger = logging.getLogger("load")


def split(connections: int, weights: dict[str, int]) -> dict[str, int]:
    """``connections`` shared by weight (largest remainder), at least one each."""
    if connections < len(weights):
        raise ValueError(f"need at least {len(weights)} connections, one per route")
    spare = connections - len(weights)
    total = sum(weights.values())
    exact = {name: spare * w / total for name, w in weights.items()}
    shares = {name: 1 + int(x) for name, x in exact.items()}
    by_remainder = sorted(exact, key=lambda n: exact[n] - int(exact[n]), reverse=True)
    for name in by_remainder[: connections - sum(shares.values())]:
        shares[name] += 1
    return shares


def sample_store(workdir: Path, rebuild: bool) -> Path:
    """The sample data (``data/``) built into ``workdir``, unless already up to date."""
    store = workdir / "parkmap.gpkg"
    sources = [
        p
        for p in (ROOT / "data").rglob("*")
        if p.is_file()
        and p.relative_to(ROOT / "data").parts[0] not in ("build", "state")
    ]
    newest = max(p.stat().st_mtime for p in sources)
    if rebuild or not store.exists() or store.stat().st_mtime < newest:
        logger.info("building the sample data into %s", store)
        build(ROOT / "data", store, progress=lambda _msg: None)
    return store


def sample_rasters(store: str, directory: Path) -> Path:
    """The demo rasters made from ``store``'s parcels (skipped when up to date)."""
    db = open_store(store)
    try:
        make_sample(db, RasterRegistry(directory), progress=logger.info)
    finally:
        db.close()
    return directory


@contextmanager
def gunicorn(
    store: str, rasters: Path, workdir: Path, workers: int | None
) -> Iterator[tuple[str, Path]]:
    """The service as deployed, on a free port; yields its URL and its log."""
    port = free_port()
    config = {"ENV_NAME": "production", "HOST": "127.0.0.1", "PORT": port}
    # gunicorn 27's control socket is one path per user: leave other servers theirs.
    extra = ["--no-control-socket", "webmap:create_app()"]
    command = [*(production_command(config) or []), *extra]
    env = {
        "PARKMAP_ENV_NAME": "production",
        "PARKMAP_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "PARKMAP_ACCESS_LOG": "1",
        "PARKMAP_STORE": store,
        "PARKMAP_RASTER_DIR": str(rasters),
        "PARKMAP_STATE_DIR": str(workdir / "state"),
        "PARKMAP_PANORAMA_DIR": str(workdir / "panoramas"),  # none: no 360° markers
    }
    if workers:
        env["GUNICORN_WORKERS"] = str(workers)
    base, log = f"http://127.0.0.1:{port}", workdir / "gunicorn.log"
    logger.info("starting gunicorn on %s (log %s)", base, log)
    with server(command, env, base + "/readyz", log):
        yield base, log


def get_json(url: str) -> dict:
    """A JSON document from the server."""
    return json.loads(get(url, timeout=60))


def parcel_points(
    base: str, n: int, rng: random.Random
) -> list[tuple[str, float, float]]:
    """``n`` parcels (id, lon, lat of a point inside) from the first page of 1,000."""
    page = get_json(f"{base}/api/collections/parcels/items?limit=1000")
    features = rng.sample(page["features"], min(n, len(page["features"])))
    points = []
    for feature in features:
        inside = shapely.geometry.shape(feature["geometry"]).representative_point()
        points.append((str(feature["id"]), inside.x, inside.y))
    return points


def tile_key(tile: Tile) -> tuple[int, int, int]:
    """Order tiles by zoom, then column and row."""
    return tile.z, tile.x, tile.y


def zooms(wanted: tuple[int, ...], low: int, high: int) -> list[int]:
    """``wanted`` clamped to ``low..high``, without repeats."""
    return sorted({min(max(z, low), high) for z in wanted})


def raster_paths(base: str, points: list[tuple[str, float, float]]) -> list[str]:
    """Tiles of every raster around the parcels on it (else spread over it)."""
    paths = []
    for raster in get_json(f"{base}/tiles/raster/")["rasters"]:
        west, south, east, north = raster["bbox"]
        on_it = [
            (x, y) for _, x, y in points if west <= x <= east and south <= y <= north
        ]
        tiles = set()
        for z in zooms(RASTER_ZOOMS, raster["minzoom"], raster["maxzoom"]):
            found = {tile_for_lonlat(x, y, z) for x, y in on_it}
            tiles |= found or set(tiles_at(raster["bbox"], z, most=16))
        name = quote(raster["name"], safe="")
        paths += [
            f"/tiles/raster/{name}/{t.z}/{t.x}/{t.y}.png"
            for t in sorted(tiles, key=tile_key)
        ]
    return paths


def plan(base: str, sample: int) -> dict[str, list[str]]:
    """The URL paths of each route, over data the server holds."""
    rng = random.Random(10)
    points = parcel_points(base, sample, rng)
    items = []
    for _, x, y in points:
        half = rng.uniform(0.0025, 0.02)  # 0.5 to 4 km across
        box = (x - half, y - half, x + half, y + half)
        items.append(
            f"/api/collections/parcels/items?bbox={bbox_text(box)}&limit={ITEMS_LIMIT}"
        )
    tilejson = get_json(f"{base}/tiles/parcels.json")
    vector = {
        tile_for_lonlat(x, y, z)
        for _, x, y in points
        for z in zooms(VECTOR_ZOOMS, tilejson["minzoom"], tilejson["maxzoom"])
    }
    return {
        "map page": [f"/{lang}" for lang in LANGUAGES],
        "items?bbox": items,
        "vector tiles": [
            f"/tiles/parcels/{t.z}/{t.x}/{t.y}.mvt"
            for t in sorted(vector, key=tile_key)
        ],
        "raster tiles": raster_paths(base, points),
        "parcel pages": [f"/parcels/{quote(pid, safe='')}" for pid, _, _ in points],
    }


def check(base: str, paths: dict[str, list[str]]) -> None:
    """Fetch every URL once: each must answer 200 with a body, without redirecting.

    Raises:
        RuntimeError: naming the first URL that does not.
    """

    def fetch(path: str) -> str | None:
        try:
            with urllib.request.urlopen(base + path, timeout=60) as resp:
                if resp.status != 200 or resp.geturl() != base + path:
                    return f"{path}: {resp.status} at {resp.geturl()}"
                return None if resp.read() else f"{path}: empty answer"
        except OSError as exc:
            return f"{path}: {exc}"

    every = [p for route in paths.values() for p in route]
    with ThreadPoolExecutor(4) as pool:
        problems = [p for p in pool.map(fetch, every) if p]
    if problems:
        raise RuntimeError(
            f"{len(problems)} URLs do not answer 200, e.g. {problems[0]}"
        )
    logger.info("%d URLs answer 200", len(every))


def run_wrk(
    base: str,
    paths: dict[str, list[str]],
    shares: dict[str, int],
    args: argparse.Namespace,
) -> dict[str, RouteResult]:
    """One wrk per route, all at once; their JSON reports."""
    script = args.workdir / "load.lua"
    script.write_text(LUA + DONE_LUA, encoding="utf-8")
    procs: dict[str, subprocess.Popen[str]] = {}
    try:
        for i, (route, route_paths) in enumerate(paths.items()):
            listing = args.workdir / f"paths-{i}.txt"
            listing.write_text("\n".join(route_paths) + "\n", encoding="utf-8")
            conns = shares[route]
            cmd = ["wrk", f"-t{min(args.threads, conns)}", f"-c{conns}"]
            cmd += [f"-d{args.duration}s", f"--timeout={args.timeout}s"]
            procs[route] = subprocess.Popen(
                [*cmd, "-s", str(script), base],
                env={**os.environ, "WRK_PATHS": str(listing)},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        return {
            route: wrk_report(
                route, proc, args.duration, shares[route], len(paths[route])
            )
            for route, proc in procs.items()
        }
    finally:
        for proc in procs.values():  # only if another wrk failed
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def wrk_report(
    route: str, proc: subprocess.Popen[str], duration: int, conns: int, urls: int
) -> RouteResult:
    """Wait for one route's wrk and read its ``done()`` line.

    Raises:
        RuntimeError: wrk failed or printed no report.
    """
    out, err = proc.communicate(timeout=duration + 120)
    line = next((x for x in out.splitlines() if x.startswith("WRK_JSON ")), None)
    if proc.returncode or line is None:
        raise RuntimeError(f"wrk for {route} failed: {err.strip() or out.strip()}")
    return parse_wrk(json.loads(line.removeprefix("WRK_JSON ")), conns, urls)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--connections", type=int, default=64, help="in all")
    parser.add_argument("--threads", type=int, default=1, help="per route's wrk")
    parser.add_argument(
        "--timeout", type=int, default=10, help="seconds; then an error"
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: conf)")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--store", help="serve this store (path or postgresql:// URL)")
    target.add_argument("--url", help="load this running server instead")
    parser.add_argument("--rasters", type=Path, help="raster directory to serve")
    parser.add_argument(
        "--sample", type=int, default=64, help="parcels to draw URLs from"
    )
    parser.add_argument("--workdir", type=Path, default=WORKDIR)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the sample")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    return parser.parse_args(argv)


@contextmanager
def target(args: argparse.Namespace) -> Iterator[tuple[str, Path | None, str]]:
    """The server to load: (base URL, its access log or None, its workers)."""
    if args.url:
        yield args.url.rstrip("/"), None, "(already running)"
        return
    store = args.store or str(sample_store(args.workdir, args.rebuild))
    rasters = args.rasters or sample_rasters(store, args.workdir / "rasters")
    workers = args.workers or int(
        os.environ.get("GUNICORN_WORKERS", 2 * os.cpu_count())
    )
    with gunicorn(store, rasters, args.workdir, args.workers) as (base, log):
        yield base, log, f"{workers} gthread workers (deploy/gunicorn.conf.py)"


def measure(args: argparse.Namespace) -> tuple[dict[str, RouteResult], str]:
    """Start (or find) the server, plan and check the URLs, load it."""
    shares = split(args.connections, MIX)
    with target(args) as (base, log, workers):
        paths = plan(base, args.sample)
        check(base, paths)
        offset = log.stat().st_size if log else 0
        logger.info("loading %s for %d s: %s", base, args.duration, shares)
        results = run_wrk(base, paths, shares, args)
        if log:
            time.sleep(0.5)  # the last requests' log lines
            server_side(log, offset, paths, results)
    return results, workers


def main(argv: list[str] | None = None) -> int:
    """Run the load, print the table; 0 if no route had errors and all had requests."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install wrk (make system-deps)")
    args.workdir.mkdir(parents=True, exist_ok=True)
    results, workers = measure(args)
    setup = (
        f"{args.duration} s, wrk -t{args.threads} per route, timeout "
        f"{args.timeout} s; gunicorn {workers}"
    )
    print(table(results, setup))
    if args.json:
        figures = {
            route: {**asdict(r), "errors": r.errors} for route, r in results.items()
        }
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    failed = [r for r, x in results.items() if x.errors or not x.requests]
    if failed:
        print(f"FAILED: errors or no requests on {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
