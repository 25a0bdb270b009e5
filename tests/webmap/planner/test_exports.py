"""The Excel and CSV reports: read back, compared with the store, formulas inert."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from tests.support.clearance import PARK_B_NAME

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends

FORMULA_NOTE = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture(scope="module")
def edited(planner_ro):
    """a-1 moved on with a formula-like note; a-2 given a past target date.

    The module's tests only read after this.
    """
    planner = planner_ro
    planner.patch(
        "a-1",
        {"version": 0, "changes": {"stage": "surveyed", "note": FORMULA_NOTE}},
    )
    planner.patch(
        "a-2",
        {"version": 0, "changes": {"target_date": "2020-01-01", "note": "+1"}},
    )
    return planner


def workbook(planner, query: str = "lang=en") -> openpyxl.Workbook:
    resp = planner.client.get(f"/planner/report.xlsx?{query}")
    assert resp.status_code == 200
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    return openpyxl.load_workbook(io.BytesIO(resp.data))


def records(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


NAMES = {"gpkg": "parkmap.gpkg", "postgis": "postgis:parkmap"}


def test_workbook_has_three_sheets_under_a_title_row(edited, store_kind):
    book = workbook(edited)
    assert book.sheetnames == ["Parks", "Parcels", "History"]
    today = dt.datetime.now(dt.UTC).date().isoformat()
    for sheet in book.worksheets:
        title = sheet["A1"].value
        assert today in title
        assert "Source:" in title and NAMES[store_kind] in title


def test_parcels_sheet_matches_the_store(edited):
    rows = {r["Parcel"]: r for r in records(workbook(edited)["Parcels"])}
    store = edited.store()
    assert set(rows) == {c.parcel_id for c in store.clearance.records()}
    for clearance in store.clearance.records():
        row = rows[clearance.parcel_id]
        assert row["Park id"] == clearance.park_id
        assert row["Stage code"] == clearance.stage
        assert row["Area (ha)"] == pytest.approx(clearance.area_ha)
        assert row["Cleared (ha)"] == pytest.approx(clearance.cleared_ha)
        assert row["Version"] == clearance.version
        assert row["Updated by"] == clearance.updated_by
    assert rows["a-2"]["Target date"] == dt.datetime(2020, 1, 1)
    assert rows["a-2"]["Overdue"] is True
    assert rows["a-1"]["Overdue"] is False
    assert rows["a-1"]["Site clearance stage"] == "surveyed"


def test_parks_sheet_matches_progress(edited):
    parks = records(workbook(edited)["Parks"])
    progress = edited.client.get("/planner/api/progress").get_json()["parks"]
    assert [p["Park id"] for p in parks] == [p["park_id"] for p in progress]
    for row, park in zip(parks, progress, strict=True):
        assert row["Planned (ha)"] == pytest.approx(park["planned_ha"])
        assert row["Cleared (ha)"] == pytest.approx(park["cleared_ha"])
        assert row["Parcels"] == park["parcels"]
        assert row["Overdue"] == len(park["overdue"])


def test_history_sheet_lists_each_change(edited):
    history = records(workbook(edited)["History"])
    assert [(h["Parcel"], h["Changed by"], h["Version"]) for h in history] == [
        ("a-1", "ana", 1),
        ("a-2", "ana", 1),
    ]
    assert "not started → surveyed" in history[0]["Changes"]


def test_formula_like_text_is_a_plain_quoted_string(edited):
    sheet = workbook(edited)["Parcels"]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value.startswith(("=", "+", "-", "@"))]
    assert {c.value for c in risky} >= {FORMULA_NOTE, "+1", PARK_B_NAME}
    for cell in risky:
        assert cell.data_type == "s"
        assert cell.quotePrefix


def test_workbook_as_of_a_past_day_leaves_later_changes_out(edited):
    book = workbook(edited, "lang=en&at=2000-01-01")
    assert "2000-01-01" in book["Parcels"]["A1"].value
    assert records(book["History"]) == []
    rows = {r["Parcel"]: r for r in records(book["Parcels"])}
    assert rows["a-1"]["Stage code"] == "not_started"


def csv_rows(planner, query: str = "lang=en") -> tuple[bytes, list[dict]]:
    resp = planner.client.get(f"/planner/report.csv?{query}")
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    text = resp.data.decode("utf-8-sig")
    return resp.data, list(csv.DictReader(io.StringIO(text)))


def test_csv_has_a_bom_and_one_row_per_parcel(edited):
    raw, rows = csv_rows(edited)
    assert raw.startswith(b"\xef\xbb\xbf")
    store = edited.store()
    assert sorted(r["Parcel"] for r in rows) == sorted(
        c.parcel_id for c in store.clearance.records()
    )
    for clearance in store.clearance.records():
        row = next(r for r in rows if r["Parcel"] == clearance.parcel_id)
        assert row["Stage code"] == clearance.stage
        assert float(row["Cleared (ha)"]) == pytest.approx(clearance.cleared_ha)
        assert int(row["Version"]) == clearance.version


def test_csv_neutralises_formulas(edited):
    _raw, rows = csv_rows(edited)
    by_id = {r["Parcel"]: r for r in rows}
    assert by_id["a-1"]["Note"] == "'" + FORMULA_NOTE
    assert by_id["a-2"]["Note"] == "'+1"
    assert by_id["b-1"]["Industrial park"] == "'" + PARK_B_NAME
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@"))


def test_csv_keeps_vietnamese_text(edited):
    raw, rows = csv_rows(edited, "lang=vi")
    assert "Dương" in raw.decode("utf-8-sig")
    assert any("đã kiểm đếm" == r.get("Giai đoạn giải phóng mặt bằng") for r in rows)
