"""The investor land search: its parameters, parsed and checked at the edge.

``parse_land_query(args, vocabulary)`` turns a query string's parameters into a
frozen ``LandQuery`` that a store answers with ``LandStore.search``. Every
parameter may be absent or empty (an HTML form sends empty fields):

- ``status``: parcel statuses, several allowed (comma-separated or repeated);
  default ``available``;
- ``min_ha`` / ``max_ha``: parcel area range in hectares;
- ``park`` / ``zone``: park ids / economic-zone ids (the park's ``zone_id``),
  several allowed;
- ``km_<target>``: maximum geodesic distance in km to a landmark
  (``km_lach_huyen_port=20``) or to the nearest landmark of a kind
  (``km_junction=10``: the minimum over every junction's ``dist_<id>_km``);
  a landmark id wins over a kind of the same name;
- ``min_<target>``: maximum drive time in minutes by road, landmark or kind as
  for ``km_`` (``layers.land.minutes``);
- ``min_price`` / ``max_price``: asking rent in USD/m²; with either, parcels
  without a price are left out;
- ``ready=1``: cleared and ready, i.e. available and with no clearance stage or
  one of ``READY_STAGES``;
- ``min_block_ha``: the parcel's contiguous free block (``block_ha``) at least this;
- ``sort``: ``area``, ``price`` or ``km_<target>``; ``order``: ``asc``/``desc``
  (default: largest area first, cheapest first, nearest first); ties by parcel id;
  a parcel without the sort value comes last either way;
- ``limit`` (default 50, at most 500) and ``offset``.

Nothing here does I/O; ``layers.land.vocabulary.land_vocabulary`` reads what the
parameters may name from a store.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from layers.errors import InvalidQuery
from layers.land import parkfacts
from layers.land.minutes import (
    MIN_PREFIX,
    DriveLimit,
    drive_fields_used,
    drive_limits,
    drive_sort,
    is_drive_parameter,
)
from layers.land.parkfacts import ParkFacts
from layers.land.vocabulary import (
    LAYER,
    PARKS,
    LandVocabulary,
    distance_field,
    land_vocabulary,
    resolve_target,
)
from layers.store.base import LayerInfo

__all__ = [
    "LAYER",
    "MIN_PREFIX",
    "PARKS",
    "DistanceLimit",
    "DriveLimit",
    "LandQuery",
    "LandResult",
    "LandVocabulary",
    "ParkFacts",
    "distance_field",
    "land_vocabulary",
    "parse_land_query",
]
DEFAULT_STATUS = ("available",)
READY_STAGES = ("cleared", "handed_over")
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000
KM_PREFIX = "km_"
SORTS = {"area": ("area_ha",), "price": ("price_usd",)}
DEFAULT_ORDER = {"area": "desc", "price": "asc"}  # distances: nearest first
RANGES = (("min_ha", "max_ha"), ("min_price", "max_price"))
PARAMETERS = (
    "status", "min_ha", "max_ha", "park", "zone", "min_price", "max_price",
    "ready", "min_block_ha", "sort", "order", "limit", "offset",
    *parkfacts.PARAMETERS,
)  # fmt: skip
# ASCII digits only: re's \d (and int()/float()) also take other scripts' "٣".
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
INTEGER = re.compile(r"[0-9]+")
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
MAX_VALUE_CHARS = 2000
# The covering index both backends give the parcels: led by these two columns, it
# carries the others and each dist_<landmark>_km, so a search never reads the rows.
INDEX = f"ix_{LAYER}_land"
INDEX_LEADING = ("status", "area_ha")
INDEX_COLUMNS = ("park_id", "clr_stage", "price_usd", "block_ha")


@dataclass(frozen=True, slots=True)
class DistanceLimit:
    """At most ``km`` from ``target``: the minimum of ``fields`` ≤ ``km``."""

    target: str
    fields: tuple[str, ...]
    km: float


@dataclass(frozen=True, slots=True)
class LandQuery:
    """A validated land search (see the module docstring for each parameter)."""

    status: tuple[str, ...] = DEFAULT_STATUS
    min_ha: float | None = None
    max_ha: float | None = None
    parks: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    within: tuple[DistanceLimit, ...] = ()
    drive_within: tuple[DriveLimit, ...] = ()
    min_price: float | None = None
    max_price: float | None = None
    ready: bool = False
    min_block_ha: float | None = None
    sort: str = "area"
    sort_fields: tuple[str, ...] = ("area_ha",)
    order: str = "desc"
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    facts: ParkFacts = field(default_factory=ParkFacts)  # conditions on the park

    def bounds(self) -> list[tuple[str, str, float]]:
        """The numeric bounds given, as (field, ``>=`` or ``<=``, value)."""
        given = (
            ("area_ha", ">=", self.min_ha),
            ("area_ha", "<=", self.max_ha),
            ("price_usd", ">=", self.min_price),
            ("price_usd", "<=", self.max_price),
            ("block_ha", ">=", self.min_block_ha),
        )
        return [(name, op, value) for name, op, value in given if value is not None]

    def params(self, *, page: bool = True) -> list[tuple[str, str]]:
        """The query as URL parameters, normalised, defaults left out.

        Args:
            page: include ``limit`` and ``offset`` (exports leave them out).
        """
        out: list[tuple[str, str]] = []
        if self.status != DEFAULT_STATUS:
            out.append(("status", ",".join(self.status)))
        for name in ("min_ha", "max_ha"):
            _add_number(out, name, getattr(self, name))
        if self.parks:
            out.append(("park", ",".join(self.parks)))
        if self.zones:
            out.append(("zone", ",".join(self.zones)))
        out.extend((KM_PREFIX + d.target, number_text(d.km)) for d in self.within)
        out.extend(
            (MIN_PREFIX + d.target, number_text(d.minutes)) for d in self.drive_within
        )
        for name in ("min_price", "max_price", "min_block_ha"):
            _add_number(out, name, getattr(self, name))
        if self.ready:
            out.append(("ready", "1"))
        out.extend(self.facts.params(number_text))
        if self.sort != "area" or self.order != default_order(self.sort):
            out.extend((("sort", self.sort), ("order", self.order)))
        if page and self.limit != DEFAULT_LIMIT:
            out.append(("limit", str(self.limit)))
        if page and self.offset:
            out.append(("offset", str(self.offset)))
        return out

    def to_dict(self) -> dict[str, Any]:
        """Every parameter with its value (defaults included), for JSON answers."""
        data = asdict(self)
        data["within"] = {d.target: d.km for d in self.within}
        data["drive_within"] = {d.target: d.minutes for d in self.drive_within}
        del data["sort_fields"], data["facts"]
        data.update(self.facts.to_dict())
        return data


@dataclass(frozen=True, slots=True)
class LandResult:
    """A page of a land search's matches and figures over all of them.

    Attributes:
        features: the page's parcels as GeoJSON Feature texts, in sort order.
        number_matched: how many parcels match in all.
        total_ha: their total area in hectares (rounded to 4 decimals).
    """

    features: list[str] = field(default_factory=list)
    number_matched: int = 0
    total_ha: float = 0.0


def default_order(sort: str) -> str:
    """Largest area first; cheapest and nearest first."""
    return DEFAULT_ORDER.get(sort, "asc")


def number_text(value: float) -> str:
    """A number as short text that parses back to the same float (``5``, ``2.5``)."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _add_number(out: list[tuple[str, str]], name: str, value: float | None) -> None:
    if value is not None:
        out.append((name, number_text(value)))


