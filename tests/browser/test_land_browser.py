"""The land finder in headless Chromium over the sample data: list, map, URL, export."""

from __future__ import annotations

import csv
import json
import urllib.request

import pytest

from tests.support.browser import wait_for_map

pytestmark = pytest.mark.browser

ISSUE = {"min_ha": "5", "km_lach_huyen_port": "20", "limit": "500"}
LIST_IDS = "els => els.map(e => e.getAttribute('data-id'))"


def expected_ids(site: str, params: dict[str, str]) -> list[str]:
    """What /land/search.json answers for the same search."""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    with urllib.request.urlopen(f"{site}/land/search.json?{query}", timeout=10) as r:
        return [f["id"] for f in json.load(r)["features"]]


def wait_for_results(page, count: int) -> None:
    """Until the list and the map both show ``count`` parcels and nothing is loading."""
    page.wait_for_function(
        """(n) => window.parkmapLand && parkmapLand.current &&
            !document.querySelector('#land-results[aria-busy=true]') &&
            document.querySelectorAll('#land-list [data-id]').length === n &&
            document.querySelectorAll('path.land-parcel[data-id]').length === n""",
        arg=count,
        timeout=15_000,
    )


def shown(page) -> tuple[list[str], list[str]]:
    """The parcel ids of the list (in order) and of the map."""
    rows = page.eval_on_selector_all("#land-list [data-id]", LIST_IDS)
    paths = page.eval_on_selector_all("path.land-parcel[data-id]", LIST_IDS)
    return rows, paths


def fill_issue_search(page, scope: str) -> None:
    """Available parcels ≥ 5 ha within 20 km of Lạch Huyện, all on one page."""
    page.fill(f"{scope} input[name=min_ha]", "5")
    page.fill(f"{scope} input[name=km_lach_huyen_port]", "20")
    page.select_option(f"{scope} select[name=limit]", "500")
    page.click(f"{scope} #land-submit")


def mouse_on_parcel(page, parcel_id: str) -> None:
    """Move the mouse onto a parcel drawn on the map."""
    x, y = page.evaluate(
        """(id) => {
            const s = parkmapLand.current;
            const p = s.map.latLngToContainerPoint(s.layers[id].getCenter());
            const box = s.map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        parcel_id,
    )
    page.mouse.move(x, y)


def test_land_page_search_list_map_url_and_csv(map_site, guarded_page) -> None:
    page = guarded_page
    page.goto(map_site + "/land?lang=en")
    wait_for_results(page, 50)  # the default search: available, largest first
    fill_issue_search(page, "#land-form")
    expected = expected_ids(map_site, ISSUE)
    assert 0 < len(expected) < 93
    wait_for_results(page, len(expected))
    rows, paths = shown(page)
    assert rows == expected
    assert sorted(paths) == sorted(expected)
    assert page.inner_text("#land-summary").startswith(f"{len(expected)} parcels")

    # Hovering a row highlights its parcel; hovering a parcel highlights its row.
    first, second = expected[0], expected[1]
    page.hover(f"#land-list [data-id='{first}']")
    assert "land-hot" in page.get_attribute(f"path[data-id='{first}']", "class")
    page.click(f"#land-list [data-id='{second}'] td >> nth=0")  # zooms to it
    page.mouse.move(1, 1)
    page.wait_for_function(
        """() => { const m = parkmapLand.current.map;
            return m.getZoom() >= 15 && !m._animatingZoom && !m._panAnim?._inProgress; }"""
    )
    mouse_on_parcel(page, second)
    page.wait_for_selector(f"#land-list [data-id='{second}'].is-hot")
    assert page.evaluate("parkmapLand.current.map.getZoom()") >= 15

    # The search lives in the URL: a reload shows the same results.
    for key, value in ISSUE.items():
        assert f"{key}={value}" in page.url
    page.reload()
    wait_for_results(page, len(expected))
    assert shown(page)[0] == expected
    assert page.input_value("#land-form input[name=min_ha]") == "5"

    # The CSV holds the same parcels, in the same order.
    with page.expect_download() as info:
        page.click("#land-export-csv")
    path = info.value.path()
    with open(path, encoding="utf-8-sig", newline="") as fh:
        exported = [row["parcel_id"] for row in csv.DictReader(fh)]
    assert exported == shown(page)[0]


def test_map_page_search_panel(map_site, guarded_page) -> None:
    page = guarded_page
    page.goto(map_site + "/?lang=ko")
    wait_for_map(page)
    page.click("#pm-tab-land")
    wait_for_results(page, 50)
    fill_issue_search(page, "#pm-land")
    expected = expected_ids(map_site, ISSUE)
    wait_for_results(page, len(expected))
    rows, paths = shown(page)
    assert rows == expected and sorted(paths) == sorted(expected)
    page.hover(f"#land-list [data-id='{expected[0]}']")
    assert "land-hot" in page.get_attribute(f"path[data-id='{expected[0]}']", "class")

    # The map URL and the language links carry the search; a reload reopens it.
    page.wait_for_function("() => location.search.includes('min_ha=5')")
    assert "land=1" in page.url and "km_lach_huyen_port=20" in page.url
    assert "min_ha=5" in page.get_attribute("a[data-lang=ja]", "href")
    page.reload()
    wait_for_map(page)
    wait_for_results(page, len(expected))
    assert shown(page)[0] == expected
    assert page.input_value("#pm-land input[name=min_ha]") == "5"

    # Leaving the Find land tab clears the results from the map and the URL.
    page.click("#pm-tab-layers")
    page.wait_for_function("() => !location.search.includes('land=1')")
    assert page.locator("path.land-parcel").count() == 0
