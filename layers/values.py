"""Turn raw attribute values (from a .dbf, a CSV or a GeoJSON) into typed values.

Real Vietnamese tables write numbers as text with ``.`` as thousands separator and
``,`` as decimal mark (``20.000`` ha, ``4,33`` ha). A numeric column is read in that
style when any of its values has a comma or a ``.ddd`` thousands group and none reads
as a plain decimal such as ``12.5``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

THOUSANDS_DOT = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$")
PLAIN_DECIMAL = re.compile(r"^[+-]?\d+\.(\d{1,2}|\d{4,})$")
COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+$")
COMMA_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$")
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
SPACES = str.maketrans("", "", " \u00a0\u202f")
TRUE = {"true", "t", "yes", "y", "1", "có", "x"}
FALSE = {"false", "f", "no", "n", "0", "không"}
# Bidirectional overrides and isolates: invisible, and they reorder what an admin
# reads ("Trojan source"), so they count as control characters here.
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def is_missing(raw: Any) -> bool:
    """True for None, NaN, NA and blank strings."""
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    if isinstance(raw, str):
        return raw.strip() == ""
    try:
        return bool(pd.isna(raw))
    except (TypeError, ValueError):
        return False


def numeric_style(values: Iterable[Any]) -> str:
    """Return ``"vi"`` if a column's numbers use ``.`` thousands, ``,`` decimals."""
    texts = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    if any(PLAIN_DECIMAL.match(t) for t in texts):
        return "plain"
    if any("," in t or THOUSANDS_DOT.match(t) for t in texts):
        return "vi"
    return "plain"


def parse_number(text: str) -> tuple[float, int]:
    """Read one number written the Vietnamese way or the plain way.

    Spaces are ignored. Which mark is which, tried in this order:

    - ``1.171,5``, ``25.078``, ``1.171.000``: dots between groups of exactly three
      digits are thousands separators, a comma the decimal mark (Vietnamese). So
      ``1.171`` is 1171 (one point one seven one is ``1,171``);
    - ``96,3``, ``1,171``: one comma and no dot is a decimal mark (Vietnamese),
      so ``1,171`` is 1.171;
    - ``1,171.5``, ``1,171,000``: commas between groups of three digits before an
      optional decimal point are thousands separators (plain English notation);
    - ``1171.5``, ``12.5``, ``0.963``: a decimal point.

    Returns:
        The value and how many decimals it was written with (for rounding).

    Raises:
        ValueError: none of these, saying what arrived.
    """
    compact = text.translate(SPACES)
    if THOUSANDS_DOT.match(compact) or COMMA_DECIMAL.match(compact):
        compact = compact.replace(".", "").replace(",", ".")
    elif COMMA_THOUSANDS.match(compact):
        compact = compact.replace(",", "")
    elif not PLAIN_NUMBER.match(compact):
        raise ValueError(f"expected a number, got {text!r}")
    value = float(compact)
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {text!r}")
    return value, len(compact.partition(".")[2])


def _number_text(text: str, style: str) -> str:
    text = text.replace(" ", "").replace("\u00a0", "")
    if style == "vi":
        return text.replace(".", "").replace(",", ".")
    return text


def _to_int(raw: Any, style: str) -> int:
    if isinstance(raw, bool):
        raise ValueError(f"expected a whole number, got {raw!r}")
    if isinstance(raw, int | np.integer):
        return int(raw)
    if isinstance(raw, float | np.floating):
        if float(raw).is_integer():
            return int(raw)
        raise ValueError(f"expected a whole number, got {raw!r}")
    if re.fullmatch(r"[+-]?\d+", str(raw).strip()):
        return int(str(raw).strip())  # exact: no trip through float
    text = _number_text(
        str(raw).strip(), "vi" if THOUSANDS_DOT.match(str(raw).strip()) else style
    )
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"expected a whole number, got {raw!r}") from None
    if not value.is_integer():
        raise ValueError(f"expected a whole number, got {raw!r}")
    return int(value)


def _to_float(raw: Any, style: str) -> float:
    if isinstance(raw, bool):
        raise ValueError(f"expected a number, got {raw!r}")
    if isinstance(raw, int | float | np.integer | np.floating):
        return float(raw)
    try:
        value = float(_number_text(str(raw).strip(), style))
    except ValueError:
        raise ValueError(f"expected a number, got {raw!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {raw!r}")
    return value


def _to_bool(raw: Any) -> bool:
    if isinstance(raw, bool | np.bool_):
        return bool(raw)
    text = str(raw).strip().lower()
    if isinstance(raw, int | float | np.integer | np.floating):
        text = str(int(raw)) if float(raw) in (0.0, 1.0) else text
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(f"expected true/false, got {raw!r}")


def _to_date(raw: Any) -> str:
    if isinstance(raw, dt.datetime | dt.date):
        return raw.isoformat()[:10]
    text = str(raw).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"expected a date (YYYY-MM-DD or DD/MM/YYYY), got {raw!r}")


def coerce(raw: Any, ftype: str, style: str = "plain") -> Any:
    """Convert one raw value to the spec's type; missing values become None.

    Args:
        raw: the value as read.
        ftype: one of str, int, float, bool, date.
        style: numeric style of the column (see ``numeric_style``).

    Returns:
        The typed value, or None.

    Raises:
        ValueError: saying what was expected and what arrived.
    """
    if is_missing(raw):
        return None
    if ftype == "str":
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        return unicodedata.normalize("NFC", str(raw)).strip()
    if ftype == "int":
        return _to_int(raw, style)
    if ftype == "float":
        return _to_float(raw, style)
    if ftype == "bool":
        return _to_bool(raw)
    if ftype == "date":
        return _to_date(raw)
    raise ValueError(f"unknown field type {ftype!r}")


def has_control(text: str, multiline: bool) -> bool:
    """Whether ``text`` holds a control character (LF and tab allowed if multiline)."""
    for ch in text:
        if multiline and ch in "\n\t":
            continue
        if ch in BIDI or unicodedata.category(ch) in ("Cc", "Cs"):
            return True
    return False
