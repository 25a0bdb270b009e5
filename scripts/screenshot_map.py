"""Take the README's screenshots of the map over the sample data (docs/screenshot*.png).

Builds the sample store into a temporary folder, serves the app on 127.0.0.1 and
shoots the page with Debian's Chromium through Playwright, the same way the browser
tests do (no network: the "no base map" choice).
One picture per screen size: a phone (390×844, touch), a tablet (768×1024) and a
laptop (1366×800, also ``docs/screenshot.png``).
Run: ``python scripts/screenshot_map.py [--out docs/screenshot.png] [--query ...]``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from layers.build import build  # noqa: E402
from webmap import create_app  # noqa: E402

QUERY = "lang=en&center=20.85000,106.72000&zoom=13&base=none&sel=parks:dinh_vu"
SIZES = ((390, 844, True), (768, 1024, True), (1366, 800, False))


def main() -> None:
    """Build, serve, shoot."""
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--query", default=QUERY)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="parkmap-shot-") as tmp:
        store = Path(tmp) / "parkmap.gpkg"
        build(ROOT / "data", store, progress=lambda _msg: None)
        app = create_app({"DATA_DIR": str(ROOT / "data"), "STORE": str(store)})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}/?{args.query}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                ],
            )
            args.out.parent.mkdir(parents=True, exist_ok=True)
            for width, height, touch in SIZES:
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    has_touch=touch,
                    is_mobile=touch and width < 600,
                )
                page = context.new_page()
                page.mouse.move(width // 2, height - 5)  # no hover tooltip
                page.goto(url)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(500)
                out = args.out.with_name(f"{args.out.stem}-{width}{args.out.suffix}")
                page.screenshot(path=str(out))
                if not touch:
                    page.screenshot(path=str(args.out))
                context.close()
                print(f"wrote {out}")
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
