"""Site clearance per parcel: the stages, the rules of a change, and the roll-ups.

Pure model: no SQL, no Flask. The store keeps one ``Clearance`` row per tracked
parcel and an append-only list of ``AuditRecord`` (``ClearanceStore``); this module
decides whether a change is allowed, what the row looks like after it, how things
stood on a past date, and how far each park has got. The names and columns of the
two tables are here too, as both backends store them alike.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from layers.store.base import LayerInfo
from layers.values import has_control

STATE = "parkmap_clearance"
AUDIT = "parkmap_clearance_audit"
LAYER = "parcels"  # the tracked layer: needs parcel_id, park_id, clr_stage, area_ha
COLUMNS = (
    "parcel_id",
    "park_id",
    "area_ha",
    "stage",
    "cleared_ha",
    "households_affected",
    "households_relocated",
    "target_date",
    "note",
    "version",
    "updated_at",
    "updated_by",
)

STAGES = (
    "not_started",
    "surveyed",
    "plan_approved",
    "compensating",
    "cleared",
    "handed_over",
)
DONE = frozenset({"cleared", "handed_over"})
EDITABLE = (
    "stage",
    "cleared_ha",
    "households_affected",
    "households_relocated",
    "target_date",
    "note",
)
MAX_NOTE = 2000
MAX_REASON = 500
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
AREA_SLACK_HA = 1e-6  # float noise when cleared_ha is set to the parcel's area


class EditRejected(ValueError):
    """A change breaks a rule; ``field`` names the offending field."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(f"{field}: {message}")


class StaleEdit(Exception):
    """The change was based on an older version; ``current`` is the row now."""

    def __init__(self, current: Clearance, base_version: int):
        self.current = current
        super().__init__(
            f"parcel '{current.parcel_id}' is at version {current.version}, "
            f"the change was based on version {base_version}; nothing was changed"
        )


class ParcelNotTracked(LookupError):
    """No clearance record for that parcel (unknown, or not under clearance)."""

    def __init__(self, parcel_id: str):
        self.parcel_id = parcel_id
        super().__init__(f"no clearance record for parcel '{parcel_id}'")


