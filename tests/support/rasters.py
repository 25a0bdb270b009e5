"""Tiny GeoTIFFs made in code, and reading a pixel of a tile at a lon/lat."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
import rasterio
import rasterio.errors
from rasterio.io import MemoryFile

from geo.crs import transformer
from geo.raster import north_up
from geo.tiles import ORIGIN_SHIFT, lonlat_to_mercator, tile_for_lonlat

# A spot near Hai Phong (An Dương) and a second one 400 m east, 300 m north of it.
SPOT = (106.60, 20.87)
BLUE = (20, 60, 200)
RED = (220, 30, 30)
PIXEL_M = 10.0
SIZE = 128  # 1.28 km square
SQUARE = 6  # the red square: 60 m


def write_tiff(
    path: Path,
    data: np.ndarray,
    *,
    crs: str | None,
    transform: rasterio.Affine | None,
    **profile: object,
) -> Path:
    """Write ``data`` (bands, rows, cols) as a GeoTIFF; no CRS/transform if None."""
    options: dict[str, object] = {
        "driver": "GTiff",
        "count": data.shape[0],
        "height": data.shape[1],
        "width": data.shape[2],
        "dtype": str(data.dtype),
        **profile,
    }
    if crs is not None:
        options["crs"] = crs
    if transform is not None:
        options["transform"] = transform
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        with rasterio.open(path, "w", **options) as dst:
            dst.write(data)
    return path


def target_in(
    crs: str, lon: float = SPOT[0], lat: float = SPOT[1]
) -> tuple[float, float]:
    """(x, y) of a lon/lat in ``crs`` (pyproj, as the vector layers use it)."""
    x, y = transformer("EPSG:4326", crs).transform(lon, lat)
    return float(x), float(y)


def marked_image(
    tmp_path: Path, crs: str, *, pixel: float = PIXEL_M, name: str = "marked.tif"
) -> Path:
    """A blue RGB square in ``crs`` with a red square centred on ``SPOT``.

    ``pixel`` is in the CRS's units (metres, or degrees for EPSG:4326).
    """
    x, y = target_in(crs)
    half = SIZE // 2
    transform = north_up(x - half * pixel, y + half * pixel, pixel, pixel)
    data = np.empty((3, SIZE, SIZE), dtype=np.uint8)
    for band, value in enumerate(BLUE):
        data[band] = value
    lo, hi = half - SQUARE // 2, half + SQUARE // 2
    for band, value in enumerate(RED):
        data[band, lo:hi, lo:hi] = value
    return write_tiff(tmp_path / name, data, crs=crs, transform=transform)


def solid(
    tmp_path: Path,
    bands: int = 3,
    *,
    name: str = "solid.tif",
    dtype: str = "uint8",
    size: int = 32,
    crs: str | None = "EPSG:32648",
    georeferenced: bool = True,
    **profile: object,
) -> Path:
    """A small uniform raster near Hai Phong in UTM 48N."""
    data = np.full((bands, size, size), 100, dtype=dtype)
    transform = north_up(674_000, 2_307_000, 10, 10) if georeferenced else None
    return write_tiff(tmp_path / name, data, crs=crs, transform=transform, **profile)


def pixel_in_tile(lon: float, lat: float, z: int) -> tuple[int, int, int, int, int]:
    """(z, x, y) of the tile holding a lon/lat, and the pixel (col, row) in it."""
    tile = tile_for_lonlat(lon, lat, z)
    mx, my = lonlat_to_mercator(lon, lat)
    size = 2 * ORIGIN_SHIFT / (1 << z) / 256
    col = int((float(mx) + ORIGIN_SHIFT) / size) - tile.x * 256
    row = int((ORIGIN_SHIFT - float(my)) / size) - tile.y * 256
    return tile.z, tile.x, tile.y, col, row


def decode_image(data: bytes) -> np.ndarray:
    """Decode a PNG or WebP into (bands, rows, cols) with GDAL."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        with MemoryFile(io.BytesIO(data)) as memfile, memfile.open() as src:
            return src.read()
