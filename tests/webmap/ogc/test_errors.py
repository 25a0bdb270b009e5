"""Bad input to /api: 400 or 404 with an OGC-style body naming the parameter."""

from __future__ import annotations

import pytest

from webmap import create_app

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends

ITEMS = "/api/collections/parcels/items"


def assert_ogc_error(resp, status: int, code: str, parameter: str | None) -> None:
    assert resp.status_code == status
    assert resp.mimetype == "application/problem+json"
    body = resp.json
    assert body["code"] == code and body["status"] == status
    assert body["description"] == body["detail"]
    assert body.get("parameter") == parameter


@pytest.mark.parametrize(
    "bbox",
    ["1,2,3", "a,b,c,d", "106,20,107", "0,91,1,92", "200,0,201,1", "0,5,1,4", ""],
)
def test_malformed_bbox_is_400(shared_client, bbox: str) -> None:
    resp = shared_client.get(ITEMS, query_string={"bbox": bbox})
    assert_ogc_error(resp, 400, "InvalidParameterValue", "bbox")


@pytest.mark.parametrize("limit", ["0", "10001", "-5", "many", "2.5"])
def test_limit_out_of_range_is_400(shared_client, limit: str) -> None:
    resp = shared_client.get(ITEMS, query_string={"limit": limit})
    assert_ogc_error(resp, 400, "InvalidParameterValue", "limit")


def test_limit_10000_is_fine(shared_client) -> None:
    assert shared_client.get(ITEMS, query_string={"limit": 10000}).status_code == 200


@pytest.mark.parametrize("offset", ["-1", "x", "10000000000000000000000"])
def test_bad_offset_is_400(shared_client, offset: str) -> None:
    resp = shared_client.get(ITEMS, query_string={"offset": offset})
    assert_ogc_error(resp, 400, "InvalidParameterValue", "offset")


@pytest.mark.parametrize("parameter", ["limit", "offset"])
def test_a_5000_digit_number_is_refused_in_plain_words(shared_client, parameter):
    # int() refuses past 4,300 digits with advice about sys.set_int_max_str_digits
    resp = shared_client.get(ITEMS, query_string={parameter: "9" * 5000})
    assert_ogc_error(resp, 400, "InvalidParameterValue", parameter)
    assert "a number of 5000 digits" in resp.json["detail"]
    assert "sys." not in resp.json["detail"]


def test_bad_datetime_is_400(shared_client) -> None:
    resp = shared_client.get(ITEMS, query_string={"datetime": "last week"})
    assert_ogc_error(resp, 400, "InvalidParameterValue", "datetime")


def test_bad_format_is_400(shared_client) -> None:
    resp = shared_client.get("/api/collections", query_string={"f": "xml"})
    assert_ogc_error(resp, 400, "InvalidParameterValue", "f")


def test_unknown_collection_is_404(shared_client) -> None:
    resp = shared_client.get("/api/collections/roads/items")
    assert_ogc_error(resp, 404, "NotFound", "collectionId")


@pytest.mark.parametrize(
    "path", ["/api/collections/roads", "/api/collections/roads/queryables"]
)
def test_unknown_collection_metadata_is_404(shared_client, path: str) -> None:
    assert_ogc_error(shared_client.get(path), 404, "NotFound", "collectionId")


def test_unknown_item_is_404(shared_client) -> None:
    resp = shared_client.get(f"{ITEMS}/no-such-parcel")
    assert_ogc_error(resp, 404, "NotFound", "featureId")


def test_unknown_property_is_400(shared_client) -> None:
    resp = shared_client.get(ITEMS, query_string={"colour": "green"})
    assert_ogc_error(resp, 400, "InvalidParameterValue", "colour")
    assert "status" in resp.json["description"]  # says what it takes


def test_several_unknown_parameters_are_all_named(shared_client) -> None:
    resp = shared_client.get(ITEMS, query_string={"zoom": "3", "colour": "green"})
    assert resp.json["parameter"] == "colour,zoom"


def test_unknown_parameter_on_landing_page_is_400(shared_client) -> None:
    resp = shared_client.get("/api", query_string={"bbox": "0,0,1,1"})
    assert_ogc_error(resp, 400, "InvalidParameterValue", "bbox")


@pytest.mark.parametrize(
    ("query", "parameter"),
    [({"status": "sold"}, "status"), ({"park_id": " "}, "park_id")],
)
def test_bad_property_value_is_400(shared_client, query, parameter: str) -> None:
    resp = shared_client.get(ITEMS, query_string=query)
    assert_ogc_error(resp, 400, "InvalidParameterValue", parameter)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [({"total_ha": "lots"}, "total_ha"), ({"eco": "maybe"}, "eco")],
)
def test_mistyped_property_value_is_400(shared_client, query, parameter) -> None:
    resp = shared_client.get("/api/collections/parks/items", query_string=query)
    assert_ogc_error(resp, 400, "InvalidParameterValue", parameter)


def test_repeated_parameter_is_400(shared_client) -> None:
    resp = shared_client.get(f"{ITEMS}?limit=1&limit=2")
    assert_ogc_error(resp, 400, "InvalidParameterValue", "limit")


def test_f_and_lang_are_always_accepted(shared_client) -> None:
    resp = shared_client.get(ITEMS, query_string={"f": "json", "lang": "ko"})
    assert resp.status_code == 200


def test_unknown_api_path_is_ogc_404(shared_client) -> None:
    assert_ogc_error(shared_client.get("/api/tiles"), 404, "NotFound", None)


def test_post_is_405_with_allow(shared_client) -> None:
    resp = shared_client.post(ITEMS)
    assert resp.status_code == 405 and "GET" in resp.headers["Allow"]


def test_errors_outside_api_keep_plain_problem(shared_client) -> None:
    body = shared_client.get("/nowhere").json
    assert body["status"] == 404 and "code" not in body


def test_store_not_built_is_503(tmp_path) -> None:
    app = create_app({"TESTING": True, "STORE": str(tmp_path / "missing.gpkg")})
    resp = app.test_client().get("/api/collections")
    assert_ogc_error(resp, 503, "ServiceUnavailable", None)


def test_huge_integer_filter_is_400_not_500(shared_client) -> None:
    resp = shared_client.get(
        "/api/collections/parks/items", query_string={"occupancy_pct": "1e400"}
    )
    assert_ogc_error(resp, 400, "InvalidParameterValue", "occupancy_pct")