def parse_land_query(
    args: Mapping[str, str],
    vocabulary: LandVocabulary,
    *,
    ignore: tuple[str, ...] = ("lang",),
) -> LandQuery:
    """Parse and check a land search's query parameters.

    Args:
        args: parameter → text; a ``MultiDict``'s repeated values are joined by
            commas. Empty values count as absent.
        vocabulary: the statuses, parks, zones and landmarks the store knows.
        ignore: parameters that belong to the page, not the search.

    Returns:
        The validated query.

    Raises:
        InvalidQuery: naming the parameter: an unknown parameter, park, zone,
            status or landmark; a value that is not a finite number ≥ 0; an
            inverted range; an unknown sort or order; limit or offset out of range.
    """
    raw = _raw_args(args, ignore)
    min_ha, max_ha = _range(raw, "min_ha", "max_ha")
    min_price, max_price = _range(raw, "min_price", "max_price")
    if min_price is not None or max_price is not None:
        name = "min_price" if min_price is not None else "max_price"
        _needs_field(vocabulary, "price_usd", name)
    if raw.get("sort") == "price":
        _needs_field(vocabulary, "price_usd", "sort")
    sort, sort_fields = _sort(raw.get("sort"), vocabulary)
    return LandQuery(
        status=_choices(raw, "status", vocabulary.statuses) or DEFAULT_STATUS,
        min_ha=min_ha,
        max_ha=max_ha,
        parks=_choices(raw, "park", vocabulary.parks),
        zones=_choices(raw, "zone", vocabulary.zones),
        within=_distances(raw, vocabulary),
        drive_within=drive_limits(raw, vocabulary, PARAMETERS, _number),
        min_price=min_price,
        max_price=max_price,
        ready=_flag(raw, "ready"),
        min_block_ha=_block(raw, vocabulary),
        sort=sort,
        sort_fields=sort_fields,
        order=_order(raw.get("order"), sort),
        limit=_integer(raw, "limit", DEFAULT_LIMIT, MAX_LIMIT),
        offset=_integer(raw, "offset", 0, MAX_OFFSET),
        facts=_park_facts(raw, vocabulary),
    )


