"""Imagery sources: check that a GeoTIFF can be imported; burn shapes into one.

Accepted input: a GeoTIFF of 8-bit bands laid out as 1 band (grey or paletted),
3 bands (RGB) or 4 bands (RGBA, the 4th marked alpha), georeferenced by a CRS and
a geotransform, in any CRS PROJ can take to WGS84 with a real datum shift (VN-2000
included, see ``geo.crs``). ``geo.cog`` converts what passes; ``write_classes``
makes a paletted GeoTIFF from shapes (the demo imagery). Everything here is pure:
no Flask, no registry; ``layers.imagery.rasters`` keeps the catalogue.
"""

from __future__ import annotations

import contextlib
import logging
import math
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyproj
import rasterio
import rasterio.errors
from rasterio import features
from rasterio.crs import CRS as RioCRS
from rasterio.enums import ColorInterp
from rasterio.io import DatasetReader
from shapely.geometry.base import BaseGeometry

from geo import crs as geocrs
from geo.errors import CRSError, RasterError

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]
Bounds = tuple[float, float, float, float]

KINDS = ("grey", "paletted", "rgb", "rgba")
DEFAULT_MAX_PIXELS = 1_000_000_000  # ≈ 31 600² px: a 1.5 km² site at 5 cm
TILE_SIZE = 256
_LAYOUTS = "1 band (grey or paletted), 3 (RGB) or 4 (RGBA)"


@dataclass(frozen=True, slots=True)
class RasterSource:
    """A GeoTIFF that passed the checks, ready to convert.

    Attributes:
        path: The file.
        width: Columns.
        height: Rows.
        kind: Band layout: ``grey``, ``paletted``, ``rgb`` or ``rgba``.
        crs: Its CRS (or the override given).
        crs_name: Short name of the CRS for listings ("EPSG:3405").
    """

    path: Path
    width: int
    height: int
    kind: str
    crs: pyproj.CRS
    crs_name: str

    @property
    def pixels(self) -> int:
        """Width × height."""
        return self.width * self.height


@contextlib.contextmanager
def open_raster(path: Path) -> Iterator[DatasetReader]:
    """Open a raster, turning GDAL's complaints into RasterError.

    Raises:
        RasterError: The file is not a raster GDAL can read.
    """
    try:
        dataset = rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        raise RasterError(f"cannot read as a raster: {exc}", path=path) from exc
    try:
        yield dataset
    finally:
        dataset.close()


def band_layout(dataset: DatasetReader) -> str:
    """Name the band layout of an open raster, or refuse it.

    Args:
        dataset: The open raster.

    Returns:
        ``grey``, ``paletted``, ``rgb`` or ``rgba``.

    Raises:
        RasterError: Not 8-bit, or not one of the layouts above.
    """
    wrong = sorted({d for d in dataset.dtypes if d != "uint8"})
    if wrong:
        raise RasterError(
            f"bands are {', '.join(wrong)}; only 8-bit (uint8) imagery is supported "
            "(convert with gdal_translate -ot Byte -scale)",
            path=dataset.name,
        )
    interp = dataset.colorinterp
    if dataset.count == 1:
        if interp[0] == ColorInterp.palette:
            return "paletted"
        return "grey"
    if dataset.count == 3:
        return "rgb"
    if dataset.count == 4 and interp[3] == ColorInterp.alpha:
        return "rgba"
    detail = f"{dataset.count} bands ({', '.join(c.name for c in interp)})"
    raise RasterError(
        f"unsupported band layout: {detail}; expected {_LAYOUTS} with the 4th "
        "band marked alpha",
        path=dataset.name,
    )


def _georeferencing(
    dataset: DatasetReader, path: Path, source_crs: geocrs.CRSLike | None
) -> pyproj.CRS:
    """The raster's CRS; raise if it cannot be placed on the map."""
    has_gcps = bool(dataset.gcps[0])
    if dataset.transform.is_identity:
        what = "ground control points only" if has_gcps else "no geotransform"
        raise CRSError(
            f"no georeferencing: {what}; warp it first (e.g. gdalwarp) so that it "
            "has a CRS and a geotransform",
            path=path,
        )
    if source_crs is not None:
        crs = geocrs.resolve_crs(source_crs, path=path)
    elif dataset.crs is None:
        raise CRSError(
            "no georeferencing: the file has a geotransform but no CRS; "
            "pass the CRS (e.g. --crs EPSG:3405 for VN-2000 / UTM 48N)",
            path=path,
        )
    else:
        crs = pyproj.CRS.from_wkt(dataset.crs.to_wkt())
    if geocrs.uses_ballpark_shift(crs):
        raise CRSError(
            f"PROJ knows no datum shift from {crs.name!r} to WGS84; the image would "
            f"land up to hundreds of metres off. Pass the CRS (e.g. "
            f"{geocrs.VN2000_UTM48} or {geocrs.VN2000_HAIPHONG_TM3} for VN-2000)",
            path=path,
        )
    return crs


