"""The GeoPackage store: bbox, filters, paging, get, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from layers.errors import (
    FeatureNotFound,
    InvalidFilter,
    LayerNotFound,
    StoreUnavailable,
)
from layers.store import FieldInfo, LayerInfo, Store, open_store
from layers.store.gpkg import GpkgStore


@pytest.fixture
def store(built: Path) -> GpkgStore:
    return GpkgStore(built)


def test_query_all_in_stable_order(store: GpkgStore) -> None:
    page = store.query("parcels")
    assert page.number_matched == 6
    assert [f.id for f in page.features] == ["a-1", "a-2", "a-3", "a-4", "b-1", "b-2"]


def test_bbox_selects_intersecting_features(store: GpkgStore) -> None:
    page = store.query("parcels", bbox=(106.611, 20.871, 106.612, 20.872))
    assert [f.id for f in page.features] == ["b-1"]


def test_filters_are_typed_and_combined(store: GpkgStore) -> None:
    page = store.query("parcels", filters={"status": "leased", "park_id": "a"})
    assert [f.id for f in page.features] == ["a-1", "a-2"]
    assert store.query("parks", filters={"eco": "true"}).number_matched == 1


def test_paging(store: GpkgStore) -> None:
    page = store.query("parcels", limit=2, offset=3)
    assert page.number_matched == 6
    assert [f.id for f in page.features] == ["a-4", "b-1"]


def test_unknown_filter_field(store: GpkgStore) -> None:
    with pytest.raises(InvalidFilter, match="colour"):
        store.query("parcels", filters={"colour": "red"})


def test_filter_value_of_wrong_type(store: GpkgStore) -> None:
    with pytest.raises(InvalidFilter, match="area_ha"):
        store.query("parcels", filters={"area_ha": "big"})


def test_get_and_missing(store: GpkgStore) -> None:
    assert store.get("parks", "a").geometry.geom_type == "Polygon"
    with pytest.raises(FeatureNotFound):
        store.get("parks", "nope")
    with pytest.raises(LayerNotFound):
        store.get("rivers", "a")


def test_layer_metadata(store: GpkgStore) -> None:
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


def test_huge_whole_number_filter_is_refused_not_a_crash() -> None:
    info = LayerInfo(
        "berths", "LineString", "berth_id", (FieldInfo("number", "int"),), 0, None
    )
    assert Store.parse_filters(info, {"number": "9223372036854775807"}) == {
        "number": 2**63 - 1
    }
    with pytest.raises(InvalidFilter, match="out of range"):
        Store.parse_filters(info, {"number": "9223372036854775808"})
