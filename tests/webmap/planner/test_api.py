"""The planner's JSON API: read a parcel, edit it, its history, progress, timeline."""

from __future__ import annotations

import datetime as dt

import pytest

# The stages the planners' tracker reports, in order, written out.
STAGES = (
    "not_started", "surveyed", "plan_approved", "compensating", "cleared",
    "handed_over",
)  # fmt: skip

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends


def test_get_parcel_gives_clearance_and_history(planner_ro):
    body = planner_ro.client.get("/planner/api/parcels/a-2").get_json()
    assert body["clearance"]["stage"] == "surveyed"
    assert body["clearance"]["version"] == 0
    assert body["history"] == []


def test_patch_updates_clearance_audit_and_the_ogc_feature(planner):
    resp = planner.patch(
        "a-1",
        {"version": 0, "changes": {"stage": "surveyed", "households_affected": 3}},
    )
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["clearance"]["stage"] == "surveyed"
    assert body["clearance"]["version"] == 1
    assert body["clearance"]["updated_by"] == "ana"
    assert body["audit"]["before"]["stage"] == "not_started"
    assert body["audit"]["user"] == "ana"
    assert planner.store().clearance.record("a-1").households_affected == 3
    item = planner.client.get("/api/collections/parcels/items/a-1?f=json")
    assert item.get_json()["properties"]["clr_stage"] == "surveyed"


def test_patch_keeps_the_reason(planner):
    resp = planner.patch(
        "a-1",
        {"version": 0, "changes": {"stage": "cleared"}, "reason": "court ruling"},
    )
    assert resp.status_code == 200
    assert resp.get_json()["audit"]["reason"] == "court ruling"
    assert resp.get_json()["clearance"]["cleared_ha"] == pytest.approx(28.7987)


def test_patch_that_changes_nothing_has_no_audit(planner):
    resp = planner.patch("a-2", {"version": 0, "changes": {"stage": "surveyed"}})
    assert resp.status_code == 200
    assert resp.get_json()["audit"] is None
    assert planner.store().clearance.record("a-2").version == 0


def test_stale_version_is_409_with_current_values_and_changes_nothing(planner):
    first = planner.patch("a-1", {"version": 0, "changes": {"note": "first"}})
    assert first.status_code == 200
    resp = planner.patch("a-1", {"version": 0, "changes": {"note": "second"}})
    assert resp.status_code == 409
    current = resp.get_json()["current"]
    assert current["version"] == 1
    assert current["note"] == "first"
    row = planner.store().clearance.record("a-1")
    assert (row.version, row.note) == (1, "first")
    assert len(planner.store().clearance.history(parcel_id="a-1")) == 1


def test_a_version_newer_than_the_stored_one_is_409_and_changes_nothing(planner):
    # Issue 18: a stale check of `>` instead of `!=` would take this edit.
    resp = planner.patch("a-1", {"version": 5, "changes": {"note": "from the future"}})
    assert resp.status_code == 409
    current = resp.get_json()["current"]
    assert current["version"] == 0
    row = planner.store().clearance.record("a-1")
    assert row.version == 0
    assert row.note != "from the future"
    assert planner.store().clearance.history(parcel_id="a-1") == []


@pytest.mark.parametrize(
    ("parcel", "changes", "field"),
    [
        ("a-1", {"stage": "compensating"}, "reason"),  # skips two stages
        ("a-3", {"stage": "surveyed"}, "reason"),  # goes backward
        ("a-1", {"cleared_ha": 1000.0}, "cleared_ha"),  # above the area
        ("a-1", {"cleared_ha": -1}, "cleared_ha"),
        ("a-1", {"households_affected": -2}, "households_affected"),
        ("a-1", {"households_affected": 1, "households_relocated": 2},
         "households_relocated"),
        ("a-1", {"target_date": "31/12/2026"}, "target_date"),
        ("a-1", {"stage": "demolished"}, "stage"),
        ("a-1", {"owner": "x"}, "owner"),  # unknown field
        ("a-1", {"note": 5}, "note"),
    ],
)  # fmt: skip
def test_bad_change_is_422_naming_the_field(planner_ro, parcel, changes, field):
    resp = planner_ro.patch(parcel, {"version": 0, "changes": changes})
    assert resp.status_code == 422
    assert resp.get_json()["field"] == field
    assert planner_ro.store().clearance.record(parcel).version == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        (b"[1, 2]", "body"),
        (b"\xff\xfe", "body"),
        ({"changes": {"note": "x"}}, "version"),
        ({"version": "0", "changes": {}}, "version"),
        ({"version": 1.5, "changes": {}}, "version"),
        ({"version": True, "changes": {}}, "version"),
        ({"version": 0, "changes": ["note"]}, "changes"),
        ({"version": 0, "changes": {}, "reason": 7}, "reason"),
        ({"version": 0, "changes": {}, "who": "me"}, "who"),
    ],
)
def test_malformed_body_is_400_naming_the_field(planner_ro, body, field):
    resp = planner_ro.patch("a-1", body)
    assert resp.status_code == 400
    assert resp.get_json()["field"] == field