def _raw_args(args: Mapping[str, str], ignore: tuple[str, ...]) -> dict[str, str]:
    """Non-empty values by name; unknown names refused."""
    getlist = getattr(args, "getlist", None)
    raw: dict[str, str] = {}
    for name in args:
        if name in ignore:
            continue
        known = name in PARAMETERS or name.startswith(KM_PREFIX)
        if not known and not is_drive_parameter(name, PARAMETERS):
            raise InvalidQuery(name, "unknown parameter", "unknown_parameter", name)
        values = getlist(name) if getlist else [args[name]]
        text = ",".join(v.strip() for v in values if v.strip())
        if len(text) > MAX_VALUE_CHARS:
            raise InvalidQuery(name, "value too long", "too_long")
        if text:
            raw[name] = text
    return raw


def _number(raw: dict[str, str], name: str) -> float | None:
    """A finite number ≥ 0, or None when absent."""
    text = raw.get(name)
    if text is None:
        return None
    if not NUMBER.fullmatch(text):
        raise InvalidQuery(name, f"not a number: {text!r}", "number", text)
    value = float(text)
    if not math.isfinite(value):
        raise InvalidQuery(name, f"not a finite number: {text!r}", "number", text)
    if value < 0:
        raise InvalidQuery(name, f"must not be negative: {text!r}", "negative", text)
    return value + 0.0  # -0.0 → 0.0


def _range(raw: dict[str, str], low: str, high: str) -> tuple[float | None, ...]:
    lo, hi = _number(raw, low), _number(raw, high)
    if lo is not None and hi is not None and lo > hi:
        raise InvalidQuery(
            low, f"{number_text(lo)} is greater than {high} {number_text(hi)}", "range"
        )
    return lo, hi


def _choices(raw: dict[str, str], name: str, known: tuple[str, ...]) -> tuple[str, ...]:
    """The listed values, each known, in the vocabulary's order."""
    text = raw.get(name)
    if text is None:
        return ()
    asked = {v.strip() for v in text.split(",") if v.strip()}
    unknown = sorted(asked - set(known))
    if unknown:
        raise InvalidQuery(
            name, "unknown value(s): " + ", ".join(unknown), "unknown", unknown[0]
        )
    return tuple(v for v in known if v in asked)


def _target(name: str, vocabulary: LandVocabulary) -> tuple[str, tuple[str, ...]]:
    """``km_<target>`` → (target, its distance fields); unknown names refused."""
    return resolve_target(
        name,
        KM_PREFIX,
        vocabulary.distance_fields,
        vocabulary.targets(),
        "unknown landmark or kind",
    )


def _distances(
    raw: dict[str, str], vocabulary: LandVocabulary
) -> tuple[DistanceLimit, ...]:
    """Every ``km_<target>`` limit, in the vocabulary's order of targets."""
    limits = []
    for name in raw:
        if name.startswith(KM_PREFIX):
            target, fields = _target(name, vocabulary)
            km = _number(raw, name) or 0.0  # raw holds non-empty values only
            limits.append(DistanceLimit(target, fields, km))
    order = {t: i for i, t in enumerate(vocabulary.targets())}
    return tuple(sorted(limits, key=lambda d: order[d.target]))


