from __future__ import annotations

import unicodedata

import geopandas as gpd
import pyogrio
import pyproj
import pytest
import shapely
from shapely.geometry import Point

from geo.crs import WGS84, to_wgs84
from geo.errors import CRSError, SourceFileError
from geo.io import atomic_output, nfc, read_vector

from .conftest import VN2000_TOWGS84
from .test_crs import (
    REF_TM3,
    REF_UTM,
    TM3_ESRI_WKT,
    VN2000_TM3_XY,
    VN2000_UTM_XY,
    metres_between,
    reference_wgs84,
)

TEXT = "Hải Phòng – Đình Vũ"

UTM_ESRI_WKT = (
    'PROJCS["VN_2000_UTM_Zone_48N",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",'
    'SPHEROID["WGS_1984",6378137.0,298.257223563]{towgs84}],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
    'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],'
    'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.0],'
    'PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],'
    'UNIT["Meter",1.0]]'
)


def text_frame(text: str = TEXT) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"tên": [text, None]},
        geometry=[Point(106.68, 20.86), Point(106.70, 20.85)],
        crs=WGS84,
    )


def test_shapefile_without_prj_raises_crs_error_naming_file(write_shapefile):
    path = write_shapefile()
    path.with_suffix(".prj").unlink()
    with pytest.raises(CRSError, match=r"parks\.shp: no CRS: missing parks\.prj"):
        read_vector(path)


@pytest.mark.parametrize("suffix", [".shx", ".dbf"])
def test_shapefile_without_sidecar_raises_naming_it(write_shapefile, suffix):
    path = write_shapefile()
    path.with_suffix(suffix).unlink()
    with pytest.raises(SourceFileError, match=f"missing sidecar file parks\\{suffix}"):
        read_vector(path)


def test_upper_case_sidecars_are_found(write_shapefile):
    path = write_shapefile()
    for suffix in (".shx", ".dbf", ".prj", ".cpg"):
        path.with_suffix(suffix).rename(path.with_suffix(suffix.upper()))
    src = read_vector(path)
    assert src.gdf["ten"].tolist() == ["Hải Phòng"]


def test_mixed_case_sidecar_is_named_in_the_error(write_shapefile):
    path = write_shapefile()
    path.with_suffix(".dbf").rename(path.with_suffix(".Dbf"))
    with pytest.raises(SourceFileError, match=r"parks\.Dbf has a mixed-case"):
        read_vector(path)


def test_truncated_shp_raises_source_file_error(write_shapefile):
    squares = [
        shapely.box(106 + i / 100, 20, 106.005 + i / 100, 20.005) for i in range(20)
    ]
    path = write_shapefile(
        gpd.GeoDataFrame({"n": range(20)}, geometry=squares, crs=WGS84)
    )
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceFileError, match=r"parks\.shp is truncated"):
        read_vector(path)


def test_truncated_dbf_raises_source_file_error(write_shapefile):
    path = write_shapefile(text_frame())
    dbf = path.with_suffix(".dbf")
    dbf.write_bytes(dbf.read_bytes()[:-40])
    with pytest.raises(SourceFileError, match=r"parks\.dbf is truncated"):
        read_vector(path)


def test_garbage_shp_raises_source_file_error(write_shapefile):
    path = write_shapefile()
    path.write_bytes(b"not a shapefile" * 10)
    with pytest.raises(SourceFileError, match="not a shapefile"):
        read_vector(path)


def test_corrupt_geopackage_raises_source_file_error(tmp_path):
    path = tmp_path / "parks.gpkg"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    with pytest.raises(SourceFileError, match=r"parks\.gpkg: cannot read"):
        read_vector(path)


def test_utf8_without_cpg_reads_vietnamese(write_shapefile):
    path = write_shapefile(text_frame())
    path.with_suffix(".cpg").unlink()
    src = read_vector(path)
    assert src.gdf["tên"].iloc[0] == TEXT
    assert src.encoding == "utf-8"
    assert src.warnings == []


@pytest.mark.parametrize("cpg", ["CP1258", "1258", "ANSI 1258"])
def test_cp1258_cpg_reads_vietnamese(write_shapefile, cpg):
    # GDAL's own CP1258 decoding would drop the last letter: "tê", "Đìn".
    frame = text_frame()
    frame.loc[1, "tên"] = "Đình"
    path = write_shapefile(frame, encoding="cp1258")
    path.with_suffix(".cpg").write_text(cpg)
    src = read_vector(path)
    assert src.gdf["tên"].tolist() == [TEXT, "Đình"]
    assert src.encoding == "cp1258"


