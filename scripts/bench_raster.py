"""Benchmark raster tiles on a 4096² RGB COG; print a table.

Targets (issue 7): an uncached 256 px PNG tile at the median within 1.2× of raw
rio-tiler on the same COG, at z12, z14 and z16, both measured in this run (tile by
tile, alternating which goes first); cached tiles at ≥ 3,000 tiles/s under ``wrk``
against gunicorn with 2 workers, beside a plain Flask route answering the same
bytes (the ceiling), when ``wrk`` and gunicorn are installed.

The COG is made by this service's own import (``RasterRegistry.import_file``) from a
synthetic photo-like GeoTIFF in EPSG:3857 at z16 resolution (2.39 m), 4096 px
across: one z12 tile's width, shifted by half a z16 tile so reads are not aligned.
"Uncached" means the app's tile cache is off (``PARKMAP_RASTER_TILE_CACHE_BYTES=0``);
GDAL's block cache is warm for both sides alike.

Run: ``python scripts/bench_raster.py [--rounds N] [--seconds S]`` (needs the dev
requirements for rio-tiler).
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import rasterio
from rio_tiler.io import Reader

from geo.raster import north_up
from geo.tiles import ORIGIN_SHIFT, Tile, tile_size_3857, tiles_for_bbox
from layers.imagery.rasters import RasterInfo, RasterRegistry
from scripts.bench_tiles import gunicorn, wrk
from scripts.benchkit import check_status, check_url, exit_on_failure, spread
from webmap import create_app

SIZE = 4096
ZOOMS = (12, 14, 16)
MAX_TILES = 60  # per zoom, spread over the image
TARGET_RATIO = 1.2
PNG = "image/png"


def photo_like(size: int, seed: int = 7) -> np.ndarray:
    """RGB bands that compress like an aerial photo: smooth fields, edges, grain."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    bands = []
    for _ in range(3):
        field = np.zeros((size, size), dtype=np.float32)
        for _ in range(6):
            fx, fy, phase = rng.uniform(2, 40), rng.uniform(2, 40), rng.uniform(0, 6)
            field += np.sin(2 * np.pi * (fx * xx + fy * yy) + phase)
        field += (np.floor(xx * 24) + np.floor(yy * 17)) % 3  # field boundaries
        field += rng.normal(0, 0.35, (size, size)).astype(np.float32)
        lo, hi = field.min(), field.max()
        bands.append(((field - lo) / (hi - lo) * 200 + 30).astype(np.uint8))
    return np.stack(bands)


def make_cog(workdir: Path) -> tuple[RasterRegistry, RasterInfo]:
    """Write the source GeoTIFF and import it as raster ``bench``."""
    res = tile_size_3857(16) / 256
    # Hai Phong's z12 tile 3262/1804, shifted half a z16 tile east and south
    west = -ORIGIN_SHIFT + 3262 * tile_size_3857(12) + tile_size_3857(16) / 2
    north = ORIGIN_SHIFT - 1804 * tile_size_3857(12) - tile_size_3857(16) / 2
    src = workdir / "source.tif"
    profile = {
        "driver": "GTiff",
        "width": SIZE,
        "height": SIZE,
        "count": 3,
        "dtype": "uint8",
        "crs": "EPSG:3857",
        "transform": north_up(west, north, res, res),
        "tiled": True,
        "compress": "deflate",
        "photometric": "RGB",
    }
    with rasterio.open(src, "w", **profile) as dst:
        dst.write(photo_like(SIZE))
    registry = RasterRegistry(workdir / "rasters")
    started = time.perf_counter()
    info = registry.import_file(
        src, name="bench", date="2024-01", label="synthetic", progress=lambda _m: None
    )
    print(f"import of the {SIZE}² source: {time.perf_counter() - started:.1f} s")
    return registry, info


