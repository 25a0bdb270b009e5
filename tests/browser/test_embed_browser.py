"""The embedded map inside a portal page on a second local origin."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.support.browser import wait_for_map

pytestmark = pytest.mark.browser


def open_portal(page, portal: str, query: str = "lang=en&layers=parks&base=none"):
    """Open the portal example and return the embedded map's frame, started."""
    page.goto(f"{portal}/examples/portal?{query}")
    page.wait_for_selector("#portal-map[data-ready='1']", timeout=15_000)
    frame = next(f for f in page.frames if urlsplit(f.url).path == "/embed")
    wait_for_map(page, frame)
    return frame


def test_embed_sends_its_selection_to_the_portal(
    two_sites, guarded_page, guard
) -> None:
    map_url, portal_url = two_sites
    page = guarded_page
    frame = open_portal(page, portal_url)
    assert frame.url.startswith(map_url + "/embed?")
    assert page.evaluate("location.origin") != frame.evaluate("location.origin")
    frame.locator(".leaflet-overlay-pane path").first.click()
    entry = page.locator("#portal-log li").first
    entry.wait_for()
    assert entry.get_attribute("data-layer") == "parks"
    assert entry.get_attribute("data-id")
    assert "KCN" in entry.inner_text()
    guard.check()


def test_portal_changes_layers_and_focus(two_sites, guarded_page, guard) -> None:
    _, portal_url = two_sites
    page = guarded_page
    frame = open_portal(page, portal_url)
    page.click("#portal-parks")
    frame.wait_for_function(
        "() => parkmap.state().layers.join() === 'parks,parcels'", timeout=5_000
    )
    page.fill("#portal-park", "vsip")
    page.click("#portal-focus")
    frame.locator("#pm-card").wait_for()
    assert "VSIP" in frame.locator("#pm-card-title").inner_text()
    entry = page.locator("#portal-log li[data-id='vsip']")
    entry.wait_for()
    guard.check()


def test_wheel_scrolls_the_portal_until_ctrl(two_sites, guarded_page, guard) -> None:
    _, portal_url = two_sites
    page = guarded_page
    frame = open_portal(page, portal_url)
    box = page.locator("#portal-map iframe").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    zoom = frame.evaluate("parkmap.map.getZoom()")
    page.mouse.wheel(0, 200)
    page.wait_for_function("() => window.scrollY > 0")
    assert frame.evaluate("parkmap.map.getZoom()") == zoom
    assert frame.locator(".pm-gesture-hint.pm-visible").count() == 1
    page.keyboard.down("Control")
    page.mouse.wheel(0, -300)
    page.keyboard.up("Control")
    frame.wait_for_function(f"() => parkmap.map.getZoom() !== {zoom}", timeout=5_000)
    guard.check()


def test_embed_without_a_portal_origin_is_not_trusted(
    map_site, guarded_page, guard
) -> None:
    """Messages from an origin that is not configured are ignored."""
    page = guarded_page
    page.goto(map_site + "/embed?layers=parks&base=none")
    wait_for_map(page)
    page.evaluate(
        "window.dispatchEvent(new MessageEvent('message', {origin: 'https://evil.example',"
        " data: {type: 'parkmap:layers', layers: []}}))"
    )
    page.wait_for_timeout(100)
    assert page.evaluate("parkmap.state().layers") == ["parks"]
    page.evaluate(
        "window.dispatchEvent(new MessageEvent('message', {origin: location.origin,"
        " data: {type: 'parkmap:layers', layers: ['zones']}}))"
    )
    page.wait_for_function("() => parkmap.state().layers.join() === 'zones'")
    guard.check()
