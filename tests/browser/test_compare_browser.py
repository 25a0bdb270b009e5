"""Comparing two imagery dates on the map in headless Chromium: the divider."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from geo import crs as geocrs
from geo.raster import north_up
from layers.imagery.rasters import RasterRegistry
from tests.support.browser import sample_map_app, wait_for_map
from tests.support.rasters import BLUE, RED, SPOT, decode_image, target_in, write_tiff
from tests.support.servers import serve

pytestmark = pytest.mark.browser

BEFORE, AFTER = "site-2023-06", "site-2023-10"
EVIL_LABEL = "<img src=x onerror=window.__xss=1>"
VIEW = f"center={SPOT[1]:.5f},{SPOT[0]:.5f}&zoom=15&base=none&lang=en"
SIZE, PIXEL_M = 256, 10.0  # 2.56 km square: about 570 px wide at zoom 15

# The clip rectangle of a raster's tile container, in map-container pixels.
CLIP_JS = """(name) => {
    const layer = document.querySelector('.leaflet-layer.pm-raster-' + name);
    if (!layer) { return null; }
    const clip = getComputedStyle(layer).clip;
    const m = clip.match(/^rect\\(([-\\d.]+)px,? ([-\\d.]+)px,? ([-\\d.]+)px,? ([-\\d.]+)px\\)$/);
    if (!m) { return clip; }
    const [top, right, bottom, left] = m.slice(1).map(Number);
    const nw = parkmap.map.layerPointToContainerPoint([left, top]);
    const se = parkmap.map.layerPointToContainerPoint([right, bottom]);
    return {left: nw.x, top: nw.y, right: se.x, bottom: se.y};
}"""
LOADED_JS = """(names) => names.every((name) => {
    const imgs = document.querySelectorAll('.pm-raster-' + name + ' img.leaflet-tile');
    return imgs.length > 0 && [...imgs].every(
        (i) => i.complete && i.classList.contains('leaflet-tile-loaded'));
})"""


def solid(directory: Path, name: str, colour: tuple[int, int, int]) -> Path:
    """A square of one colour centred on ``SPOT``, in UTM 48N."""
    x, y = target_in(geocrs.UTM48N)
    half = SIZE * PIXEL_M / 2
    data = np.empty((3, SIZE, SIZE), dtype=np.uint8)
    for band, value in enumerate(colour):
        data[band] = value
    transform = north_up(x - half, y + half, PIXEL_M, PIXEL_M)
    return write_tiff(
        directory / f"{name}.tif", data, crs=geocrs.UTM48N, transform=transform
    )


@pytest.fixture
def compare_site(sample_store: Path, tmp_path: Path) -> Iterator[str]:
    """The sample map with two dates of one site: blue before, red after.

    The later one's label is HTML, as an importer could type it.
    """
    registry = RasterRegistry(tmp_path / "rasters")  # ``isolated``'s RASTER_DIR
    for name, colour, label in (
        (BEFORE, BLUE, "Site survey 2023-06"),
        (AFTER, RED, EVIL_LABEL),
    ):
        registry.import_file(
            solid(tmp_path, name, colour),
            name=name,
            date=name[-7:],
            label=label,
            progress=lambda _m: None,
        )
    app = sample_map_app(sample_store, tmp_path)
    assert app.config["RASTER_DIR"] == str(tmp_path / "rasters")
    yield from serve(app)


def open_map(page, url: str, *, rasters: tuple[str, ...] = ()) -> None:
    """Open ``url``, hide the vector overlays, wait for the rasters' tiles."""
    page.goto(url)
    wait_for_map(page)
    page.evaluate("parkmap.setLayers([])")  # nothing drawn over the imagery
    if rasters:
        page.wait_for_function(LOADED_JS, arg=list(rasters), timeout=15_000)


def clip(page, name: str) -> dict[str, float]:
    found = page.evaluate(CLIP_JS, name)
    assert isinstance(found, dict), found
    return found


