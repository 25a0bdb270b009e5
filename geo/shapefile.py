"""Shapefile sanity checks made before GDAL opens the file.

GDAL reads a half-truncated .shp without complaint, returning null geometries
for the lost records, opens a shapefile without its .dbf as a layer with no
attributes, and quietly drops or blanks rows when the .dbf and .shx counts differ.
These checks turn all three into errors naming the file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path

from geo.errors import SourceFileError

logger = logging.getLogger(__name__)

_SHAPE_FILE_CODE = 9994
_SHP_HEADER = 100
_DBF_HEADER = 32
_SHX_RECORD = 8


def sidecar(shp: Path, suffix: str) -> Path | None:
    """Find a sidecar (".dbf", ".prj", ...) of a .shp, as GDAL would.

    GDAL looks for the lower-case and the upper-case extension on the same stem
    (``parks.dbf`` or ``parks.DBF``), so that is what is accepted here.

    Args:
        shp: Path to the .shp (any case).
        suffix: The sidecar extension with its dot.

    Returns:
        The sidecar's path, or None if neither spelling exists.
    """
    for candidate in (shp.with_suffix(suffix.lower()), shp.with_suffix(suffix.upper())):
        if candidate.is_file():
            return candidate
    return None


def _odd_case_sidecar(shp: Path, suffix: str) -> Path | None:
    """A sidecar whose extension is in mixed case (which GDAL will not find)."""
    wanted = (shp.stem + suffix).lower()
    for candidate in shp.parent.iterdir():
        if candidate.name.lower() == wanted and candidate.is_file():
            return candidate
    return None


def _require(shp: Path, suffix: str) -> Path:
    """Return a required sidecar or raise naming the missing file."""
    found = sidecar(shp, suffix)
    if found is not None:
        return found
    odd = _odd_case_sidecar(shp, suffix)
    if odd is not None:
        raise SourceFileError(
            f"sidecar file {odd.name} has a mixed-case extension that GDAL does "
            f"not look for; rename it to {shp.with_suffix(suffix.lower()).name}",
            path=shp,
        )
    raise SourceFileError(
        f"missing sidecar file {shp.with_suffix(suffix.lower()).name}", path=shp
    )


def _check_shape_header(shp: Path, part: Path) -> None:
    """Check a .shp or .shx header: file code and declared length."""
    size = part.stat().st_size
    with part.open("rb") as handle:
        header = handle.read(_SHP_HEADER)
    if len(header) < _SHP_HEADER:
        raise SourceFileError(
            f"{part.name} is truncated: {size} bytes, shorter than its header",
            path=shp,
        )
    (file_code,) = struct.unpack(">i", header[0:4])
    (declared_words,) = struct.unpack(">i", header[24:28])
    if file_code != _SHAPE_FILE_CODE:
        raise SourceFileError(
            f"{part.name} is not a shapefile (bad file code)", path=shp
        )
    if size < declared_words * 2:
        raise SourceFileError(
            f"{part.name} is truncated: header says {declared_words * 2} bytes, "
            f"file has {size}",
            path=shp,
        )


def _check_dbf_header(shp: Path, dbf: Path) -> int:
    """Check that a .dbf holds as many records as its header declares; count them."""
    size = dbf.stat().st_size
    with dbf.open("rb") as handle:
        header = handle.read(_DBF_HEADER)
    if len(header) < _DBF_HEADER:
        raise SourceFileError(f"{dbf.name} is truncated or not a dBase file", path=shp)
    records, header_len, record_len = struct.unpack("<IHH", header[4:12])
    expected = header_len + records * record_len
    if size < expected:
        raise SourceFileError(
            f"{dbf.name} is truncated: header says {records} records "
            f"({expected} bytes), file has {size}",
            path=shp,
        )
    return records


def _shx_records(shx: Path) -> int:
    """The number of shapes an intact .shx indexes (8 bytes per record)."""
    return (shx.stat().st_size - _SHP_HEADER) // _SHX_RECORD


def check(shp: Path) -> None:
    """Check a shapefile has its .shx and .dbf, none truncated, and equal counts.

    The .prj is not required here: the caller may supply a CRS.

    Args:
        shp: Path to the .shp.

    Raises:
        SourceFileError: Naming the missing sidecar, the truncated part, or
            the row counts that differ.
    """
    shx = _require(shp, ".shx")
    dbf = _require(shp, ".dbf")
    _check_shape_header(shp, shp)
    _check_shape_header(shp, shx)
    records = _check_dbf_header(shp, dbf)
    shapes = _shx_records(shx)
    if records != shapes:  # GDAL would silently drop or blank the extra rows
        raise SourceFileError(
            f"{dbf.name} has {records} rows but {shx.name} indexes {shapes} shapes; "
            "the parts come from different versions of the layer",
            path=shp,
        )
    logger.debug("shapefile %s has its sidecars and intact headers", shp)


@contextlib.contextmanager
def without_prj(shp: Path) -> Iterator[Path]:
    """Yield a view of a shapefile without its .prj (in a temporary directory).

    The .shp, .shx, .dbf and .cpg are symlinked where the OS allows it, else
    copied.

    Args:
        shp: Path to the .shp.

    Yields:
        Path to the .shp of the view.
    """
    with tempfile.TemporaryDirectory(prefix="parkmap-shp-") as tmp:
        for suffix in (".shp", ".shx", ".dbf", ".cpg"):
            part = shp if suffix == ".shp" else sidecar(shp, suffix)
            if part is None:
                continue
            link = Path(tmp) / f"data{suffix}"
            try:
                os.symlink(part.resolve(), link)
            except OSError:
                shutil.copyfile(part, link)
        yield Path(tmp) / "data.shp"
