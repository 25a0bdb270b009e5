"""Issue 16 in Chromium: touch targets of 44×44 CSS px that never lie on each other.

On a 390×844 phone the landmarks (and the 360° cameras, once shown) must not overlap
at any zoom: nearby ones merge into a cluster marker (static/parkmap/declutter.js)
that names its places and zooms in by click or keyboard. The small controls the
audit found (attribution link, /land's status boxes, the gallery's links, the
portal's buttons) are 44 px targets, and ``legend=0`` drops the Legend tab.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import REPORTS
from tests.support.apps import close_store
from tests.support.browser import ARTIFACTS, _route, sample_map_app, wait_for_map
from tests.support.scenes import generate_small
from tests.support.servers import serve

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
LAPTOP = {"viewport": {"width": 1366, "height": 800}}
LANDMARKS, SCENES = 8, 18  # in the sample data

# The map's markers as drawn: how many places they stand for, the smallest side,
# and the pairs whose boxes overlap.
MARKERS = """() => {
  const els = [...document.querySelectorAll('.leaflet-marker-pane > *')]
    .filter(e => e.getClientRects().length);
  const boxes = els.map(e => e.getBoundingClientRect());
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
      overlaps.push([els[i].getAttribute('aria-label') || els[i].className,
                     els[j].getAttribute('aria-label') || els[j].className]);
  }
  const places = els.reduce((n, e) => n + (e.classList.contains('pm-cluster')
    ? Number(e.textContent) : 1), 0);
  const side = Math.min(...boxes.map(b => Math.min(b.width, b.height)));
  return {places, side, overlaps};
}"""
FOCUSED = "document.activeElement.getAttribute('aria-label') || ''"


@pytest.fixture(scope="module")
def site(sample_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample map app with small generated 360° scenes, on 127.0.0.1."""
    scratch = tmp_path_factory.mktemp("targets")
    app = sample_map_app(sample_store, scratch)
    generate_small(
        sample_store, scratch / "no-photos", Path(app.config["PANORAMA_DIR"])
    )
    yield from serve(app)
    close_store(app)


@pytest.fixture
def open_page(chromium, guard, request) -> Iterator:
    """``open_page(url, size)``: a guarded page; a screenshot if the test fails."""
    contexts, pages = [], []

    def opener(url: str, size: dict):
        context = chromium.new_context(**size)
        contexts.append(context)
        context.route("**/*", _route(guard))
        page = context.new_page()
        pages.append(page)
        page.on("console", lambda m: m.type == "error" and guard.errors.append(m.text))
        page.on("pageerror", lambda exc: guard.errors.append(f"uncaught: {exc}"))
        page.goto(url)
        return page

    yield opener
    if any(r.failed for r in request.node.stash.get(REPORTS, {}).values()):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        for i, page in enumerate(pages):
            page.screenshot(path=str(ARTIFACTS / f"{name}-{i}.png"))
    for context in contexts:
        context.close()


def markers_at_every_zoom(page, first: int) -> dict[int, dict]:
    found = {}
    for zoom in range(first, 20):
        page.evaluate("(z) => parkmap.map.setZoom(z, {animate: false})", zoom)
        found[zoom] = page.evaluate(MARKERS)
    return found


def test_phone_landmarks_never_overlap(site, open_page, guard) -> None:
    page = open_page(site + "/?lang=en&base=none", PHONE)
    wait_for_map(page)
    first = page.evaluate("parkmap.map.getZoom()")
    assert first <= 11  # the whole region, where the landmarks crowd
    at_first = page.evaluate(MARKERS)
    assert at_first["overlaps"] == [] and at_first["side"] >= 44
    assert at_first["places"] == LANDMARKS
    assert page.locator(".pm-cluster").count() >= 1
    for zoom, seen in markers_at_every_zoom(page, 3).items():
        assert seen["overlaps"] == [], zoom
        assert seen["side"] >= 44 and seen["places"] == LANDMARKS, (zoom, seen)
    guard.check()


def test_phone_cameras_and_landmarks_never_overlap(site, open_page, guard) -> None:
    page = open_page(site + "/?lang=en&base=none", PHONE)
    wait_for_map(page)
    page.evaluate("parkmap.map.addLayer(parkmap.shellLayers.layers.vr)")
    for zoom, seen in markers_at_every_zoom(page, 8).items():
        assert seen["overlaps"] == [], zoom
        assert seen["side"] >= 44 and seen["places"] == LANDMARKS + SCENES, zoom
    guard.check()


