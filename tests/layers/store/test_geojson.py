"""The store's GeoJSON fast path answers what the generic path answers."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from shapely.geometry import LinearRing, Point, box

from layers.build import build
from layers.errors import FeatureNotFound, InvalidFilter
from layers.store.base import Feature, Store, feature_json
from layers.store.gpkg import GpkgStore
from layers.store.open import open_store
from tests.support.stores import KINDS, open_kind

BOXES = [
    None,
    (106.59, 20.87, 106.5951, 20.8751),  # touches a-1..a-4
    (106.5, 20.0, 107.0, 21.0),  # holds everything
    (106.596, 20.876, 106.597, 20.877),  # inside a-4 only
    (106.6, 20.87, 106.61, 20.88),  # the gap between the parks, touching both
    (0.0, 0.0, 1.0, 1.0),  # nowhere near
]


@pytest.fixture(scope="module", params=KINDS)
def store(request: pytest.FixtureRequest) -> Store:
    opened = open_kind(request, "shared_store", "pg_shared_store")
    yield opened
    opened.close()


@pytest.mark.parametrize("layer", ["parks", "parcels", "landmarks"])
@pytest.mark.parametrize("bbox", BOXES)
def test_fast_path_equals_generic_path(store: Store, layer: str, bbox) -> None:
    fast = store.query_geojson(layer, bbox)
    assert fast == Store.query_geojson(store, layer, bbox)


@pytest.mark.parametrize(("limit", "offset"), [(2, 0), (2, 2), (4, 4), (0, 0), (5, 10)])
def test_fast_path_pages_like_query(store: Store, limit: int, offset: int) -> None:
    fast = store.query_geojson("parcels", limit=limit, offset=offset)
    page = store.query("parcels", limit=limit, offset=offset)
    assert [json.loads(t)["id"] for t in fast.features] == [f.id for f in page.features]
    assert fast.number_matched == page.number_matched == 6


def test_fast_path_filters_with_bbox(store: Store) -> None:
    page = store.query_geojson("parcels", BOXES[2], {"status": "leased"})
    assert [json.loads(t)["id"] for t in page.features] == ["a-1", "a-2", "b-1"]


def test_fast_path_rejects_unknown_filter(store: Store) -> None:
    with pytest.raises(InvalidFilter):
        store.query_geojson("parcels", filters={"colour": "red"})


def test_get_geojson_equals_generic(store: Store) -> None:
    assert store.get_geojson("parcels", "b-2") == Store.get_geojson(
        store, "parcels", "b-2"
    )


def test_get_geojson_unknown_id(store: Store) -> None:
    with pytest.raises(FeatureNotFound):
        store.get_geojson("parcels", "zz")


def test_geojson_tables_are_registered_as_attributes(shared_store: Path) -> None:
    con = sqlite3.connect(shared_store)
    rows = con.execute(
        "SELECT table_name FROM gpkg_contents WHERE data_type = 'attributes' "
        "AND table_name LIKE 'parkmap_geojson_%' ORDER BY 1"
    ).fetchall()
    con.close()
    assert [r[0] for r in rows] == [
        "parkmap_geojson_landmarks",
        "parkmap_geojson_parcels",
        "parkmap_geojson_parks",
    ]


def test_build_id_changes_with_each_build(data_dir: Path, built: Path) -> None:
    first = GpkgStore(built).build_id()
    build(data_dir, built, progress=lambda _msg: None)
    assert GpkgStore(built).build_id() not in (None, first)


def test_postgis_build_id_changes_with_each_build(data_dir: Path, pg_url: str) -> None:
    build(data_dir, pg_url, progress=lambda _msg: None)
    store = open_store(pg_url)
    first = store.build_id()
    build(data_dir, pg_url, progress=lambda _msg: None)
    assert store.build_id() not in (None, first)
    assert store.query_geojson("parcels").number_matched == 6
    store.close()


def test_store_without_geojson_tables_falls_back(built: Path) -> None:
    con = sqlite3.connect(built)
    con.execute("DROP TABLE parkmap_geojson_parcels")
    con.commit()
    con.close()
    store = GpkgStore(built)
    assert store.query_geojson("parcels", BOXES[1]).number_matched == 4


def test_feature_json_rounds_and_orients() -> None:
    clockwise = box(106.123456789, 20.0, 106.2, 20.1, ccw=False)
    text = feature_json(Feature("x", clockwise, {"name": "Cát Bi"}))
    doc = json.loads(text)
    ring = doc["geometry"]["coordinates"][0]
    assert [106.1234568, 20.0] in ring
    assert LinearRing(ring).is_ccw  # exterior ring by the right-hand rule (RFC 7946)
    assert "Cát Bi" in text  # UTF-8, not \\u escapes


def test_bbox_grazing_the_rtree_box_only_matches_nothing(store: Store) -> None:
    # The R-tree keeps float32 boxes rounded outwards (≈ 8e-6° here): this bbox
    # overlaps park b's stored box but not its geometry (max lon 106.62).
    page = store.query_geojson("parks", (106.620001, 20.87, 106.63, 20.88))
    assert page.number_matched == 0 and page.features == []


def test_feature_json_of_a_point() -> None:
    text = feature_json(Feature("p", Point(106.69, 20.868), {}))
    assert json.loads(text)["geometry"] == {
        "type": "Point",
        "coordinates": [106.69, 20.868],
    }
