"""The period selector in Chromium: choosing an earlier period recolours a park."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import wait_for_map

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
EARLIER = "2022-10-14-month"  # VSIP at 45 % (illustrative), in a lower class
VIEW = "/?lang=en&base=none&layers=parks&tab=figures&center=20.85000,106.70000&zoom=10"
FILL = """(id) => {
    let fill = null;
    parkmap.overlays.parks.eachLayer(l => { if (l.feature.id === id) {
        fill = l.options.fillColor; } });
    return fill;
}"""


def test_choosing_a_period_recolours_the_park(map_site, guarded_page) -> None:
    page = guarded_page
    page.goto(map_site + VIEW)
    wait_for_map(page)
    before = page.evaluate(FILL, "vsip")
    page.select_option("#pm-period", EARLIER)
    with page.expect_navigation():
        page.click("#pm-period-form button[type=submit]")
    wait_for_map(page)
    assert f"period={EARLIER}" in page.url and "zoom=10" in page.url
    after = page.evaluate(FILL, "vsip")
    assert before and after and before != after
    assert page.locator("#pm-period").input_value() == EARLIER
    # the path Leaflet drew carries the new colour
    fills = page.eval_on_selector_all(
        ".leaflet-overlay-pane path", "els => els.map(e => e.getAttribute('fill'))"
    )
    assert after in fills


@pytest.mark.parametrize("size", [(390, 844), (1366, 800)])
def test_selector_passes_axe(map_site, chromium, size) -> None:
    context = chromium.new_context(
        viewport={"width": size[0], "height": size[1]}, bypass_csp=True
    )
    try:
        page = context.new_page()
        page.goto(map_site + VIEW + "&sheet=full")  # the phone's sheet open
        wait_for_map(page)
        page.add_script_tag(path=str(AXE))
        found = page.evaluate(
            """() => axe.run('#pm-pane-figures', {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
                .then(r => r.violations.map(v => v.id))"""
        )
        assert found == []
        page.focus("#pm-period")
        assert page.evaluate("document.activeElement.id") == "pm-period"
    finally:
        context.close()
