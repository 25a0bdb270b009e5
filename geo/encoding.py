"""Text encodings of shapefile attribute tables (.dbf, .cpg).

GDAL is asked to read a shapefile's text as ISO-8859-1, which maps every byte
to one character and so loses nothing; the real code page is then applied here,
in Python. This avoids GDAL's iconv path, which for CP1258 (Vietnamese) drops
the last character of field names and of values that fill their field.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    import geopandas as gpd

logger = logging.getLogger(__name__)

#: Tried in order when no .cpg says otherwise; latin-1 never fails.
FALLBACK_CODECS = ("utf-8", "cp1258", "latin-1")

# dBase language driver ids (".cpg" may say "LDID/n"). 87 means "system ANSI",
# which depends on the writer's Windows locale, so it is not mapped.
_LDID = {
    1: "cp437",
    2: "cp850",
    3: "cp1252",
    0x64: "cp852",
    0x65: "cp866",
    0x78: "cp950",
    0x79: "cp949",
    0x7A: "cp936",
    0x7B: "cp932",
    0x7C: "cp874",
    0xC8: "cp1250",
    0xC9: "cp1251",
    0xCA: "cp1254",
    0xCB: "cp1253",
}
_UTF8_NAMES = {"UTF-8", "UTF8", "65001", "UTF_8"}
_CODEPAGE = re.compile(r"(?:ANSI|CP|WINDOWS-?|MS)?(\d{3,5})")
_ISO8859 = re.compile(r"(?:ISO)?[-_]?8859[-_]?(\d{1,2})")
_LDID_RE = re.compile(r"LDID/(\d+)")


def _lookup(name: str) -> str | None:
    """Python's canonical name for a codec, or None if Python lacks it."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def codec_for_cpg(text: str) -> str | None:
    """Map the content of a .cpg file to a Python codec name.

    Understands "UTF-8"/"UTF8"/"65001", Windows code pages ("1258", "CP1258",
    "ANSI 1258", "WINDOWS-1258"), ISO 8859 parts ("88591", "ISO-8859-1"),
    "LDID/n" and any name Python's codecs know.

    Args:
        text: The .cpg content.

    Returns:
        A codec name such as "utf-8" or "cp1258", or None if unknown.
    """
    value = text.strip().lstrip("\ufeff").strip().upper().replace(" ", "")
    if not value:
        return None
    if value in _UTF8_NAMES:
        return "utf-8"
    if match := _ISO8859.fullmatch(value):
        return _lookup(f"iso8859-{match.group(1)}")
    if match := _CODEPAGE.fullmatch(value):
        return _lookup(f"cp{match.group(1)}")
    if match := _LDID_RE.fullmatch(value):
        return _LDID.get(int(match.group(1)))
    return _lookup(value)


def candidate_codecs(declared: str | None) -> tuple[str, ...]:
    """Codecs to try in order: the declared one first, then the fallbacks."""
    if declared is None:
        return FALLBACK_CODECS
    return (declared, *(c for c in FALLBACK_CODECS if c != declared))


def _decode(raw: str, codec: str, tolerate_cut: bool) -> tuple[str, bool]:
    """Re-decode a string GDAL produced as ISO-8859-1; flag a dropped partial char.

    Raises:
        UnicodeDecodeError: If the bytes are not valid in ``codec``.
    """
    if raw.isascii():
        return raw, False
    data = raw.encode("latin-1")
    if codec == "utf-8" and tolerate_cut:
        # Writers that cut UTF-8 text to the field width in bytes can leave
        # half a character at the end; drop it rather than reject the file.
        decoder = codecs.getincrementaldecoder("utf-8")()
        text = decoder.decode(data, final=False)
        return text, bool(decoder.getstate()[0])
    return data.decode(codec), False


def _is_text(series: pd.Series) -> bool:
    """True for object or string dtype columns."""
    return series.dtype == object or isinstance(series.dtype, pd.StringDtype)


def _recode_with(
    gdf: gpd.GeoDataFrame, codec: str, tolerate_cut: bool
) -> tuple[gpd.GeoDataFrame, int]:
    """Apply ``codec`` to column names and text values; count dropped partials."""
    cut = 0

    def convert(value: Any) -> Any:
        nonlocal cut
        if not isinstance(value, str):
            return value
        text, dropped = _decode(value, codec, tolerate_cut)
        cut += dropped
        return text

    out = gdf.copy()
    for name in gdf.columns:
        if name == gdf.geometry.name or not _is_text(gdf[name]):
            continue
        values = [convert(v) for v in gdf[name]]
        out[name] = pd.Series(values, index=gdf.index, dtype=gdf[name].dtype)
    names = [name if name == gdf.geometry.name else convert(name) for name in out]
    return out.set_axis(names, axis=1), cut


def recode_frame(
    gdf: gpd.GeoDataFrame, candidates: Sequence[str], *, declared_utf8: bool
) -> tuple[gpd.GeoDataFrame, str, list[str]]:
    """Decode a frame read as ISO-8859-1 with the first codec that fits.

    Args:
        gdf: Frame whose text GDAL returned as ISO-8859-1 (byte = character).
        candidates: Codecs to try, in order; end with "latin-1" so one fits.
        declared_utf8: True when a .cpg declares UTF-8; only then is a cut-off
            UTF-8 character at the end of a value dropped instead of failing.

    Returns:
        The decoded frame, the codec used and warnings for the caller.

    Raises:
        UnicodeDecodeError: If no candidate codec decodes the text.
    """
    error: UnicodeDecodeError | None = None
    for codec in candidates:
        try:
            result, cut = _recode_with(gdf, codec, declared_utf8)
        except UnicodeDecodeError as exc:
            error = exc
            continue
        notes = []
        if codec != candidates[0]:
            notes.append(f"text is not valid {candidates[0]}; read it as {codec}")
        if cut:
            notes.append(
                f"dropped a cut-off UTF-8 character at the end of {cut} text "
                "value(s); the field may be too narrow"
            )
        return result, codec, notes
    if error is None:
        raise ValueError("no candidate codecs given")
    raise error