def test_a_cluster_names_its_places_and_opens_by_keyboard(
    site, open_page, guard
) -> None:
    page = open_page(site + "/?lang=en&base=none&center=20.8,106.75&zoom=10", LAPTOP)
    wait_for_map(page)
    cluster = page.locator(".pm-cluster").first
    assert cluster.get_attribute("role") == "button"
    assert cluster.get_attribute("tabindex") == "0"
    name = cluster.get_attribute("aria-label")
    assert name.startswith(cluster.inner_text() + " places: ")
    assert "Hai Phong port" in name and "Zoom in" in name
    cluster.focus()
    zooms = [page.evaluate("parkmap.map.getZoom()")]
    for _ in range(4):  # each Enter zooms in, and focus moves on, till the port
        before = page.evaluate(FOCUSED)
        page.keyboard.press("Enter")
        page.wait_for_function(f"(was) => ![was, ''].includes({FOCUSED})", arg=before)
        zooms.append(page.evaluate("parkmap.map.getZoom()"))
        if " places: " not in page.evaluate(FOCUSED):
            break
    assert zooms == sorted(set(zooms)), zooms  # in, step by step
    assert "Hai Phong port" in page.evaluate(FOCUSED)
    page.keyboard.press("Enter")  # the place itself: its card opens
    page.locator("#pm-card").wait_for(state="visible")
    assert "Hai Phong port" in page.locator("#pm-card-title").inner_text()
    assert "sel=landmarks:haiphong_port" in page.url
    guard.check()


@pytest.mark.parametrize(
    ("path", "selector", "least"),
    [
        ("/?lang=en", ".leaflet-control-attribution a", 44),
        ("/land?lang=en", ".leaflet-control-attribution a", 44),
        ("/land?lang=en", ".land-statuses label, .land-check", 44),
        ("/land?lang=en", ".land-form input[type=checkbox]", 24),  # WCAG 2.5.8
        ("/vr/?lang=en", ".vr-card-link, .vr-card-park", 44),
        ("/vr/?lang=en", ".vr-g-header a", 44),
        ("/vr/?lang=en", ".leaflet-bar a, .leaflet-control-attribution a", 44),
        ("/examples/portal", ".controls button", 44),
        ("/parcels/nomura-001?lang=en", ".leaflet-control-attribution a", 44),
        ("/parcels/nomura-001?lang=en", ".leaflet-bar a, .iv-cam", 44),
        ("/parks/nomura?lang=en", ".leaflet-bar a, .iv-cam", 44),
        ("/parcels/nomura-001?lang=vi", ".iv-actions a, .iv-actions button", 44),
        ("/parks/nomura?lang=ja", ".iv-actions a, .iv-actions button", 44),
        ("/?lang=ko&sel=parcels:nomura-001", "#pm-card .pm-popup a", 44),
    ],
)
def test_phone_controls_are_touch_sized(
    site, open_page, guard, path, selector, least
) -> None:
    page = open_page(site + path, PHONE)
    page.wait_for_load_state("networkidle")
    sides = page.eval_on_selector_all(
        selector,
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [e.textContent.trim(), Math.min(r.width, r.height)]; })",
    )
    assert sides, f"nothing matches {selector}"
    small = [(text, side) for text, side in sides if side < least]
    assert not small, small
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    guard.check()


def test_the_status_boxes_labels_are_their_targets(site, open_page, guard) -> None:
    page = open_page(site + "/land?lang=en", PHONE)
    boxes = page.locator(".land-form input[type=checkbox]")
    assert boxes.count() >= 2
    for i in range(boxes.count()):
        assert boxes.nth(i).evaluate("b => b.parentElement.tagName") == "LABEL"
    guard.check()


def test_legend_0_drops_the_legend_tab(site, open_page, guard) -> None:
    page = open_page(site + "/embed?lang=en&legend=0", PHONE)
    wait_for_map(page)
    assert page.locator("#pm-tab-legend").count() == 0
    assert page.locator("#pm-legend").count() == 0
    page.locator("#pm-tab-layers").tap()
    assert page.locator("#pm-pane-layers .pm-open-full").is_visible()
    page.wait_for_function("() => location.search.includes('tab=layers')")
    assert parse_qs(urlsplit(page.url).query)["legend"] == ["0"]
    guard.check()


def test_without_legend_0_the_legend_tab_is_there(site, open_page, guard) -> None:
    page = open_page(site + "/embed?lang=en", PHONE)
    wait_for_map(page)
    assert page.locator("#pm-tab-legend").count() == 1
    assert "legend" not in parse_qs(urlsplit(page.url).query)
    guard.check()
