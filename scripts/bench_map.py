"""Benchmark the map page: HTML size and first render in Chromium by parcel count.

For 1,000, 10,000 and 100,000 synthetic parcels (``scripts/synthetic.py``) it builds
a store, serves the app on 127.0.0.1 and prints:

- the size of the map page's HTML (target: flat in the parcel count, ≤ 300 kB);
- the time from navigation start to the first painted overlay in headless Chromium
  (target: ≤ 2 s at 100,000 parcels), at the default view;
- the time to the first painted parcel tile at a view inside a park (zoom 15).

Folium's own inline GeoJSON, the baseline, weighs 0.49 MB at 1,000 parcels and
4.8 MB at 10,000. Run: ``python scripts/bench_map.py [--parcels 1000 10000 ...]``.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from layers.build import build
from scripts.synthetic import make_synthetic
from webmap import create_app

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
RUNS = 3
MARK = "() => performance.getEntriesByName('{0}').length > 0"
TIME = "performance.getEntriesByName('{0}')[0].startTime"


def serve(app) -> tuple[str, object]:
    """Serve ``app`` on a free 127.0.0.1 port in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def page_size(url: str) -> int:
    """Bytes of the page's HTML."""
    with urllib.request.urlopen(url, timeout=60) as resp:
        return len(resp.read())


def first_paint(browser, url: str, mark: str) -> float:
    """Milliseconds from navigation start to ``mark`` in a fresh, cold context."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(url)
        page.wait_for_function(MARK.format(mark), timeout=60_000)
        return float(page.evaluate(TIME.format(mark)))
    finally:
        context.close()


def park_view(app) -> str:
    """A query string centred in the park with the most parcels, at zoom 15."""
    with app.app_context():
        from webmap.core.store import get_store  # noqa: PLC0415

        store = get_store()
        parcel = store.query(
            "parcels", limit=1, offset=store.layer("parcels").count // 2
        )
        point = parcel.features[0].geometry.representative_point()
    return f"center={point.y:.5f},{point.x:.5f}&zoom=15&layers=parks,parcels"


def measure(browser, n_parcels: int, work: Path) -> dict[str, float]:
    """Build a store of ``n_parcels`` and take the page's figures."""
    data = make_synthetic(work / f"data-{n_parcels}", n_parcels)
    store = work / f"store-{n_parcels}.gpkg"
    started = time.perf_counter()
    report = build(data, store, progress=lambda _msg: None)
    built_s = time.perf_counter() - started
    app = create_app({"DATA_DIR": str(data), "STORE": str(store)})
    base, server = serve(app)
    try:
        size = page_size(base + "/?base=none")
        overlay = [
            first_paint(browser, f"{base}/?base=none", "parkmap:overlays-painted")
            for _ in range(RUNS)
        ]
        view = park_view(app)
        tiles = [
            first_paint(browser, f"{base}/?base=none&{view}", "parkmap:first-tile")
            for _ in range(RUNS)
        ]
    finally:
        server.shutdown()
    return {
        "parcels": report["layers"]["parcels"]["count"],
        "build_s": built_s,
        "html_kb": size / 1000,
        "overlay_ms": statistics.median(overlay),
        "tile_ms": statistics.median(tiles),
    }


def main() -> None:
    """Measure each size and print a table."""
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--parcels", type=int, nargs="+", default=[1000, 10_000, 100_000]
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    rows = []
    with tempfile.TemporaryDirectory(prefix="parkmap-bench-map-") as tmp:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for n in args.parcels:
                rows.append(measure(browser, n, Path(tmp)))
                print(f"measured {n:,} parcels", file=sys.stderr)
            browser.close()
    print()
    print(
        f"{'parcels':>9} {'HTML kB':>9} {'first overlay ms':>17} "
        f"{'first parcel tile ms':>21} {'store build s':>14}"
    )
    for r in rows:
        print(
            f"{r['parcels']:>9,} {r['html_kb']:>9.1f} {r['overlay_ms']:>17.0f} "
            f"{r['tile_ms']:>21.0f} {r['build_s']:>14.1f}"
        )
    print(
        "\ntargets: HTML flat and ≤ 300 kB; first overlay ≤ 2000 ms at 100,000 parcels"
    )
    print(
        "baseline (Folium inline GeoJSON): 490 kB at 1,000 parcels, 4,800 kB at 10,000"
    )


if __name__ == "__main__":
    main()
