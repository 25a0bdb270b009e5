"""Every bad input stops the build with a message naming file, row and field,
and leaves the previous store exactly as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, Polygon, box

from layers.build import build
from layers.errors import BuildFailed
from tests.support.data_dirs import (
    fails_with,
    parcels_frame,
    write_csv,
    write_shapefile,
)


def parks_csv(data_dir: Path, *rows: tuple[str, str, str]) -> None:
    """Rewrite parks.csv with (park_id, status, total_ha) rows."""
    write_csv(
        data_dir / "attributes" / "parks.csv",
        [
            {"park_id": p, "status": s, "total_ha": t, "occupancy_pct": "", "eco": ""}
            for p, s, t in rows
        ],
    )


def geojson_parcels(data_dir: Path, frame: gpd.GeoDataFrame) -> None:
    """Shapefiles cannot mix geometry types; GeoJSON can, so bad types come in that."""
    frame.to_file(data_dir / "shapefiles" / "parcels.geojson", driver="GeoJSON")
    spec = data_dir / "layers" / "parcels.toml"
    spec.write_text(spec.read_text().replace("parcels.shp", "parcels.geojson"))


def rewrite_parcels(
    data_dir: Path, change: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame]
) -> None:
    frame = change(parcels_frame())
    for f in (data_dir / "shapefiles").glob("parcels.*"):
        f.unlink()
    write_shapefile(frame, data_dir / "shapefiles" / "parcels.shp")


@pytest.mark.parametrize("sidecar", [".prj", ".shx", ".dbf"])
def test_missing_sidecar(data_dir: Path, built: Path, sidecar: str) -> None:
    (data_dir / "shapefiles" / f"parcels{sidecar}").unlink()
    fails_with(data_dir, built, "parcels")


def test_unknown_crs(data_dir: Path, built: Path) -> None:
    (data_dir / "shapefiles" / "parcels.prj").write_text('PROJCS["nonsense",FOO[1]]')
    fails_with(data_dir, built, "parcels", "CRS")


def test_geometry_type_mismatch_names_row(data_dir: Path, built: Path) -> None:
    frame = parcels_frame()
    frame.loc[2, "geometry"] = LineString([(106.59, 20.875), (106.595, 20.88)])
    geojson_parcels(data_dir, frame)
    fails_with(data_dir, built, "parcels.geojson", "row 3", "not a Polygon")


def test_wrong_type_whole_file(data_dir: Path, built: Path) -> None:
    pts = gpd.GeoDataFrame(
        {"landmark_i": ["p"], "name_vi": ["x"]}, geometry=[box(0, 0, 1, 1)], crs=4326
    )
    for f in (data_dir / "shapefiles").glob("landmarks.*"):
        f.unlink()
    write_shapefile(pts, data_dir / "shapefiles" / "landmarks.shp")
    fails_with(data_dir, built, "landmarks.shp", "row 1", "not a Point")


def test_empty_geometry_names_row(data_dir: Path, built: Path) -> None:
    def empty(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        gdf = gdf.copy()
        gdf.loc[4, "geometry"] = None
        return gdf

    rewrite_parcels(data_dir, empty)
    fails_with(data_dir, built, "parcels.shp", "row 5", "empty or missing geometry")


def test_duplicate_ids_listed(data_dir: Path, built: Path) -> None:
    def dup(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        gdf = gdf.copy()
        gdf.loc[5, "parcel_id"] = "a-1"
        return gdf

    rewrite_parcels(data_dir, dup)
    fails_with(data_dir, built, "duplicate id 'a-1' in rows 1, 6", "parcel_id")


def test_join_keys_unmatched_both_sides_all_listed(data_dir: Path, built: Path) -> None:
    parks_csv(
        data_dir,
        ("a", "established", "1"),
        ("x", "planned", "1"),
        ("y", "planned", "1"),
    )
    fails_with(
        data_dir,
        built,
        "no row in parks.csv for park_id = b",
        "match no feature of parks.shp: x, y",
    )


def test_value_outside_allowed_set(data_dir: Path, built: Path) -> None:
    parks_csv(data_dir, ("a", "established", "1"), ("b", "closed", "1"))
    fails_with(
        data_dir, built, "parks.csv, row 2, field 'status'", "'closed' is not one of"
    )


def test_text_in_numeric_field(data_dir: Path, built: Path) -> None:
    parks_csv(data_dir, ("a", "established", "about 50"), ("b", "planned", "1"))
    fails_with(
        data_dir,
        built,
        "parks.csv, row 1, field 'total_ha'",
        "expected a number, got 'about 50'",
    )


def test_required_value_missing(data_dir: Path, built: Path) -> None:
    def blank(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        gdf = gdf.copy()
        gdf.loc[1, "status"] = None
        return gdf

    rewrite_parcels(data_dir, blank)
    fails_with(
        data_dir, built, "parcels.shp, row 2, field 'status'", "required value missing"
    )


def test_unknown_parent_is_an_error(data_dir: Path, built: Path) -> None:
    def orphan(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        gdf = gdf.copy()
        gdf.loc[0, "park_id"] = "zz"
        return gdf

    rewrite_parcels(data_dir, orphan)
    fails_with(data_dir, built, "no parks feature with park_id = zz")


def test_many_problems_reported_together(data_dir: Path, built: Path) -> None:
    (data_dir / "shapefiles" / "landmarks.prj").unlink()
    parks_csv(data_dir, ("a", "bad", "x"), ("b", "planned", "1"))
    message = fails_with(data_dir, built, "landmarks", "'status'", "'total_ha'")
    assert "3 problem(s)" in message


def test_outside_parent_and_overlaps_are_warnings(
    data_dir: Path, store_path: Path
) -> None:
    def stray(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        gdf = gdf.copy()
        gdf.loc[5, "geometry"] = box(
            106.615, 20.875, 106.63, 20.89
        )  # spills out of park b
        gdf.loc[3, "geometry"] = box(106.594, 20.875, 106.60, 20.88)  # overlaps a-3
        return gdf

    rewrite_parcels(data_dir, stray)
    report = build(data_dir, store_path, progress=lambda _m: None)
    warnings = " ".join(report["layers"]["parcels"]["warnings"])
    assert "outside their parks" in warnings and "b-2" in warnings
    assert "overlapping" in warnings and "a-3/a-4" in warnings


def test_invalid_polygon_is_repaired_and_reported(
    data_dir: Path, store_path: Path
) -> None:
    bowtie = Polygon(
        [(106.59, 20.875), (106.595, 20.88), (106.595, 20.875), (106.59, 20.88)]
    )

    def twist(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        gdf = gdf.copy()
        gdf.loc[2, "geometry"] = bowtie
        return gdf

    rewrite_parcels(data_dir, twist)
    report = build(data_dir, store_path, progress=lambda _m: None)
    repairs = report["layers"]["parcels"]["repairs"]
    assert [r["id"] for r in repairs] == ["a-3"]
    assert "Self-intersection" in repairs[0]["reason"]


def test_missing_attribute_table(data_dir: Path, built: Path) -> None:
    (data_dir / "attributes" / "parks.csv").unlink()
    fails_with(data_dir, built, "parks.csv", "not found")


def test_point_in_polygon_layer_without_store(data_dir: Path, store_path: Path) -> None:
    frame = parcels_frame()
    frame.loc[0, "geometry"] = Point(106.59, 20.87)
    geojson_parcels(data_dir, frame)
    with pytest.raises(BuildFailed, match="row 1"):
        build(data_dir, store_path, progress=lambda _m: None)
    assert not store_path.exists()
