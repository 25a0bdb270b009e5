"""Benchmark vector tiles on the synthetic 100,000-parcel data set; print a table.

Targets (issue 4): an uncached z14 parcel tile in ≤ 20 ms at the median; cached tiles
at ≥ 3,000 tiles/s under ``wrk`` with 16 connections against gunicorn with 2 workers.
A plain Flask route answering fixed bytes, served the same way, is the ceiling and is
measured in the same run.

Run: ``python scripts/bench_tiles.py [--parcels N] [--store PATH] [--seconds S]
[--rounds R]``; each throughput figure is the median of R wrk runs (lowest–highest
beside it), every URL is checked first, and any wrk error exits 1.
``--store`` reuses a store built before (skips generating and building).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask, Response
from werkzeug.test import EnvironBuilder

from geo.tiles import Tile, tiles_for_bbox
from layers.build import build
from layers.store.gpkg import GpkgStore
from scripts.benchkit import (
    Spread,
    check_status,
    check_url,
    exit_on_failure,
    requests_per_second,
    run_wrk,
    spread,
)
from scripts.synthetic import make_synthetic
from webmap import create_app

ROOT = Path(__file__).resolve().parents[1]
ZOOM = 14
MVT = "application/vnd.mapbox-vector-tile"


def baseline_app() -> Flask:
    """A Flask app whose one route answers fixed bytes: the ceiling for any route.

    ``/fixed/<n>`` answers n bytes, prepared once, so that the ceiling can be
    measured with a body as large as the tile's.
    """
    app = Flask("baseline")
    bodies: dict[int, bytes] = {}

    @app.get("/fixed/<int:size>")
    def fixed(size: int) -> Response:
        body = bodies.setdefault(size, b"\x1a" * size)
        return Response(body, mimetype="application/octet-stream")

    return app


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def build_store(parcels: int, workdir: Path) -> Path:
    """Generate the synthetic data set and build it; return the store."""
    data = make_synthetic(workdir / "data", parcels)
    store = workdir / "build" / "parkmap.gpkg"
    started = time.perf_counter()
    build(data, store, progress=lambda _msg: None)
    print(f"built {store} in {time.perf_counter() - started:.1f} s")
    return store


def render_times(store_path: Path) -> dict[str, float]:
    """Render every non-empty z14 parcel tile straight from the store."""
    store = GpkgStore(store_path)
    info = store.layer("parcels")
    assert info.bbox is not None
    started = time.perf_counter()
    store.tile_features("parcels", (0.0, 0.0, 1.0, 1.0))  # builds TileProperties
    index_s = time.perf_counter() - started
    tiles = list(tiles_for_bbox(info.bbox, ZOOM))
    random.Random(4).shuffle(tiles)
    first, best, cpu, sizes, counts = [], [], [], [], []
    for tile in tiles:
        runs, cpu_runs = [], []
        for _ in range(3):
            t0, c0 = time.perf_counter(), time.process_time()
            data = store.tile("parcels", tile.z, tile.x, tile.y)
            runs.append((time.perf_counter() - t0) * 1000)
            cpu_runs.append((time.process_time() - c0) * 1000)
        if data:
            first.append(runs[0])
            best.append(min(runs))
            cpu.append(min(cpu_runs))
            sizes.append(len(data) / 1024)
            bounds = tile.bounds_3857()
            counts.append(len(store.tile_features("parcels", bounds)))
    return {
        "tiles": len(first),
        "index_s": index_s,
        "p50_ms": statistics.median(first),
        "p90_ms": percentile(first, 90),
        "max_ms": max(first),
        "best_p50_ms": statistics.median(best),
        "cpu_p50_ms": statistics.median(cpu),
        "features_p50": statistics.median(counts),
        "features_max": max(counts),
        "kib_p50": statistics.median(sizes),
    }


def sample_tiles(store_path: Path) -> tuple[Tile, Tile]:
    """Two z14 parcel tiles: the one with the median feature count, the smallest."""
    store = GpkgStore(store_path)
    info = store.layer("parcels")
    assert info.bbox is not None
    counted = [
        (len(store.tile_features("parcels", t.bounds_3857())), t.x, t.y, t)
        for t in tiles_for_bbox(info.bbox, ZOOM)
    ]
    counted = sorted(c for c in counted if c[0])
    return counted[len(counted) // 2][3], counted[0][3]


def wsgi_costs(store_path: Path, tile: Tile) -> dict[str, float]:
    """Microseconds per request inside the app, best of many batches.

    The minimum over batches is what one request costs on an idle core, whatever
    else the machine is doing: a cached tile against a route of the same bytes.
    """
    app = create_app({"STORE": str(store_path)})
    path = f"/tiles/parcels/{tile.z}/{tile.x}/{tile.y}.mvt"
    plain = baseline_app()
    client = app.test_client()
    size = len(check_status(client.get(path), path, MVT))
    check_status(client.get(path), path, MVT)  # now cached
    environs = {
        "tile": (app, EnvironBuilder(path=path).get_environ()),
        "plain": (plain, EnvironBuilder(path=f"/fixed/{size}").get_environ()),
    }
    best = dict.fromkeys(environs, float("inf"))
    for _ in range(30):
        for name, (wsgi, environ) in environs.items():
            started = time.perf_counter()
            for _ in range(100):
                b"".join(wsgi.wsgi_app(dict(environ), lambda *_: None))
            best[name] = min(best[name], (time.perf_counter() - started) * 1e4)
    return {"wsgi_tile_us": best["tile"], "wsgi_plain_us": best["plain"]}


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


WORKERS = {
    "sync": [],  # gunicorn's default: one request at a time, no keep-alive
    "gthread": ["-k", "gthread", "--threads", "4", "--keep-alive", "5"],
}


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], probe: str, kind: str) -> Iterator[str]:
    """Serve ``app`` with 2 gunicorn workers on 127.0.0.1; yield its base URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}"]
    cmd += ["--log-level", "warning", *WORKERS[kind], app]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + probe, timeout=1)
                break
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def wrk(url: str, seconds: int, *headers: str) -> float:
    """Requests per second that ``wrk`` (2 threads, 16 connections) reaches.

    Raises:
        BenchFailed: on any socket error, timeout or non-2xx/3xx answer.
    """
    cmd = ["wrk", "-t2", "-c16", f"-d{seconds}s"]
    for header in headers:
        cmd += ["-H", header]
    return requests_per_second(run_wrk([*cmd, url], url))


