"""The OGC API serves the isochrones and the infrastructure layers, and each
parcel's drive times beside its distances (sample data, both stores)."""

from __future__ import annotations

import pytest

from tests.support.apps import close_store
from tests.support.investor import investor_app

pytestmark = pytest.mark.both_stores

INFRASTRUCTURE = {"roads", "interchanges", "rail", "substations", "water_plants"}
INFRASTRUCTURE |= {"river_ports", "isochrones"}
LANDMARKS = {"lach_huyen_port", "haiphong_port", "cat_bi_airport", "city_centre"}
LANDMARKS |= {"jct_an_duong", "jct_dinh_vu", "jct_do_son", "jct_tien_lang"}


@pytest.fixture(scope="module")
def api(sample_location, tmp_path_factory):
    app = investor_app(sample_location, tmp_path_factory.mktemp("ogc-drive"))
    yield app.test_client()
    close_store(app)


def test_the_new_layers_are_collections(api) -> None:
    doc = api.get("/api/collections").json
    assert INFRASTRUCTURE <= {c["id"] for c in doc["collections"]}


def test_isochrones_from_every_landmark(api) -> None:
    resp = api.get("/api/collections/isochrones/items?limit=100")
    assert resp.status_code == 200
    features = resp.json["features"]
    found = {
        (f["properties"]["origin_id"], f["properties"]["minutes"]) for f in features
    }
    assert {origin for origin, _ in found} == LANDMARKS
    assert {minutes for _, minutes in found} == {15, 30, 45, 60}
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in features)


def test_parcels_carry_minutes_beside_km(api) -> None:
    feature = api.get("/api/collections/parcels/items?limit=1").json["features"][0]
    props = feature["properties"]
    for landmark in LANDMARKS:
        km, minutes = props[f"dist_{landmark}_km"], props[f"drive_{landmark}_min"]
        assert km > 0 and minutes > 0
        # by road, never faster than 120 km/h over the straight line
        assert minutes >= km / 120 * 60


def test_the_road_network_is_filterable_by_class(api) -> None:
    resp = api.get("/api/collections/roads/items?road_class=expressway")
    assert resp.status_code == 200
    refs = {f["properties"]["ref"] for f in resp.json["features"]}
    assert {"CT.04", "TV-LH", "CT.08"} == refs
