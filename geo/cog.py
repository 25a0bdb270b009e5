"""Imagery to Web Mercator: reproject a checked GeoTIFF and write an RGBA COG.

The output is 4 bands (RGB and alpha, alpha 0 where the source had no data) in
EPSG:3857, with internal overviews, 512-pixel blocks and ZSTD compression, so that
tiles come out transparent outside the image. The warp runs a strip at a time
(memory stays bounded whatever the image size) into a work file beside the target;
GDAL's COG driver then adds the overviews, and the COG replaces the target only when
complete (``geo.io.atomic_output``).
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
import rasterio.errors
import rasterio.shutil
import shapely
from rasterio.crs import CRS as RioCRS
from rasterio.enums import ColorInterp, Resampling
from rasterio.vrt import WarpedVRT
from rasterio.warp import transform as warp_transform
from rasterio.windows import Window

from geo import crs as geocrs
from geo.errors import RasterError
from geo.io import atomic_output
from geo.raster import (
    TILE_SIZE,
    Bounds,
    Progress,
    RasterSource,
    open_raster,
    palette,
)
from geo.tiles import MAX_ZOOM, ORIGIN_SHIFT, mercator_to_lonlat

logger = logging.getLogger(__name__)

BLOCK_SIZE = 512
STRIP_BYTES = 64 * 1024 * 1024  # RGBA bytes warped per step: bounds memory use
COG_OPTIONS = {
    "COMPRESS": "ZSTD",  # vs DEFLATE: half the writing time, reads ~20 % faster
    "LEVEL": "9",
    "BLOCKSIZE": str(BLOCK_SIZE),
    "BIGTIFF": "IF_SAFER",
    "OVERVIEWS": "AUTO",
    "NUM_THREADS": "ALL_CPUS",
}


@dataclass(frozen=True, slots=True)
class CogInfo:
    """What the conversion wrote.

    Attributes:
        path: The COG.
        width: Columns of the full-resolution image.
        height: Rows.
        bounds_3857: (min x, min y, max x, max y) in EPSG:3857 metres.
        footprint: The source's outline in WGS84, a closed lon/lat ring.
        resolution_m: Ground size of a pixel at the image's centre, metres.
        minzoom: Lowest zoom at which the image spans at least 32 tile pixels.
        maxzoom: First zoom whose tiles are at least as fine as the image.
        checksum: SHA-256 of the file, hex (identifies its content for ETags).
    """

    path: Path
    width: int
    height: int
    bounds_3857: Bounds
    footprint: tuple[tuple[float, float], ...]
    resolution_m: float
    minzoom: int
    maxzoom: int
    checksum: str

    @property
    def bbox(self) -> Bounds:
        """(min lon, min lat, max lon, max lat) of the footprint."""
        lon = [p[0] for p in self.footprint]
        lat = [p[1] for p in self.footprint]
        return (min(lon), min(lat), max(lon), max(lat))


def _to_rgba(data: np.ndarray, kind: str, lut: np.ndarray | None) -> np.ndarray:
    """Warped bands (the last one alpha) as 4 RGBA bands."""
    if kind in ("rgb", "rgba"):
        return data
    values, alpha = data[0], data[1]
    if kind == "grey":
        return np.stack([values, values, values, alpha])
    if lut is None:
        raise ValueError("a paletted source needs its colour table")
    rgba = np.stack([np.take(lut[:, band], values) for band in range(4)])
    np.minimum(rgba[3], alpha, out=rgba[3])
    return rgba


def _work_profile(vrt: WarpedVRT) -> dict[str, object]:
    """The tiled RGBA GeoTIFF the warp writes before the COG is made from it."""
    return {
        "driver": "GTiff",
        "width": vrt.width,
        "height": vrt.height,
        "count": 4,
        "dtype": "uint8",
        "crs": vrt.crs,
        "transform": vrt.transform,
        "tiled": True,
        "blockxsize": BLOCK_SIZE,
        "blockysize": BLOCK_SIZE,
        "compress": "ZSTD",
        "zstd_level": 1,  # a scratch file: fast beats small
        "photometric": "RGB",
        "alpha": "YES",
        "BIGTIFF": "IF_SAFER",
    }


def _warp_to_work_file(
    source: RasterSource, work: Path, progress: Progress
) -> tuple[rasterio.Affine, int, int]:
    """Reproject to EPSG:3857 into a tiled RGBA GeoTIFF, a strip at a time."""
    paletted = source.kind == "paletted"
    with warnings.catch_warnings(), open_raster(source.path) as dataset:
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        lut = palette(dataset) if paletted else None
        vrt = WarpedVRT(
            dataset,
            crs=RioCRS.from_string(geocrs.WEB_MERCATOR),
            src_crs=RioCRS.from_wkt(source.crs.to_wkt()),
            resampling=Resampling.nearest if paletted else Resampling.bilinear,
            add_alpha=source.kind != "rgba",  # alpha 0 where the source has no data
        )
        with vrt, rasterio.open(work, "w", **_work_profile(vrt)) as out:
            width, height = vrt.width, vrt.height
            rows = max(
                BLOCK_SIZE, STRIP_BYTES // (4 * width) // BLOCK_SIZE * BLOCK_SIZE
            )
            reported = -1
            for row in range(0, height, rows):
                window = Window(0, row, width, min(rows, height - row))
                rgba = _to_rgba(vrt.read(window=window), source.kind, lut)
                out.write(rgba, window=window)
                done = 100 * (row + window.height) // height
                if done // 10 > reported:
                    reported = done // 10
                    progress(f"reprojecting to EPSG:3857: {done}%")
            out.colorinterp = [
                ColorInterp.red,
                ColorInterp.green,
                ColorInterp.blue,
                ColorInterp.alpha,
            ]
            return vrt.transform, width, height


def _footprint(source: RasterSource) -> tuple[tuple[float, float], ...]:
    """The source image's outline in WGS84 (edges densified), as GDAL moves it."""
    with warnings.catch_warnings(), open_raster(source.path) as dataset:
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        t, w, h = dataset.transform, dataset.width, dataset.height
        corners = [(0, 0), (w, 0), (w, h), (0, h), (0, 0)]
        ring = shapely.LinearRing(
            [
                (t.c + t.a * col + t.b * row, t.f + t.d * col + t.e * row)
                for col, row in corners
            ]
        )
    step = max(ring.length / 64, 1e-9)
    coords = shapely.get_coordinates(shapely.segmentize(ring, step))
    lon, lat = warp_transform(
        RioCRS.from_wkt(source.crs.to_wkt()),
        RioCRS.from_string(geocrs.WGS84),
        coords[:, 0].tolist(),
        coords[:, 1].tolist(),
    )
    return tuple((round(x, 7), round(y, 7)) for x, y in zip(lon, lat, strict=True))


