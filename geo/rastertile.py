"""Raster XYZ tiles: read a Web Mercator RGBA COG for one tile, encode PNG or WebP.

The COG comes from ``geo.raster.write_cog``: EPSG:3857, north up, 4 bands with
alpha. A tile is one windowed read of the part of the tile the image covers
(GDAL picks the overview), pasted into a transparent 256² canvas; no warping, no
boundless read. PNG is encoded here with zlib (an RGB PNG when every pixel is
opaque, RGBA otherwise); WebP through GDAL's WEBP driver.
"""

from __future__ import annotations

import functools
import math
import struct
import zlib
from typing import Self

import numpy as np
import rasterio
import rasterio.errors
from affine import Affine
from rasterio.enums import Resampling
from rasterio.io import MemoryFile
from rasterio.windows import Window

from geo.errors import RasterError
from geo.tiles import tile_bounds_3857

TILE_SIZE = 256
FORMATS = {"png": "image/png", "webp": "image/webp"}
PNG_LEVEL = 3  # zlib level: 6 compresses ~5 % better at twice the time
WEBP_QUALITY = 85
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_EDGE = 1e-9  # pixel-centre tests: a centre on the image edge counts as inside


class CogTileReader:
    """An open EPSG:3857 RGBA COG that renders XYZ tiles.

    Not thread-safe (neither is a GDAL dataset handle): keep one per thread.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            self._dataset = rasterio.open(path)
        except rasterio.errors.RasterioIOError as exc:
            raise RasterError(f"cannot open: {exc}", path=path) from exc
        ds = self._dataset
        t = ds.transform
        if ds.count != 4 or t.b or t.d or t.a <= 0 or t.e >= 0:
            ds.close()
            raise RasterError("not a north-up RGBA image", path=path)
        self._res_x, self._res_y = t.a, -t.e
        self._minx, self._maxy = t.c, t.f
        self._maxx = t.c + ds.width * t.a
        self._miny = t.f + ds.height * t.e
        self._width, self._height = ds.width, ds.height

    def close(self) -> None:
        """Close the dataset."""
        self._dataset.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _span(
        self, lo: float, hi: float, tile_lo: float, tile_res: float, size: int
    ) -> tuple[int, int] | None:
        """The output pixels [first, last) whose centres fall in [lo, hi)."""
        first = math.ceil((lo - tile_lo) / tile_res - 0.5 - _EDGE)
        last = math.floor((hi - tile_lo) / tile_res - 0.5 - _EDGE) + 1
        first, last = max(first, 0), min(last, size)
        return (first, last) if first < last else None

    def read_tile(
        self, z: int, x: int, y: int, size: int = TILE_SIZE
    ) -> np.ndarray | None:
        """The RGBA pixels of tile z/x/y, or None when the image is not in it.

        Args:
            z: Zoom.
            x: Column.
            y: Row from the north.
            size: Tile width and height in pixels.

        Returns:
            A (4, size, size) uint8 array, alpha 0 where there is no image; None if
            no pixel of the tile has an alpha above 0.
        """
        tminx, _, tmaxx, tmaxy = tile_bounds_3857(z, x, y)
        tile_res = (tmaxx - tminx) / size
        cols = self._span(self._minx, self._maxx, tminx, tile_res, size)
        # rows count down from the north edge: flip the axis
        rows = self._span(-self._maxy, -self._miny, -tmaxy, tile_res, size)
        if cols is None or rows is None:
            return None
        (c0, c1), (r0, r1) = cols, rows
        col_off = (tminx + c0 * tile_res - self._minx) / self._res_x
        row_off = (self._maxy - (tmaxy - r0 * tile_res)) / self._res_y
        win_w = (c1 - c0) * tile_res / self._res_x
        win_h = (r1 - r0) * tile_res / self._res_y
        # Centres inside, but the window may poke out by under half a tile pixel.
        col_off, row_off = max(col_off, 0.0), max(row_off, 0.0)
        win_w = min(win_w, self._width - col_off)
        win_h = min(win_h, self._height - row_off)
        data = self._dataset.read(
            window=Window(col_off, row_off, win_w, win_h),
            out_shape=(4, r1 - r0, c1 - c0),
            resampling=Resampling.nearest,
        )
        if not data[3].any():
            return None
        if (c0, r0, c1, r1) == (0, 0, size, size):
            return data
        canvas = np.zeros((4, size, size), dtype=np.uint8)
        canvas[:, r0:r1, c0:c1] = data
        return canvas


def _chunk(kind: bytes, payload: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC."""
    head = struct.pack(">I", len(payload)) + kind
    return head + payload + struct.pack(">I", zlib.crc32(kind + payload))


def encode_png(rgba: np.ndarray, level: int = PNG_LEVEL) -> bytes:
    """Encode a (4, h, w) uint8 array as PNG (RGB when every pixel is opaque).

    Rows use the "Up" filter (each byte minus the one above), which suits photos
    and flat colours alike and costs one vectorised subtraction.

    Args:
        rgba: Red, green, blue and alpha bands.
        level: zlib compression level, 0..9.

    Returns:
        The PNG file's bytes.
    """
    _, height, width = rgba.shape
    opaque = bool((rgba[3] == 255).all())
    bands = rgba[:3] if opaque else rgba
    channels = bands.shape[0]
    pixels = np.ascontiguousarray(np.moveaxis(bands, 0, -1)).reshape(height, -1)
    rows = np.empty((height, width * channels + 1), dtype=np.uint8)
    rows[:, 0] = 2  # filter type Up
    rows[0, 0] = 0  # the first row has nothing above: filter None
    rows[0, 1:] = pixels[0]
    np.subtract(pixels[1:], pixels[:-1], out=rows[1:, 1:])
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if opaque else 6, 0, 0, 0)
    return b"".join(
        [
            _PNG_SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(rows.tobytes(), level)),
            _chunk(b"IEND", b""),
        ]
    )


def encode_webp(rgba: np.ndarray, quality: int = WEBP_QUALITY) -> bytes:
    """Encode a (4, h, w) uint8 array as lossy WebP with alpha (GDAL's driver).

    Args:
        rgba: Red, green, blue and alpha bands.
        quality: 1..100.

    Returns:
        The WebP file's bytes.
    """
    _, height, width = rgba.shape
    profile = {"driver": "WEBP", "width": width, "height": height, "count": 4}
    # Any non-identity transform: with none, rasterio warns NotGeoreferenced.
    profile["transform"] = Affine.scale(2.0, -2.0)
    with MemoryFile() as memfile:
        with memfile.open(dtype="uint8", quality=quality, **profile) as dst:
            dst.write(rgba)
        return memfile.read()


def encode(rgba: np.ndarray, fmt: str) -> bytes:
    """Encode as ``png`` or ``webp``; raise ValueError for another format."""
    if fmt == "png":
        return encode_png(rgba)
    if fmt == "webp":
        return encode_webp(rgba)
    raise ValueError(f"unknown tile format {fmt!r}; expected png or webp")


@functools.cache
def transparent_tile(fmt: str, size: int = TILE_SIZE) -> bytes:
    """A fully transparent tile in ``fmt`` (encoded once per process)."""
    return encode(np.zeros((4, size, size), dtype=np.uint8), fmt)
