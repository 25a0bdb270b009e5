"""Reading vector sources (encoding- and CRS-aware) and writing files atomically.

Supported sources: Shapefile, GeoPackage, GeoJSON and KML, read with pyogrio.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import unicodedata
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import geopandas as gpd
import pandas as pd
import pyogrio
import pyogrio.errors
import pyproj
import shapely

from geo import crs as geocrs
from geo import encoding, shapefile
from geo.errors import CRSError, SourceFileError

logger = logging.getLogger(__name__)

#: Lower-case extension -> GDAL driver family.
DRIVERS = {
    ".shp": "ESRI Shapefile",
    ".gpkg": "GPKG",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".kml": "KML",
}
SHAPEFILE = "ESRI Shapefile"

_T = TypeVar("_T")


@dataclass
class VectorSource:
    """A vector layer as read from disk, before any reprojection.

    Attributes:
        gdf: The features, in the file's CRS (or ``source_crs``).
        path: The file read.
        driver: GDAL driver family chosen from the extension.
        encoding: Codec used for text ("utf-8", "cp1258", ...).
        crs: The CRS of ``gdf``.
        warnings: Things fixed or noticed while reading, for the build log.
    """

    gdf: gpd.GeoDataFrame
    path: Path
    driver: str
    encoding: str | None
    crs: pyproj.CRS
    warnings: list[str] = field(default_factory=list)


def nfc(value: _T) -> _T:
    """NFC-normalise a str (composed Vietnamese diacritics); pass others through.

    Args:
        value: Anything.

    Returns:
        The NFC form of ``value`` if it is a str, else ``value`` unchanged.
    """
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)  # type: ignore[return-value]
    return value


def _driver_for(path: Path) -> str:
    """GDAL driver family for a path's extension."""
    driver = DRIVERS.get(path.suffix.lower())
    if driver is None:
        supported = ", ".join(sorted(DRIVERS))
        raise SourceFileError(
            f"unsupported format {path.suffix or '(no extension)'!r}; "
            f"expected one of {supported}",
            path=path,
        )
    return driver


def _read_frame(
    path: Path, layer: str | None, text_encoding: str | None, notes: list[str]
) -> gpd.GeoDataFrame:
    """Call pyogrio; its errors become SourceFileError, its warnings notes."""
    kwargs: dict[str, Any] = {"layer": layer, "use_arrow": False}
    if text_encoding is not None:
        kwargs["encoding"] = text_encoding
    # Not thread-safe (catch_warnings is process-global before Python 3.14);
    # the build reads sources one at a time.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = pyogrio.read_dataframe(path, **kwargs)
        except pyogrio.errors.CRSError as exc:
            raise CRSError(f"unreadable CRS: {exc}", path=path) from exc
        except (
            pyogrio.errors.DataSourceError,
            pyogrio.errors.DataLayerError,
        ) as exc:
            raise SourceFileError(f"cannot read: {exc}", path=path) from exc
        except UnicodeDecodeError as exc:
            raise SourceFileError(f"text is not valid UTF-8: {exc}", path=path) from exc
    notes.extend(str(w.message) for w in caught)
    if not isinstance(frame, gpd.GeoDataFrame):
        raise SourceFileError("layer has no geometry column", path=path)
    return frame


def _read_shapefile(
    path: Path, layer: str | None, notes: list[str], *, has_override: bool
) -> tuple[gpd.GeoDataFrame, str]:
    """Read a shapefile, decoding its text with the .cpg code page or fallbacks.

    With a ``source_crs`` to use instead, a .prj GDAL cannot parse is skipped.
    """
    try:
        frame = _read_frame(path, layer, "ISO-8859-1", notes)
    except CRSError:
        if not has_override:
            raise
        notes.append("ignored an unreadable .prj; using source_crs")
        with shapefile.without_prj(path) as bare:
            frame = _read_frame(bare, layer, "ISO-8859-1", notes)
    return _decode_shapefile_text(frame, path, notes)