@dataclass(frozen=True, slots=True)
class Clearance:
    """One parcel's clearance as it stands (or stood)."""

    parcel_id: str
    park_id: str
    area_ha: float
    stage: str
    cleared_ha: float
    households_affected: int | None = None
    households_relocated: int | None = None
    target_date: str | None = None
    note: str = ""
    version: int = 0
    updated_at: str = ""
    updated_by: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict."""
        return asdict(self)

    def editable(self) -> dict[str, Any]:
        """The fields a planner changes, plus the version (what audit keeps)."""
        values = {name: getattr(self, name) for name in EDITABLE}
        values["version"] = self.version
        return values

    def overdue(self, today: dt.date) -> bool:
        """Past its target date and not yet cleared."""
        return (
            self.stage not in DONE
            and self.target_date is not None
            and dt.date.fromisoformat(self.target_date) < today
        )


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One accepted change: who, when, why, the values before and after."""

    seq: int
    parcel_id: str
    park_id: str
    version: int
    at: str
    user: str
    reason: str
    before: dict[str, Any]
    after: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict."""
        return asdict(self)


def baseline(
    parcel_id: str, park_id: str, area_ha: float, stage: str, at: str
) -> Clearance:
    """A parcel's first record, from the layer's ``clr_stage``.

    A parcel already cleared or handed over counts its whole area as cleared.
    """
    if stage not in STAGES:
        raise EditRejected("stage", f"unknown stage {stage!r} for {parcel_id}")
    cleared = area_ha if stage in DONE else 0.0
    return Clearance(
        parcel_id, park_id, area_ha, stage, cleared, updated_at=at, updated_by="build"
    )


def apply_change(
    current: Clearance, changes: Mapping[str, Any], reason: str = ""
) -> Clearance | None:
    """The row after ``changes``, or None when nothing would change.

    Version and ``updated_*`` are left for the store to set.

    Raises:
        EditRejected: naming the field whose value breaks a rule.
    """
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise EditRejected(unknown[0], f"not an editable field (use {EDITABLE})")
    reason = _text(reason, "reason", MAX_REASON)
    new = {name: getattr(current, name) for name in EDITABLE}
    for name, value in changes.items():
        new[name] = CHECKS[name](value)
    if "cleared_ha" not in changes and new["stage"] in DONE:
        new["cleared_ha"] = current.area_ha  # cleared means the whole parcel
    _check_stage_move(current.stage, new["stage"], reason)
    _check_consistency(current, new)
    if all(new[name] == getattr(current, name) for name in EDITABLE):
        return None
    return replace(current, **new)


def _check_stage_move(old: str, new: str, reason: str) -> None:
    step = STAGES.index(new) - STAGES.index(old)
    if step > 1 and not reason:
        raise EditRejected(
            "reason", f"{old} → {new} skips {step - 1} stage(s): give a reason"
        )
    if step < 0 and not reason:
        raise EditRejected("reason", f"{old} → {new} goes backward: give a reason")


def _check_consistency(current: Clearance, new: Mapping[str, Any]) -> None:
    if new["cleared_ha"] > current.area_ha + AREA_SLACK_HA:
        raise EditRejected(
            "cleared_ha",
            f"{new['cleared_ha']} ha is more than the parcel's "
            f"{current.area_ha:.4f} ha",
        )
    affected, relocated = new["households_affected"], new["households_relocated"]
    if affected is not None and relocated is not None and relocated > affected:
        raise EditRejected(
            "households_relocated",
            f"{relocated} relocated is more than the {affected} households affected",
        )


def _stage(value: Any) -> str:
    if value not in STAGES:
        expected = ", ".join(STAGES)
        raise EditRejected("stage", f"expected one of {expected}, got {value!r}")
    return str(value)


def _cleared_ha(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EditRejected("cleared_ha", f"expected a number, got {value!r}")
    try:
        hectares = float(value)  # a whole number past 1e308 does not fit a float
    except OverflowError:
        raise EditRejected(
            "cleared_ha", "too large to be a number of hectares"
        ) from None
    if not math.isfinite(hectares) or hectares < 0:
        raise EditRejected("cleared_ha", f"must be 0 or more, got {value!r}")
    return hectares


def _households(name: str) -> Any:
    def check(value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise EditRejected(name, f"expected a whole number or null, got {value!r}")
        if not 0 <= value < 1_000_000:
            raise EditRejected(name, f"must be 0..999999, got {value}")
        return value

    return check


def _target_date(value: Any) -> str | None:
    if value is None or value == "":
        return None
    try:
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise EditRejected(
            "target_date", f"expected a date YYYY-MM-DD, got {value!r}"
        ) from None


def _text(value: Any, name: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise EditRejected(name, f"expected text, got {type(value).__name__}")
    if LONE_SURROGATE.search(value):  # JSON may carry "\ud800"; UTF-8 cannot
        raise EditRejected(name, "not Unicode text: it holds a lone surrogate")
    text = unicodedata.normalize("NFC", value).strip()
    if has_control(text, multiline=True):  # NUL, escapes, bidi overrides…
        raise EditRejected(name, "a control character (only line breaks, tabs)")
    if len(text) > limit:
        raise EditRejected(name, f"at most {limit} characters, got {len(text)}")
    return text


CHECKS: dict[str, Any] = {
    "stage": _stage,
    "cleared_ha": _cleared_ha,
    "households_affected": _households("households_affected"),
    "households_relocated": _households("households_relocated"),
    "target_date": _target_date,
    "note": lambda value: _text(value, "note", MAX_NOTE),
}


def audit_time(when: dt.datetime) -> str:
    """``when`` as the audit writes times: ISO 8601 UTC with microseconds.

    Such texts sort as the times do, so ``state_at`` compares them as text.

    Raises:
        ValueError: ``when`` is naive (its zone would be a guess).
    """
    if when.tzinfo is None:
        raise ValueError("the clearance's time needs an aware datetime")
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds")


def now() -> str:
    """The current UTC time as ISO 8601 with microseconds (sortable as text)."""
    return audit_time(dt.datetime.now(dt.UTC))


def tracks_clearance(info: LayerInfo) -> bool:
    """Whether ``info`` is the layer the tracker follows (parcels with stages)."""
    names = {f.name for f in info.fields}
    return info.name == LAYER and {"park_id", "clr_stage", "area_ha"} <= names


def state_at(
    current: Iterable[Clearance], audit: Sequence[AuditRecord], when: str
) -> list[Clearance]:
    """Every parcel as it stood at ``when`` (ISO 8601 UTC, compared as text).

    A parcel changed after ``when`` is rolled back to the values before its first
    later change; one never changed is as it is now.
    """
    rows = {c.parcel_id: c for c in current}
    for record in sorted(audit, key=lambda r: r.seq, reverse=True):
        if record.at > when and record.parcel_id in rows:
            before = dict(record.before)
            rows[record.parcel_id] = replace(
                rows[record.parcel_id], **before, updated_at="", updated_by=""
            )
    return list(rows.values())


@dataclass(slots=True)
class ParkProgress:
    """A park's clearance at a glance."""

    park_id: str
    name: str
    bottleneck: bool
    parcels: int = 0
    planned_ha: float = 0.0
    cleared_ha: float = 0.0
    stages: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    households_affected: int = 0
    households_relocated: int = 0
    overdue: list[str] = field(default_factory=list)

    @property
    def pct(self) -> float:
        """Cleared share of the planned area, in percent."""
        return 100.0 * self.cleared_ha / self.planned_ha if self.planned_ha else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict (with ``pct``)."""
        return {**asdict(self), "pct": round(self.pct, 2)}


def park_progress(
    rows: Iterable[Clearance],
    parks: Mapping[str, tuple[str, bool]],
    today: dt.date,
) -> list[ParkProgress]:
    """Roll parcels up per park: bottleneck parks first, then by name.

    Args:
        rows: the parcels' clearance (now, or as it stood).
        parks: park id → (display name, is a reported clearance bottleneck).
        today: what "overdue" is measured against.
    """
    out: dict[str, ParkProgress] = {}
    for row in rows:
        name, bottleneck = parks.get(row.park_id, (row.park_id, False))
        park = out.setdefault(row.park_id, ParkProgress(row.park_id, name, bottleneck))
        park.parcels += 1
        park.planned_ha += row.area_ha
        park.cleared_ha += row.cleared_ha
        park.stages[row.stage] += 1
        park.households_affected += row.households_affected or 0
        park.households_relocated += row.households_relocated or 0
        if row.overdue(today):
            park.overdue.append(row.parcel_id)
    return sorted(out.values(), key=lambda p: (not p.bottleneck, p.name))


def timeline(
    current: Iterable[Clearance], audit: Sequence[AuditRecord]
) -> list[tuple[str, dict[str, float]]]:
    """Cleared hectares per park after each day with changes, oldest first.

    The first point is the state before the first change (dated by the earliest
    record's ``updated_at`` of the baseline, or that change's day).
    """
    rows = state_at(current, audit, "")  # as before any change
    cleared = {c.parcel_id: c.cleared_ha for c in rows}
    park_of = {c.parcel_id: c.park_id for c in rows}
    ordered = sorted(audit, key=lambda r: r.seq)
    start = min((c.updated_at for c in current if c.updated_at), default="")
    if ordered:
        start = min(start or ordered[0].at, ordered[0].at)
    points = [(start[:10], _per_park(cleared, park_of))]
    for record in ordered:
        cleared[record.parcel_id] = float(record.after["cleared_ha"])
        day = record.at[:10]
        if points[-1][0] == day:
            points[-1] = (day, _per_park(cleared, park_of))
        else:
            points.append((day, _per_park(cleared, park_of)))
    return points


def _per_park(cleared: Mapping[str, float], park_of: Mapping[str, str]) -> dict:
    totals: dict[str, float] = {}
    for parcel_id, ha in cleared.items():
        park = park_of[parcel_id]
        totals[park] = totals.get(park, 0.0) + ha
    return {park: round(ha, 4) for park, ha in sorted(totals.items())}
