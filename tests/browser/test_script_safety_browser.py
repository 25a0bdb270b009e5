"""A scene title written as script shows as text and runs nothing (issue 15).

The title holds ``${…}`` (template-literal syntax), a backtick, quotes and
``</script>``: on the public map its camera's tooltip must read exactly that text,
and in the 360° viewer the caption too, with ``window.PWNED`` never set.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.apps import isolated
from tests.support.browser import add_test_tiles, wait_for_map
from tests.support.scenes import TOKEN, tiny_with_scenes, upload_titled
from tests.support.servers import serve
from webmap import create_app

pytestmark = pytest.mark.browser

TITLE = (
    "Cam ${window.PWNED=document.domain} `tick` \"dq\" 'sq' "
    '</script><img src=x onerror="window.PWNED=1">'
)


@pytest.fixture
def hostile_site(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The tiny map with one scene titled ``TITLE``; yields (base URL, scene id)."""
    data_dir, store, scenes = tiny_with_scenes(tmp_path / "tiny", width=1024)
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "STORE": str(store),
            **isolated(tmp_path),
            "PANORAMA_DIR": str(scenes),
            "ADMIN_TOKEN": TOKEN,
        }
    )
    add_test_tiles(app)
    scene = upload_titled(app, TITLE)
    for url in serve(app):
        yield url, scene


def test_map_tooltip_shows_the_title_as_text(hostile_site, guarded_page) -> None:
    base, scene = hostile_site
    page = guarded_page
    page.goto(f"{base}/?lang=en&center=20.9,106.6&zoom=15")
    wait_for_map(page)
    page.get_by_label("360° views").check()  # the cameras' layer is off at first
    camera = page.locator(f".pm-vr-camera[href*='/vr/{scene}']")
    camera.hover()
    tooltip = page.locator(".leaflet-tooltip").last
    tooltip.wait_for(state="visible")
    assert tooltip.inner_text().strip() == f"{TITLE} · 360°"
    assert tooltip.locator("img").count() == 0
    assert page.evaluate("() => window.PWNED") is None


def test_viewer_caption_shows_the_title_as_text(hostile_site, guarded_page) -> None:
    base, scene = hostile_site
    page = guarded_page
    page.goto(f"{base}/vr/{scene}?lang=en")
    page.wait_for_selector(
        f"body[data-ready=true][data-scene='{scene}']", timeout=30_000
    )
    assert page.locator("#vr-title").inner_text() == TITLE
    caption = page.locator(".psv-caption-content")
    assert caption.inner_text().strip() == TITLE
    assert caption.locator("img").count() == 0
    assert page.evaluate("() => window.PWNED") is None