def inspect_raster(
    path: str | Path,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    source_crs: geocrs.CRSLike | None = None,
) -> RasterSource:
    """Check that a file is a GeoTIFF this service can import.

    Args:
        path: The file.
        max_pixels: Refuse images with more pixels than this.
        source_crs: A CRS to use instead of the file's (when it is missing or
            wrong); the geotransform must be there all the same.

    Returns:
        What the file holds.

    Raises:
        RasterError: Missing, corrupt or not a GeoTIFF; too many pixels; bands
            not 8-bit or of an unsupported layout.
        CRSError: No CRS or no geotransform, or a CRS without a datum shift.
    """
    src = Path(path)
    if not src.is_file():
        raise RasterError("file not found", path=src)
    # Not thread-safe (process-global filters); imports run one at a time.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        with open_raster(src) as dataset:
            if dataset.driver != "GTiff":
                raise RasterError(
                    f"not a GeoTIFF (GDAL reads it as {dataset.driver})", path=src
                )
            pixels = dataset.width * dataset.height
            if pixels > max_pixels:
                raise RasterError(
                    f"{dataset.width} × {dataset.height} = {pixels:,} pixels is above "
                    f"the limit of {max_pixels:,} (PARKMAP_RASTER_MAX_PIXELS)",
                    path=src,
                )
            kind = band_layout(dataset)
            if kind == "paletted":
                palette(dataset)
            crs = _georeferencing(dataset, src, source_crs)
            return RasterSource(
                src, dataset.width, dataset.height, kind, crs, geocrs.describe(crs)
            )


def palette(dataset: DatasetReader) -> np.ndarray:
    """The colour table of band 1 of a paletted raster as a (256, 4) lookup table.

    Raises:
        RasterError: the band has no colour table.
    """
    try:
        colormap = dataset.colormap(1)
    except ValueError as exc:
        raise RasterError(
            "paletted band without a colour table", path=dataset.name
        ) from exc
    lut = np.zeros((256, 4), dtype=np.uint8)
    for index, rgba in colormap.items():
        if 0 <= index < 256:
            lut[index] = rgba
    return lut


def north_up(west: float, north: float, xres: float, yres: float) -> rasterio.Affine:
    """The geotransform of a north-up grid (``rasterio.transform.from_origin``).

    Built directly: ``from_origin`` multiplies two Affines with ``*``, which affine
    3.x deprecates with a warning.
    """
    return rasterio.Affine(xres, 0.0, west, 0.0, -yres, north)


def write_classes(
    path: Path,
    shapes: Iterable[tuple[BaseGeometry, int]],
    *,
    bounds: Bounds,
    resolution: float,
    crs: geocrs.CRSLike,
    palette: Mapping[int, tuple[int, int, int, int]],
    tags: Mapping[str, str] | None = None,
) -> tuple[int, int]:
    """Burn class values into a paletted GeoTIFF (``rasterio.features.rasterize``).

    Later shapes paint over earlier ones; pixels no shape touches get class 0, the
    nodata value. A pixel belongs to a shape when its centre is inside it.

    Args:
        path: The GeoTIFF to write.
        shapes: (geometry in ``crs``, class 1..255) pairs, in painting order.
        bounds: (min x, min y, max x, max y) in ``crs``, whole pixels from min x/max y.
        resolution: Pixel size in ``crs`` units.
        crs: The grid's CRS.
        palette: Class → (red, green, blue, alpha).
        tags: Metadata written into the file (e.g. how it was made).

    Returns:
        (width, height) in pixels.
    """
    minx, miny, maxx, maxy = bounds
    width = max(1, math.ceil((maxx - minx) / resolution))
    height = max(1, math.ceil((maxy - miny) / resolution))
    transform = north_up(minx, maxy, resolution, resolution)
    classes = features.rasterize(
        list(shapes),
        out_shape=(height, width),
        transform=transform,
        fill=0,
        dtype="uint8",
    )
    profile = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": 1,
        "dtype": "uint8",
        "crs": RioCRS.from_wkt(geocrs.resolve_crs(crs).to_wkt()),
        "transform": transform,
        "nodata": 0,
        "tiled": True,
        "compress": "DEFLATE",
        "photometric": "PALETTE",
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(classes, 1)
        dst.write_colormap(1, {k: tuple(v) for k, v in palette.items()})
        if tags:
            dst.update_tags(**tags)
    return width, height
