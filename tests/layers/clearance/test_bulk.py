"""Bulk clearance sheets: reading, problems by row and column, preview, applying."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook

from layers.clearance import bulk
from layers.clearance.rules import Clearance, StaleEdit
from layers.store import Store
from tests.support.stores import KINDS, open_kind, tables

HEAD = ["parcel_id", "stage", "cleared_ha", "households_affected", "note", "version"]
RECORDS = [
    Clearance("P-1", "park-a", 10.0, "surveyed", 0.0, version=3),
    Clearance("P-2", "park-a", 4.0, "compensating", 1.5, 20, 5, version=0),
    Clearance("P-3", "park-b", 2.0, "surveyed", 0.0, version=2),
]


def sheet(*rows: list[Any], head: list[Any] = HEAD, title: str = "") -> bytes:
    book = Workbook()
    ws = book.active
    if title:
        ws.append([title])
    ws.append(head)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def where(problems: list) -> list[tuple[int, str]]:
    return [(p.row, p.column) for p in problems]


def test_the_template_reads_back_as_rows_that_change_nothing():
    rows, problems = bulk.read_rows(bulk.write_template(RECORDS))
    assert problems == []
    ids = [(r.parcel_id, r.base_version) for r in rows]
    assert ids == [("P-1", 3), ("P-2", 0), ("P-3", 2)]
    result = bulk.preview(rows, RECORDS)
    assert result.problems == []
    assert [p.after for p in result.rows] == [None, None, None]
    assert result.edits() == []


def test_rows_become_changes_under_a_heading_row_found_by_key_or_given_text():
    data = sheet(
        ["P-1", "plan_approved", 2.5, 12, "board says", 3],
        ["P-2", None, None, None, None, 0],
        head=["Parcel", "stage\nGiai đoạn", "cleared_ha", "HH", "note", "Version"],
        title="Site clearance report",
    )
    texts = {"parcel": "parcel_id", "hh": "households_affected", "version": "version"}
    rows, problems = bulk.read_rows(data, texts)
    assert problems == []
    assert rows[0].row == 3
    assert rows[0].changes == {
        "stage": "plan_approved",
        "cleared_ha": 2.5,
        "households_affected": 12,
        "note": "board says",
    }
    # Blank stage and cleared_ha keep the record's; a blank count or note clears it.
    assert rows[1].changes == {"households_affected": None, "note": ""}
    result = bulk.preview(rows, RECORDS)
    assert [p.changed() for p in result.rows] == [
        ["stage", "cleared_ha", "households_affected", "note"],
        ["households_affected"],
    ]
    assert [e.parcel_id for e in result.edits()] == ["P-1", "P-2"]


def test_the_exports_stage_code_wins_over_the_translated_stage_and_dates_read():
    head = [*HEAD, "stage_code", "target_date"]
    when = dt.datetime(2027, 3, 1)
    data = sheet(["P-2", "Đang bồi thường", 1.5, 20, "", 0, "cleared", when], head=head)
    rows, problems = bulk.read_rows(data)
    assert problems == []
    assert rows[0].changes["stage"] == "cleared"
    assert rows[0].changes["target_date"] == "2027-03-01"
    (change,) = bulk.preview(rows, RECORDS).rows
    assert change.after is not None and change.after.cleared_ha == 1.5


def test_each_reading_problem_names_its_row_and_column():
    data = sheet(
        ["P-1", "surveyed", "lots", 1, "", 3],
        [None, "surveyed", 1, 1, "", 0],
        ["P-2", "surveyed", 1, 2.5, "", None],
        ["P-3", "surveyed", 1, 1, "", 0],
    )
    rows, problems = bulk.read_rows(data)
    assert where(problems) == [
        (2, "cleared_ha"),
        (3, "parcel_id"),
        (4, "households_affected"),
        (4, "version"),
    ]
    assert "sheet 'Sheet', row 2, column 'cleared_ha'" in str(problems[0])
    assert [r.parcel_id for r in rows] == ["P-3"]


def test_rule_breaks_unknown_parcels_duplicates_and_stale_rows_are_named():
    data = sheet(
        ["P-1", "handed_over", None, None, "", 3],  # skips stages, no reason
        ["P-2", "compensating", 9.0, None, "", 0],  # more than the parcel
        ["P-9", "surveyed", 0, None, "", 0],  # no such record
        ["P-1", "surveyed", 0, None, "", 3],  # second row of P-1
        ["P-3", "surveyed", 0.5, None, "", 1],  # made from another version
    )
    rows, problems = bulk.read_rows(data)
    assert problems == []
    result = bulk.preview(rows, RECORDS)
    assert where(result.problems) == [
        (2, "reason"),
        (3, "cleared_ha"),
        (4, "parcel_id"),
        (5, "parcel_id"),
        (6, "version"),
    ]
    assert "on row 2 already" in result.problems[3].message  # even a refused row
    assert "stale" in result.problems[4].message
    assert "version 2" in result.problems[4].message
    assert result.rows == [] and result.edits() == []


def test_a_sheet_without_the_key_columns_and_a_non_workbook_are_refused():
    rows, problems = bulk.read_rows(sheet(["P-1", 3], head=["parcel", "v"]))
    assert rows == []
    assert "parcel_id and version" in problems[0].message
    rows, problems = bulk.read_rows(b"parcel_id,version\nP-1,3\n")
    assert rows == [] and "not an Excel workbook" in problems[0].message


def test_a_formula_without_a_saved_value_is_named():
    rows, problems = bulk.read_rows(sheet(["P-1", "surveyed", "=1+1", 1, "", 3]))
    assert rows == []
    assert where(problems) == [(2, "cleared_ha")]
    assert "formula" in problems[0].message


@pytest.fixture(params=KINDS)
def store(request: pytest.FixtureRequest) -> Store:
    opened = open_kind(request, "editable_store", "pg_editable_store")
    yield opened
    opened.close()


def test_a_previewed_sheet_applies_in_one_go_with_an_audit_record_each(store: Store):
    first, second, third = store.clearance.records()[:3]
    data = bulk.write_template([first, second, third])
    rows, _ = bulk.read_rows(data)
    rows[0].changes["note"] = "from the district board"
    rows[2].changes["households_affected"] = 3
    result = bulk.preview(rows, store.clearance.records())
    assert result.problems == []
    store.clearance.update_many(result.edits(), user="board")
    audit = store.clearance.history()
    assert [(r.parcel_id, r.user) for r in audit] == [
        (first.parcel_id, "board"),
        (third.parcel_id, "board"),
    ]
    assert store.clearance.record(first.parcel_id).note == "from the district board"


def test_a_sheet_gone_stale_after_its_preview_writes_nothing(store: Store):
    first, second = store.clearance.records()[:2]
    rows, _ = bulk.read_rows(bulk.write_template([first, second]))
    for row in rows:
        row.changes["note"] = "weekly"
    result = bulk.preview(rows, store.clearance.records())
    store.clearance.update(second.parcel_id, 0, {"note": "meanwhile"}, user="a")
    before = tables(store)
    with pytest.raises(StaleEdit):
        store.clearance.update_many(result.edits(), user="board")
    assert tables(store) == before
    stale = bulk.preview(rows, store.clearance.records())
    assert where(stale.problems) == [(3, "version")]
