"""Benchmark the map page: HTML size and first render in Chromium by parcel count.

For 1,000, 10,000 and 100,000 synthetic parcels (``scripts/synthetic.py``) it builds
a store, serves the app on 127.0.0.1 and prints:

- the size of the map page's HTML (target: flat in the parcel count, ≤ 300 kB);
- the time from navigation start to the first painted overlay in headless Chromium
  (target: ≤ 2 s at 100,000 parcels), at the default view;
- the time to the first painted parcel tile at a view inside a park (zoom 15).

"First" is what a first visitor gets: each timed load goes to a freshly made app
(its own server), so nothing is in the render or tile caches and the page is
rendered inside the timing. "Warm" is the same load once the server has rendered
the page and its tiles (a fresh browser context each time). Each figure is the
median of the runs, with the best and worst beside the first-visitor ones. The
page URLs are checked first (200, HTML, a body) on a separate app; a page that
answers other than 200, or any request of it that fails or answers ≥ 400 during
timing, fails the run (exit 1).

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
from pathlib import Path

from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from layers.build import build
from scripts.benchkit import BenchFailed, check_url, exit_on_failure, spread
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


def first_paint(browser, url: str, mark: str) -> float:
    """Milliseconds from navigation start to ``mark`` in a fresh, cold context.

    Raises:
        BenchFailed: the page answered other than 200, or one of its requests to
            this server failed or answered ≥ 400 before ``mark``.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: PLC0415

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    origin = url.split("/", 3)[:3]
    problems: list[str] = []

    def ours(u: str) -> bool:
        return u.split("/", 3)[:3] == origin

    page.on(
        "response",
        lambda r: (
            ours(r.url)
            and r.status >= 400
            and problems.append(f"{r.url}: status {r.status}")
        ),
    )
    page.on(
        "requestfailed",
        lambda r: ours(r.url) and problems.append(f"{r.url}: {r.failure}"),
    )
    try:
        response = page.goto(url)
        if response is None or response.status != 200:
            status = response.status if response else "no response"
            raise BenchFailed(f"{url}: status {status}")
        try:
            page.wait_for_function(MARK.format(mark), timeout=60_000)
        except PlaywrightTimeout:
            why = problems[0] if problems else "no failed request seen"
            raise BenchFailed(f"{url}: no {mark} within 60 s ({why})") from None
        elapsed = float(page.evaluate(TIME.format(mark)))
        if problems:
            raise BenchFailed(f"while loading {url}: {problems[0]}")
        return elapsed
    finally:
        context.close()


def cold_paint(browser, config: dict, path: str, mark: str) -> float:
    """``first_paint`` of ``path`` on a freshly made app: nothing cached in it."""
    base, server = serve(create_app(config))
    try:
        return first_paint(browser, base + path, mark)
    finally:
        server.shutdown()


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
    config = {"DATA_DIR": str(data), "STORE": str(store)}
    overlay_path, overlay_mark = "/?base=none", "parkmap:overlays-painted"
    app = create_app(config)
    base, server = serve(app)
    try:  # checks, the page size and the warm figures, on an app of their own
        size = len(check_url(base + overlay_path, "text/html"))
        tile_path, tile_mark = f"/?base=none&{park_view(app)}", "parkmap:first-tile"
        check_url(base + tile_path, "text/html")
        warm_overlay = [
            first_paint(browser, base + overlay_path, overlay_mark) for _ in range(RUNS)
        ]
        warm_tiles = [
            first_paint(browser, base + tile_path, tile_mark) for _ in range(RUNS)
        ]
    finally:
        server.shutdown()
    overlay = [
        cold_paint(browser, config, overlay_path, overlay_mark) for _ in range(RUNS)
    ]
    tiles = [cold_paint(browser, config, tile_path, tile_mark) for _ in range(RUNS)]
    return {
        "parcels": report["layers"]["parcels"]["count"],
        "build_s": built_s,
        "html_kb": size / 1000,
        "overlay": spread(overlay, higher_is_better=False),
        "tile": spread(tiles, higher_is_better=False),
        "warm_overlay_ms": statistics.median(warm_overlay),
        "warm_tile_ms": statistics.median(warm_tiles),
    }


@exit_on_failure
def main() -> None:
    """Measure each size and print a table; exit 1 on any failed request."""
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
        f"{'parcels':>9} {'HTML kB':>9} {'first overlay ms':>20} "
        f"{'warm':>6} {'first parcel tile ms':>21} {'warm':>6} {'store build s':>14}"
    )
    for r in rows:
        print(
            f"{r['parcels']:>9,} {r['html_kb']:>9.1f} {format(r['overlay'], '.0f'):>20}"
            f" {r['warm_overlay_ms']:>6.0f} {format(r['tile'], '.0f'):>21}"
            f" {r['warm_tile_ms']:>6.0f} {r['build_s']:>14.1f}"
        )
    print(
        f"\nfirst: a first visitor (a fresh app, nothing cached; median of {RUNS}, "
        "fastest–slowest); warm: the server has rendered the page and tiles before "
        f"(median of {RUNS}); every run in a fresh browser context"
    )
    print(
        "\ntargets: HTML flat and ≤ 300 kB; first overlay ≤ 2000 ms at 100,000 parcels"
    )
    print(
        "baseline (Folium inline GeoJSON): 490 kB at 1,000 parcels, 4,800 kB at 10,000"
    )


if __name__ == "__main__":
    main()
