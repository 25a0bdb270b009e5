"""The imagery registry: which COGs are served, with footprint, date and resolution.

Rasters live apart from the GeoPackage (which each vector build replaces): every
COG sits in one directory (``PARKMAP_RASTER_DIR``, default ``rasters/`` beside the
store) with ``rasters.json`` listing them. The JSON is rewritten atomically under an
exclusive lock, each COG has a file name of its own (``NAME-XXXXXXXX.tif``), and a
replaced COG is deleted only after the registry stops naming it, so readers never
see a half-written image or a registration without its file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from geo import raster as georaster
from geo.cog import write_cog
from geo.errors import RasterError
from geo.io import atomic_output
from layers.errors import InvalidRasterMetadata, RasterNotFound
from layers.settings import PROJECT_ROOT

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]

REGISTRY_FILE = "rasters.json"
LOCK_FILE = ".rasters.lock"
FORMAT_VERSION = 1
NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}(-[0-9]{2})?")
_FILE_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}-[0-9a-f]{8}\.tif")
ORIGINS = ("import", "data", "sample")
ORPHAN_AGE_S = 3600  # an unregistered COG younger than this may be an import under way


def check_name(name: str) -> str:
    """Return ``name`` if it is a URL-safe slug: a-z, 0-9, ``-``, ``_``, ≤ 64.

    Raises:
        InvalidRasterMetadata: naming ``name``.
    """
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise InvalidRasterMetadata(
            "name",
            f"raster name must be 1-64 of a-z, 0-9, '-' and '_', starting with a "
            f"letter or digit; got {name!r}",
        )
    return name


def check_date(text: str) -> str:
    """Return ``text`` if it is a real date written YYYY-MM or YYYY-MM-DD.

    Raises:
        InvalidRasterMetadata: naming ``date``.
    """
    problem = f"date must be YYYY-MM or YYYY-MM-DD, got {text!r}"
    if not isinstance(text, str) or not _DATE_RE.fullmatch(text):
        raise InvalidRasterMetadata("date", problem)
    try:
        dt.date.fromisoformat(text if len(text) == 10 else f"{text}-01")
    except ValueError:
        raise InvalidRasterMetadata("date", problem) from None
    return text


@dataclass(frozen=True, slots=True)
class RasterInfo:
    """One registered raster.

    Attributes:
        name: URL-safe id used in tile URLs.
        label: What the map shows; says where the image comes from.
        date: When the image was taken (or the state it shows), YYYY-MM[-DD].
        bbox: (min lon, min lat, max lon, max lat) of the footprint.
        footprint: The image's outline in WGS84, a closed ring of (lon, lat).
        resolution_m: Ground size of a pixel, metres.
        file: The COG's file name in the raster directory.
        width: Columns of the COG.
        height: Rows of the COG.
        kind: Band layout of the source: grey, paletted, rgb or rgba.
        source_crs: The source's CRS ("EPSG:3405").
        minzoom: Lowest useful zoom.
        maxzoom: Zoom of full resolution.
        checksum: SHA-256 of the COG (content id for ETags).
        origin: ``import`` (command), ``data`` (data/rasters/) or ``sample``.
        source: The file it was imported from.
        source_stamp: Size, mtime and sidecar of the source, to skip re-imports.
        imported: When it was registered, ISO 8601 UTC.
        legend: (what, "#rrggbb") per colour, for classified images like the sample.
    """

    name: str
    label: str
    date: str
    bbox: tuple[float, float, float, float]
    footprint: tuple[tuple[float, float], ...]
    resolution_m: float
    file: str
    width: int
    height: int
    kind: str
    source_crs: str
    minzoom: int
    maxzoom: int
    checksum: str
    origin: str = "import"
    source: str = ""
    source_stamp: str = ""
    imported: str = ""
    legend: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RasterInfo:
        """Inverse of ``to_dict``; raise ValueError on a malformed entry."""
        values = dict(data)
        values["bbox"] = tuple(float(v) for v in values["bbox"])
        values["footprint"] = tuple(
            (float(p[0]), float(p[1])) for p in values["footprint"]
        )
        values["legend"] = tuple((str(k), str(v)) for k, v in values.get("legend", ()))
        info = cls(**values)
        check_name(info.name)
        if not _FILE_RE.fullmatch(info.file) or info.origin not in ORIGINS:
            raise ValueError(f"bad file or origin in raster entry {info.name!r}")
        return info

    def footprint_geojson(self) -> dict[str, Any]:
        """The footprint as a GeoJSON Polygon."""
        return {"type": "Polygon", "coordinates": [[list(p) for p in self.footprint]]}


@dataclass(frozen=True, slots=True)
class RasterSettings:
    """Where rasters go and how large they may be (from ``webmap.settings``)."""

    directory: Path
    max_pixels: int = georaster.DEFAULT_MAX_PIXELS


def default_directory(store: str) -> Path:
    """``rasters/`` beside a GeoPackage store, else ``data/build/rasters``."""
    if "://" in store:
        return PROJECT_ROOT / "data" / "build" / "rasters"
    return Path(store).parent / "rasters"


class RasterRegistry:
    """The rasters in one directory: list, get, register, remove, import."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self._file = self.directory / REGISTRY_FILE
        self._cache: tuple[tuple[int, int, int], dict[str, RasterInfo]] | None = None
        self._cache_lock = threading.Lock()

    def _stamp(self) -> tuple[int, int, int] | None:
        try:
            st = self._file.stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _entries(self) -> dict[str, RasterInfo]:
        """The registry file's entries, re-read only when the file changed."""
        stamp = self._stamp()
        if stamp is None:
            return {}
        cached = self._cache
        if cached is not None and cached[0] == stamp:
            return cached[1]
        with self._cache_lock:
            entries = self._read()
            self._cache = (stamp, entries)
        return entries

    def _read(self, *, strict: bool = False) -> dict[str, RasterInfo]:
        """Parse the registry file; a bad entry is skipped (logged).

        Args:
            strict: Raise RasterError on an unreadable file instead of reading it
                as empty (before rewriting it, so that no entry is lost).
        """
        try:
            data = json.loads(self._file.read_text(encoding="utf-8"))
            items = data["rasters"]
        except FileNotFoundError:
            return {}
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
            if strict:
                raise RasterError(
                    f"unreadable raster registry ({exc}); fix or delete it",
                    path=self._file,
                ) from exc
            logger.error("%s: unreadable raster registry: %s", self._file, exc)
            return {}
        entries: dict[str, RasterInfo] = {}
        for item in items:
            try:
                info = RasterInfo.from_dict(item)
            except (KeyError, TypeError, ValueError) as exc:
                logger.error("%s: skipping a bad entry: %s", self._file, exc)
                continue
            entries[info.name] = info
        return entries

    def version(self) -> str:
        """A token that changes whenever the registry file changes."""
        stamp = self._stamp()
        return "none" if stamp is None else "-".join(f"{v:x}" for v in stamp)

    def list(self) -> list[RasterInfo]:
        """Every raster, oldest date first, then by name."""
        return sorted(self._entries().values(), key=lambda i: (i.date, i.name))

    def get(self, name: str) -> RasterInfo:
        """One raster by name.

        Raises:
            InvalidRasterMetadata: ``name`` is not a slug.
            RasterNotFound: no such raster.
        """
        info = self._entries().get(check_name(name))
        if info is None:
            raise RasterNotFound(name)
        return info

    def path(self, info: RasterInfo) -> Path:
        """The COG of a registered raster (its file name was checked on load)."""
        return self.directory / info.file

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, RasterInfo]]:
        """Hold the registry lock; yield the entries to change, then save them."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with (self.directory / LOCK_FILE).open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                entries = self._read(strict=True)
                before = dict(entries)
                yield entries
                self._write(entries)
                self._delete_unused(before, entries)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _write(self, entries: dict[str, RasterInfo]) -> None:
        body = {
            "version": FORMAT_VERSION,
            "rasters": [entries[n].to_dict() for n in sorted(entries)],
        }
        with atomic_output(self._file) as tmp:
            tmp.write_text(json.dumps(body, ensure_ascii=False, indent=1), "utf-8")

    def _delete_unused(
        self, before: dict[str, RasterInfo], after: dict[str, RasterInfo]
    ) -> None:
        """Delete COGs no longer registered, and stale orphans of failed imports."""
        used = {info.file for info in after.values()}
        for info in before.values():
            if info.file not in used:
                (self.directory / info.file).unlink(missing_ok=True)
        cutoff = time.time() - ORPHAN_AGE_S
        for path in self.directory.glob("*.tif"):
            if _FILE_RE.fullmatch(path.name) and path.name not in used:
                with contextlib.suppress(FileNotFoundError):
                    if path.stat().st_mtime < cutoff:
                        path.unlink()

    def register(self, info: RasterInfo) -> None:
        """Add ``info`` (replacing a raster of that name and deleting its COG)."""
        check_name(info.name)
        if not (self.directory / info.file).is_file():
            raise FileNotFoundError(self.directory / info.file)
        with self._locked() as entries:
            entries[info.name] = info
        logger.info("registered raster %s (%s)", info.name, info.file)

    def remove(self, name: str) -> RasterInfo:
        """Unregister a raster and delete its COG; raise RasterNotFound."""
        check_name(name)
        with self._locked() as entries:
            info = entries.pop(name, None)
            if info is None:
                raise RasterNotFound(name)
        return info

    def import_file(
        self,
        source: Path,
        *,
        name: str,
        date: str,
        label: str,
        max_pixels: int = georaster.DEFAULT_MAX_PIXELS,
        source_crs: str | None = None,
        origin: str = "import",
        source_stamp: str = "",
        source_note: str | None = None,
        legend: tuple[tuple[str, str], ...] = (),
        progress: Progress | None = None,
    ) -> RasterInfo:
        """Check, reproject and convert a GeoTIFF to a COG, then register it.

        Nothing is registered unless every step succeeds; a failed conversion
        leaves no file behind.

        Args:
            source: The GeoTIFF.
            name: URL-safe id.
            date: YYYY-MM or YYYY-MM-DD.
            label: What the map shows.
            max_pixels: Refuse larger images.
            source_crs: A CRS to use instead of the file's.
            origin: ``import``, ``data`` or ``sample``.
            source_stamp: See ``RasterInfo``.
            source_note: Recorded as ``source`` instead of the file's path.
            legend: See ``RasterInfo``.
            progress: Called with a line per step.

        Returns:
            The registered raster.

        Raises:
            InvalidRasterMetadata: bad name or date, or an empty label.
            RasterError: unreadable, too large or an unsupported band layout.
            CRSError: not georeferenced, or an unusable CRS.
        """
        progress = progress or logger.info
        check_name(name)
        check_date(date)
        if not label.strip():
            raise InvalidRasterMetadata("label", "label must not be empty")
        progress(f"checking {source}")
        checked = georaster.inspect_raster(
            source, max_pixels=max_pixels, source_crs=source_crs
        )
        progress(
            f"{checked.width} × {checked.height} px, {checked.kind}, {checked.crs_name}"
        )
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / f"{name}-{secrets.token_hex(4)}.tif"
        cog = write_cog(checked, target, progress)
        info = RasterInfo(
            name=name,
            label=label.strip(),
            date=date,
            bbox=cog.bbox,
            footprint=cog.footprint,
            resolution_m=round(cog.resolution_m, 3),
            file=target.name,
            width=cog.width,
            height=cog.height,
            kind=checked.kind,
            source_crs=checked.crs_name,
            minzoom=cog.minzoom,
            maxzoom=cog.maxzoom,
            checksum=cog.checksum,
            origin=origin,
            source=source_note or str(source),
            source_stamp=source_stamp,
            imported=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            legend=legend,
        )
        try:
            self.register(info)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        zooms = f"{info.minzoom}-{info.maxzoom}"
        progress(f"registered {name}: {info.resolution_m} m/px, zoom {zooms}")
        return info
