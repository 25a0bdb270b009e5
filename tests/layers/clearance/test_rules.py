"""The pure clearance model: stage moves, consistency, past states, roll-ups."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace

import pytest

from layers.clearance.rules import (
    AuditRecord,
    Clearance,
    EditRejected,
    ParcelNotTracked,
    StaleEdit,
    apply_change,
    baseline,
    park_progress,
    state_at,
    timeline,
)

T0 = "2026-01-01T00:00:00.000000+00:00"


def row(stage: str = "surveyed", **kw) -> Clearance:
    values = {
        "parcel_id": "p1",
        "park_id": "a",
        "area_ha": 10.0,
        "stage": stage,
        "cleared_ha": 10.0 if stage in ("cleared", "handed_over") else 0.0,
        "version": 0,
        "updated_at": T0,
        "updated_by": "build",
    }
    return Clearance(**{**values, **kw})


def record(seq: int, before: Clearance, after: Clearance, at: str) -> AuditRecord:
    return AuditRecord(
        seq, after.parcel_id, after.park_id, after.version, at, "ana", "",
        before.editable(), after.editable(),
    )  # fmt: skip


# The stages in order, written out: a change to the rules' tuple must show here.
STAGES = (
    "not_started", "surveyed", "plan_approved", "compensating", "cleared",
    "handed_over",
)  # fmt: skip

# --- baseline ---


@pytest.mark.parametrize(("stage", "cleared"), [(s, 0.0) for s in STAGES[:4]])
def test_baseline_of_an_open_stage_has_nothing_cleared(stage, cleared):
    assert baseline("p", "a", 5.0, stage, T0).cleared_ha == cleared


@pytest.mark.parametrize("stage", ["cleared", "handed_over"])
def test_baseline_of_a_done_stage_counts_the_whole_area(stage):
    first = baseline("p", "a", 5.0, stage, T0)
    assert (first.cleared_ha, first.version, first.updated_by) == (5.0, 0, "build")


def test_baseline_refuses_an_unknown_stage():
    with pytest.raises(EditRejected) as info:
        baseline("p", "a", 5.0, "bulldozed", T0)
    assert info.value.field == "stage"


# --- stage moves ---


@pytest.mark.parametrize(("old", "new"), list(itertools.pairwise(STAGES)))
def test_one_stage_forward_needs_no_reason(old, new):
    assert apply_change(row(old), {"stage": new}).stage == new


@pytest.mark.parametrize(
    ("old", "new"),
    [("not_started", "plan_approved"), ("surveyed", "cleared"),
     ("not_started", "handed_over")],
)  # fmt: skip
def test_skipping_stages_needs_a_reason(old, new):
    with pytest.raises(EditRejected) as info:
        apply_change(row(old), {"stage": new})
    assert info.value.field == "reason"
    assert apply_change(row(old), {"stage": new}, "decree 12/2026").stage == new


@pytest.mark.parametrize(
    ("old", "new"), [("surveyed", "not_started"), ("handed_over", "compensating")]
)
def test_going_backward_needs_a_reason(old, new):
    with pytest.raises(EditRejected) as info:
        apply_change(row(old), {"stage": new})
    assert info.value.field == "reason"
    assert apply_change(row(old), {"stage": new}, "survey redone").stage == new


def test_a_blank_reason_is_no_reason():
    with pytest.raises(EditRejected):
        apply_change(row("not_started"), {"stage": "cleared"}, "   ")


def test_reaching_cleared_clears_the_whole_parcel_unless_told_otherwise():
    assert apply_change(row("compensating"), {"stage": "cleared"}).cleared_ha == 10.0
    partial = apply_change(row("compensating"), {"stage": "cleared", "cleared_ha": 9})
    assert partial.cleared_ha == 9.0


def test_an_unchanged_row_gives_none():
    assert apply_change(row(), {"stage": "surveyed"}) is None
    assert apply_change(row(), {}) is None


def test_apply_change_leaves_version_and_stamp_to_the_store():
    after = apply_change(row(version=4), {"note": "n"})
    assert (after.version, after.updated_at) == (4, T0)


# --- single fields and consistency ---


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"stage": "done"}, "stage"),
        ({"stage": None}, "stage"),
        ({"cleared_ha": "5"}, "cleared_ha"),
        ({"cleared_ha": True}, "cleared_ha"),
        ({"cleared_ha": -0.1}, "cleared_ha"),
        ({"cleared_ha": float("nan")}, "cleared_ha"),
        ({"cleared_ha": float("inf")}, "cleared_ha"),
        ({"cleared_ha": 10.01}, "cleared_ha"),
        ({"households_affected": 1.5}, "households_affected"),
        ({"households_affected": -1}, "households_affected"),
        ({"households_affected": 1_000_000}, "households_affected"),
        ({"households_relocated": False}, "households_relocated"),
        ({"households_affected": 2, "households_relocated": 3},
         "households_relocated"),
        ({"target_date": "2026-02-30"}, "target_date"),
        ({"target_date": "01/03/2026"}, "target_date"),
        ({"target_date": "20260301"}, "target_date"),
        ({"target_date": 20260301}, "target_date"),
        ({"note": 1}, "note"),
        ({"note": "x" * 2001}, "note"),
        ({"area_ha": 99}, "area_ha"),
        ({"version": 9}, "version"),
    ],
)  # fmt: skip
def test_a_bad_value_names_its_field(changes, field):
    with pytest.raises(EditRejected) as info:
        apply_change(row(), changes)
    assert info.value.field == field


def test_cleared_ha_may_equal_the_area_give_or_take_float_noise():
    assert apply_change(row(), {"cleared_ha": 10.0 + 1e-9}).cleared_ha == pytest.approx(
        10.0
    )


def test_relocated_checked_against_the_stored_affected_count():
    current = row(households_affected=4)
    with pytest.raises(EditRejected) as info:
        apply_change(current, {"households_relocated": 5})
    assert info.value.field == "households_relocated"
    assert apply_change(current, {"households_relocated": 4}).households_relocated == 4


def test_values_are_normalised():
    after = apply_change(
        row(),
        {"note": "  Cu\u0301 Chi  ", "target_date": "2026-03-01", "cleared_ha": 2},
    )
    assert after.note == "Cú Chi"  # NFC, trimmed
    assert after.target_date == "2026-03-01"
    assert isinstance(after.cleared_ha, float)


@pytest.mark.parametrize("blank", [None, ""])
def test_a_blank_target_date_removes_it(blank):
    current = row(target_date="2026-03-01")
    assert apply_change(current, {"target_date": blank}).target_date is None


def test_a_too_long_reason_is_refused():
    with pytest.raises(EditRejected) as info:
        apply_change(row(), {"note": "n"}, "r" * 501)
    assert info.value.field == "reason"


def test_errors_carry_what_the_web_layer_needs():
    current = row(version=3)
    assert StaleEdit(current, 1).current is current
    assert "version 3" in str(StaleEdit(current, 1))
    assert ParcelNotTracked("zz").parcel_id == "zz"
    assert isinstance(EditRejected("note", "x"), ValueError)


# --- overdue ---


@pytest.mark.parametrize(
    ("stage", "target", "overdue"),
    [
        ("surveyed", "2026-01-09", True),
        ("surveyed", "2026-01-10", False),  # due today is not late
        ("surveyed", None, False),
        ("cleared", "2020-01-01", False),
        ("handed_over", "2020-01-01", False),
    ],
)
def test_overdue(stage, target, overdue):
    assert row(stage, target_date=target).overdue(dt.date(2026, 1, 10)) is overdue


# --- state_at ---


def edits() -> tuple[list[Clearance], list[AuditRecord]]:
    """p1: surveyed → plan_approved (Jan 5) → compensating (Jan 9); p2 untouched."""
    v0 = row("surveyed")
    v1 = replace(v0, stage="plan_approved", version=1)
    v2 = replace(v1, stage="compensating", cleared_ha=4.0, version=2)
    other = row("cleared", parcel_id="p2", park_id="b", area_ha=3.0, cleared_ha=3.0)
    audit = [
        record(1, v0, v1, "2026-01-05T10:00:00.000000+00:00"),
        record(2, v1, v2, "2026-01-09T10:00:00.000000+00:00"),
    ]
    return [v2, other], audit


@pytest.mark.parametrize(
    ("when", "stage", "cleared"),
    [
        ("2026-01-01T00:00:00+00:00", "surveyed", 0.0),
        ("2026-01-05T09:59:59+00:00", "surveyed", 0.0),
        ("2026-01-05T10:00:00.000000+00:00", "plan_approved", 0.0),  # inclusive
        ("2026-01-08T23:59:59+00:00", "plan_approved", 0.0),
        ("2026-01-09T10:00:00.000001+00:00", "compensating", 4.0),
    ],
)
def test_state_at_rolls_back_later_changes(when, stage, cleared):
    current, audit = edits()
    then = {c.parcel_id: c for c in state_at(current, audit, when)}
    assert (then["p1"].stage, then["p1"].cleared_ha) == (stage, cleared)
    assert then["p2"] == current[1]  # never changed


def test_state_at_ignores_records_of_parcels_no_longer_tracked():
    current, audit = edits()
    then = state_at(current[1:], audit, "2026-01-01")
    assert [c.parcel_id for c in then] == ["p2"]


# --- park_progress ---


def test_park_progress_sums_per_park_with_bottlenecks_first():
    rows = [
        row("surveyed", parcel_id="a1", park_id="a", households_affected=3),
        row("cleared", parcel_id="a2", park_id="a", households_relocated=2),
        row("not_started", parcel_id="b1", park_id="b", area_ha=4.0,
            target_date="2025-12-31"),
    ]  # fmt: skip
    parks = {"a": ("Zeta park", False), "b": ("Alpha park", True)}
    got = park_progress(rows, parks, dt.date(2026, 1, 10))
    assert [p.park_id for p in got] == ["b", "a"]
    b, a = got
    assert (a.parcels, a.planned_ha, a.cleared_ha, a.pct) == (2, 20.0, 10.0, 50.0)
    assert a.stages == {**dict.fromkeys(STAGES, 0), "surveyed": 1, "cleared": 1}
    assert (a.households_affected, a.households_relocated) == (3, 2)
    assert (b.bottleneck, b.overdue, b.name) == (True, ["b1"], "Alpha park")


def test_park_progress_names_an_unknown_park_by_its_id_and_sorts_by_name():
    rows = [row(parcel_id="x", park_id="zz"), row(parcel_id="y", park_id="aa")]
    got = park_progress(rows, {}, dt.date(2026, 1, 1))
    assert [(p.park_id, p.name, p.bottleneck) for p in got] == [
        ("aa", "aa", False),
        ("zz", "zz", False),
    ]


def test_park_progress_of_nothing_is_empty_and_pct_of_no_area_is_zero():
    assert park_progress([], {}, dt.date(2026, 1, 1)) == []
    empty = park_progress([row(area_ha=0.0)], {}, dt.date(2026, 1, 1))[0]
    assert empty.pct == 0.0
    assert empty.to_dict()["pct"] == 0.0


# --- timeline ---


def test_timeline_starts_before_the_first_change_and_adds_a_point_per_day():
    current, audit = edits()
    points = timeline(current, audit)
    assert points == [
        ("2026-01-01", {"a": 0.0, "b": 3.0}),
        ("2026-01-05", {"a": 0.0, "b": 3.0}),
        ("2026-01-09", {"a": 4.0, "b": 3.0}),
    ]


def test_timeline_keeps_one_point_per_day_with_the_days_last_values():
    v0 = row("surveyed")
    v1 = replace(v0, cleared_ha=1.0, version=1)
    v2 = replace(v1, cleared_ha=2.5, version=2)
    audit = [
        record(1, v0, v1, "2026-01-05T08:00:00.000000+00:00"),
        record(2, v1, v2, "2026-01-05T17:00:00.000000+00:00"),
    ]
    assert timeline([v2], audit)[-1] == ("2026-01-05", {"a": 2.5})
    assert [day for day, _ in timeline([v2], audit)] == ["2026-01-01", "2026-01-05"]


def test_timeline_without_changes_is_one_point():
    assert timeline([row("cleared")], []) == [("2026-01-01", {"a": 10.0})]