def test_cp1258_without_cpg_falls_back_with_warning(write_shapefile):
    path = write_shapefile(text_frame(), encoding="cp1258")
    path.with_suffix(".cpg").unlink()
    src = read_vector(path)
    assert src.gdf["tên"].iloc[0] == TEXT
    assert src.encoding == "cp1258"
    assert "text is not valid utf-8; read it as cp1258" in src.warnings


def test_decomposed_text_is_normalised_to_nfc(write_shapefile):
    decomposed = unicodedata.normalize("NFD", TEXT)
    frame = text_frame(decomposed).rename(
        columns={"tên": unicodedata.normalize("NFD", " tên")}
    )
    src = read_vector(write_shapefile(frame))
    assert list(src.gdf.columns) == ["tên", "geometry"]
    assert src.gdf["tên"].iloc[0] == TEXT
    assert unicodedata.is_normalized("NFC", src.gdf["tên"].iloc[0])


def test_z_coordinates_dropped_with_warning(write_shapefile):
    frame = gpd.GeoDataFrame(
        {"n": [1, 2]},
        geometry=[Point(106.6, 20.8, 3.0), Point(106.7, 20.9, 4.0)],
        crs=WGS84,
    )
    src = read_vector(write_shapefile(frame))
    assert not src.gdf.geometry.has_z.any()
    assert "dropped Z coordinates from 2 geometries" in src.warnings


@pytest.mark.parametrize(
    ("suffix", "driver"), [(".gpkg", "GPKG"), (".geojson", "GeoJSON")]
)
def test_reads_geopackage_and_geojson(tmp_path, suffix, driver):
    path = tmp_path / f"parks{suffix}"
    pyogrio.write_dataframe(text_frame(), path, driver=driver)
    src = read_vector(path)
    assert src.driver == driver
    assert src.gdf["tên"].iloc[0] == TEXT
    assert src.crs == pyproj.CRS(WGS84)


@pytest.mark.skipif(
    "KML" not in pyogrio.list_drivers(write=True),
    reason="GDAL in the wheel cannot write KML",
)
def test_reads_kml(tmp_path):
    path = tmp_path / "landmarks.kml"
    frame = gpd.GeoDataFrame(
        {"name": [TEXT]}, geometry=[Point(106.68, 20.86)], crs=WGS84
    )
    pyogrio.write_dataframe(frame, path, driver="KML")
    src = read_vector(path)
    assert src.gdf["Name"].iloc[0] == TEXT
    assert src.gdf.geometry.iloc[0].equals(Point(106.68, 20.86))


def test_source_crs_supplies_missing_prj(write_shapefile):
    frame = gpd.GeoDataFrame(geometry=[Point(*VN2000_UTM_XY)], crs="EPSG:3405")
    path = write_shapefile(frame)
    path.with_suffix(".prj").unlink()
    src = read_vector(path, source_crs="EPSG:3405")
    assert src.crs == pyproj.CRS("EPSG:3405")
    assert src.gdf.geometry.iloc[0].equals(Point(*VN2000_UTM_XY))


def test_source_crs_overrides_file_crs_with_warning(write_shapefile):
    frame = gpd.GeoDataFrame(geometry=[Point(*VN2000_UTM_XY)], crs="EPSG:32648")
    src = read_vector(write_shapefile(frame), source_crs="EPSG:3405")
    assert src.crs == pyproj.CRS("EPSG:3405")
    assert src.warnings == ["source_crs EPSG:3405 overrides the file's CRS EPSG:32648"]


def test_unreadable_prj_raises_crs_error(write_shapefile):
    path = write_shapefile()
    path.with_suffix(".prj").write_text('PROJCS["nonsense",FOO[1]]')
    with pytest.raises(CRSError, match=r"parks\.shp: unreadable CRS"):
        read_vector(path)


def test_source_crs_rescues_unreadable_prj(write_shapefile):
    path = write_shapefile()
    path.with_suffix(".prj").write_text('PROJCS["nonsense",FOO[1]]')
    src = read_vector(path, source_crs="EPSG:4326")
    assert src.crs == pyproj.CRS(WGS84)
    assert src.gdf["ten"].tolist() == ["Hải Phòng"]
    assert "ignored an unreadable .prj; using source_crs" in src.warnings


def test_garbage_prj_without_source_crs_raises(write_shapefile):
    path = write_shapefile()
    path.with_suffix(".prj").write_text("hello world")
    with pytest.raises(CRSError, match=r"parks\.prj is empty or unreadable"):
        read_vector(path)


def test_unknown_source_crs_raises(write_shapefile):
    with pytest.raises(CRSError, match="unknown CRS 'EPSG:0'"):
        read_vector(write_shapefile(), source_crs="EPSG:0")


