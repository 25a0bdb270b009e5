"""JSON Schemas of the clearance tracker: records, history, progress, edits."""

from __future__ import annotations

from typing import Any

from layers.clearance.rules import EDITABLE, MAX_REASON, STAGES
from webmap.core.openapi import JSON, ref
from webmap.core.schemas import (
    BOOL,
    DATE,
    INT,
    NINT,
    NOBJ,
    NSTR,
    NUM,
    OBJ,
    STR,
    array,
    every,
    obj,
)


def _clearance() -> dict[str, Any]:
    return every(
        parcel_id=STR,
        park_id=STR,
        area_ha=NUM,
        stage={"type": "string", "enum": list(STAGES)},
        cleared_ha=NUM,
        households_affected=NINT,
        households_relocated=NINT,
        target_date={**DATE, "nullable": True},
        note=STR,
        version=INT,
        updated_at=STR,
        updated_by=STR,
    )


def _audit() -> dict[str, Any]:
    values = {"type": "object", "properties": {n: {} for n in (*EDITABLE, "version")}}
    return every(
        seq=INT,
        parcel_id=STR,
        park_id=STR,
        version=INT,
        at=STR,
        user=STR,
        reason=STR,
        before=values,
        after=values,
    )


def _park_progress() -> dict[str, Any]:
    return obj(
        ["park_id", "planned_ha", "cleared_ha", "pct", "stages"],
        park_id=STR,
        name=STR,
        planned_ha=NUM,
        cleared_ha=NUM,
        pct=NUM,
        stages={"type": "object", "additionalProperties": INT},
        households_affected=INT,
        households_relocated=INT,
        overdue=array(STR),
    )


def schemas() -> dict[str, Any]:
    """The component schemas of the planner's JSON answers."""
    return {
        "Clearance": _clearance(),
        "AuditRecord": _audit(),
        "Progress": every(as_of=STR, source=STR, parks=array(_park_progress())),
        "Timeline": every(
            points=array(
                every(
                    date=DATE,
                    parks={"type": "object", "additionalProperties": NUM},
                    total=NUM,
                )
            )
        ),
        "ParcelClearance": every(
            clearance=ref("Clearance"), history=array(ref("AuditRecord"))
        ),
        "ClearanceEdit": every(
            clearance=ref("Clearance"), audit={**ref("AuditRecord"), "nullable": True}
        ),
        "History": every(history=array(ref("AuditRecord"))),
        "ClearanceFeatures": obj(
            ["type", "features", "numberReturned", "truncated", "editable"],
            type={"type": "string", "enum": ["FeatureCollection"]},
            features=array(every(type=STR, geometry=NOBJ, properties=OBJ)),
            numberReturned={"type": "integer", "minimum": 0},
            truncated=BOOL,
            at=NSTR,
            asOf=DATE,
            editable=BOOL,
        ),
        "ClearanceDates": every(
            baseline={**DATE, "nullable": True}, dates=array(DATE), today=DATE
        ),
    }


def edit_body() -> dict[str, Any]:
    """The Request Body Object of a clearance edit."""
    changes = {
        "type": "object",
        "description": "New values of some editable fields.",
        "properties": {name: {} for name in EDITABLE},
    }
    schema = {
        "type": "object",
        "required": ["version"],
        "properties": {
            "version": {"type": "integer", "description": "The row's version."},
            "changes": changes,
            "reason": {"type": "string", "maxLength": MAX_REASON, "nullable": True},
        },
        "additionalProperties": False,
    }
    return {"required": True, "content": {JSON: {"schema": schema}}}
