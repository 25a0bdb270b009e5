"""The planner's translatable words: column headings, stages, chart texts."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from layers.clearance.rules import STAGES
from webmap.core.labels import value_label
from webmap.planner.charts import ProgressLabels, TimelineLabels

FIELDS = {
    "park": _l("Industrial park"),
    "park_id": _l("Park id"),
    "parcel_id": _l("Parcel"),
    "stage": _l("Site clearance stage"),
    "stage_code": _l("Stage code"),
    "area_ha": _l("Area (ha)"),
    "cleared_ha": _l("Cleared (ha)"),
    "planned_ha": _l("Planned (ha)"),
    "pct": _l("Cleared (%)"),
    "parcels": _l("Parcels"),
    "households_affected": _l("Households affected"),
    "households_relocated": _l("Households relocated"),
    "target_date": _l("Target date"),
    "overdue": _l("Overdue"),
    "note": _l("Note"),
    "version": _l("Version"),
    "updated_by": _l("Updated by"),
    "updated_at": _l("Updated at (UTC)"),
    "bottleneck": _l("Site clearance is the bottleneck"),
    "seq": _l("No."),
    "at": _l("Changed at (UTC)"),
    "user": _l("Changed by"),
    "reason": _l("Reason"),
    "changes": _l("Changes"),
}


def field_label(name: str) -> str:
    """A column's heading in the request's language (its name if unknown)."""
    label = FIELDS.get(name)
    return str(label) if label is not None else name


def stage_label(stage: str) -> str:
    """A clearance stage in the request's language."""
    return value_label(stage)


def stage_labels() -> dict[str, str]:
    """Every stage → its label, in order."""
    return {stage: stage_label(stage) for stage in STAGES}


def progress_labels() -> ProgressLabels:
    """The progress chart's words in the request's language."""
    return ProgressLabels(
        title=gettext("Cleared and planned area per park"),
        planned=gettext("Planned area"),
        cleared=gettext("Cleared area"),
        bottleneck=gettext("Site clearance is the bottleneck"),
        stages=stage_labels(),
        empty=gettext("No parcel is under site clearance."),
    )


def timeline_labels() -> TimelineLabels:
    """The timeline chart's words in the request's language."""
    return TimelineLabels(
        title=gettext("Cleared area over time"),
        total=gettext("All parks"),
        axis=gettext("hectares cleared"),
        empty=gettext("No parcel is under site clearance."),
    )


def describe_change(before: dict[str, Any], after: dict[str, Any]) -> str:
    """``Field: old → new; …`` for the fields an audit record changed."""
    parts = []
    for name, value in after.items():
        old, new = before.get(name), value
        if name == "version" or old == new:
            continue
        if name == "stage":
            old, new = stage_label(str(old)), stage_label(str(new))
        parts.append(f"{field_label(name)}: {_shown(old)} → {_shown(new)}")
    return "; ".join(parts)


def _shown(value: Any) -> str:
    return "–" if value is None or value == "" else str(value)
