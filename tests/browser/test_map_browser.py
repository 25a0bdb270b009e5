"""The map page in headless Chromium over the sample data."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.support.browser import wait_for_map
from tests.support.extra_layers import EVIL_NAME

pytestmark = pytest.mark.browser

# Shown by default, in map order (the other infrastructure layers start hidden).
OVERLAYS = ["zones", "parks", "parcels", "roads", "berths", "housing", "landmarks"]
# The Layers tab: by group (zones and parks, land, port and logistics, roads and
# utilities, housing), then in map order.
IN_PANEL = [
    *("zones", "parks", "parcels", "berths", "landmarks", "river_ports"),
    *("isochrones", "roads", "rail", "interchanges", "substations", "water_plants"),
    "housing",
]


def feature(site: str, layer: str, feature_id: str, lang: str = "en") -> dict:
    """``/map/feature`` over HTTP (for a point inside the feature)."""
    url = f"{site}/map/feature?layer={layer}&id={feature_id}&lang={lang}"
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.load(resp)


def click_latlng(page, lat: float, lon: float) -> None:
    """A real mouse click at a map position."""
    x, y = page.evaluate(
        """([lat, lon]) => {
            const p = parkmap.map.latLngToContainerPoint([lat, lon]);
            const box = parkmap.map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        [lat, lon],
    )
    page.mouse.click(x, y)


def test_map_renders_every_overlay(map_site, map_app, guarded_page, guard) -> None:
    page = guarded_page
    page.goto(map_site + "/?lang=vi")
    wait_for_map(page)
    state = page.evaluate("parkmap.state()")
    assert state["layers"] == OVERLAYS and state["base"] == "osm"
    assert state["zoom"] < 12  # the whole region: parcel tiles start at 12
    assert page.evaluate("parkmap.map.getMinZoom()") == 3  # not lifted by a layer
    assert page.locator(".leaflet-overlay-pane path").count() >= 18 + 12
    # The 8 landmarks: alone, or merged where they would overlap (declutter.js).
    alone = page.locator(".pm-icon:not(.pm-cluster)").count()
    merged = page.eval_on_selector_all(
        ".pm-cluster", "els => els.reduce((n, e) => n + Number(e.textContent), 0)"
    )
    assert alone + merged == 8
    assert page.locator(".leaflet-pm-points-pane path").count() == 8  # housing
    # The panel's Layers tab lists them (no layer control on the map).
    assert page.locator(".leaflet-control-layers").count() == 0
    boxes = page.locator("#pm-layers input[type=checkbox]")
    in_panel = [boxes.nth(i).get_attribute("value") for i in range(boxes.count())]
    assert in_panel == IN_PANEL
    assert page.locator("#pm-layers input[type=radio][name=pm-base]").count() == 3
    for control in (
        "search-input",
        "leaflet-control-minimap",
        "leaflet-control-scale",
        "leaflet-control-zoom-fullscreen",
        "polyline-measure-unicode-icon",
    ):
        assert page.locator(f".{control}").count() >= 1, control
    assert page.locator("#pm-pane-figures dt").count() >= 7
    assert "14/10/2023" in page.locator(".leaflet-control-attribution").inner_text()
    page.wait_for_timeout(300)
    assert map_app.extensions["test_tile_hits"], "the base map came from the test route"
    guard.check()


def test_parcels_paint_when_zoomed_in(map_site, guarded_page, guard) -> None:
    page = guarded_page
    page.goto(map_site + "/?center=20.87500,106.60100&zoom=15&layers=parks,parcels")
    wait_for_map(page)
    page.wait_for_function(
        "() => performance.getEntriesByName('parkmap:first-tile').length > 0"
    )
    assert page.locator(".leaflet-pm-tiles-pane path").count() > 10
    guard.check()


def test_park_popup_shows_occupancy(map_site, guarded_page, guard) -> None:
    page = guarded_page
    park = feature(map_site, "parks", "nomura")
    page.goto(map_site + "/?lang=en&layers=parks&base=none")
    wait_for_map(page)
    click_latlng(page, *park["center"])
    card = page.locator("#pm-card")
    card.wait_for()
    assert page.locator(".leaflet-popup").count() == 0  # the card, not a popup
    text = card.inner_text()
    assert "KCN Nhật Bản – Hải Phòng (Japan – Hai Phong (Nomura) IP)" in text
    assert re.search(r"Occupancy as of Oct 14, 2023:?\s+100 %", text)  # the period's
    assert "Occupancy (from parcels)" in text
    page.wait_for_function("() => location.search.includes('sel=parks:nomura')")
    guard.check()


def test_language_switch_changes_the_legend(map_site, guarded_page, guard) -> None:
    page = guarded_page
    page.goto(map_site + "/?lang=vi&base=none")
    wait_for_map(page)
    legend = page.locator("#pm-legend")
    assert "Tỷ lệ lấp đầy" in legend.inner_text()
    page.evaluate("parkmap.map.setView([20.86, 106.7], 13, {animate: false})")
    page.wait_for_function("() => location.search.includes('zoom=13')")
    with page.expect_navigation():
        page.click("a[data-lang=en]")
    wait_for_map(page)
    text = page.locator("#pm-legend").inner_text()
    assert "Occupancy (fill rate)" in text and "Tỷ lệ lấp đầy" not in text
    assert "lang=en" in page.url and "center=20.86000,106.70000&zoom=13" in page.url
    assert page.locator("html").get_attribute("lang") == "en"
    guard.check()