def test_deeply_nested_body_is_400_not_500(planner_ro):
    # json.loads' RecursionError used to answer 500
    resp = planner_ro.patch("a-1", b"[" * 10_000)
    assert resp.status_code == 400
    assert resp.get_json()["field"] == "body"


def test_a_cleared_ha_too_large_for_a_float_is_422_naming_it(planner_ro):
    # 401 digits parse as an int but overflow float(): used to answer 500
    body = '{"version": 0, "changes": {"cleared_ha": 1N}}'.replace("N", "0" * 400)
    resp = planner_ro.patch("a-1", body)
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert resp.get_json()["field"] == "cleared_ha"
    assert "too large" in resp.get_json()["detail"]


HUGE = "9" * 5000  # over int()'s 4,300 digits: json.loads' ValueError was a 500


@pytest.mark.parametrize(
    "body",
    [
        '{"version": N}',
        '{"version": 0, "changes": {"cleared_ha": -N}}',
        '{"version": 0, "changes": {"households_affected": N}}',
        '{"version": 0, "changes": {}, "reason": [N]}',
        "[N]",
    ],
)
def test_a_5000_digit_number_anywhere_is_400_naming_the_body(planner_ro, body):
    resp = planner_ro.patch("a-1", body.replace("N", HUGE))
    assert resp.status_code == 400, resp.get_data(as_text=True)
    assert resp.get_json()["field"] == "body"
    assert "5,000 digits" in resp.get_json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        # valid JSON, but not storable as UTF-8: used to answer 500 from the store
        (b'{"version": 0, "changes": {"note": "a \\ud800 b"}}', "note"),
        (b'{"version": 0, "changes": {"stage": "cleared"}, "reason": "\\udfff"}',
         "reason"),
        # a NUL cannot be stored in PostgreSQL text; escapes and bidi overrides
        # would reach every reader of the audit
        (b'{"version": 0, "changes": {"note": "a \\u0000 b"}}', "note"),
        (b'{"version": 0, "changes": {"note": "\\u001b[31mred"}}', "note"),
        (b'{"version": 0, "changes": {"note": "abc \\u202e cba"}}', "note"),
        (b'{"version": 0, "changes": {"stage": "cleared"}, "reason": "x\\u0007"}',
         "reason"),
    ],
)  # fmt: skip
def test_unstorable_or_control_text_is_422_naming_the_field(planner_ro, body, field):
    resp = planner_ro.patch("a-1", body)
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert resp.get_json()["field"] == field
    assert planner_ro.store().clearance.record("a-1").version == 0


def test_line_breaks_and_tabs_in_a_note_are_kept(planner):
    body = b'{"version": 0, "changes": {"note": "line 1\\n\\tline 2"}}'
    resp = planner.patch("a-1", body)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert planner.store().clearance.record("a-1").note == "line 1\n\tline 2"


@pytest.mark.parametrize("method", ["get", "patch"])
def test_unknown_parcel_is_404(planner_ro, method):
    if method == "get":
        resp = planner_ro.client.get("/planner/api/parcels/zz-9")
    else:
        resp = planner_ro.patch("zz-9", {"version": 0, "changes": {"note": "x"}})
    assert resp.status_code == 404


