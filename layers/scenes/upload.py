"""Adding a real 360° photo: checks, EXIF GPS, metadata stripped, tiles, manifests.

An upload is kept in two places: the photo (re-encoded without metadata) and its
entry go into the source folder (``data/panoramas/``), so the next
``vr generate`` keeps it; its tiles and its entry go into the served folder at
once, replacing the generated scene of the same park. Manifest updates hold an
exclusive lock, so two uploads never lose each other's entry.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import math
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PIL import Image

from geo.errors import GeoError
from geo.io import atomic_output
from geo.panorama_image import JPEG_QUALITY, open_photo, photo_info, write_tiles
from layers.scenes.manifest import (
    MANIFEST,
    RESERVED_IDS,
    SCENE_ID,
    Manifest,
    Scene,
    link_scenes,
    parse_entry,
    read_manifest,
    write_manifest,
)

logger = logging.getLogger(__name__)

LOCK_FILE = ".manifest.lock"


class UploadRejected(GeoError):
    """An uploaded photo or its fields cannot be accepted (names the field)."""


class PhotoTooLarge(UploadRejected):
    """The uploaded file is over the size limit."""


@dataclass(frozen=True, slots=True)
class UploadLimits:
    """Where uploads go and how big they may be."""

    source_dir: Path
    out_dir: Path
    max_bytes: int
    max_width: int


def check_size(size: int | None, limits: UploadLimits, name: str) -> None:
    """Refuse a file over ``max_bytes`` (``size`` None = not known yet).

    Raises:
        PhotoTooLarge: naming the file and the limit.
    """
    if size is not None and size > limits.max_bytes:
        raise PhotoTooLarge(
            f"file is {size / 1e6:.1f} MB, the limit is {limits.max_bytes / 1e6:.1f} MB"
            " (PARKMAP_PANORAMA_MAX_BYTES)",
            path=name,
            field="image",
        )


def slug(text: str) -> str:
    """A scene id from a file name: ASCII lower case, digits, '-'."""
    stem = Path(text).stem
    ascii_text = unicodedata.normalize("NFKD", stem.replace("đ", "d").replace("Đ", "D"))
    ascii_text = ascii_text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:64] or "photo"


def _number(fields: Mapping[str, str], key: str) -> float | None:
    """A form number, or None when blank."""
    raw = (fields.get(key) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise UploadRejected(
            f"'{key}' must be a number, got {raw!r}", field=key
        ) from None
    if not math.isfinite(value):
        raise UploadRejected(f"'{key}' must be a finite number, got {raw!r}", field=key)
    return value


def entry_from_form(
    fields: Mapping[str, str], filename: str, gps: tuple[float | None, float | None]
) -> dict[str, Any]:
    """The source manifest entry an upload's form asks for (not validated yet).

    lon/lat from the form win; else the photo's EXIF GPS; else an error.

    Raises:
        UploadRejected: a number is malformed or no position is known.
    """
    lon, lat = _number(fields, "lon"), _number(fields, "lat")
    if lon is None or lat is None:
        lon, lat = gps
    if lon is None or lat is None:
        raise UploadRejected(
            "no position: give lon and lat, or upload a photo with EXIF GPS",
            field="lon",
        )
    scene_id = (fields.get("id") or "").strip() or slug(filename)
    if not SCENE_ID.match(scene_id) or scene_id in RESERVED_IDS:
        raise UploadRejected(
            "'id' must be 1-64 of a-z, 0-9, '_', '-' (not a reserved word), "
            f"got {scene_id!r}",
            field="id",
        )
    entry: dict[str, Any] = {
        "id": scene_id,
        "image": f"{scene_id}.jpg",
        "lon": lon,
        "lat": lat,
        "title": {
            lang: fields[f"title_{lang}"].strip()
            for lang in ("vi", "en", "ko", "ja")
            if (fields.get(f"title_{lang}") or "").strip()
        },
    }
    for key in ("heading", "height_m"):
        value = _number(fields, key)
        if value is not None:
            entry[key] = value
    if (fields.get("park") or "").strip():
        entry["park"] = fields["park"].strip()
    return entry


@contextlib.contextmanager
def manifest_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder``'s manifests for the block."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / LOCK_FILE).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def add_photo(
    data: bytes, filename: str, fields: Mapping[str, str], limits: UploadLimits
) -> Scene:
    """Accept an uploaded equirectangular photo as a scene.

    Args:
        data: the uploaded file.
        filename: its name (for messages and the default id).
        fields: form fields: ``id``, ``lon``, ``lat``, ``heading``, ``height_m``,
            ``park``, ``title_vi`` … ``title_ja`` (all optional but a position).
        limits: folders and limits.

    Returns:
        The served scene.

    Raises:
        PhotoTooLarge: over ``max_bytes``.
        UploadRejected: a bad field or no position.
        PanoramaError: not an image, not 2:1, too small or too wide.
        ManifestError: the entry breaks the manifest rules (names the field).
    """
    check_size(len(data), limits, filename)
    image = open_photo(data, name=filename, max_width=limits.max_width)
    info = photo_info(image)
    entry = entry_from_form(fields, filename, (info.lon, info.lat))
    if "heading" not in entry and info.heading_deg is not None:
        entry["heading"] = info.heading_deg
    if info.taken is not None:  # kept in the entry: the stored copy has no EXIF
        entry["date"] = info.taken
    with manifest_lock(limits.out_dir):
        source = read_manifest(limits.source_dir / MANIFEST, served=False)
        others = tuple(s for s in source.scenes if s.id != entry["id"])
        image_path = limits.source_dir / entry["image"]
        _save_stripped(image, image_path)
        try:
            scene = parse_entry(source.path, len(others) + 1, entry, served=False)
        except GeoError:
            image_path.unlink(missing_ok=True)
            raise
        write_manifest(Manifest(source.path, (*others, scene)))
        tiles = write_tiles(image, limits.out_dir / scene.id).to_json()
        served_scene = replace(scene, image=None, media=scene.id, tiles=tiles)
        _serve(limits.out_dir, served_scene)
    logger.info("added photo scene %s at %.5f, %.5f", scene.id, scene.lon, scene.lat)
    return served_scene


def _save_stripped(image: Image.Image, path: Path) -> None:
    """Save the full photo as a JPEG made from its pixels only (no EXIF/XMP/ICC)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    clean = image.convert("RGB")
    clean.info.clear()
    with atomic_output(path) as tmp:
        clean.save(tmp, "JPEG", quality=JPEG_QUALITY + 5)


def _serve(out_dir: Path, scene: Scene) -> None:
    """Put ``scene`` into the served manifest, dropping its park's generated scene."""
    served = read_manifest(out_dir / MANIFEST, served=True)
    keep = [
        s
        for s in served.scenes
        if s.id != scene.id
        and not (s.generated and scene.park and s.park == scene.park)
    ]
    scenes = link_scenes([*keep, scene])
    write_manifest(Manifest(served.path, tuple(scenes), served.minimap))