def test_parcel_click_shows_details(map_site, sample_app, guarded_page, guard) -> None:
    from webmap.core.store import get_store  # noqa: PLC0415

    with sample_app.app_context():
        parcel = get_store().query("parcels", filters={"park_id": "nomura"}, limit=1)
    parcel_id = parcel.features[0].id
    where = feature(map_site, "parcels", parcel_id)["center"]
    page = guarded_page
    page.goto(
        f"{map_site}/?lang=en&center={where[0]},{where[1]}&zoom=17&layers=parcels&base=none"
    )
    wait_for_map(page)
    page.wait_for_function(
        "() => performance.getEntriesByName('parkmap:first-tile').length > 0"
    )
    page.wait_for_timeout(200)
    click_latlng(page, *where)
    popup = page.locator("#pm-card .pm-popup")
    popup.wait_for()
    assert popup.get_attribute("data-id") == parcel_id
    text = popup.text_content()
    assert "Land parcels" in text and "Industrial park" in text and "Area" in text
    assert "KCN Nhật Bản – Hải Phòng" in text
    page.wait_for_function(f"() => location.search.includes('sel=parcels:{parcel_id}')")
    guard.check()


def test_url_restores_the_view(map_site, guarded_page, guard) -> None:
    page = guarded_page
    page.goto(
        map_site + "/?lang=ko&center=20.87500,106.60100&zoom=14"
        "&layers=parks,landmarks&base=none&sel=parks:nomura"
    )
    wait_for_map(page)
    state = page.evaluate("parkmap.state()")
    assert state["zoom"] == 14
    assert abs(state["center"][0] - 20.875) < 1e-4
    assert abs(state["center"][1] - 106.601) < 1e-4
    assert state["layers"] == ["parks", "landmarks"] and state["base"] == "none"
    assert state["selected"] == {"layer": "parks", "id": "nomura"}
    assert "KCN Nhật Bản" in page.locator("#pm-card-title").inner_text()
    assert page.locator("#pm-tab-legend").inner_text() == "범례"
    guard.check()


def test_moved_view_is_shareable(map_site, guarded_page, guard) -> None:
    page = guarded_page
    page.goto(map_site + "/?base=none")
    wait_for_map(page)
    page.evaluate("parkmap.map.setView([20.83, 106.75], 12, {animate: false})")
    page.wait_for_function("() => location.search.includes('zoom=12')")
    page.uncheck("#pm-layers input[value=housing]")
    page.check("#pm-layers input[value='base:satellite']")
    page.wait_for_function("() => location.search.includes('base=satellite')")
    shared = page.url
    page.goto("about:blank")
    page.goto(shared)
    wait_for_map(page)
    state = page.evaluate("parkmap.state()")
    assert state["zoom"] == 12 and state["base"] == "satellite"
    assert state["layers"] == [o for o in OVERLAYS if o != "housing"]
    guard.check()


def test_search_finds_a_park(map_site, guarded_page, guard) -> None:
    page = guarded_page
    page.goto(map_site + "/?lang=en&base=none&layers=parks")
    wait_for_map(page)
    page.locator("input.search-input").press_sequentially("VSIP")
    page.locator(".search-tip").first.click()
    page.locator("#pm-card").wait_for()
    assert "VSIP" in page.locator("#pm-card-title").inner_text()
    guard.check()


def test_html_in_names_shows_as_text(evil_site, guarded_page, guard) -> None:
    page = guarded_page
    page.goto(evil_site + "/?lang=en&base=none&layers=parks&sel=parks:a")
    wait_for_map(page)
    title = page.locator("#pm-card-title")
    title.wait_for()
    assert title.inner_text() == EVIL_NAME
    page.click("#pm-card-close")  # back to the Layers tab and its park search
    page.locator("input.search-input").press_sequentially("KCN")
    tips = page.locator(".search-tooltip")
    tips.wait_for()
    assert "<script>" in tips.inner_text()
    page.locator(".leaflet-overlay-pane path >> visible=true").first.hover()
    page.locator(".leaflet-tooltip").wait_for()
    assert page.locator(".leaflet-tooltip").inner_text().startswith("<script>")
    assert page.evaluate("window.__xss") is None
    guard.check()


@pytest.mark.parametrize(
    "path",
    ["/?lang=vi", "/?lang=ja&base=satellite", "/embed?lang=ko", "/examples/portal"],
)
def test_pages_load_assets_only_from_the_app(
    map_site, guarded_page, guard, path
) -> None:
    """Every script, stylesheet, font and image comes from the app itself."""
    page = guarded_page
    loaded: list[tuple[str, str]] = []
    page.on("request", lambda r: loaded.append((r.resource_type, r.url)))
    page.goto(map_site + path)
    page.wait_for_load_state("networkidle")
    kinds = {kind for kind, _ in loaded}
    assert {"script", "stylesheet", "image"} <= kinds
    for kind, url in loaded:
        if kind in ("script", "stylesheet", "font", "image", "document"):
            assert url.startswith(map_site + "/"), (kind, url)
    guard.check()