def test_history_per_parcel_and_per_park(planner):
    planner.patch("a-1", {"version": 0, "changes": {"stage": "surveyed"}})
    planner.patch("a-1", {"version": 1, "changes": {"note": "n"}})
    planner.patch("b-2", {"version": 0, "changes": {"stage": "compensating"}})
    parcel = planner.client.get("/planner/api/parcels/a-1").get_json()["history"]
    assert [r["version"] for r in parcel] == [1, 2]
    park_a = planner.client.get("/planner/api/parks/a/history").get_json()["history"]
    assert [r["parcel_id"] for r in park_a] == ["a-1", "a-1"]
    park_b = planner.client.get("/planner/api/parks/b/history").get_json()["history"]
    assert [(r["parcel_id"], r["after"]["stage"]) for r in park_b] == [
        ("b-2", "compensating")
    ]


def test_history_of_an_unknown_park_is_404(planner_ro):
    assert planner_ro.client.get("/planner/api/parks/zz/history").status_code == 404


def test_progress_equals_sums_over_the_store(planner):
    planner.patch("a-3", {"version": 0, "changes": {"cleared_ha": 10.5}})
    parks = planner.client.get("/planner/api/progress").get_json()["parks"]
    assert [p["park_id"] for p in parks] == ["a", "b"]  # the bottleneck first
    rows = planner.store().clearance.records()
    for park in parks:
        mine = [r for r in rows if r.park_id == park["park_id"]]
        assert park["parcels"] == len(mine)
        assert park["planned_ha"] == pytest.approx(sum(r.area_ha for r in mine))
        assert park["cleared_ha"] == pytest.approx(sum(r.cleared_ha for r in mine))
        assert park["stages"] == {s: sum(r.stage == s for r in mine) for s in STAGES}
    assert parks[0]["bottleneck"] is True
    assert parks[0]["pct"] == pytest.approx(
        100 * parks[0]["cleared_ha"] / parks[0]["planned_ha"], abs=0.01
    )


def test_progress_lists_overdue_parcels(planner):
    planner.patch("a-2", {"version": 0, "changes": {"target_date": "2020-01-01"}})
    parks = planner.client.get("/planner/api/progress").get_json()["parks"]
    assert parks[0]["overdue"] == ["a-2"]
    html = planner.client.get("/planner?lang=en").get_data(as_text=True)
    assert "2020-01-01" in html and "#parcel-a-2" in html


def test_progress_at_a_past_instant_undoes_later_edits(planner):
    before = dt.datetime.now(dt.UTC)
    planner.patch("a-3", {"version": 0, "changes": {"stage": "cleared"}})
    at = before.isoformat()
    past = planner.client.get("/planner/api/progress", query_string={"at": at})
    now = planner.client.get("/planner/api/progress").get_json()
    stages_then = past.get_json()["parks"][0]["stages"]
    assert stages_then["compensating"] == 1 and stages_then["cleared"] == 1
    assert now["parks"][0]["stages"]["cleared"] == 2


@pytest.mark.parametrize(
    "at", ["yesterday", "2026-02-30", "2026-01-01T10:00", "2026-01-01T25:00Z", "x" * 80]
)
def test_bad_at_is_400_naming_it(planner_ro, at):
    for path in ("/planner/api/progress", "/planner/report.csv", "/planner"):
        resp = planner_ro.client.get(path, query_string={"at": at})
        assert resp.status_code == 400
        assert resp.get_json()["parameter"] == "at"


def test_timeline_reflects_an_edit(planner):
    first = planner.client.get("/planner/api/timeline").get_json()["points"]
    planner.patch("a-3", {"version": 0, "changes": {"cleared_ha": 5.0}})
    points = planner.client.get("/planner/api/timeline").get_json()["points"]
    assert points[-1]["parks"]["a"] == pytest.approx(first[-1]["parks"]["a"] + 5.0)
    assert points[-1]["total"] == pytest.approx(sum(points[-1]["parks"].values()))
    assert points[-1]["date"] == dt.datetime.now(dt.UTC).date().isoformat()


def test_an_edit_changes_the_store_build_id_the_tiles_key_on(planner):
    before = planner.store().build_id()
    planner.patch("a-1", {"version": 0, "changes": {"note": "x"}})
    assert planner.store().build_id() != before
