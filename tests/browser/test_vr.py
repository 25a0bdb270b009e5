"""The VR360 viewer in headless Chromium: loads, walks between scenes, stays local."""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.scenes import tiny_with_scenes
from tests.support.servers import serve
from webmap import create_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def vr_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The tiny store and two generated 1024×512 scenes (parks a and b)."""
    return tiny_with_scenes(tmp_path_factory.mktemp("vr-browser"), width=1024)


@pytest.fixture
def vr_site(vr_data, tmp_path: Path) -> Iterator[str]:
    """The viewer's app on 127.0.0.1."""
    data_dir, store, scenes = vr_data
    shutil.copytree(scenes, tmp_path / "vr")
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "STORE": str(store),
            "PANORAMA_DIR": str(tmp_path / "vr"),
        }
    )
    yield from serve(app)


def open_viewer(page, url: str, scene: str) -> None:
    """Go to ``url`` and wait until the scene is shown."""
    page.goto(url)
    page.wait_for_selector(
        f"body[data-ready=true][data-scene='{scene}']", timeout=30_000
    )


def test_viewer_loads_facing_true_bearings(vr_site, guarded_page, guard) -> None:
    page = guarded_page
    open_viewer(page, f"{vr_site}/vr/park-a?lang=en", "park-a")
    assert page.locator(".psv-container canvas").count() >= 1  # view, compass, map
    centre = page.evaluate(
        """() => { const v = parkmapVR.viewer, d = v.state.textureData.panoData;
            return v.dataHelper.textureCoordsToSphericalCoords(
                {textureX: d.fullWidth / 2, textureY: d.fullHeight / 2}); }"""
    )
    assert math.degrees(centre["yaw"]) % 360 == pytest.approx(0.0, abs=1.0)  # north
    assert page.locator(".vr-pin-park").count() >= 1
    assert page.locator("#vr-generated").is_visible()
    assert all(r.startswith(vr_site) or r.startswith("data:") for r in guard.requests)


def test_link_click_walks_to_the_next_scene(vr_site, guarded_page) -> None:
    page = guarded_page
    open_viewer(page, f"{vr_site}/vr/park-a?lang=en", "park-a")
    page.evaluate("() => parkmapVR.tour.gotoLink('park-b', 0)")
    page.locator(".psv-virtual-tour-link").first.click()
    page.wait_for_selector("body[data-scene='park-b']", timeout=30_000)
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(f"{vr_site}/vr/park-b")
    assert page.locator("#vr-title").inner_text() == "KCN Tràng Duệ"
    back = page.locator("#vr-back").get_attribute("href")
    assert "center=20.87500,106.61500" in back


def test_park_hotspot_opens_its_information(vr_site, guarded_page) -> None:
    page = guarded_page
    open_viewer(page, f"{vr_site}/vr/park-a?lang=en", "park-a")
    page.evaluate(
        """() => { const m = parkmapVR.markers.getMarker('park:b');
            parkmapVR.viewer.rotate(m.config.position); }"""
    )
    page.locator(".psv-marker:has(.vr-pin-park)").filter(has_text="Tràng Duệ").click()
    panel = page.locator(".psv-panel")
    panel.get_by_text("Open on the map").wait_for(timeout=10_000)
    assert "Tràng Duệ" in panel.inner_text()


def test_parcel_view_faces_the_outlined_parcel(vr_site, guarded_page) -> None:
    page = guarded_page
    open_viewer(page, f"{vr_site}/vr/nearest?parcel=b-2&lang=en", "park-b")
    page.wait_for_function("() => parkmapVR.markers.getMarker('parcel-outline-0')")
    looking, target = page.evaluate(
        """() => [parkmapVR.viewer.getPosition(),
                  parkmapVR.docs.get('park-b').parcel]"""
    )
    assert looking["yaw"] == pytest.approx(target["yaw"] % (2 * math.pi), abs=0.02)
