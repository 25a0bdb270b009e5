"""OGC API – Features items: bbox, property filters, paging, one item, caching."""

from __future__ import annotations

import pytest

from layers.build import build

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends

ITEMS = "/api/collections/parcels/items"
BASE = "http://localhost"


def ids(resp) -> list[str]:
    return [f["id"] for f in resp.json["features"]]


def link(resp, rel: str) -> str | None:
    hrefs = [lk["href"] for lk in resp.json["links"] if lk["rel"] == rel]
    return hrefs[0] if hrefs else None


def test_items_are_geojson(shared_client) -> None:
    resp = shared_client.get(ITEMS)
    assert resp.status_code == 200
    assert resp.mimetype == "application/geo+json"
    assert resp.json["type"] == "FeatureCollection"
    assert resp.headers["Content-Crs"] == (
        "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
    )


def test_items_count_matched_and_returned(shared_client) -> None:
    doc = shared_client.get(ITEMS, query_string={"limit": 4}).json
    assert (doc["numberMatched"], doc["numberReturned"]) == (6, 4)


def test_feature_has_id_geometry_properties(shared_client) -> None:
    feature = shared_client.get(ITEMS, query_string={"limit": 1}).json["features"][0]
    assert feature["id"] == "a-1"
    assert feature["geometry"]["type"] == "Polygon"
    assert feature["properties"]["status"] == "leased"


def test_default_limit_is_100(shared_client, monkeypatch) -> None:
    seen = {}
    shared_client.get(ITEMS)  # opens the store
    store = shared_client.application.extensions["parkmap.store"]
    original = store.query_geojson

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(store, "query_geojson", spy)
    shared_client.get(ITEMS, query_string={"f": "json", "lang": "en"})
    assert seen["limit"] == 100 and seen["offset"] == 0


def test_next_link_pages_through_all(shared_client) -> None:
    seen, url = [], f"{ITEMS}?limit=4"
    while url:
        resp = shared_client.get(url.removeprefix(BASE))
        seen += ids(resp)
        url = link(resp, "next")
    assert seen == ["a-1", "a-2", "a-3", "a-4", "b-1", "b-2"]


def test_prev_link_on_later_pages(shared_client) -> None:
    resp = shared_client.get(ITEMS, query_string={"limit": 2, "offset": 3})
    assert link(resp, "prev") == f"{BASE}{ITEMS}?limit=2&offset=1"
    assert shared_client.get(ITEMS, query_string={"limit": 2}).json["links"]


def test_no_prev_link_on_first_page(shared_client) -> None:
    assert link(shared_client.get(ITEMS, query_string={"limit": 2}), "prev") is None


def test_no_next_link_on_last_page(shared_client) -> None:
    resp = shared_client.get(ITEMS, query_string={"limit": 2, "offset": 4})
    assert link(resp, "next") is None


def test_paging_links_keep_filters(shared_client) -> None:
    resp = shared_client.get(ITEMS, query_string={"status": "leased", "limit": 1})
    assert link(resp, "next") == f"{BASE}{ITEMS}?status=leased&limit=1&offset=1"


def test_offset_past_the_end_is_empty(shared_client) -> None:
    doc = shared_client.get(ITEMS, query_string={"offset": 50}).json
    assert doc["features"] == [] and doc["numberMatched"] == 6


def test_bbox_selects_intersecting_features(shared_client) -> None:
    resp = shared_client.get(
        ITEMS, query_string={"bbox": "106.596,20.876,106.597,20.877"}
    )
    assert ids(resp) == ["a-4"]


def test_bbox_with_heights(shared_client) -> None:
    resp = shared_client.get(
        ITEMS, query_string={"bbox": "106.596,20.876,0,106.597,20.877,10"}
    )
    assert ids(resp) == ["a-4"]


def test_bbox_across_the_antimeridian(shared_client) -> None:
    resp = shared_client.get(ITEMS, query_string={"bbox": "106.615,20.0,-170,21.0"})
    assert ids(resp) == ["b-1", "b-2"]


def test_bbox_across_the_antimeridian_pages(shared_client) -> None:
    query = {"bbox": "106.615,20.0,-170,21.0", "limit": 1, "offset": 1}
    doc = shared_client.get(ITEMS, query_string=query).json
    assert [f["id"] for f in doc["features"]] == ["b-2"] and doc["numberMatched"] == 2


