"""The build's raster step: register every GeoTIFF in ``data/rasters/``.

Each ``NAME.tif`` may have a sidecar ``NAME.json`` giving ``name``, ``date``,
``label`` and ``crs`` (all optional: the name defaults to the file name made a slug,
the date to the TIFF's own date tag or else the file's modification date, the label
to the file name). A GeoTIFF already registered from the same file with the same
size, modification time and sidecar is not converted again; rasters registered from
``data/rasters/`` whose file is gone are removed. Rasters added with ``raster
import`` or by the sample are left alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rasterio
import rasterio.errors

from geo.errors import GeoError, RasterError
from layers.errors import InvalidRasterMetadata
from layers.imagery.rasters import Progress, RasterRegistry, check_date, check_name

logger = logging.getLogger(__name__)

RASTER_DIR = "rasters"
SUFFIXES = (".tif", ".tiff")


@dataclass
class SyncReport:
    """What the raster step did."""

    imported: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def slug(text: str) -> str:
    """A URL-safe raster name from a file name: ascii, lower case, ``-``."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
        .encode("ascii", "ignore")
        .decode()
    )
    name = re.sub(r"[^a-z0-9_-]+", "-", ascii_text.lower()).strip("-_")
    return name[:64] or "raster"


def _tiff_date(path: Path) -> str | None:
    """YYYY-MM-DD from the TIFF's TIFFTAG_DATETIME, if it has a sensible one."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
            with rasterio.open(path) as dataset:
                tag = dataset.tags().get("TIFFTAG_DATETIME", "")
    except rasterio.errors.RasterioIOError:
        return None
    match = re.match(r"([0-9]{4}):([0-9]{2}):([0-9]{2})", tag)
    if not match:
        return None
    text = "-".join(match.groups())
    try:
        return check_date(text)
    except InvalidRasterMetadata:
        return None


def read_sidecar(tif: Path) -> dict[str, Any]:
    """The metadata for a GeoTIFF: its sidecar JSON filled in with defaults.

    Raises:
        RasterError: the sidecar is not a JSON object of strings.
        InvalidRasterMetadata: bad name or date in it.
    """
    sidecar = tif.with_suffix(".json")
    meta: dict[str, Any] = {}
    if sidecar.is_file():
        try:
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RasterError(f"bad sidecar: {exc}", path=sidecar) from exc
        if not isinstance(meta, dict) or not all(
            isinstance(v, str) for v in meta.values()
        ):
            raise RasterError("sidecar must be a JSON object of strings", path=sidecar)
    if "date" not in meta:
        mtime = dt.datetime.fromtimestamp(tif.stat().st_mtime, dt.UTC)
        meta["date"] = _tiff_date(tif) or mtime.date().isoformat()
    meta.setdefault("name", slug(tif.stem))
    meta.setdefault("label", tif.stem)
    check_name(meta["name"])
    check_date(meta["date"])
    return meta


def source_stamp(tif: Path) -> str:
    """Size, modification time and sidecar digest of a source GeoTIFF."""
    st = tif.stat()
    sidecar = tif.with_suffix(".json")
    digest = (
        hashlib.sha256(sidecar.read_bytes()).hexdigest()[:16]
        if sidecar.is_file()
        else "-"
    )
    return f"{st.st_size}-{st.st_mtime_ns}-{digest}"


def sync_directory(
    registry: RasterRegistry,
    source_dir: Path,
    max_pixels: int,
    progress: Progress | None = None,
) -> SyncReport:
    """Register every GeoTIFF in ``source_dir``; see the module docstring.

    A bad file is reported in ``problems`` and not registered; the others are.

    Args:
        registry: Where to register.
        source_dir: Usually ``data/rasters``; may be missing.
        max_pixels: Refuse larger images.
        progress: Called with a line per step.

    Returns:
        What was imported, skipped, removed, and every problem.
    """
    progress = progress or logger.info
    report = SyncReport()
    tifs = sorted(
        p
        for p in (source_dir.iterdir() if source_dir.is_dir() else [])
        if p.suffix.lower() in SUFFIXES and p.is_file()
    )
    known = {info.source: info for info in registry.list() if info.origin == "data"}
    seen: set[str] = set()
    for i, tif in enumerate(tifs, start=1):
        try:
            meta = read_sidecar(tif)
            stamp = source_stamp(tif)
            current = known.get(str(tif))
            seen.add(str(tif))
            if (
                current
                and current.source_stamp == stamp
                and current.name == meta["name"]
            ):
                report.unchanged.append(current.name)
                continue
            progress(f"[{i}/{len(tifs)}] raster {tif.name}")
            registry.import_file(
                tif,
                name=meta["name"],
                date=meta["date"],
                label=meta["label"],
                max_pixels=max_pixels,
                source_crs=meta.get("crs"),
                origin="data",
                source_stamp=stamp,
                progress=progress,
            )
            report.imported.append(meta["name"])
            if current and current.name != meta["name"]:
                registry.remove(current.name)  # renamed in its sidecar
        except (GeoError, InvalidRasterMetadata) as exc:
            report.problems.append(f"{tif.name}: {exc}")
    for source, info in known.items():
        if source not in seen and not Path(source).exists():
            registry.remove(info.name)
            report.removed.append(info.name)
    return report