def wrk_rounds(url: str, seconds: int, rounds: int, *headers: str) -> Spread:
    """``rounds`` wrk runs of ``url``: their median, best and worst."""
    return spread([wrk(url, seconds, *headers) for _ in range(rounds)])


def etag_of(url: str) -> str:
    """The ``ETag`` that ``url`` answers with."""
    with urllib.request.urlopen(url, timeout=60) as resp:
        return resp.headers["ETag"]


def throughput(
    store_path: Path, tiles: tuple[Tile, Tile], seconds: int, kind: str, rounds: int
) -> dict:
    """Cached tiles and the same bytes from a plain route, requests per second.

    Every URL is checked (status, content type, body) before it is timed; each
    figure is the median of ``rounds`` wrk runs, with the best and worst.
    """
    env = {"PARKMAP_STORE": str(store_path)}
    paths = [f"/tiles/parcels/{t.z}/{t.x}/{t.y}.mvt" for t in tiles]
    out: dict = {}
    sizes = []
    with gunicorn("webmap:create_app()", env, "/healthz", kind) as base:
        for path in paths:
            for _ in range(20):  # every worker renders it once, then serves it cached
                size = len(check_url(base + path, MVT))
            sizes.append(size)
        etag = etag_of(base + paths[1])
        revalidate = f"If-None-Match: {etag}"
        check_url(base + paths[1], status=304, headers={"If-None-Match": etag})
        out["cached"] = wrk_rounds(base + paths[0], seconds, rounds)
        out["cached_small"] = wrk_rounds(base + paths[1], seconds, rounds)
        out["revalidated"] = wrk_rounds(base + paths[1], seconds, rounds, revalidate)
    app = "scripts.bench_tiles:baseline_app()"
    with gunicorn(app, {}, "/fixed/1", kind) as base:
        for key, size in (("plain", sizes[0]), ("plain_small", sizes[1])):
            check_url(f"{base}/fixed/{size}", "application/octet-stream")
            out[key] = wrk_rounds(f"{base}/fixed/{size}", seconds, rounds)
    out["kib"], out["small_kib"] = sizes[0] / 1024, sizes[1] / 1024
    return out


