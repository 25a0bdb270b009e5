"""Query parameters of the OGC API, parsed at the edge into frozen values.

Each ``Param`` holds its OpenAPI schema and its parser side by side, and the
OpenAPI document is written from the same objects, so what /api/openapi promises is
what the parsers accept. Parsers raise ``InvalidParameter`` naming the parameter.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from layers.store.base import MAX_LIMIT, FieldInfo
from webmap.core.openapi import LANG, Param
from webmap.core.params import InvalidParameter

DEFAULT_LIMIT = 100
MAX_OFFSET = 1_000_000_000
# Whole numbers a JSON reader holds exactly (and the store's float-based parsing too).
INT_MIN, INT_MAX = -(2**53 - 1), 2**53 - 1
NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
INTEGER = re.compile(r"-?[0-9]+")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INSTANT = (
    r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))?"
)
# RFC 3339 instants and intervals with open ends ("..") as OGC API allows.
DATETIME_PATTERN = rf"^({_INSTANT}|({_INSTANT}|\.\.)?/({_INSTANT}|\.\.)?)$"
# A character that is not white space in either dialect: Python's \s also covers
# \x1c-\x1f and \x85, ECMA-262's (the OpenAPI pattern) also covers \ufeff, so both are
# named; the server and the published schema then agree on what "blank" means.
NOT_BLANK = r"[^\s\x1c-\x1f\x85\ufeff]"


@dataclass(frozen=True, slots=True)
class BBox:
    """A WGS84 (CRS84) bounding box; ``minx > maxx`` crosses the antimeridian."""

    minx: float
    miny: float
    maxx: float
    maxy: float

    def boxes(self) -> tuple[tuple[float, float, float, float], ...]:
        """One box, or two split at the antimeridian, each with minx ≤ maxx."""
        if self.minx <= self.maxx:
            return ((self.minx, self.miny, self.maxx, self.maxy),)
        return (
            (self.minx, self.miny, 180.0, self.maxy),
            (-180.0, self.miny, self.maxx, self.maxy),
        )


@dataclass(frozen=True, slots=True)
class Limit:
    """How many features one page holds: 1 … MAX_LIMIT, default DEFAULT_LIMIT."""

    value: int = DEFAULT_LIMIT


@dataclass(frozen=True, slots=True)
class Offset:
    """How many matching features to skip before the page starts."""

    value: int = 0


def number(raw: str) -> float:
    """A finite decimal number; raise ValueError saying what arrived."""
    if not NUMBER.fullmatch(raw):
        raise ValueError(f"expected a number, got {raw!r}")
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {raw!r}")
    return value


def integer(raw: str, low: int, high: int) -> int:
    """A whole number in ``low`` … ``high``; raise ValueError saying what arrived."""
    if not INTEGER.fullmatch(raw):
        raise ValueError(f"expected a whole number, got {raw!r}")
    digits = len(raw.lstrip("-").lstrip("0"))
    if digits > max(len(str(low)), len(str(high))):  # before int() meets 4,300
        raise ValueError(f"expected {low} to {high}, got a number of {digits} digits")
    value = int(raw)
    if not low <= value <= high:
        raise ValueError(f"expected {low} to {high}, got {value}")
    return value


def parse_bbox(raw: str) -> BBox:
    """``minx,miny,maxx,maxy`` or ``minx,miny,minz,maxx,maxy,maxz`` in CRS84."""
    parts = raw.split(",")
    if len(parts) not in (4, 6):
        raise ValueError(
            "expected 4 or 6 comma-separated numbers "
            f"(minLon,minLat,maxLon,maxLat), got {len(parts)} value(s)"
        )
    values = [number(p.strip()) for p in parts]
    if len(values) == 6:
        values = [values[0], values[1], values[3], values[4]]
    minx, miny, maxx, maxy = values
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180):
        raise ValueError("longitudes must lie within -180 … 180")
    if not (-90 <= miny <= 90 and -90 <= maxy <= 90):
        raise ValueError("latitudes must lie within -90 … 90")
    if miny > maxy:
        raise ValueError(f"minimum latitude {miny} is above maximum latitude {maxy}")
    return BBox(minx, miny, maxx, maxy)


def parse_datetime(raw: str) -> str:
    """An RFC 3339 instant or interval (``start/end``, ``..`` for open ends)."""
    if not re.search(DATETIME_PATTERN, raw):
        raise ValueError(
            "expected an RFC 3339 date-time or interval, e.g. "
            "2023-10-01T00:00:00Z/.., got " + repr(raw)
        )
    return raw


def _choice(values: tuple[str, ...]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw not in values:
            raise ValueError(f"expected one of {', '.join(values)}, got {raw!r}")
        return raw

    return parse


FORMATS = ("json", "html")
F = Param(
    "f",
    "Response format; without it the Accept header decides (JSON by default).",
    {"type": "string", "enum": list(FORMATS)},
    _choice(FORMATS),
)
BBOX = Param(
    "bbox",
    "Only features whose geometry intersects this box: minLon,minLat,maxLon,maxLat "
    "in CRS84 (6 values with heights are accepted; heights are ignored). A box "
    "whose minLon is greater than its maxLon crosses the antimeridian.",
    {
        "type": "array",
        "oneOf": [
            {"minItems": 4, "maxItems": 4},
            {"minItems": 6, "maxItems": 6},
        ],
        "items": {"type": "number", "minimum": -180, "maximum": 180},
    },
    parse_bbox,
)
LIMIT = Param(
    "limit",
    f"Page size: 1 to {MAX_LIMIT:,}, default {DEFAULT_LIMIT}.",
    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
    lambda raw: Limit(integer(raw, 1, MAX_LIMIT)),
)
OFFSET = Param(
    "offset",
    "Matching features to skip before the page starts (the next links set it).",
    {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
    lambda raw: Offset(integer(raw, 0, MAX_OFFSET)),
)
DATETIME = Param(
    "datetime",
    "RFC 3339 instant or interval. These collections carry no temporal "
    "property, so a well-formed value is accepted and selects every feature.",
    {"type": "string", "pattern": DATETIME_PATTERN},
    parse_datetime,
)
COMMON = (F, LANG)
STANDARD_NAMES = frozenset(p.name for p in (F, LANG, BBOX, LIMIT, OFFSET, DATETIME))


def field_schema(fi: FieldInfo) -> dict[str, Any]:
    """JSON Schema of a stored field's values (without null)."""
    if fi.type == "int":
        return {"type": "integer", "minimum": INT_MIN, "maximum": INT_MAX}
    if fi.type == "float":
        return {"type": "number"}
    if fi.type == "bool":
        return {"type": "boolean"}
    if fi.type == "date":
        return {"type": "string", "format": "date"}
    if fi.allowed:
        return {"type": "string", "enum": list(fi.allowed)}
    return {"type": "string"}


