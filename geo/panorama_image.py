"""Panorama image files: checks, EXIF GPS, metadata stripping, multi-resolution tiles.

A stored panorama is a folder of JPEGs that Photo Sphere Viewer's
equirectangular-tiles adapter reads: ``base.jpg`` (a small full view shown at
once), ``thumb.jpg`` (for tooltips) and ``<level>/<col>_<row>.jpg`` tiles, level
0 the coarsest. Every file is re-encoded from pixels, so no EXIF, XMP, GPS or
comment of the upload survives.
"""

from __future__ import annotations

import io
import logging
import math
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from geo.panorama import PanoramaError, check_lonlat

logger = logging.getLogger(__name__)

TILE_MAX = 512  # tile side in pixels, at most
BASE_WIDTH = 1024  # width of the view shown before tiles arrive
THUMB_WIDTH = 256
JPEG_QUALITY = 85
RATIO_TOLERANCE = 0.01  # a 2:1 image may be off by 1 %
# Pillow's names of the formats a photo may come in; no other plugin is ever tried.
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
PHOTO_FORMATS_TEXT = "a JPEG, PNG or WebP file"
# Leading bytes of files refused above, to say what arrived instead.
REFUSED_KINDS = (
    (b"%!PS", "PostScript/EPS"),
    (b"\xc5\xd0\xd3\xc6", "EPS"),
    (b"%PDF", "PDF"),
    (b"GIF8", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
    (b"PK\x03\x04", "a zip archive"),
)

GPS_IFD = 0x8825
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 1, 2, 3, 4
_GPS_IMG_DIRECTION = 17
EXIF_IFD = 0x8769
_DATE_TAGS = (0x9003, 0x9004)  # DateTimeOriginal, DateTimeDigitized: when taken
_EXIF_DATE = re.compile(r"^(\d{4}):(\d{2}):(\d{2})")


@dataclass(frozen=True, slots=True)
class TileLevel:
    """One resolution of a tiled panorama: full width and tile grid."""

    width: int
    cols: int
    rows: int


@dataclass(frozen=True, slots=True)
class TiledPanorama:
    """What was written for a panorama, as the viewer needs it."""

    width: int
    height: int
    tile_size: int
    levels: tuple[TileLevel, ...]

    def to_json(self) -> dict[str, Any]:
        """The ``tiles`` entry of a scene in the manifest."""
        return {
            "width": self.width,
            "tile_size": self.tile_size,
            "levels": [
                {"width": lv.width, "cols": lv.cols, "rows": lv.rows}
                for lv in self.levels
            ],
        }


@dataclass(frozen=True, slots=True)
class PhotoInfo:
    """What an uploaded photo says about itself."""

    width: int
    height: int
    lon: float | None
    lat: float | None
    heading_deg: float | None
    taken: str | None = None  # capture date, ``YYYY-MM-DD``


def open_photo(data: bytes, *, name: str, max_width: int) -> Image.Image:
    """Open uploaded bytes as an image and check it is an equirectangular panorama.

    Only JPEG, PNG and WebP are tried: Pillow is told those formats alone, so no
    other plugin (EPS, which runs Ghostscript, PDF, …) ever sees the bytes. The
    header is checked before any pixel is decoded; the pixels are decoded here too,
    so a truncated or corrupt file is refused like an unreadable one rather than
    failing later, while tiles are written.

    Args:
        data: the file's bytes.
        name: the upload's name, for messages.
        max_width: widest image accepted (keeps decoding memory bounded).

    Returns:
        The decoded image.

    Raises:
        PanoramaError: not a JPEG, PNG or WebP image, corrupt or truncated, not 2:1
            (±1 %), too small or too wide.
    """
    image = _identify(data, name)
    _check_shape(image, name, max_width)
    try:
        image.load()
    except (OSError, SyntaxError, ValueError) as exc:  # Pillow's bad-data errors
        raise PanoramaError(
            f"not a readable image: the {image.format} data is truncated or "
            f"corrupt ({exc})",
            path=name,
            field="image",
        ) from None
    return image


def _identify(data: bytes, name: str) -> Image.Image:
    """The image's header, read by the accepted formats' plugins only."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=PHOTO_FORMATS)
            image.size  # noqa: B018 - parse the header now
    except UnidentifiedImageError:
        raise PanoramaError(
            f"not a readable image: expected {PHOTO_FORMATS_TEXT}{_kind(data)}",
            path=name,
            field="image",
        ) from None
    except (
        OSError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,  # over twice Pillow's pixel limit
    ) as exc:
        raise PanoramaError(
            f"not a readable image ({exc})", path=name, field="image"
        ) from None
    return image


def _kind(data: bytes) -> str:
    """``", got <kind>"`` for a few file kinds people upload by mistake, else ``""``."""
    head = data[:16]
    for magic, kind in REFUSED_KINDS:
        if head.startswith(magic):
            return f", got {kind}"
    return ""


def _check_shape(image: Image.Image, name: str, max_width: int) -> None:
    """Refuse an image that is not 2:1, too small or too wide (header only)."""
    width, height = image.size
    if abs(width / height - 2.0) > 2.0 * RATIO_TOLERANCE:
        raise PanoramaError(
            f"an equirectangular panorama is twice as wide as high (2:1); this image "
            f"is {width}×{height}",
            path=name,
            field="image",
        )
    if width < 512:
        raise PanoramaError(
            f"image too small: {width}×{height}, need ≥ 512×256", path=name
        )
    if width > max_width:
        raise PanoramaError(
            f"image too wide: {width} px, at most {max_width} px", path=name
        )


def _rational(value: Any) -> float:
    """An EXIF rational (IFDRational or (num, den)) as a float."""
    if isinstance(value, tuple) and len(value) == 2:
        return float(value[0]) / float(value[1])
    return float(value)


def _dms(values: Any, ref: Any, negative: str) -> float:
    """Degrees from EXIF (deg, min, sec) and a hemisphere reference."""
    deg, minutes, seconds = (_rational(v) for v in values)
    angle = deg + minutes / 60.0 + seconds / 3600.0
    ref_text = ref.decode() if isinstance(ref, bytes) else str(ref or "")
    return -angle if ref_text.strip().upper() == negative else angle


def photo_info(image: Image.Image) -> PhotoInfo:
    """Size, and position and heading from EXIF GPS when the photo carries them.

    Unreadable or impossible GPS values are ignored (logged), never trusted.
    """
    lon = lat = heading = None
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
    except (AttributeError, KeyError, OSError, ValueError):
        gps = {}
    try:
        if _GPS_LAT in gps and _GPS_LON in gps:
            lat = _dms(gps[_GPS_LAT], gps.get(_GPS_LAT_REF), "S")
            lon = _dms(gps[_GPS_LON], gps.get(_GPS_LON_REF), "W")
            check_lonlat(lon, lat)
        if _GPS_IMG_DIRECTION in gps:
            heading = _rational(gps[_GPS_IMG_DIRECTION]) % 360.0
            if not math.isfinite(heading):
                heading = None
    except (TypeError, ValueError, ZeroDivisionError, PanoramaError) as exc:
        logger.warning("ignoring unreadable EXIF GPS: %s", exc)
        lon = lat = None
    return PhotoInfo(image.width, image.height, lon, lat, heading, taken_on(image))


def taken_on(image: Image.Image) -> str | None:
    """The day the photo was taken, from EXIF, as ``YYYY-MM-DD`` (None if unknown).

    Only DateTimeOriginal and DateTimeDigitized count: the plain DateTime tag is
    when the file was last changed, not when the photo was taken.
    """
    try:
        tags = image.getexif().get_ifd(EXIF_IFD)
    except (AttributeError, KeyError, OSError, ValueError):
        return None
    for tag in _DATE_TAGS:
        value = tags.get(tag)
        if isinstance(value, bytes):
            value = value.decode("ascii", "replace")
        match = _EXIF_DATE.match(value.strip()) if isinstance(value, str) else None
        if match is None:
            continue
        try:
            return date(*(int(part) for part in match.groups())).isoformat()
        except ValueError:  # "0000:00:00", a 30th of February
            continue
    return None


def plan_levels(width: int, tile_max: int = TILE_MAX) -> tuple[int, list[TileLevel]]:
    """Tile size and levels (coarsest first) for a panorama ``width`` wide.

    The finest level has a power-of-two number of columns (twice the rows) and
    square tiles of at most ``tile_max`` pixels; its width is rounded to a
    multiple of the tile size (a resize of under 1 %). Each coarser level halves
    the width and the grid, down to 2×1 tiles.
    """
    cols = 2
    while width / cols > tile_max:
        cols *= 2
    tile = max(1, round(width / cols))
    levels = []
    while cols >= 2:
        levels.append(TileLevel(cols * tile, cols, cols // 2))
        cols //= 2
    return tile, levels[::-1]


def _save(image: Image.Image, path: Path) -> None:
    """Write a JPEG from pixels only (no EXIF, XMP, ICC or comment)."""
    clean = image.convert("RGB")
    clean.info.clear()
    clean.save(path, "JPEG", quality=JPEG_QUALITY, optimize=True)


def _tiles(
    image: Image.Image, level: TileLevel, tile: int
) -> Iterator[tuple[str, Image.Image]]:
    """(relative path, tile image) for one level."""
    scaled = image.resize((level.width, level.width // 2), Image.Resampling.LANCZOS)
    for row in range(level.rows):
        for col in range(level.cols):
            box = (col * tile, row * tile, (col + 1) * tile, (row + 1) * tile)
            yield f"{col}_{row}.jpg", scaled.crop(box)


def write_tiles(
    image: Image.Image, folder: Path, tile_max: int = TILE_MAX
) -> TiledPanorama:
    """Write base, thumbnail and tile pyramid of ``image`` into ``folder`` atomically.

    The files are written into a temporary sibling folder that then replaces
    ``folder``; readers see either the old panorama or the new one.

    Args:
        image: an equirectangular image (2:1).
        folder: the scene's media folder (created or replaced).
        tile_max: largest tile side.

    Returns:
        The tile description for the manifest.
    """
    rgb = image.convert("RGB")
    tile, levels = plan_levels(rgb.width, tile_max)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        base_w = min(BASE_WIDTH, levels[-1].width)
        _save(
            rgb.resize((base_w, base_w // 2), Image.Resampling.LANCZOS),
            tmp / "base.jpg",
        )
        _save(
            rgb.resize((THUMB_WIDTH, THUMB_WIDTH // 2), Image.Resampling.LANCZOS),
            tmp / "thumb.jpg",
        )
        for index, level in enumerate(levels):
            (tmp / str(index)).mkdir()
            for name, part in _tiles(rgb, level, tile):
                _save(part, tmp / str(index) / name)
        os.chmod(tmp, 0o755)
        _replace_dir(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finest = levels[-1]
    logger.info("wrote %s: %d levels, finest %d px", folder, len(levels), finest.width)
    return TiledPanorama(finest.width, finest.width // 2, tile, tuple(levels))


def _replace_dir(new: Path, target: Path) -> None:
    """Move ``new`` onto ``target``, removing the old folder after the swap."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
