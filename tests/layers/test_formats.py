"""Users' own data: other formats, VN-2000, code pages, NFC, 3D and multi-part."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from layers.build import build
from layers.store.gpkg import GpkgStore
from tests.support.data_dirs import parcels_frame, write_shapefile

# VN-2000 / TM-3 zone with central meridian 105°45' (Hai Phong), ESRI style, with the
# published 7-parameter TOWGS84.
VN2000_TM3_HAIPHONG_WKT = (
    'PROJCS["VN_2000_105do45",GEOGCS["GCS_VN_2000",DATUM["Vietnam_2000",'
    'SPHEROID["WGS 84",6378137,298.257223563],'
    "TOWGS84[-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,0.252906278]],"
    'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],'
    'PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],'
    'PARAMETER["central_meridian",105.75],PARAMETER["scale_factor",0.9999],'
    'PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1]]'
)
# The same datum shift as an explicit PROJ string: an independent reference.
VN2000_TM3_PROJ = (
    "+proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
    "+towgs84=-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,0.252906278 "
    "+units=m +no_defs"
)


def replace_parcels(data_dir: Path, gdf: gpd.GeoDataFrame, **kw: str) -> Path:
    for f in (data_dir / "shapefiles").glob("parcels.*"):
        f.unlink()
    return write_shapefile(gdf, data_dir / "shapefiles" / "parcels.shp", **kw)


def build_quiet(data_dir: Path, store_path: Path) -> dict:
    return build(data_dir, store_path, progress=lambda _m: None)


@pytest.mark.parametrize("crs", ["EPSG:3405", "EPSG:32648"])
def test_parcels_in_projected_crs_are_reprojected(
    data_dir: Path, store_path: Path, crs: str
) -> None:
    replace_parcels(data_dir, parcels_frame().to_crs(crs))
    build_quiet(data_dir, store_path)
    geom = GpkgStore(store_path).get("parcels", "a-1").geometry
    expected = parcels_frame().geometry[0]
    # EPSG:3405 → 4326 goes through a datum shift; the round trip stays under a metre.
    assert geom.symmetric_difference(expected).area < 1e-9


def test_vn2000_provincial_tm3_with_towgs84(data_dir: Path, store_path: Path) -> None:
    """A parcel written in VN-2000 TM-3 105°45' (ESRI .prj with TOWGS84) lands within
    1 m of where an explicit PROJ string with the same parameters puts it."""
    to_local = pyproj.Transformer.from_crs("EPSG:4326", VN2000_TM3_PROJ, always_xy=True)
    frame = parcels_frame()
    local = shapely.transform(
        frame.geometry.values,
        lambda xy: np.column_stack(to_local.transform(xy[:, 0], xy[:, 1])),
    )
    gdf = gpd.GeoDataFrame(
        frame.drop(columns="geometry"), geometry=list(local), crs=None
    )
    path = replace_parcels(data_dir, gdf.set_crs(VN2000_TM3_PROJ, allow_override=True))
    path.with_suffix(".prj").write_text(VN2000_TM3_HAIPHONG_WKT)
    build_quiet(data_dir, store_path)
    got = GpkgStore(store_path).get("parcels", "a-1").geometry.centroid
    want = frame.geometry[0].centroid
    _, _, dist_m = pyproj.Geod(ellps="WGS84").inv(got.x, got.y, want.x, want.y)
    assert dist_m < 1.0


def test_utf8_text_without_cpg(data_dir: Path, store_path: Path) -> None:
    (data_dir / "shapefiles" / "parks.cpg").unlink()
    build_quiet(data_dir, store_path)
    assert (
        GpkgStore(store_path).get("parks", "b").properties["name_vi"] == "KCN Tràng Duệ"
    )


def test_legacy_code_page_from_cpg(data_dir: Path, store_path: Path) -> None:
    parks = gpd.read_file(data_dir / "shapefiles" / "parks.shp")
    for f in (data_dir / "shapefiles").glob("parks.*"):
        f.unlink()
    write_shapefile(parks, data_dir / "shapefiles" / "parks.shp", encoding="cp1258")
    assert (data_dir / "shapefiles" / "parks.cpg").read_text().strip().upper() in {
        "CP1258",
        "1258",
    }
    build_quiet(data_dir, store_path)
    assert (
        GpkgStore(store_path).get("parks", "a").properties["name_vi"] == "KCN An Dương"
    )


def test_decomposed_text_normalised_to_nfc(data_dir: Path, store_path: Path) -> None:
    parks = gpd.read_file(data_dir / "shapefiles" / "parks.shp")
    parks["name_vi"] = [unicodedata.normalize("NFD", n) for n in parks["name_vi"]]
    for f in (data_dir / "shapefiles").glob("parks.*"):
        f.unlink()
    write_shapefile(parks, data_dir / "shapefiles" / "parks.shp")
    build_quiet(data_dir, store_path)
    name = GpkgStore(store_path).get("parks", "b").properties["name_vi"]
    assert name == unicodedata.normalize("NFC", "KCN Tràng Duệ")


def test_3d_geometries_lose_z_with_warning(data_dir: Path, store_path: Path) -> None:
    frame = parcels_frame()
    frame["geometry"] = [
        Polygon([(x, y, 5.0) for x, y in g.exterior.coords]) for g in frame.geometry
    ]
    replace_parcels(data_dir, frame)
    report = build_quiet(data_dir, store_path)
    assert not GpkgStore(store_path).get("parcels", "a-1").geometry.has_z
    assert any("Z" in w for w in report["layers"]["parcels"]["warnings"])


def test_multipart_polygons_accepted(data_dir: Path, store_path: Path) -> None:
    frame = parcels_frame()
    frame.loc[4, "geometry"] = MultiPolygon(
        [box(106.61, 20.87, 106.614, 20.875), box(106.616, 20.87, 106.62, 20.875)]
    )
    replace_parcels(data_dir, frame)
    build_quiet(data_dir, store_path)
    assert (
        GpkgStore(store_path).get("parcels", "b-1").geometry.geom_type == "MultiPolygon"
    )
