from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon

from geo import crs as geocrs
from geo.errors import CRSError

from .conftest import VN2000_TOWGS84, square_wgs84

GEOD = pyproj.Geod(ellps="WGS84")

# A point in Hai Phong given in VN-2000 / UTM 48N (EPSG:3405) and the same
# point in VN-2000 / TM-3 105-45 (EPSG:9210), metres.
VN2000_UTM_XY = (674_585.0, 2_307_674.0)
VN2000_TM3_XY = (596_579.842, 2_307_734.256)

REF_UTM = f"+proj=utm +zone=48 +ellps=WGS84 +towgs84={VN2000_TOWGS84} +units=m +no_defs"
REF_TM3 = (
    "+proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0 "
    f"+ellps=WGS84 +towgs84={VN2000_TOWGS84} +units=m +no_defs"
)
TM3_ESRI_WKT = (
    'PROJCS["VN_2000_TM3_105_45",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",'
    'SPHEROID["WGS_1984",6378137.0,298.257223563]{towgs84}],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
    'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],'
    'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.75],'
    'PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],'
    'UNIT["Meter",1.0]]'
)

HAIPHONG_PORT = (106.6870, 20.8655)  # Hoàng Diệu port, approximate
CAT_BI_AIRPORT = (106.7247, 20.8194)  # runway midpoint, approximate