@exit_on_failure
def main() -> None:
    """Build (or reuse) the store, measure, print the table; exit 1 on any error."""
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--store", type=Path, help="reuse a built store")
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per figure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parkmap-bench-tiles-") as tmp:
        store = args.store or build_store(args.parcels, Path(tmp))
        figures = render_times(store)
        tiles = sample_tiles(store)
        figures |= wsgi_costs(store, tiles[1])
        served = {}
        if shutil.which("wrk") is None:
            print("wrk not found (apt-get install wrk): throughput skipped")
        else:
            served = {
                k: throughput(store, tiles, args.seconds, k, args.rounds)
                for k in WORKERS
            }
    print_table(figures, served, tiles, args.rounds)


def print_table(
    f: dict[str, float], served: dict[str, dict], tiles: tuple[Tile, Tile], rounds: int
) -> None:
    """The figures, with the targets beside them."""
    rows = [
        ("z14 parcel tiles drawn", f"{f['tiles']}", ""),
        (
            "features per tile, median / max",
            f"{f['features_p50']:.0f} / {f['features_max']:.0f}",
            "",
        ),
        ("tile size, median", f"{f['kib_p50']:.0f} KiB", ""),
        ("first tile of the layer (reads properties)", f"{f['index_s']:.2f} s", ""),
        ("uncached tile, p50", f"{f['p50_ms']:.1f} ms", "≤ 20 ms"),
        ("uncached tile, p90 / max", f"{f['p90_ms']:.1f} / {f['max_ms']:.1f} ms", ""),
        (
            "uncached tile, p50 of each tile's best of 3",
            f"{f['best_p50_ms']:.1f} ms",
            "",
        ),
        ("uncached tile, p50 of CPU time (best of 3)", f"{f['cpu_p50_ms']:.1f} ms", ""),
        (
            "in-app cost: cached small tile / same bytes",
            f"{f['wsgi_tile_us']:.0f} / {f['wsgi_plain_us']:.0f} µs",
            "",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"\nparcels at z{ZOOM}, {os.cpu_count()} CPUs, load average {load}")
    for name, value, target in rows:
        print(f"{name.ljust(width)}  {value:>16}  {target}")
    if not served:
        return
    any_kind = next(iter(served.values()))
    big, small = (f"{t.z}/{t.x}/{t.y}" for t in tiles)
    lines = [
        (f"cached median tile {big} ({any_kind['kib']:.0f} KiB)", "cached", "≥ 3,000"),
        ("  plain Flask route, same bytes (ceiling)", "plain", ""),
        (
            f"cached small tile {small} ({any_kind['small_kib']:.1f} KiB)",
            "cached_small",
            "≥ 3,000",
        ),
        ("  plain Flask route, same bytes (ceiling)", "plain_small", ""),
        ("revalidation of the small tile, 304", "revalidated", ""),
    ]
    width = max(len(line[0]) for line in lines)
    kinds = list(served)
    print(
        f"\nrequests/s, wrk -t2 -c16, gunicorn -w 2 ({' | '.join(kinds)} workers): "
        f"median of {rounds} runs (lowest–highest)"
    )
    print(" " * width + "".join(f"  {k:>22}" for k in kinds) + "  target")
    for name, key, target in lines:
        cells = "".join(f"  {format(served[k][key], ',.0f'):>22}" for k in kinds)
        print(f"{name.ljust(width)}{cells}  {target}")


if __name__ == "__main__":
    main()