def test_property_filters_combine(shared_client) -> None:
    query = {"status": "available", "park_id": "a"}
    assert ids(shared_client.get(ITEMS, query_string=query)) == ["a-3"]


def test_numeric_filter(shared_client) -> None:
    resp = shared_client.get(
        "/api/collections/parks/items", query_string={"total_ha": "120.5"}
    )
    assert ids(resp) == ["a"]


def test_boolean_filter(shared_client) -> None:
    resp = shared_client.get(
        "/api/collections/parks/items", query_string={"eco": "false"}
    )
    assert ids(resp) == ["b"]


def test_bbox_and_filter(shared_client) -> None:
    query = {"bbox": "106.59,20.87,106.6,20.88", "status": "leased"}
    assert ids(shared_client.get(ITEMS, query_string=query)) == ["a-1", "a-2"]


def test_datetime_is_accepted(shared_client) -> None:
    resp = shared_client.get(
        ITEMS, query_string={"datetime": "2023-01-01T00:00:00Z/.."}
    )
    assert resp.json["numberMatched"] == 6


def test_one_item(shared_client) -> None:
    resp = shared_client.get(f"{ITEMS}/b-2")
    assert resp.mimetype == "application/geo+json"
    assert resp.json["id"] == "b-2" and resp.json["properties"]["park_id"] == "b"


def test_item_links_back_to_collection(shared_client) -> None:
    resp = shared_client.get(f"{ITEMS}/b-2")
    assert link(resp, "self") == f"{BASE}{ITEMS}/b-2"
    assert link(resp, "collection") == f"{BASE}/api/collections/parcels"


def test_item_equals_its_entry_in_items(shared_client) -> None:
    item = shared_client.get(f"{ITEMS}/a-3").json
    listed = shared_client.get(ITEMS).json["features"][2]
    item.pop("links")
    assert item == listed


def test_items_carry_etag_and_cache_control(shared_client) -> None:
    resp = shared_client.get(ITEMS)
    assert resp.headers["ETag"].startswith('"')
    assert "max-age" in resp.headers["Cache-Control"]


def test_if_none_match_gives_304(shared_client) -> None:
    tag = shared_client.get(f"{ITEMS}/a-1").headers["ETag"]
    resp = shared_client.get(f"{ITEMS}/a-1", headers={"If-None-Match": tag})
    assert resp.status_code == 304 and resp.data == b""
    assert resp.headers["ETag"] == tag


def test_etag_differs_by_query(shared_client) -> None:
    one = shared_client.get(ITEMS, query_string={"limit": 1}).headers["ETag"]
    two = shared_client.get(ITEMS, query_string={"limit": 2}).headers["ETag"]
    assert one != two


def test_etag_differs_by_format(shared_client) -> None:
    as_json = shared_client.get(ITEMS).headers["ETag"]
    as_html = shared_client.get(ITEMS, headers={"Accept": "text/html"}).headers["ETag"]
    assert as_json != as_html


def test_etag_changes_when_store_is_rebuilt(client, data_dir, app_store) -> None:
    tag = client.get(ITEMS).headers["ETag"]
    build(data_dir, app_store, progress=lambda _msg: None)
    resp = client.get(ITEMS, headers={"If-None-Match": tag})
    assert resp.status_code == 200 and resp.headers["ETag"] != tag


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_items_html_and_json_agree_on_count(shared_client, fmt: str) -> None:
    resp = shared_client.get(ITEMS, query_string={"f": fmt, "status": "leased"})
    assert resp.status_code == 200
    if fmt == "html":
        assert "3 of 3 matching features" in resp.text


def test_readme_examples_work_on_the_sample_data(sample_app) -> None:
    client = sample_app.test_client()
    query = {"status": "available", "park_id": "trang_due", "limit": 20}
    features = client.get(ITEMS, query_string=query).json["features"]
    assert features
    assert {
        (f["properties"]["status"], f["properties"]["park_id"]) for f in features
    } == {("available", "trang_due")}
    assert client.get(f"{ITEMS}/nomura-001").status_code == 200
    bbox = {"bbox": "106.60,20.80,106.75,20.90"}
    assert client.get(ITEMS, query_string=bbox).json["numberReturned"] > 0
