"""The map-first shell (issue 16): the map visible on every screen, one panel to use.

At 1366×800 the panel sits beside the map, at 390×844 (touch) it is a bottom sheet
at its peek height, at 768×1024 a sheet too. The map must be unobscured at first
load, sampled on a 20×20 grid with ``elementFromPoint``; the panel's tabs, the
Layers tab, the details card, Find land here, the keyboard and the back button are
driven as a user would.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.browser import wait_for_map

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
}
TABLET = {"viewport": {"width": 768, "height": 1024}, "has_touch": True}
LAPTOP = {"viewport": {"width": 1366, "height": 800}}

# Share of a 20×20 grid over the map element that must hit the map itself.
GRID = """(n) => {
  const map = document.querySelector('.folium-map, #land-map');
  const box = map.getBoundingClientRect();
  let hits = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const x = box.left + (i + 0.5) * box.width / n;
    const y = box.top + (j + 0.5) * box.height / n;
    const el = document.elementFromPoint(x, y);
    if (el && map.contains(el) && !el.closest('.leaflet-control-container')) hits++;
  }
  return hits / (n * n);
}"""


@pytest.fixture
def open_page(chromium, guard, request):
    """``open_page(url, size)``: a guarded page of that size, waited for the map."""
    from tests.support.browser import _route  # noqa: PLC0415

    contexts = []

    def opener(url: str, size: dict, frame: bool = False):
        context = chromium.new_context(**size)
        contexts.append(context)
        context.route("**/*", _route(guard))
        page = context.new_page()
        page.on(
            "console",
            lambda m: guard.errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda exc: guard.errors.append(f"uncaught: {exc}"))
        page.goto(url)
        if "/land" in url:
            page.wait_for_selector("#land-map.leaflet-container")
        elif not frame:
            wait_for_map(page)
        return page

    yield opener
    for context in contexts:
        context.close()


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


@pytest.mark.parametrize(
    ("path", "size", "least"),
    [
        ("/?lang=en", LAPTOP, 0.9),
        ("/?lang=en", PHONE, 0.7),
        ("/?lang=vi", TABLET, 0.7),
        ("/embed?lang=en", LAPTOP, 0.9),
        ("/embed?lang=ko", PHONE, 0.7),
        ("/land?lang=en", LAPTOP, 0.9),
        ("/land?lang=vi", PHONE, 0.7),
    ],
)
def test_map_is_unobscured_at_first_load(
    map_site, open_page, guard, path, size, least
) -> None:
    page = open_page(map_site + path, size)
    share = page.evaluate(GRID, 20)
    assert share >= least, f"{share:.0%} of the map visible"
    assert (
        page.evaluate("document.documentElement.scrollWidth")
        <= size["viewport"]["width"]
    )
    if size is not LAPTOP:
        assert page.locator("#pm-sheet").get_attribute("data-sheet") == "peek"
        assert page.locator(".leaflet-control-minimap").count() == 0
    guard.check()


def test_phone_sheet_opens_and_keeps_its_state(map_site, open_page, guard) -> None:
    page = open_page(map_site + "/?lang=en&base=none", PHONE)
    sheet = page.locator("#pm-sheet")
    page.locator("#pm-tab-figures").tap()
    assert sheet.get_attribute("data-sheet") == "half"
    assert page.locator("#pm-pane-figures").is_visible()
    assert page.locator("#pm-pane-figures dt").count() >= 7
    page.locator("#pm-sheet-handle").tap()
    assert sheet.get_attribute("data-sheet") == "full"
    page.locator("#pm-sheet-handle").focus()
    page.keyboard.press("ArrowDown")
    assert sheet.get_attribute("data-sheet") == "half"
    page.wait_for_function("() => location.search.includes('sheet=half')")
    assert query(page)["tab"] == "figures"
    page.reload()
    wait_for_map(page)
    assert sheet.get_attribute("data-sheet") == "half"
    assert page.locator("#pm-pane-figures").is_visible()
    guard.check()


def test_switching_a_layer_in_the_panel(map_site, open_page, guard) -> None:
    page = open_page(map_site + "/?lang=en&base=none", LAPTOP)
    assert page.locator(".leaflet-control-layers").count() == 0
    parks = page.locator("#pm-layers input[value=parks]")
    assert parks.is_checked()
    label = page.locator(f"#pm-layers label[for='{parks.get_attribute('id')}']")
    assert label.inner_text() == "Industrial parks"
    label.click()
    page.wait_for_function("() => !parkmap.state().layers.includes('parks')")
    assert "parks" not in query(page)["layers"].split(",")
    assert page.locator("#pm-legend section[data-layer=parks]").is_hidden()
    guard.check()


def test_park_card_finds_land_there(map_site, open_page, guard) -> None:
    page = open_page(map_site + "/?lang=en&base=none&layers=parks", PHONE)
    page.evaluate("parkmap.focusPark('nomura')")
    card = page.locator("#pm-card")
    card.wait_for()
    assert "Nomura" in page.locator("#pm-card-title").inner_text()
    assert page.locator("#pm-sheet").get_attribute("data-sheet") == "half"
    assert query(page)["sel"] == "parks:nomura"
    page.get_by_role("button", name="Find land here").tap()
    page.locator("#land-form").wait_for()
    assert page.locator("#pm-tab-land").get_attribute("aria-selected") == "true"
    selected = page.eval_on_selector_all(
        "#land-form select[name=park] option:checked", "els => els.map(e => e.value)"
    )
    assert selected == ["nomura"]
    page.wait_for_function("() => location.search.includes('park=nomura')")
    assert query(page)["land"] == "1" and "sel" not in query(page)
    guard.check()


def test_keyboard_only(map_site, open_page, guard) -> None:
    page = open_page(map_site + "/?lang=en&base=none", LAPTOP)
    # Tab from the top of the page to the first layer switch; Space toggles it.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate(
            "document.activeElement.matches('#pm-layers [type=checkbox]')"
        ):
            break
    else:
        pytest.fail("no layer switch reached by Tab")
    focused = page.evaluate("document.activeElement.value")
    before = page.evaluate("parkmap.state().layers")
    page.keyboard.press("Space")
    page.wait_for_function(
        "(b) => parkmap.state().layers.length !== b.length", arg=before
    )
    assert page.evaluate("document.activeElement.value") == focused
    # The tabs move with the arrow keys.
    page.locator("#pm-tab-layers").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == "pm-tab-figures"
    assert page.locator("#pm-pane-figures").is_visible()
    # A card opens from the park search, and Escape closes it.
    page.keyboard.press("ArrowLeft")
    page.locator("input.search-input").focus()
    page.keyboard.type("VSIP")
    page.locator(".search-tip").first.wait_for()
    page.keyboard.press("Enter")
    page.locator("#pm-card").wait_for()
    assert "VSIP" in page.locator("#pm-card-title").inner_text()
    page.keyboard.press("Escape")
    page.locator("#pm-card").wait_for(state="hidden")
    page.wait_for_function("() => !location.search.includes('sel=')")
    guard.check()


def test_back_button_closes_the_card(map_site, open_page, guard) -> None:
    page = open_page(map_site + "/?lang=en&base=none&layers=parks", LAPTOP)
    page.evaluate("parkmap.focusPark('vsip')")
    page.locator("#pm-card").wait_for()
    page.go_back()
    page.locator("#pm-card").wait_for(state="hidden")
    assert page.url.startswith(map_site)  # still on the map page
    assert page.locator(".folium-map").is_visible()
    guard.check()


FRAME_PAGE = (
    '<!doctype html><html lang="en"><head><title>Portal</title></head><body>'
    '<iframe title="Map" src="/embed?lang=en&amp;base=none" width="360" height="480">'
    "</iframe></body></html>"
)


def test_embed_in_a_narrow_frame_shows_the_map(map_app, map_site, open_page, guard):
    """The authority's portal may give the map a 360 px column."""
    map_app.add_url_rule("/test-portal", view_func=lambda: FRAME_PAGE)
    page = open_page(map_site + "/test-portal", LAPTOP, frame=True)
    frame = page.frames[1]
    wait_for_map(page, frame)
    share = frame.evaluate(GRID, 20)
    assert share >= 0.6, f"{share:.0%} of the map visible in a 360×480 frame"
    assert frame.locator("#pm-sheet").get_attribute("data-tab") == "none"
    assert re.search(r"\d", frame.locator(".leaflet-control-scale").inner_text())
    guard.check()