def tiles_at(
    bbox: tuple[float, float, float, float], z: int, most: int = MAX_TILES
) -> list[Tile]:
    """Up to ``most`` tiles of zoom ``z`` whose centre is in ``bbox``, spread."""
    west, south, east, north = bbox
    tiles = []
    for tile in tiles_for_bbox(bbox, z):
        w, s, e, n = tile.bounds_wgs84()
        if west < (w + e) / 2 < east and south < (s + n) / 2 < north:
            tiles.append(tile)
    step = max(1, len(tiles) // most)
    return tiles[::step][:most]


def coverage(tile: Tile, info: RasterInfo) -> float:
    """Share of a tile's area (in degrees, fine for ranking) that the image covers."""
    w, s, e, n = tile.bounds_wgs84()
    west, south, east, north = info.bbox
    dx = max(0.0, min(e, east) - max(w, west))
    dy = max(0.0, min(n, north) - max(s, south))
    return dx * dy / ((e - w) * (n - s))


def uncached(workdir: Path, info: RasterInfo, rounds: int) -> dict[int, dict]:
    """p50 of raw rio-tiler and of the endpoint per zoom, tile by tile."""
    app = create_app(
        {
            "STORE": str(workdir / "parkmap.gpkg"),
            "RASTER_DIR": str(workdir / "rasters"),
            "RASTER_TILE_CACHE_BYTES": 0,
        }
    )
    client = app.test_client()
    cog = str(workdir / "rasters" / info.file)
    out: dict[int, dict] = {}
    with Reader(cog) as reader:
        for z in ZOOMS:
            tiles = tiles_at(info.bbox, z)
            for t in tiles:  # every tile that will be timed answers a PNG first
                path = f"/tiles/raster/bench/{z}/{t.x}/{t.y}.png"
                check_status(client.get(path), path, PNG)
            rio, ours, sizes = [], [], []
            passes = max(rounds, math.ceil(30 / len(tiles)))  # ≥ 30 requests
            for i in range(passes * len(tiles)):
                t = tiles[i % len(tiles)]
                order = (0, 1) if i % 2 == 0 else (1, 0)
                for side in order:
                    started = time.perf_counter()
                    if side == 0:
                        img = reader.tile(t.x, t.y, t.z)
                        img.render(img_format="PNG")
                        rio.append(time.perf_counter() - started)
                    else:
                        path = f"/tiles/raster/bench/{z}/{t.x}/{t.y}.png"
                        resp = client.get(path)
                        ours.append(time.perf_counter() - started)
                        sizes.append(len(check_status(resp, path, PNG)))
            out[z] = {
                "tiles": len(tiles),
                "n": len(ours),
                "rio_ms": statistics.median(rio) * 1000,
                "ours_ms": statistics.median(ours) * 1000,
                "kib": statistics.median(sizes) / 1024,
            }
    return out


def cached_throughput(
    workdir: Path, info: RasterInfo, seconds: int, repeats: int
) -> dict[str, dict]:
    """Requests per second for cached tiles and for the same bytes from a plain route.

    Both servers run side by side and the wrk runs alternate (tile, plain, tile,
    ...), so a change of load on the machine hits both alike; medians are kept,
    with the best and worst run. Both URLs are checked before they are timed, and
    any wrk error fails the run (``bench_tiles.wrk``).
    """
    env = {
        "PARKMAP_STORE": str(workdir / "parkmap.gpkg"),
        "PARKMAP_RASTER_DIR": str(workdir / "rasters"),
    }
    full = tiles_at(info.bbox, 16)
    picks = {
        "z16 photo tile": full[len(full) // 2],
        "z12 corner tile": min(
            tiles_for_bbox(info.bbox, 12), key=lambda t: coverage(t, info)
        ),
    }
    out: dict[str, dict] = {}
    baseline = "scripts.bench_tiles:baseline_app()"
    with (
        gunicorn("webmap:create_app()", env, "/healthz", "sync") as base,
        gunicorn(baseline, {}, "/fixed/1", "sync") as plain,
    ):
        for label, t in picks.items():
            path = f"{base}/tiles/raster/bench/{t.z}/{t.x}/{t.y}.png"
            for _ in range(20):  # every worker renders it once, then serves it cached
                with urllib.request.urlopen(path) as resp:
                    resp.read()
            size = len(check_url(path, PNG))
            check_url(f"{plain}/fixed/{size}", "application/octet-stream")
            runs: dict[str, list[float]] = {"cached": [], "plain": []}
            for _ in range(repeats):
                runs["cached"].append(wrk(path, seconds))
                runs["plain"].append(wrk(f"{plain}/fixed/{size}", seconds))
            out[label] = {k: spread(v) for k, v in runs.items()}
            out[label]["kib"] = size / 1024
    return out


@exit_on_failure
def main() -> None:
    """Make the COG, measure, print the table; exit 1 on any error."""
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the tiles")
    parser.add_argument("--seconds", type=int, default=5, help="per wrk run")
    parser.add_argument("--repeats", type=int, default=3, help="wrk runs of each")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="parkmap-bench-raster-") as tmp:
        workdir = Path(tmp)
        _, info = make_cog(workdir)
        figures = uncached(workdir, info, args.rounds)
        served: dict[str, dict[str, float]] = {}
        if shutil.which("wrk") is None or importlib.util.find_spec("gunicorn") is None:
            print("wrk or gunicorn not found: throughput skipped")
        else:
            served = cached_throughput(workdir, info, args.seconds, args.repeats)
    load_after = os.getloadavg()
    print(
        f"\n{SIZE}² RGB COG, {os.cpu_count()} CPUs, load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after"
    )
    print("zoom  tiles  requests  rio-tiler p50  endpoint p50  ratio  PNG size")
    for z, f in figures.items():
        ratio = f["ours_ms"] / f["rio_ms"]
        verdict = "ok" if ratio <= TARGET_RATIO else f"above {TARGET_RATIO}×"
        print(
            f"z{z:<4} {f['tiles']:>5}  {f['n']:>8}  {f['rio_ms']:>10.1f} ms"
            f"  {f['ours_ms']:>9.1f} ms  {ratio:>4.2f}×  {f['kib']:>5.0f} KiB"
            f"  {verdict}"
        )
    if served:
        print(
            "\nrequests/s, wrk -t2 -c16, gunicorn -w 2 (sync workers), "
            "median of the runs (lowest–highest)"
        )
        for label, f in served.items():
            name = f"cached {label} ({f['kib']:.0f} KiB)"
            print(f"{name:<36}{format(f['cached'], '.0f'):>20}   target ≥ 3,000")
            name = "  plain Flask route, same bytes"
            print(f"{name:<36}{format(f['plain'], '.0f'):>20}   (ceiling)")


if __name__ == "__main__":
    main()