def _field_parser(fi: FieldInfo) -> Callable[[str], str]:
    """Check a filter value against the field's schema; return it as the store wants."""

    def parse(raw: str) -> str:
        if fi.type == "int":
            integer(raw, INT_MIN, INT_MAX)
        elif fi.type == "float":
            number(raw)
        elif fi.type == "bool":
            _choice(("true", "false"))(raw)
        elif fi.type == "date":
            if not DATE.fullmatch(raw):
                raise ValueError(f"expected a date YYYY-MM-DD, got {raw!r}")
            dt.date.fromisoformat(raw)
        elif fi.allowed:
            _choice(fi.allowed)(raw)
        elif not re.search(NOT_BLANK, raw):
            raise ValueError("expected a non-blank value")
        return raw

    return parse


@functools.lru_cache(maxsize=256)
def queryables(fields: tuple[FieldInfo, ...]) -> tuple[Param, ...]:
    """One equality-filter parameter per stored field whose name is not reserved."""
    out = []
    for fi in fields:
        if fi.name in STANDARD_NAMES:
            continue
        schema = field_schema(fi)
        if schema == {"type": "string"}:
            schema = {**schema, "pattern": NOT_BLANK}
        out.append(
            Param(
                fi.name,
                f"Only features whose '{fi.name}' equals this value.",
                schema,
                _field_parser(fi),
            )
        )
    return tuple(out)


def parse_query(
    args: Mapping[str, list[str]], params: Iterable[Param] | Mapping[str, Param]
) -> dict[str, Any]:
    """Parse every query parameter; refuse unknown and repeated ones.

    Args:
        args: parameter name → every value given (``request.args.to_dict(flat=False)``).
        params: the parameters the operation takes (or them by name).

    Returns:
        Parameter name → parsed value, for the parameters present.

    Raises:
        InvalidParameter: naming the unknown, repeated or malformed parameter.
    """
    known = params if isinstance(params, Mapping) else {p.name: p for p in params}
    unknown = sorted(set(args) - set(known))
    if unknown:
        raise InvalidParameter(
            ",".join(unknown),
            f"unknown query parameter(s) {', '.join(map(repr, unknown))}; "
            f"this operation takes {', '.join(sorted(known))}",
        )
    values: dict[str, Any] = {}
    for name, raw in args.items():
        if len(raw) != 1:
            raise InvalidParameter(name, "given more than once")
        try:
            values[name] = known[name].parse(raw[0])
        except ValueError as exc:
            raise InvalidParameter(name, str(exc)) from None
    return values
