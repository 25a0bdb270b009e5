"""``park_figures``: one feature per park per published period, filtered by period."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.both_stores

ITEMS = "/api/collections/park_figures/items"


def test_listed_among_the_collections(client) -> None:
    ids = [c["id"] for c in client.get("/api/collections").get_json()["collections"]]
    assert "park_figures" in ids


def test_items_are_parks_per_published_period(client) -> None:
    doc = client.get(ITEMS).get_json()
    assert sorted(f["id"] for f in doc["features"]) == [
        "a@2023-06-30-quarter",
        "a@2023-10-14-month",
    ]  # the draft 2023-12-31-year is not published
    point = doc["features"][0]["geometry"]
    assert point["type"] == "Point"


def test_period_filter_selects_one_periods_figures(client) -> None:
    doc = client.get(ITEMS + "?period=2023-06-30-quarter").get_json()
    assert doc["numberMatched"] == 1
    props = doc["features"][0]["properties"]
    assert props["occupancy_pct"] == 40 and props["end"] == "2023-06-30"
    assert props["kind"] == "quarter" and props["park_id"] == "a"
    assert props["illustrative"] is True


@pytest.mark.parametrize("value", ["2023-12-31-year", "nope", ""])
def test_unknown_or_draft_period_is_a_400(client, value) -> None:
    resp = client.get(ITEMS + "?period=" + value)
    assert resp.status_code == 400
    assert resp.get_json()["parameter"] == "period"


def test_item_by_park_and_period(client) -> None:
    resp = client.get(ITEMS + "/a@2023-10-14-month")
    assert resp.status_code == 200
    assert resp.get_json()["properties"]["leased_ha"] == 60.25
    assert client.get(ITEMS + "/a@2023-12-31-year").status_code == 404


def test_bbox_and_paging(client) -> None:
    assert client.get(ITEMS + "?bbox=0,0,1,1").get_json()["numberMatched"] == 0
    doc = client.get(ITEMS + "?limit=1&offset=1").get_json()
    assert doc["numberMatched"] == 2 and len(doc["features"]) == 1


def test_queryables_name_the_published_periods(client) -> None:
    props = client.get("/api/collections/park_figures/queryables").get_json()
    assert props["properties"]["period"]["enum"] == [
        "2023-06-30-quarter",
        "2023-10-14-month",
    ]


def test_in_both_openapi_documents(client) -> None:
    for url in ("/api/openapi", "/openapi.json"):
        paths = client.get(url).get_json()["paths"]
        assert any(p.endswith("/collections/park_figures/items") for p in paths)