@pytest.mark.parametrize("name", ["parks.csv", "parks", "parks.tab"])
def test_unsupported_extension_raises(tmp_path, name):
    path = tmp_path / name
    path.write_text("x")
    with pytest.raises(SourceFileError, match="unsupported format") as info:
        read_vector(path)
    assert str(path) in str(info.value)


def test_missing_file_raises(tmp_path):
    with pytest.raises(SourceFileError, match=r"parks\.gpkg: file not found"):
        read_vector(tmp_path / "parks.gpkg")


@pytest.mark.parametrize(
    "towgs84", ["", f",TOWGS84[{VN2000_TOWGS84}]"], ids=["plain", "towgs84"]
)
@pytest.mark.parametrize(
    ("wkt", "xy", "reference"),
    [(UTM_ESRI_WKT, VN2000_UTM_XY, REF_UTM), (TM3_ESRI_WKT, VN2000_TM3_XY, REF_TM3)],
    ids=["utm48", "tm3-105-45"],
)
def test_vn2000_esri_prj_reads_and_reprojects(
    write_shapefile, wkt, xy, reference, towgs84
):
    """A VN-2000 ESRI .prj, with or without TOWGS84, lands within 1 m of a reference.

    The reference is computed by pyproj from an explicit PROJ string with
    +towgs84 (see test_crs for why EPSG's answer differs from it by ~0.75 m).
    """
    path = write_shapefile(gpd.GeoDataFrame(geometry=[Point(*xy)], crs="EPSG:3405"))
    path.with_suffix(".prj").write_text(wkt.format(towgs84=towgs84))
    src = read_vector(path)
    point = to_wgs84(src.gdf).geometry.iloc[0]
    assert metres_between((point.x, point.y), reference_wgs84(reference, *xy)) < 1.0


def test_vn2000_prj_towgs84_is_read_as_epsg_6960(write_shapefile):
    """PROJ spots the Decision 05/2007 numbers in TOWGS84 and applies them as
    EPSG:6960 does (Coordinate Frame), not as +towgs84 would (Position Vector)."""
    frame = gpd.GeoDataFrame(geometry=[Point(*VN2000_UTM_XY)], crs="EPSG:3405")
    path = write_shapefile(frame)
    prj = UTM_ESRI_WKT.format(towgs84=f",TOWGS84[{VN2000_TOWGS84}]")
    path.with_suffix(".prj").write_text(prj)
    from_prj = to_wgs84(read_vector(path).gdf).geometry.iloc[0]
    from_epsg = to_wgs84(frame).geometry.iloc[0]
    assert metres_between((from_prj.x, from_prj.y), (from_epsg.x, from_epsg.y)) < 0.01


def test_vn2000_prj_with_unknown_datum_name_raises(write_shapefile):
    """GDAL cannot match this home-made .prj to EPSG, so PROJ would not shift it."""
    frame = gpd.GeoDataFrame(geometry=[Point(*VN2000_UTM_XY)], crs="EPSG:3405")
    path = write_shapefile(frame)
    wkt = (
        UTM_ESRI_WKT.format(towgs84="")
        .replace("VN_2000_UTM_Zone_48N", "VN2000_UTM48")
        .replace("GCS_VN_2000", "GCS_VN2000")
        .replace("D_Vietnam_2000", "VN2000")
    )
    path.with_suffix(".prj").write_text(wkt)
    with pytest.raises(CRSError, match="about 220 m off"):
        read_vector(path)


def test_atomic_output_replaces_target_on_success(tmp_path):
    target = tmp_path / "parkmap.gpkg"
    target.write_text("old")
    with atomic_output(target) as tmp:
        assert tmp.parent == tmp_path
        assert tmp.name.startswith(".parkmap.gpkg.tmp-")
        assert tmp.suffix == ".gpkg"
        tmp.write_text("new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parkmap.gpkg"]


def test_atomic_output_keeps_old_file_when_body_raises(tmp_path):
    target = tmp_path / "parkmap.gpkg"
    target.write_text("old")
    with pytest.raises(RuntimeError, match="boom"), atomic_output(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parkmap.gpkg"]


def test_atomic_output_writes_a_geopackage(tmp_path):
    target = tmp_path / "parkmap.gpkg"
    with atomic_output(target) as tmp:
        pyogrio.write_dataframe(text_frame(), tmp, layer="parks", driver="GPKG")
    assert read_vector(target).gdf["tên"].iloc[0] == TEXT


def test_atomic_output_refuses_shapefiles(tmp_path):
    with (
        pytest.raises(ValueError, match="shapefiles"),
        atomic_output(tmp_path / "x.shp"),
    ):
        pass


@pytest.mark.parametrize(
    ("value", "expected"),
    [(unicodedata.normalize("NFD", "Đình Vũ"), "Đình Vũ"), (3, 3), (None, None)],
)
def test_nfc(value, expected):
    assert nfc(value) == expected