def _decode_shapefile_text(
    frame: gpd.GeoDataFrame, path: Path, notes: list[str]
) -> tuple[gpd.GeoDataFrame, str]:
    """Apply the .cpg code page (or the fallbacks) to text read as ISO-8859-1."""
    cpg = shapefile.sidecar(path, ".cpg")
    declared: str | None = None
    if cpg is not None:
        cpg_text = cpg.read_bytes().decode("ascii", errors="replace")
        declared = encoding.codec_for_cpg(cpg_text)
        if declared is None:
            notes.append(f"unknown code page {cpg_text.strip()!r} in {cpg.name}")
    frame, codec, recode_notes = encoding.recode_frame(
        frame,
        encoding.candidate_codecs(declared),
        declared_utf8=declared == "utf-8",
    )
    notes.extend(recode_notes)
    return frame, codec


def _normalise_text(gdf: gpd.GeoDataFrame, path: Path) -> gpd.GeoDataFrame:
    """NFC every text value and column name; strip names; refuse duplicates."""
    geometry_name = gdf.geometry.name
    out = gdf.copy()
    for name in gdf.columns:
        column = gdf[name]
        if name == geometry_name:
            continue
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            values = [nfc(v) for v in column]
            out[name] = pd.Series(values, index=gdf.index, dtype=column.dtype)
    names = [
        name if name == geometry_name else nfc(str(name)).strip()
        for name in gdf.columns
    ]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise SourceFileError(
                f"duplicate column name {name!r} after Unicode normalisation",
                path=path,
            )
        seen.add(name)
    return out.set_axis(names, axis=1)


def _drop_z(gdf: gpd.GeoDataFrame, notes: list[str]) -> gpd.GeoDataFrame:
    """Flatten 3D geometries to 2D and note how many there were."""
    values = gdf.geometry.values
    has_z = shapely.has_z(values)
    count = int(has_z.sum())
    if not count:
        return gdf
    notes.append(f"dropped Z coordinates from {count} geometries")
    flat = gpd.GeoSeries(
        shapely.force_2d(values), index=gdf.index, crs=gdf.crs, name=gdf.geometry.name
    )
    return gdf.set_geometry(flat)


def _missing_crs_message(path: Path, driver: str) -> str:
    """Explain why a file has no CRS."""
    if driver != SHAPEFILE:
        return "no CRS in the file; pass source_crs"
    prj = shapefile.sidecar(path, ".prj")
    if prj is None:
        return f"no CRS: missing {path.with_suffix('.prj').name}; pass source_crs"
    return f"no CRS: {prj.name} is empty or unreadable; pass source_crs"


def _settle_crs(
    gdf: gpd.GeoDataFrame,
    path: Path,
    driver: str,
    override: pyproj.CRS | None,
    notes: list[str],
) -> gpd.GeoDataFrame:
    """Apply ``source_crs``, insist on a CRS, and refuse a ballpark VN-2000 shift."""
    if override is not None:
        if gdf.crs is not None and not gdf.crs.equals(override):
            notes.append(
                f"source_crs {geocrs.describe(override)} overrides the file's "
                f"CRS {geocrs.describe(gdf.crs)}"
            )
        gdf = gdf.set_crs(override, allow_override=True)
    if gdf.crs is None:
        raise CRSError(_missing_crs_message(path, driver), path=path)
    if geocrs.uses_ballpark_shift(gdf.crs):
        message = (
            f"PROJ knows no datum shift from {gdf.crs.name!r} (datum "
            f"{gdf.crs.datum.name if gdf.crs.datum else '?'!r}) to WGS84"
        )
        if geocrs.looks_like_vn2000(gdf.crs):
            raise CRSError(
                f"{message}; VN-2000 would land about 220 m off. Pass source_crs "
                f"(e.g. {geocrs.VN2000_UTM48} or {geocrs.VN2000_HAIPHONG_TM3})",
                path=path,
            )
        notes.append(f"{message}; reprojection will assume none")
    return gdf