def zoom_range(bounds_3857: Bounds, resolution_3857: float) -> tuple[int, int]:
    """(minzoom, maxzoom) for an image: see ``CogInfo``.

    Args:
        bounds_3857: The image's extent in EPSG:3857 metres.
        resolution_3857: Its pixel size in EPSG:3857 metres.

    Returns:
        The lowest zoom where the image spans ≥ 32 tile pixels, and the first zoom
        whose tile pixels are no larger than the image's.
    """
    world = 2 * ORIGIN_SHIFT
    maxzoom = math.ceil(math.log2(world / (TILE_SIZE * resolution_3857)) - 1e-6)
    maxzoom = min(max(maxzoom, 0), MAX_ZOOM)
    span = max(bounds_3857[2] - bounds_3857[0], bounds_3857[3] - bounds_3857[1])
    minzoom = math.ceil(math.log2(32 * world / (TILE_SIZE * max(span, 1e-9))) - 1e-6)
    return min(max(minzoom, 0), maxzoom), maxzoom


def file_checksum(path: Path) -> str:
    """SHA-256 of a file, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def write_cog(
    source: RasterSource, target: Path, progress: Progress | None = None
) -> CogInfo:
    """Reproject a checked raster to EPSG:3857 and write it as an RGBA COG.

    The work file and the COG are written beside ``target`` and the COG replaces
    ``target`` only when complete (``geo.io.atomic_output``).

    Args:
        source: What ``inspect_raster`` returned.
        target: The COG to write.
        progress: Called with a line per step (defaults to logging).

    Returns:
        What was written.

    Raises:
        RasterError: GDAL could not read the pixels (a corrupt file) or write.
    """
    progress = progress or logger.info
    work = target.with_name(f".{target.name}.work-{secrets.token_hex(4)}.tif")
    try:
        transform, width, height = _warp_to_work_file(source, work, progress)
        progress("building overviews and writing the Cloud-Optimized GeoTIFF")
        with atomic_output(target) as tmp:
            rasterio.shutil.copy(work, tmp, driver="COG", **COG_OPTIONS)
    except rasterio.errors.RasterioError as exc:
        raise RasterError(f"cannot convert: {exc}", path=source.path) from exc
    finally:
        work.unlink(missing_ok=True)
    res = transform.a
    bounds = (
        transform.c,
        transform.f + height * transform.e,
        transform.c + width * res,
        transform.f,
    )
    _, lat = mercator_to_lonlat(0.0, (bounds[1] + bounds[3]) / 2)
    minzoom, maxzoom = zoom_range(bounds, res)
    return CogInfo(
        path=target,
        width=width,
        height=height,
        bounds_3857=bounds,
        footprint=_footprint(source),
        resolution_m=res * math.cos(math.radians(float(lat))),
        minzoom=minzoom,
        maxzoom=maxzoom,
        checksum=file_checksum(target),
    )
