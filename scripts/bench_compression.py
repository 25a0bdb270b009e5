"""Benchmark compression: bytes on the wire and what encoding them costs.

Over the sample data (``data/``, built into ``.bench/compression/``) it prints, for
the map page, leaflet.js, a parcel vector tile and a page of 100 parcels from the
API:

- bytes plain, gzip and brotli, at the levels the app uses (per request: brotli 5,
  gzip 6; files, compressed once per worker: brotli 11, gzip 9);
- the time to compress them, p50 over ``--repeat`` runs;
- the p50 time of the whole request through the app over ``--requests`` runs,
  plain and brotli (files, tiles and API pages come from the encoded cache after
  the first request; the map page carries a per-request nonce, so it is
  compressed every time);

then what minifying saved (``make assets``; the build in ``build/assets``).
Run: ``python scripts/bench_compression.py [--repeat 30] [--requests 300]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.tiles import tile_for_lonlat
from scripts.benchkit import check_status, exit_on_failure
from scripts.load import sample_store
from webmap import create_app
from webmap.core import assets
from webmap.core.encoding import BR, DYNAMIC, GZIP, Level, encode, level_for
from webmap.core.store import get_store
from webmap.settings import ASSET_BUILD_DIR
from webmap.settings import PROJECT_ROOT as ROOT

WORKDIR = ROOT / ".bench" / "compression"
MINIFIED = (
    ("leaflet", "dist/leaflet.js"),
    ("leaflet", "dist/leaflet.css"),
    ("measure", "Leaflet.PolylineMeasure.js"),
    ("three", "build/three.core.js"),
    ("three", "build/three.module.js"),
)


def p50_ms(fn: Callable[[], object], repeat: int) -> float:
    """Median milliseconds of ``fn`` over ``repeat`` runs (after one warm-up)."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def urls(app) -> dict[str, str]:
    """The four answers measured: map page, leaflet.js, a tile, an items page."""
    with app.test_request_context():
        store = get_store()
        parcels = store.query(
            "parcels", limit=1, offset=store.layer("parcels").count // 2
        )
        point = parcels.features[0].geometry.representative_point()
        leaflet = assets.url("leaflet", "dist/leaflet.js")
    tile = tile_for_lonlat(point.x, point.y, 14)
    d = 0.02
    bbox = f"{point.x - d:.5f},{point.y - d:.5f},{point.x + d:.5f},{point.y + d:.5f}"
    return {
        "map page": "/?lang=en",
        "leaflet.js": leaflet,
        "tile z14": f"/tiles/parcels/{tile.z}/{tile.x}/{tile.y}.mvt",
        "items 100": f"/api/collections/parcels/items?limit=100&bbox={bbox}",
    }


def measure_one(client, url: str, repeat: int, requests: int) -> dict[str, float]:
    """Sizes, compression times and request times of one URL.

    The URL must answer 200 with a body, first and every time it is timed.
    """

    def fetch(headers: dict[str, str]) -> None:
        with client.get(url, headers=headers, buffered=True) as resp:
            check_status(resp, url)

    with client.get(url, buffered=True) as resp:
        plain = check_status(resp, url)
        is_file = resp.mimetype in ("text/javascript", "text/css")
    level: Level = level_for(len(plain), cached=True) if is_file else DYNAMIC
    row: dict[str, float] = {"plain": len(plain)}
    for coding in (GZIP, BR):
        row[coding] = len(encode(plain, coding, level))
        row[f"{coding}_ms"] = p50_ms(lambda c=coding: encode(plain, c, level), repeat)
    for coding in ("identity", BR):
        headers = {"Accept-Encoding": coding}
        row[f"req_{coding}_ms"] = p50_ms(
            lambda h=headers: fetch(h),
            requests,
        )
    return row


def print_table(rows: dict[str, dict[str, float]], repeat: int, requests: int) -> None:
    """The figures, one line per answer."""
    print(f"p50 over {repeat} runs (requests: {requests}); bytes plain, gzip, br")
    head = (
        f"{'answer':<11} {'plain':>9} {'gzip':>8} {'br':>8} {'saved':>6} "
        f"{'gzip ms':>8} {'br ms':>7} {'req plain':>10} {'req br':>7}"
    )
    print(head)
    for name, r in rows.items():
        saved = 1 - r[BR] / r["plain"]
        print(
            f"{name:<11} {r['plain']:>9,.0f} {r[GZIP]:>8,.0f} {r[BR]:>8,.0f} "
            f"{saved:>6.0%} {r['gzip_ms']:>8.2f} {r['br_ms']:>7.2f} "
            f"{r['req_identity_ms']:>10.2f} {r['req_br_ms']:>7.2f}"
        )


def print_minified(app) -> None:
    """Source and minified sizes of the libraries and the app's own files."""
    build = Path(app.config["ASSET_BUILD_DIR"] or ASSET_BUILD_DIR)
    print(f"\nminified copies ({build}): bytes source / minified / minified+br")
    vendor = Path(app.config["VENDOR_DIR"])
    pairs = []
    for package, path in MINIFIED:
        source = assets.resolve(package, path, vendor)
        if source is not None:
            copy = build / "vendor" / assets.PACKAGES[package].npm / path
            pairs.append((f"{package}/{path}", source, copy))
    static = Path(app.static_folder or "")
    own = [p for p in static.rglob("*") if p.suffix in (".js", ".css")]
    for label, source, copy in pairs:
        _print_pair(label, [source], [copy])
    _print_pair(
        "app's own JS/CSS", own, [build / "static" / p.relative_to(static) for p in own]
    )


def _print_pair(label: str, sources: list[Path], copies: list[Path]) -> None:
    if not all(c.is_file() for c in copies):
        print(f"{label:<34} no build: run `make assets`")
        return
    size = sum(p.stat().st_size for p in sources)
    minified = b"".join(c.read_bytes() for c in copies)
    br = len(encode(minified, BR, level_for(len(minified), cached=True)))
    print(f"{label:<34} {size:>10,} {len(minified):>10,} {br:>9,}")


@exit_on_failure
def main() -> None:
    """Build the sample store if needed, then print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    WORKDIR.mkdir(parents=True, exist_ok=True)
    store = sample_store(WORKDIR, args.rebuild)
    app = create_app({"STORE": str(store), "STATE_DIR": str(WORKDIR / "state")})
    client = app.test_client()
    rows = {
        name: measure_one(client, url, args.repeat, args.requests)
        for name, url in urls(app).items()
    }
    print_table(rows, args.repeat, args.requests)
    print_minified(app)


if __name__ == "__main__":
    main()