def read_vector(
    path: str | Path, *, layer: str | None = None, source_crs: str | None = None
) -> VectorSource:
    """Read a Shapefile, GeoPackage, GeoJSON or KML layer.

    Text is decoded with the shapefile's .cpg, else tried as UTF-8, then
    CP1258, then Latin-1 (with a warning); all text and column names are
    NFC-normalised; Z coordinates are dropped. The frame is not reprojected.

    Args:
        path: The file to read.
        layer: Layer name for multi-layer formats; default the first.
        source_crs: CRS to use instead of the file's (when the .prj is wrong
            or missing).

    Returns:
        The features with their CRS, encoding and any warnings.

    Raises:
        SourceFileError: Missing file or sidecar, unsupported extension,
            truncated or corrupt data.
        CRSError: No CRS, an unknown ``source_crs``, or VN-2000 data whose
            datum PROJ cannot shift to WGS84.
    """
    src = Path(path)
    driver = _driver_for(src)
    if not src.is_file():
        raise SourceFileError("file not found", path=path)
    override = None if source_crs is None else geocrs.resolve_crs(source_crs, path=path)
    notes: list[str] = []
    if driver == SHAPEFILE:
        shapefile.check(src)
        gdf, codec = _read_shapefile(
            src, layer, notes, has_override=override is not None
        )
    else:
        gdf, codec = _read_frame(src, layer, None, notes), "utf-8"
    gdf = _normalise_text(gdf, src)
    gdf = _drop_z(gdf, notes)
    gdf = _settle_crs(gdf, src, driver, override, notes)
    for note in notes:
        logger.warning("%s: %s", src, note)
    logger.info("read %d features from %s (%s, %s)", len(gdf), src, driver, codec)
    return VectorSource(gdf, src, driver, codec, gdf.crs, notes)


def _fsync(path: Path) -> None:
    """Flush a file's data to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(directory: Path) -> None:
    """Flush a directory's entries to disk where the OS allows it."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open directories
        return
    try:
        os.fsync(fd)
    except OSError:
        logger.debug("cannot fsync directory %s", directory)
    finally:
        os.close(fd)


def _remove_temp(tmp: Path) -> None:
    """Delete a temp file and any SQLite journal GDAL left beside it."""
    for leftover in (tmp, *(Path(f"{tmp}{s}") for s in ("-wal", "-shm", "-journal"))):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


@contextlib.contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; move it onto ``target`` on success.

    The temporary file (``.NAME.tmp-XXXXXXXX.SUFFIX`` in the same directory, so
    ``os.replace`` is atomic) is not created: the body writes it. On success it
    is fsynced and replaces ``target``; on any exception it is deleted and the
    exception re-raised, leaving an existing ``target`` untouched. Only for
    single-file formats (GeoPackage, GeoJSON, ...), not shapefiles.

    Args:
        target: The file to (re)write.

    Yields:
        The temporary path to write to.

    Raises:
        ValueError: If ``target`` is a shapefile.
        FileNotFoundError: If the body did not write the temporary file.
    """
    target = Path(target)
    if target.suffix.lower() == ".shp":
        raise ValueError(f"atomic_output cannot write shapefiles: {target}")
    tmp = target.with_name(f".{target.name}.tmp-{secrets.token_hex(4)}{target.suffix}")
    try:
        yield tmp
        if not tmp.is_file():
            raise FileNotFoundError(f"nothing was written to {tmp}")
        _fsync(tmp)
        os.replace(tmp, target)
    except BaseException:
        _remove_temp(tmp)
        raise
    _remove_temp(tmp)  # journals only; the file itself has been moved
    _fsync_dir(target.parent)
    logger.debug("wrote %s atomically", target)
