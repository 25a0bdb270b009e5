"""The shipped Hai Phong sample: counts and figures against the HEZA report (FACTS.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from layers.store.gpkg import GpkgStore

# Occupancy reported by HEZA on 14/10/2023 (FACTS.md); the five parks without a figure
# carry illustrative values whose simple mean with these gives the report's 63.25 %.
REPORTED = {
    "nomura": 100.0,
    "do_son": 96.3,
    "trang_due": 96.7,
    "dinh_vu": 96.3,
    "mp_dinh_vu": 99.7,
    "hang_hai": 100.0,
    "an_duong": 89.2,
    "vsip": 76.6,
    "nam_cau_kien": 77.5,
}
BOTTLENECKS = {"an_duong", "vsip", "nam_cau_kien", "cang_cua_ngo", "tien_thanh"}
PLANNED = {"trang_due_3", "giang_bien_2", "nam_trang_cat", "thuy_nguyen"}
BERTHS = {
    1: "operating",
    2: "operating",
    3: "under_construction",
    4: "under_construction",
    5: "under_construction",
    6: "under_construction",
    7: "approved",
    8: "approved",
    9: "appraisal",
    10: "appraisal",
    11: "appraisal",
    12: "appraisal",
}


@pytest.fixture(scope="module")
def store(sample_store: Path) -> GpkgStore:
    return GpkgStore(sample_store)


def all_of(store: GpkgStore, layer: str) -> list:
    return store.query(layer, limit=10_000).features


def test_layer_counts(store: GpkgStore) -> None:
    counts = {i.name: i.count for i in store.layers()}
    assert counts["zones"] == 2
    assert counts["parks"] == 18
    assert counts["berths"] == 12
    assert counts["housing"] == 8
    assert counts["landmarks"] >= 7


def test_parks_established_and_planned(store: GpkgStore) -> None:
    parks = {f.id: f.properties for f in all_of(store, "parks")}
    assert {p for p, v in parks.items() if v["status"] == "planned"} == PLANNED
    assert sum(v["status"] == "established" for v in parks.values()) == 14


def test_at_least_twenty_parcels_per_established_park(store: GpkgStore) -> None:
    parks = [
        f for f in all_of(store, "parks") if f.properties["status"] == "established"
    ]
    for park in parks:
        n = store.query("parcels", filters={"park_id": park.id}, limit=0).number_matched
        assert n >= 20, park.id


@pytest.mark.parametrize("park_id", sorted(REPORTED))
def test_recomputed_occupancy_matches_report(store: GpkgStore, park_id: str) -> None:
    props = store.get("parks", park_id).properties
    assert props["occupancy_pct"] == REPORTED[park_id]
    assert props["occupancy_source"] == "HEZA report 10/2023"
    assert props["occupancy_computed_pct"] == pytest.approx(REPORTED[park_id], abs=1.0)


def test_mean_occupancy_is_the_reports_average(store: GpkgStore) -> None:
    values = [
        f.properties["occupancy_pct"]
        for f in all_of(store, "parks")
        if f.properties["status"] == "established"
    ]
    assert sum(values) / len(values) == pytest.approx(63.25, abs=0.01)


def test_clearance_bottlenecks_and_eco_candidates(store: GpkgStore) -> None:
    parks = {f.id: f.properties for f in all_of(store, "parks")}
    assert {p for p, v in parks.items() if v["clearance_bottleneck"]} == BOTTLENECKS
    assert {p for p, v in parks.items() if v["eco_candidate"]} == {
        "dinh_vu",
        "nam_cau_kien",
    }


def test_clearance_stage_only_in_bottleneck_parks(store: GpkgStore) -> None:
    for parcel in all_of(store, "parcels"):
        if parcel.properties["clr_stage"]:
            assert parcel.properties["park_id"] in BOTTLENECKS, parcel.id


def test_berth_statuses_from_report(store: GpkgStore) -> None:
    berths = {
        f.properties["number"]: f.properties["status"] for f in all_of(store, "berths")
    }
    assert berths == BERTHS


def test_nam_hai_phong_zone_about_20000_ha(store: GpkgStore) -> None:
    zone = store.get("zones", "nam_hai_phong").properties
    assert zone["status"] == "proposed"
    assert zone["area_ha"] == pytest.approx(20_000, rel=0.05)


def test_every_row_names_its_source(store: GpkgStore) -> None:
    for info in store.layers():
        for feature in all_of(store, info.name):
            assert feature.properties["source"] in {
                "HEZA report 10/2023",
                "illustrative",
            }


def test_parcels_lie_in_hai_phong(store: GpkgStore) -> None:
    minx, miny, maxx, maxy = store.layer("parcels").bbox
    assert 106.40 <= minx and maxx <= 107.05
    assert 20.60 <= miny and maxy <= 21.00


def test_sample_build_has_no_warnings(sample_store: Path) -> None:
    report = GpkgStore(sample_store).build_report()
    assert {
        name: lr["warnings"] for name, lr in report["layers"].items() if lr["warnings"]
    } == {}
