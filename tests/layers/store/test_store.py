"""Both stores: bbox, filters, paging, get, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from layers.errors import (
    FeatureNotFound,
    InvalidFilter,
    LayerNotFound,
    StoreUnavailable,
)
from layers.store import FieldInfo, LayerInfo, Store
from layers.store.open import open_store
from scripts.pgcluster import PgCluster
from tests.support.stores import KINDS, open_kind


@pytest.fixture(params=KINDS)
def store(request: pytest.FixtureRequest) -> Store:
    opened = open_kind(request, "built", "pg_shared_store")
    yield opened
    opened.close()


def test_query_all_in_stable_order(store: Store) -> None:
    page = store.query("parcels")
    assert page.number_matched == 6
    assert [f.id for f in page.features] == ["a-1", "a-2", "a-3", "a-4", "b-1", "b-2"]


def test_bbox_selects_intersecting_features(store: Store) -> None:
    page = store.query("parcels", bbox=(106.611, 20.871, 106.612, 20.872))
    assert [f.id for f in page.features] == ["b-1"]


def test_filters_are_typed_and_combined(store: Store) -> None:
    page = store.query("parcels", filters={"status": "leased", "park_id": "a"})
    assert [f.id for f in page.features] == ["a-1", "a-2"]
    assert store.query("parks", filters={"eco": "true"}).number_matched == 1


def test_paging(store: Store) -> None:
    page = store.query("parcels", limit=2, offset=3)
    assert page.number_matched == 6
    assert [f.id for f in page.features] == ["a-4", "b-1"]


def test_unknown_filter_field(store: Store) -> None:
    with pytest.raises(InvalidFilter, match="colour"):
        store.query("parcels", filters={"colour": "red"})


def test_filter_value_of_wrong_type(store: Store) -> None:
    with pytest.raises(InvalidFilter, match="area_ha"):
        store.query("parcels", filters={"area_ha": "big"})


def test_get_and_missing(store: Store) -> None:
    assert store.get("parks", "a").geometry.geom_type == "Polygon"
    with pytest.raises(FeatureNotFound):
        store.get("parks", "nope")
    with pytest.raises(LayerNotFound):
        store.get("rivers", "a")


def test_layer_metadata(store: Store) -> None:
    info = store.layer("parcels")
    assert info.id_field == "parcel_id"
    assert info.field("status").allowed == (
        "leased",
        "available",
        "reserved",
        "clearance",
    )
    assert info.bbox is not None and info.bbox[0] == pytest.approx(106.59)


def test_missing_store_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="build"):
        open_store(tmp_path / "none.gpkg")


def test_empty_database_is_unavailable(pg_url: str) -> None:
    with pytest.raises(StoreUnavailable, match="build"):
        open_store(pg_url)


def test_unreachable_database_is_unavailable(postgres: PgCluster) -> None:
    with pytest.raises(StoreUnavailable, match="cannot reach"):
        open_store(postgres.url("no_such_database"))


def test_store_url_with_a_bad_schema_is_refused() -> None:
    with pytest.raises(StoreUnavailable, match="schema"):
        open_store("postgresql://u@127.0.0.1:1/db?schema=Robert');DROP")


def test_huge_whole_number_filter_is_refused_not_a_crash() -> None:
    info = LayerInfo(
        "berths", "LineString", "berth_id", (FieldInfo("number", "int"),), 0, None
    )
    assert Store.parse_filters(info, {"number": "9223372036854775807"}) == {
        "number": 2**63 - 1
    }
    with pytest.raises(InvalidFilter, match="out of range"):
        Store.parse_filters(info, {"number": "9223372036854775808"})


def test_a_nul_in_an_id_or_a_filter_matches_nothing(store: Store) -> None:
    """PostgreSQL text cannot hold NUL: no match there either, not an error."""
    with pytest.raises(FeatureNotFound):
        store.get("parcels", "a-1\x00")
    with pytest.raises(FeatureNotFound):
        store.get_geojson("parcels", "\x00")
    assert store.query("parcels", filters={"park_id": "a\x00"}).number_matched == 0
    assert store.query_geojson("parcels", filters={"park_id": "\x00"}).features == []
