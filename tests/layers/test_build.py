"""The build: good data in, a joined and derived GeoPackage out."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pyogrio
import pytest

from layers.build import build
from layers.errors import SpecError
from layers.store.gpkg import GpkgStore


def quiet(_msg: str) -> None:
    """Progress sink for tests."""


def test_build_writes_every_layer_with_counts(built: Path) -> None:
    names = [
        name
        for name, _ in pyogrio.list_layers(built)
        if not name.startswith("parkmap_")
    ]
    assert sorted(names) == ["landmarks", "parcels", "parks"]
    store = GpkgStore(built)
    assert {i.name: i.count for i in store.layers()} == {
        "landmarks": 2,
        "parcels": 6,
        "parks": 2,
    }


def test_joined_attributes_are_typed(built: Path) -> None:
    park = GpkgStore(built).get("parks", "a")
    assert park.properties["status"] == "established"
    assert park.properties["eco"] is True
    assert park.properties["total_ha"] == pytest.approx(120.5)  # "120,5": decimal comma


def test_dot_thousands_separator_in_numeric_text(built: Path) -> None:
    assert (
        GpkgStore(built).get("parks", "b").properties["total_ha"] == 1200.0
    )  # "1.200"


def test_area_is_computed_in_metres(built: Path) -> None:
    park = GpkgStore(built).get("parks", "a")
    # 0.01° x 0.01° at 20.9° N ≈ 1,040 m x 1,107 m ≈ 115 ha
    assert park.properties["area_ha"] == pytest.approx(115.2, rel=0.01)


def test_distances_to_each_landmark(built: Path) -> None:
    parcel = GpkgStore(built).get("parcels", "b-1")
    assert parcel.properties["dist_port_km"] == pytest.approx(8.1, abs=0.3)
    assert parcel.properties["dist_airport_km"] > parcel.properties["dist_port_km"]


def test_occupancy_recomputed_from_parcels(built: Path) -> None:
    park = GpkgStore(built).get("parks", "a")
    assert park.properties["occupancy_computed_pct"] == pytest.approx(50.0, abs=0.1)
    assert park.properties["free_ha"] == pytest.approx(
        park.properties["parcel_ha"] / 4, rel=0.01
    )


def test_occupancy_mismatch_is_a_warning(data_dir: Path, store_path: Path) -> None:
    csv_path = data_dir / "attributes" / "parks.csv"
    csv_path.write_text(
        csv_path.read_text(encoding="utf-8").replace(",50,", ",80,"), encoding="utf-8"
    )
    report = build(data_dir, store_path, progress=quiet)
    warnings = report["layers"]["parks"]["warnings"]
    assert any(
        "a: occupancy from parcels 50.00% differs from reported 80.00%" in w
        for w in warnings
    )


def test_report_written_beside_store(built: Path) -> None:
    report = json.loads(
        built.with_name("parkmap.report.json").read_text(encoding="utf-8")
    )
    assert report["layers"]["parcels"]["count"] == 6
    text = built.with_name("parkmap.report.txt").read_text(encoding="utf-8")
    assert "parcels: 6 features" in text


def test_spatial_index_and_metadata_present(built: Path) -> None:
    con = sqlite3.connect(built)
    tables = {
        r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
    }
    con.close()
    assert {"rtree_parcels_geom", "parkmap_layers", "parkmap_build"} <= tables


def test_vietnamese_names_survive(built: Path) -> None:
    assert GpkgStore(built).get("parks", "b").properties["name_vi"] == "KCN Tràng Duệ"


def test_rebuild_replaces_store_and_open_store_sees_it(
    data_dir: Path, built: Path
) -> None:
    store = GpkgStore(built)
    assert store.get("parks", "a").properties["status"] == "established"
    csv_path = data_dir / "attributes" / "parks.csv"
    csv_path.write_text(
        csv_path.read_text(encoding="utf-8").replace("a,established", "a,planned"),
        encoding="utf-8",
    )
    build(data_dir, built, progress=quiet)
    assert store.get("parks", "a").properties["status"] == "planned"


@pytest.mark.parametrize("value", ['"14/10/2023"', '"2023-02-30"', "12"])
def test_a_bad_as_of_date_stops_the_build_naming_the_key(
    data_dir: Path, store_path: Path, value: str
) -> None:
    spec = data_dir / "layers" / "parcels.toml"
    spec.write_text(f"as_of = {value}\n" + spec.read_text(encoding="utf-8"))
    with pytest.raises(SpecError) as caught:
        build(data_dir, store_path, progress=quiet)
    assert caught.value.field == "as_of"
    assert not store_path.exists()
