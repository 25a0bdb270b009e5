"""geo.raster, geo.cog and geo.rastertile: checks, reprojection to a COG, tiles, encoders."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.enums import ColorInterp
from shapely.geometry import box

from geo import crs as geocrs
from geo.cog import write_cog, zoom_range
from geo.errors import CRSError, RasterError
from geo.raster import inspect_raster, north_up, write_classes
from geo.rastertile import (
    CogTileReader,
    encode_png,
    encode_webp,
    transparent_tile,
)
from tests.geo.test_crs import TM3_ESRI_WKT
from tests.support.rasters import (
    BLUE,
    RED,
    SPOT,
    decode_image,
    marked_image,
    pixel_in_tile,
    solid,
    write_tiff,
)

# VN-2000 / UTM 48N and the Hai Phong 3° zone, UTM 48N (WGS84) and plain lon/lat.
CRS_CASES = [
    pytest.param(geocrs.UTM48N, 10.0, id="utm48n"),
    pytest.param(geocrs.VN2000_UTM48, 10.0, id="vn2000-utm48"),
    pytest.param(geocrs.VN2000_HAIPHONG_TM3, 10.0, id="vn2000-tm3"),
    pytest.param(geocrs.WGS84, 0.0001, id="wgs84"),
]


def convert(tmp_path: Path, src: Path, **kwargs: object) -> Path:
    target = tmp_path / "out" / "cog.tif"
    target.parent.mkdir(exist_ok=True)
    write_cog(inspect_raster(src, **kwargs), target, progress=lambda _m: None)
    return target


def colour_at(cog: Path, lon: float, lat: float, z: int = 16) -> tuple[int, ...]:
    tz, tx, ty, col, row = pixel_in_tile(lon, lat, z)
    with CogTileReader(str(cog)) as reader:
        rgba = reader.read_tile(tz, tx, ty)
    assert rgba is not None
    return tuple(int(v) for v in rgba[:, row, col])


@pytest.mark.parametrize(("crs", "pixel"), CRS_CASES)
def test_known_pixel_lands_at_its_lonlat(tmp_path: Path, crs: str, pixel: float):
    cog = convert(tmp_path, marked_image(tmp_path, crs, pixel=pixel))
    assert colour_at(cog, *SPOT) == (*RED, 255)


@pytest.mark.parametrize(("crs", "pixel"), CRS_CASES)
def test_background_around_the_mark_is_blue(tmp_path: Path, crs: str, pixel: float):
    cog = convert(tmp_path, marked_image(tmp_path, crs, pixel=pixel))
    # 200 m east of the 60 m red square: still inside the 1.28 km image
    assert colour_at(cog, SPOT[0] + 0.002, SPOT[1]) == (*BLUE, 255)


def test_outside_the_image_is_transparent(tmp_path: Path):
    cog = convert(tmp_path, marked_image(tmp_path, geocrs.UTM48N))
    # 1 km west of the centre: past the image's west edge (640 m)
    tz, tx, ty, col, row = pixel_in_tile(SPOT[0] - 0.0097, SPOT[1], 16)
    with CogTileReader(str(cog)) as reader:
        rgba = reader.read_tile(tz, tx, ty)
    assert rgba is None or rgba[3, row, col] == 0


def test_tile_far_away_is_none(tmp_path: Path):
    cog = convert(tmp_path, marked_image(tmp_path, geocrs.UTM48N))
    with CogTileReader(str(cog)) as reader:
        assert reader.read_tile(10, 0, 0) is None


def test_low_zoom_tile_uses_a_part_of_the_canvas(tmp_path: Path):
    cog = convert(tmp_path, marked_image(tmp_path, geocrs.UTM48N))
    tz, tx, ty, col, row = pixel_in_tile(*SPOT, 10)
    with CogTileReader(str(cog)) as reader:
        rgba = reader.read_tile(tz, tx, ty)
    assert rgba is not None and rgba.shape == (4, 256, 256)
    assert rgba[3, row, col] == 255
    assert 0 < (rgba[3] > 0).sum() < 256 * 256 // 100  # 1.3 km in a 39 km tile


def test_cog_has_overviews_and_is_web_mercator(tmp_path: Path):
    big = solid(tmp_path, size=1200)
    cog = convert(tmp_path, big)
    with rasterio.open(cog) as ds:
        assert ds.crs.to_epsg() == 3857
        assert ds.count == 4 and ds.colorinterp[3] == ColorInterp.alpha
        assert ds.overviews(1)  # internal overviews
        assert ds.profile["tiled"] and ds.profile["blockxsize"] == 512


def test_cog_info(tmp_path: Path):
    target = tmp_path / "cog.tif"
    info = write_cog(inspect_raster(marked_image(tmp_path, geocrs.UTM48N)), target)
    west, south, east, north = info.bbox
    assert west < SPOT[0] < east and south < SPOT[1] < north
    assert info.resolution_m == pytest.approx(10.0, rel=0.02)
    assert info.maxzoom == 14  # z14 is 9.6 m/px at the equator, ~9 m here
    assert len(info.checksum) == 64
    assert info.footprint[0] == info.footprint[-1]


def test_rgba_alpha_is_kept(tmp_path: Path):
    data = np.full((4, 32, 32), 200, dtype=np.uint8)
    data[3] = 255
    data[3, :, :16] = 0  # west half transparent
    src = write_tiff(
        tmp_path / "rgba.tif",
        data,
        crs=geocrs.UTM48N,
        transform=north_up(674_000, 2_307_000, 10, 10),
        photometric="RGB",
        alpha="YES",
    )
    assert inspect_raster(src).kind == "rgba"
    cog = convert(tmp_path, src)
    with rasterio.open(cog) as ds:
        alpha = ds.read(4)
    assert alpha[:, : alpha.shape[1] // 3].max() == 0
    assert alpha[:, -alpha.shape[1] // 3 :].min() == 255


def test_rgb_nodata_becomes_transparent(tmp_path: Path):
    data = np.full((3, 32, 32), 150, dtype=np.uint8)
    data[:, :, :16] = 0
    src = write_tiff(
        tmp_path / "nodata.tif",
        data,
        crs=geocrs.UTM48N,
        transform=north_up(674_000, 2_307_000, 10, 10),
        nodata=0,
    )
    cog = convert(tmp_path, src)
    with rasterio.open(cog) as ds:
        alpha = ds.read(4)
    assert alpha[:, : alpha.shape[1] // 3].max() == 0
    assert alpha[:, -alpha.shape[1] // 3 :].min() == 255


def test_grey_becomes_grey_rgb(tmp_path: Path):
    cog = convert(tmp_path, solid(tmp_path, bands=1))
    with rasterio.open(cog) as ds:
        rgba = ds.read()
    inside = rgba[3] == 255
    assert inside.any()
    assert {int(rgba[b][inside].max()) for b in range(3)} == {100}


def test_paletted_expands_its_colour_table(tmp_path: Path):
    src = tmp_path / "classes.tif"
    x, y = 674_000.0, 2_307_000.0
    write_classes(
        src,
        [(box(x, y, x + 200, y + 200), 1), (box(x + 100, y, x + 200, y + 200), 2)],
        bounds=(x, y, x + 200, y + 200),
        resolution=10.0,
        crs=geocrs.UTM48N,
        palette={0: (0, 0, 0, 0), 1: (255, 0, 0, 255), 2: (0, 0, 255, 255)},
    )
    assert inspect_raster(src).kind == "paletted"
    cog = convert(tmp_path, src)
    with rasterio.open(cog) as ds:
        rgba = ds.read()
    colours = {tuple(int(v) for v in rgba[:, r, c]) for r, c in np.argwhere(rgba[3])}
    assert colours == {(255, 0, 0, 255), (0, 0, 255, 255)}


def test_write_classes_paints_later_shapes_on_top(tmp_path: Path):
    src = tmp_path / "c.tif"
    width, height = write_classes(
        src,
        [(box(0, 0, 100, 100), 1), (box(50, 0, 100, 100), 2)],
        bounds=(0, 0, 100, 100),
        resolution=10,
        crs=geocrs.UTM48N,
        palette={1: (1, 1, 1, 255), 2: (2, 2, 2, 255)},
    )
    with rasterio.open(src) as ds:
        classes = ds.read(1)
        assert ds.nodata == 0 and ds.colormap(1)[2][:3] == (2, 2, 2)
    assert (width, height) == (10, 10)
    assert set(np.unique(classes[:, :5])) == {1} and set(np.unique(classes[:, 5:])) == {
        2
    }


# --- bad input --------------------------------------------------------------------


def test_no_georeferencing_is_refused(tmp_path: Path):
    src = solid(tmp_path, crs=None, georeferenced=False)
    with pytest.raises(CRSError, match="no georeferencing: no geotransform"):
        inspect_raster(src)


def test_transform_without_crs_asks_for_one(tmp_path: Path):
    src = solid(tmp_path, crs=None)
    with pytest.raises(CRSError, match="no CRS"):
        inspect_raster(src)
    assert inspect_raster(src, source_crs=geocrs.UTM48N).crs_name == "EPSG:32648"


def test_vn2000_without_datum_shift_is_refused(tmp_path: Path):
    wkt = TM3_ESRI_WKT.format(towgs84="").replace("D_Vietnam_2000", "VN2000")
    src = solid(tmp_path, crs=wkt)
    with pytest.raises(CRSError, match="no datum shift"):
        inspect_raster(src)


def test_corrupt_file_is_refused(tmp_path: Path):
    src = tmp_path / "corrupt.tif"
    src.write_bytes(b"II*\x00" + bytes(range(256)) * 4)
    with pytest.raises(RasterError, match="cannot read"):
        inspect_raster(src)


def test_truncated_file_fails_conversion_and_leaves_nothing(tmp_path: Path):
    good = solid(tmp_path, size=600, compress="deflate", tiled=True)
    data = good.read_bytes()
    src = tmp_path / "truncated.tif"
    src.write_bytes(data[: len(data) // 2])
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(RasterError):
        write_cog(inspect_raster(src), out / "cog.tif", progress=lambda _m: None)
    assert list(out.iterdir()) == []


def test_not_a_geotiff_is_refused(tmp_path: Path):
    src = tmp_path / "image.tif"
    src.write_bytes(encode_png(np.zeros((4, 8, 8), dtype=np.uint8)))
    with pytest.raises(RasterError, match="not a GeoTIFF"):
        inspect_raster(src)


def test_missing_file(tmp_path: Path):
    with pytest.raises(RasterError, match="file not found"):
        inspect_raster(tmp_path / "nope.tif")


def test_pixel_limit(tmp_path: Path):
    src = solid(tmp_path, size=32)
    with pytest.raises(RasterError, match=r"1,024 pixels is above the limit of 1,000"):
        inspect_raster(src, max_pixels=1000)
    assert inspect_raster(src, max_pixels=1024).pixels == 1024


@pytest.mark.parametrize(
    ("bands", "dtype", "profile", "message"),
    [
        (2, "uint8", {}, "unsupported band layout: 2 bands"),
        (4, "uint8", {"photometric": "MINISBLACK"}, "4th band marked alpha"),
        (5, "uint8", {}, "unsupported band layout: 5 bands"),
        (3, "uint16", {}, "only 8-bit"),
        (1, "float32", {}, "only 8-bit"),
    ],
)
def test_unsupported_band_layouts(
    tmp_path: Path, bands: int, dtype: str, profile: dict, message: str
):
    src = solid(tmp_path, bands=bands, dtype=dtype, **profile)
    with pytest.raises(RasterError, match=message):
        inspect_raster(src)


# --- zooms and encoders ----------------------------------------------------------


@pytest.mark.parametrize(
    ("resolution", "maxzoom"), [(2.3887, 16), (2.3, 17), (9.0, 15), (9.6, 14), (1e6, 0)]
)
def test_zoom_range_maxzoom(resolution: float, maxzoom: int):
    assert zoom_range((0, 0, 10_000, 10_000), resolution)[1] == maxzoom


def test_zoom_range_minzoom_spans_32_pixels():
    minzoom, _ = zoom_range((0, 0, 1_223, 1_223), 1.0)  # 1.2 km: 32 px at z12
    assert minzoom == 12


def _png_chunks(data: bytes) -> dict[bytes, bytes]:
    chunks, pos = {}, 8
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        chunks[kind] = data[pos + 8 : pos + 8 + length]
        crc = int.from_bytes(data[pos + 8 + length : pos + 12 + length], "big")
        assert crc == zlib.crc32(kind + chunks[kind])
        pos += 12 + length
    return chunks


def test_png_round_trip_rgba():
    rng = np.random.default_rng(1)
    rgba = rng.integers(0, 256, (4, 64, 48), dtype=np.uint8)
    assert np.array_equal(decode_image(encode_png(rgba)), rgba)


def test_png_is_rgb_when_opaque():
    rgba = np.full((4, 16, 16), 255, dtype=np.uint8)
    rgba[0] = np.arange(16, dtype=np.uint8)
    data = encode_png(rgba)
    assert _png_chunks(data)[b"IHDR"][9] == 2  # colour type RGB
    assert np.array_equal(decode_image(data), rgba[:3])


def test_webp_has_alpha():
    rgba = np.zeros((4, 32, 32), dtype=np.uint8)
    rgba[:, :, :16] = 200
    data = encode_webp(rgba)
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    decoded = decode_image(data)
    assert decoded[3, :, :16].min() == 200 and decoded[3, :, 16:].max() == 0


@pytest.mark.parametrize("fmt", ["png", "webp"])
def test_transparent_tile(fmt: str):
    decoded = decode_image(transparent_tile(fmt))
    assert decoded.shape[1:] == (256, 256) and decoded[-1].max() == 0
