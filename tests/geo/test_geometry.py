from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import (
    GeometryCollection,
    LineString,
    MultiPolygon,
    Point,
    Polygon,
)

from geo.crs import UTM48N, WGS84
from geo.errors import CRSError
from geo.geometry import (
    Repair,
    check_type,
    find_empty,
    outside,
    overlaps,
    polygonal_part,
    repair,
)

from .conftest import square_wgs84

BOW_TIE = Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])
SQUARE = shapely.box(0, 0, 1, 1)


def series(*geoms, crs=WGS84) -> gpd.GeoSeries:
    return gpd.GeoSeries(list(geoms), crs=crs)


def test_bow_tie_is_repaired_and_reported_with_reason():
    fixed, reports = repair(series(SQUARE, BOW_TIE), ids=["p1", "p2"])
    assert fixed.iloc[1].is_valid
    assert fixed.iloc[1].geom_type == "MultiPolygon"
    assert fixed.iloc[1].area == pytest.approx(2.0)
    assert reports == [Repair(1, "p2", "Self-intersection[1 1]")]


def test_repair_leaves_valid_and_null_geometries_alone():
    original = series(SQUARE, None)
    fixed, reports = repair(original)
    assert reports == []
    assert fixed.iloc[0] is original.iloc[0]
    assert fixed.iloc[1] is None


def test_repair_keeps_index_and_crs():
    original = gpd.GeoSeries([BOW_TIE], index=[7], crs=UTM48N)
    fixed, reports = repair(original)
    assert list(fixed.index) == [7]
    assert fixed.crs == original.crs
    assert reports[0].feature_id is None


def test_repair_keeps_only_polygonal_part_of_a_polygon():
    # A spike sticking out of a square: make_valid returns polygon + line.
    spiky = Polygon([(0, 0), (2, 0), (2, 2), (1, 2), (1, 3), (1, 2), (0, 2), (0, 0)])
    assert shapely.make_valid(spiky).geom_type == "GeometryCollection"
    fixed, _ = repair(series(spiky))
    assert fixed.iloc[0].geom_type == "Polygon"
    assert fixed.iloc[0].area == pytest.approx(4.0)


def test_repair_reports_a_repair_that_leaves_nothing():
    flat = Polygon([(0, 0), (1, 1), (2, 2), (0, 0)])
    fixed, reports = repair(series(flat), ids=[42])
    assert fixed.iloc[0].is_empty
    assert reports[0].empty
    assert reports[0].feature_id == "42"
    assert reports[0].reason.endswith("(repair left an empty geometry)")


def test_repair_rejects_mismatched_ids():
    with pytest.raises(ValueError, match="got 1 ids for 2 geometries"):
        repair(series(SQUARE, BOW_TIE), ids=["only-one"])


def test_polygonal_part_of_collection():
    mixed = GeometryCollection([SQUARE, LineString([(5, 5), (6, 6)]), Point(9, 9)])
    assert polygonal_part(mixed).equals(SQUARE)
    assert polygonal_part(Point(1, 1)).is_empty


def test_find_empty_reports_null_and_empty():
    assert find_empty(series(SQUARE, None, Polygon(), GeometryCollection())) == [
        1,
        2,
        3,
    ]


def test_check_type_flags_point_in_polygon_layer():
    assert check_type(series(SQUARE, Point(0, 0)), "Polygon") == [1]


def test_check_type_accepts_multipolygon_for_polygon():
    assert check_type(series(MultiPolygon([SQUARE])), "Polygon") == []


def test_check_type_rejects_geometry_collection():
    assert check_type(series(GeometryCollection([SQUARE])), "Polygon") == [0]


def test_check_type_skips_null_and_empty():
    assert check_type(series(None, Polygon(), Point(0, 0)), "LineString") == [2]


def test_check_type_rejects_unknown_family():
    with pytest.raises(ValueError, match="'Circle'"):
        check_type(series(SQUARE), "Circle")


def test_overlaps_reports_ids_of_overlapping_pair():
    parcels = series(
        square_wgs84(0, 0, 100),
        square_wgs84(50, 0, 100),  # overlaps the first by 50 x 100 m
        square_wgs84(500, 0, 100),
    )
    assert overlaps(parcels, ["a", "b", "c"]) == [("a", "b")]


def test_overlaps_ignores_touching_squares():
    parcels = series(square_wgs84(0, 0, 100), square_wgs84(100, 0, 100))
    assert overlaps(parcels, ["a", "b"]) == []


def test_overlaps_ignores_slivers_below_min_area():
    parcels = series(square_wgs84(0, 0, 100), square_wgs84(99.995, 0, 100))
    assert overlaps(parcels, ["a", "b"], min_area_m2=1.0) == []
    assert overlaps(parcels, ["a", "b"], min_area_m2=0.1) == [("a", "b")]


def test_overlaps_finds_contained_polygon():
    parcels = series(square_wgs84(0, 0, 100), square_wgs84(10, 10, 20))
    assert overlaps(parcels, [1, 2]) == [(1, 2)]


def test_overlaps_refuses_projected_geometries():
    with pytest.raises(CRSError, match="EPSG:4326"):
        overlaps(series(SQUARE, crs=UTM48N), ["a"])


def test_outside_accepts_inner_parcel():
    park = square_wgs84(0, 0, 1000)
    parcels = series(square_wgs84(100, 100, 100))
    assert outside(parcels, ["p"], {"p": park}, tolerance_m=0.0) == []


def test_outside_honours_tolerance_in_metres():
    park = square_wgs84(0, 0, 1000)
    parcels = series(square_wgs84(-5, 100, 100))  # reaches 5 m past the edge
    assert outside(parcels, ["p"], {"p": park}, tolerance_m=10.0) == []
    assert outside(parcels, ["p"], {"p": park}, tolerance_m=1.0) == [0]


def test_outside_flags_unknown_parent_and_skips_nulls():
    park = square_wgs84(0, 0, 1000)
    parcels = series(square_wgs84(100, 100, 100), None, square_wgs84(200, 200, 10))
    assert outside(parcels, ["p", "p", "nope"], {"p": park}, tolerance_m=1.0) == [2]


def test_outside_rejects_negative_tolerance():
    with pytest.raises(ValueError, match="tolerance_m"):
        outside(series(SQUARE), ["p"], {"p": SQUARE}, tolerance_m=-1.0)