def divider_x(page) -> float:
    """The divider line's centre, in map-container pixels."""
    return page.evaluate(
        """() => {
            const line = document.querySelector('.pm-raster-swipe-line').getBoundingClientRect();
            const box = parkmap.map.getContainer().getBoundingClientRect();
            return line.left + line.width / 2 - box.left;
        }"""
    )


def colour_at(page, x: float, y: float) -> np.ndarray:
    """The RGB on screen at a map-container point."""
    box = page.locator(".folium-map").bounding_box()
    png = page.screenshot(
        clip={"x": box["x"] + x, "y": box["y"] + y, "width": 1, "height": 1}
    )
    return decode_image(png)[:3, 0, 0].astype(int)


def is_blue(rgb: np.ndarray) -> bool:
    return rgb[2] > rgb[0] + 80


def is_red(rgb: np.ndarray) -> bool:
    return rgb[0] > rgb[2] + 80


def test_compare_from_the_url_splits_the_map(compare_site, guarded_page, guard) -> None:
    page = guarded_page
    open_map(
        page,
        f"{compare_site}/?{VIEW}&compare={BEFORE},{AFTER}",
        rasters=(BEFORE, AFTER),
    )
    width, height = page.evaluate("[parkmap.map.getSize().x, parkmap.map.getSize().y]")
    assert page.locator(".pm-raster-swipe input[type=range]").count() == 1
    x = divider_x(page)
    assert abs(x - width / 2) < 2
    before, after = clip(page, BEFORE), clip(page, AFTER)
    assert abs(before["right"] - x) < 1 and before["left"] <= 0
    assert abs(after["left"] - x) < 1 and after["right"] >= width
    assert before["top"] <= 0 and after["bottom"] >= height
    y = height / 2 - 120  # clear of the handle and the labels
    assert is_blue(colour_at(page, x - 150, y)), "before shows left of the divider"
    assert is_red(colour_at(page, x + 150, y)), "after shows right of the divider"
    assert page.locator(".pm-raster-swipe-before").inner_text() == "Before: 2023-06"
    assert page.locator(".pm-raster-swipe-after").inner_text() == "After: 2023-10"
    assert f"compare={BEFORE},{AFTER}" in page.evaluate("location.search")
    assert page.locator(".pm-raster-compare-toggle").is_checked()
    guard.check()


def test_dragging_the_divider_moves_the_clip(compare_site, guarded_page, guard) -> None:
    page = guarded_page
    open_map(
        page,
        f"{compare_site}/?{VIEW}&compare={BEFORE},{AFTER}",
        rasters=(BEFORE, AFTER),
    )
    height = page.evaluate("parkmap.map.getSize().y")
    centre = page.evaluate("parkmap.map.getCenter()")
    box = page.locator(".folium-map").bounding_box()
    x = divider_x(page)
    page.mouse.move(box["x"] + x, box["y"] + height / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + x + 200, box["y"] + height / 2, steps=8)
    page.mouse.up()
    moved = divider_x(page)
    assert abs(moved - (x + 200)) < 3
    assert abs(clip(page, BEFORE)["right"] - moved) < 1
    assert abs(clip(page, AFTER)["left"] - moved) < 1
    assert is_blue(colour_at(page, x + 150, height / 2 - 120)), "now left of it"
    assert page.evaluate("parkmap.map.getCenter()") == centre, "the map did not pan"
    page.locator(".pm-raster-swipe input").focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert divider_x(page) < moved - 10
    assert abs(clip(page, BEFORE)["right"] - divider_x(page)) < 1
    assert page.evaluate("parkmap.map.getCenter()") == centre, "keys moved no map"
    page.set_viewport_size({"width": 900, "height": 700})
    # The map is 900 px less the panel beside it.
    width = page.evaluate("900 - document.getElementById('pm-sheet').offsetWidth")
    page.wait_for_function(f"() => parkmap.map.getSize().x === {width}")
    assert abs(clip(page, AFTER)["left"] - divider_x(page)) < 1
    assert clip(page, AFTER)["right"] >= width
    guard.check()