def reference_wgs84(proj_string: str, x: float, y: float) -> tuple[float, float]:
    """Transform with pyproj from an explicit PROJ string, bypassing geo.crs."""
    ref = pyproj.Transformer.from_crs(
        pyproj.CRS.from_proj4(proj_string), "EPSG:4326", always_xy=True
    )
    return ref.transform(x, y)


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    h = (
        math.sin(dphi / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_epsg_9210_is_vn2000_tm3_105_45():
    crs = pyproj.CRS(geocrs.VN2000_HAIPHONG_TM3)
    params = {p.name: p.value for p in crs.coordinate_operation.params}
    assert crs.name == "VN-2000 / TM-3 105-45"
    assert params["Longitude of natural origin"] == 105.75
    assert params["Scale factor at natural origin"] == 0.9999
    assert params["False easting"] == 500_000


def test_vn2000_utm_to_wgs84_within_1m_of_towgs84_proj_string():
    """EPSG:3405 -> WGS84 lands within 1 m of an independent PROJ-string reference.

    The reference is `+proj=utm +zone=48 +towgs84=<Decision 05/2007 values>`.
    EPSG applies those values as a Coordinate Frame rotation while +towgs84
    means Position Vector, so the two differ by about 0.75 m in Hai Phong.
    """
    got = geocrs.transformer(geocrs.VN2000_UTM48, geocrs.WGS84).transform(
        *VN2000_UTM_XY
    )
    assert metres_between(got, reference_wgs84(REF_UTM, *VN2000_UTM_XY)) < 1.0


def test_vn2000_utm_matches_coordinate_frame_helmert_within_1cm():
    """EPSG:3405 -> WGS84 is the Decision 05/2007 Helmert in Coordinate Frame form.

    The reference is an explicit PROJ pipeline, independent of the EPSG database.
    """
    pipeline = (
        "+proj=pipeline +step +inv +proj=utm +zone=48 +ellps=WGS84 "
        "+step +proj=push +v_3 +step +proj=cart +ellps=WGS84 "
        "+step +proj=helmert +x=-191.90441429 +y=-39.30318279 +z=-111.45032835 "
        "+rx=-0.00928836 +ry=0.01975479 +rz=-0.00427372 +s=0.252906278 "
        "+convention=coordinate_frame +step +inv +proj=cart +ellps=WGS84 "
        "+step +proj=pop +v_3 +step +proj=unitconvert +xy_in=rad +xy_out=deg"
    )
    expected = pyproj.Transformer.from_pipeline(pipeline).transform(*VN2000_UTM_XY)
    got = geocrs.transformer(geocrs.VN2000_UTM48, geocrs.WGS84).transform(
        *VN2000_UTM_XY
    )
    assert metres_between(got, expected) < 0.01


@pytest.mark.parametrize(
    "towgs84", ["", f",TOWGS84[{VN2000_TOWGS84}]"], ids=["plain", "towgs84"]
)
def test_vn2000_tm3_wkt_to_wgs84_within_1m_of_proj_string(towgs84):
    """A provincial TM-3 105°45′ ESRI WKT lands within 1 m of an independent reference.

    The reference is `+proj=tmerc +lon_0=105.75 +k=0.9999 +x_0=500000
    +towgs84=<Decision 05/2007 values>`, built by pyproj from that PROJ string.
    """
    wkt = TM3_ESRI_WKT.format(towgs84=towgs84)
    got = geocrs.transformer(wkt, geocrs.WGS84).transform(*VN2000_TM3_XY)
    assert metres_between(got, reference_wgs84(REF_TM3, *VN2000_TM3_XY)) < 1.0


def test_tm3_and_utm_points_are_the_same_place():
    utm = geocrs.transformer(geocrs.VN2000_UTM48, geocrs.WGS84).transform(
        *VN2000_UTM_XY
    )
    tm3 = geocrs.transformer(geocrs.VN2000_HAIPHONG_TM3, geocrs.WGS84).transform(
        *VN2000_TM3_XY
    )
    assert metres_between(utm, tm3) < 0.01


@pytest.mark.parametrize(
    "value", ["xyz", "", "EPSG:999999", "+proj=nonsense", 0, 3.5, None, True]
)
def test_resolve_crs_rejects_bad_values(value):
    with pytest.raises(CRSError, match="unknown CRS") as info:
        geocrs.resolve_crs(value, path="parks.shp")
    assert str(info.value).startswith("parks.shp: ")


@pytest.mark.parametrize(
    "value", ["EPSG:4326", 32648, "epsg:3405", pyproj.CRS("EPSG:9210")]
)
def test_resolve_crs_accepts_good_values(value):
    assert isinstance(geocrs.resolve_crs(value), pyproj.CRS)


def test_transformer_is_cached():
    first = geocrs.transformer(geocrs.WGS84, geocrs.UTM48N)
    assert geocrs.transformer(geocrs.WGS84, geocrs.UTM48N) is first


def test_transformer_takes_lon_lat_order():
    x, y = geocrs.transformer(geocrs.WGS84, geocrs.UTM48N).transform(105.0, 0.0)
    assert x == pytest.approx(500_000.0)
    assert y == pytest.approx(0.0, abs=1e-6)


def test_to_wgs84_without_crs_raises_naming_file():
    gdf = gpd.GeoDataFrame(geometry=[Point(0, 0)])
    with pytest.raises(CRSError, match=r"parks\.shp: no CRS"):
        geocrs.to_wgs84(gdf, path="parks.shp")


def test_to_wgs84_returns_frame_already_in_wgs84():
    gdf = gpd.GeoDataFrame(geometry=[Point(106.7, 20.8)], crs=geocrs.WGS84)
    assert geocrs.to_wgs84(gdf) is gdf


def test_to_wgs84_reprojects_vn2000():
    gdf = gpd.GeoDataFrame(geometry=[Point(*VN2000_UTM_XY)], crs=geocrs.VN2000_UTM48)
    out = geocrs.to_wgs84(gdf)
    point = out.geometry.iloc[0]
    assert out.crs == pyproj.CRS(geocrs.WGS84)
    expected = reference_wgs84(REF_UTM, *VN2000_UTM_XY)
    assert metres_between((point.x, point.y), expected) < 1.0


def test_area_ha_of_1km_square_is_100ha():
    square = square_wgs84(0, 0, 1000.0)
    area = geocrs.area_ha(gpd.GeoSeries([square], crs=geocrs.WGS84))
    assert area[0] == pytest.approx(100.0, rel=1e-3)


def test_area_ha_accepts_plain_array_and_null():
    area = geocrs.area_ha(np.array([square_wgs84(0, 0, 100.0), None], dtype=object))
    assert area[0] == pytest.approx(1.0, rel=1e-3)
    assert np.isnan(area[1])


def test_area_ha_refuses_other_crs():
    series = gpd.GeoSeries([shapely.box(0, 0, 1, 1)], crs=geocrs.UTM48N)
    with pytest.raises(CRSError, match="expected geometries in EPSG:4326"):
        geocrs.area_ha(series)


def test_geodesic_km_port_to_airport_agrees_with_haversine():
    got = geocrs.geodesic_km(*HAIPHONG_PORT, *CAT_BI_AIRPORT)
    assert isinstance(got, float)
    assert 5.0 < got < 7.0
    assert got == pytest.approx(haversine_km(*HAIPHONG_PORT, *CAT_BI_AIRPORT), rel=5e-3)


def test_geodesic_km_is_vectorised():
    lons = np.array([106.6870, 106.7247])
    got = geocrs.geodesic_km(lons, 20.8655, 106.7247, 20.8655)
    assert got.shape == (2,)
    assert got[1] == 0.0


def test_geodesic_km_rejects_bad_latitude():
    with pytest.raises(ValueError, match="lat1"):
        geocrs.geodesic_km(106.0, 95.0, 106.0, 20.0)


def test_point_distances_km_from_centroid_nan_for_null_and_empty():
    square = square_wgs84(-50, -50, 100.0)  # centred on HAIPHONG_UTM
    series = gpd.GeoSeries([square, None, Polygon()], crs=geocrs.WGS84)
    centre = square.centroid
    got = geocrs.point_distances_km(series, *CAT_BI_AIRPORT)
    expected = geocrs.geodesic_km(centre.x, centre.y, *CAT_BI_AIRPORT)
    assert got[0] == pytest.approx(expected, abs=1e-3)
    assert np.isnan(got[1:]).all()


@given(
    lon=st.floats(min_value=102.0, max_value=108.0),
    lat=st.floats(min_value=8.0, max_value=24.0),
)
def test_wgs84_utm48n_round_trip(lon, lat):
    x, y = geocrs.transformer(geocrs.WGS84, geocrs.UTM48N).transform(lon, lat)
    lon2, lat2 = geocrs.transformer(geocrs.UTM48N, geocrs.WGS84).transform(x, y)
    assert abs(lon2 - lon) < 1e-7
    assert abs(lat2 - lat) < 1e-7


def test_folium_location_is_lat_lon():
    assert geocrs.folium_location(106.68, 20.86) == [20.86, 106.68]


@pytest.mark.parametrize(
    ("lon", "lat", "named"),
    [
        (181.0, 20.0, "longitude"),
        (106.0, -91.0, "latitude"),
        (float("nan"), 20.0, "longitude"),
        ("east", 20.0, "longitude"),
        (106.0, None, "latitude"),
        (True, 20.0, "longitude"),
    ],
)
def test_folium_location_rejects_bad_values(lon, lat, named):
    with pytest.raises(ValueError, match=named):
        geocrs.folium_location(lon, lat)


def test_uses_ballpark_shift_for_unknown_datum():
    wkt = TM3_ESRI_WKT.format(towgs84="").replace("D_Vietnam_2000", "VN2000")
    assert geocrs.uses_ballpark_shift(pyproj.CRS(wkt))
    assert not geocrs.uses_ballpark_shift(pyproj.CRS(geocrs.VN2000_UTM48))