def _flag(raw: dict[str, str], name: str) -> bool:
    text = raw.get(name, "0").lower()
    if text not in TRUE + FALSE:
        raise InvalidQuery(name, f"expected 1 or 0, got {text!r}", "flag", text)
    return text in TRUE


def _block(raw: dict[str, str], vocabulary: LandVocabulary) -> float | None:
    value = _number(raw, "min_block_ha")
    if value is not None:
        _needs_field(vocabulary, "block_ha", "min_block_ha")
    return value


def _needs_field(vocabulary: LandVocabulary, field_name: str, parameter: str) -> None:
    if vocabulary.fields and field_name not in vocabulary.fields:
        raise InvalidQuery(
            parameter, f"the parcels have no field {field_name!r}", "unavailable"
        )


def _sort(text: str | None, vocabulary: LandVocabulary) -> tuple[str, tuple[str, ...]]:
    if text is None:
        return "area", SORTS["area"]
    if text in SORTS:
        return text, SORTS[text]
    if text.startswith(KM_PREFIX):
        try:
            return text, _target(text, vocabulary)[1]
        except InvalidQuery:
            pass
    drive = drive_sort(text, vocabulary)
    if drive:
        return text, drive
    known = ", ".join(
        [
            *SORTS,
            *(KM_PREFIX + t for t in vocabulary.targets()),
            *(MIN_PREFIX + t for t in vocabulary.drive_targets()),
        ]
    )
    raise InvalidQuery(
        "sort", f"unknown sort {text!r}; known: {known}", "unknown", text
    )


def _order(text: str | None, sort: str) -> str:
    if text is None:
        return default_order(sort)
    if text.lower() not in ("asc", "desc"):
        raise InvalidQuery(
            "order", f"expected asc or desc, got {text!r}", "order", text
        )
    return text.lower()


def _integer(raw: dict[str, str], name: str, default: int, most: int) -> int:
    text = raw.get(name)
    if text is None:
        return default
    if not INTEGER.fullmatch(text):
        raise InvalidQuery(name, f"not a whole number ≥ 0: {text!r}", "integer", text)
    value = int(text)
    if value > most:
        raise InvalidQuery(name, f"at most {most}, got {value}", "too_large", text)
    return value


# --- conditions on the parcel's park (issue 19) ------------------------------------


def _park_facts(raw: dict[str, str], vocabulary: LandVocabulary) -> ParkFacts:
    """The conditions on the park's facts (``layers.land.parkfacts``)."""
    if vocabulary.park_fields:
        asked = [p for p in parkfacts.PARAMETERS if p in raw]
        parkfacts.check_park_fields(asked, vocabulary.park_fields)
    return ParkFacts(
        industries=_choices(raw, "industry", vocabulary.industries),
        min_power_mva=_number(raw, "min_power_mva"),
        min_water_m3_day=_number(raw, "min_water_m3_day"),
        handover=_choices(raw, "handover", vocabulary.handovers),
        min_lease_end=parkfacts.year(raw.get("min_lease_end"), "min_lease_end"),
    )


def check_fields(query: LandQuery, info: LayerInfo) -> None:
    """Refuse a query naming a field the layer lacks (an SQL error otherwise)."""
    names = {f.name for f in info.fields}
    used = [("sort", f) for f in query.sort_fields]
    used += [
        (p, "area_ha") for p in ("min_ha", "max_ha") if getattr(query, p) is not None
    ]
    used += [(f"km_{d.target}", f) for d in query.within for f in d.fields]
    used += drive_fields_used(query.drive_within)
    if query.min_price is not None or query.max_price is not None:
        used.append(("min_price", "price_usd"))
    if query.min_block_ha is not None:
        used.append(("min_block_ha", "block_ha"))
    if query.ready:
        used.append(("ready", "clr_stage"))
    for parameter, name in used:
        if name not in names:
            raise InvalidQuery(
                parameter, f"the parcels have no field {name!r}", "unavailable"
            )