def test_the_divider_follows_a_finger(compare_site, guarded_page, guard) -> None:
    page = guarded_page
    open_map(
        page,
        f"{compare_site}/?{VIEW}&compare={BEFORE},{AFTER}",
        rasters=(BEFORE, AFTER),
    )
    box = page.locator(".folium-map").bounding_box()
    y = box["y"] + page.evaluate("parkmap.map.getSize().y") / 2
    x = divider_x(page)
    centre = page.evaluate("parkmap.map.getCenter()")
    cdp = page.context.new_cdp_session(page)
    for kind, dx in [("touchStart", 0), *(("touchMove", -25 * i) for i in range(1, 9))]:
        point = {"x": box["x"] + x + dx, "y": y}
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    moved = divider_x(page)
    assert abs(moved - (x - 200)) < 3
    assert abs(clip(page, BEFORE)["right"] - moved) < 1
    assert page.evaluate("parkmap.map.getCenter()") == centre, "the map did not pan"
    guard.check()


def test_switching_compare_off_and_on_in_the_panel(
    compare_site, guarded_page, guard
) -> None:
    page = guarded_page
    open_map(page, f"{compare_site}/?{VIEW}&compare={BEFORE},{AFTER}")
    page.locator(".pm-raster-compare-toggle").uncheck()
    assert page.locator(".pm-raster-swipe, .pm-raster-swipe-line").count() == 0
    assert page.locator(".pm-raster-swipe-label").count() == 0
    assert page.locator(".leaflet-layer.pm-raster").count() == 0  # hidden again
    page.wait_for_function("() => !location.search.includes('compare=')")
    # the other way round, chosen in the panel
    page.locator("select.pm-raster-compare-before").select_option(AFTER)
    assert page.locator("select.pm-raster-compare-after").input_value() == BEFORE
    page.locator(".pm-raster-compare-toggle").check()
    page.wait_for_function(LOADED_JS, arg=[BEFORE, AFTER], timeout=15_000)
    assert page.locator(".pm-raster-swipe input").get_attribute("aria-label")
    x = divider_x(page)
    assert abs(clip(page, AFTER)["right"] - x) < 1  # the later date is now left
    assert page.locator(".pm-raster-swipe-before").inner_text() == "Before: 2023-10"
    page.wait_for_function(
        f"() => location.search.includes('compare={AFTER},{BEFORE}')"
    )
    guard.check()


def test_map_without_compare_has_no_divider(compare_site, guarded_page, guard) -> None:
    page = guarded_page
    open_map(page, f"{compare_site}/?{VIEW}")
    assert page.locator(".pm-raster-compare-toggle").count() == 1
    assert not page.locator(".pm-raster-compare-toggle").is_checked()
    assert page.locator(".pm-raster-swipe, .pm-raster-swipe-line").count() == 0
    assert page.locator(".leaflet-layer.pm-raster").count() == 0
    assert "compare=" not in page.evaluate("location.search")
    guard.check()


def test_raster_labels_show_as_text(compare_site, guarded_page, guard) -> None:
    page = guarded_page
    open_map(page, f"{compare_site}/?{VIEW}&compare={BEFORE},{AFTER}")
    title = f"2023-10 · {EVIL_LABEL}"
    after = page.locator(".pm-raster-swipe-after")
    assert after.get_attribute("title") == title
    option = page.locator(f"select.pm-raster-compare-after option[value={AFTER}]")
    assert option.get_attribute("title") == title
    assert option.inner_text().startswith("2023-10 · <img")
    assert "2023-10 · <img src=x" in page.locator(".pm-raster-opacity").inner_text()
    assert EVIL_LABEL in page.locator("#pm-layers").inner_text()
    assert page.locator(".pm-raster-opacity img, #pm-layers img").count() == 0
    assert page.evaluate("window.__xss") is None
    guard.check()
