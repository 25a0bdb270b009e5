"""The periods spreadsheet: the template, and reading a filled one back (issue 20)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from layers import workbook
from layers.periods.rules import (
    HEADLINE_FIELDS,
    PARK_FIELDS,
    PeriodDraft,
    PeriodRejected,
    Problem,
)
from layers.periods.sheetlabels import FIELD_LABELS, UNIT_LABELS
from layers.periods.spreadsheet import header_key, read_workbook, write_template
from tests.support.period_sheets import (
    END,
    PARK_IDS,
    PARKS,
    REPORT_HEADLINE,
    REPORT_PARKS,
    TODAY,
    Edit,
    column_of,
    filled,
    headline,
    keyed,
    meta,
    park,
    report,
    row_of,
    saved,
    with_saved_value,
)

HEADLINE_ROW = {f.key: row for row, f in enumerate(HEADLINE_FIELDS, start=2)}
PARK_ROW = {p: row for row, (p, _) in enumerate(PARKS, start=2)}


def read(xlsx: bytes | Path) -> PeriodDraft:
    return read_workbook(xlsx, PARK_IDS, TODAY)


def problems(xlsx: bytes | Path) -> list[Problem]:
    with pytest.raises(PeriodRejected) as caught:
        read(xlsx)
    return caught.value.problems


def where(found: list[Problem]) -> set[tuple[str, int, str]]:
    return {(p.sheet, p.row, p.column) for p in found}


def template_book(lang: str = "vi", draft: PeriodDraft | None = None) -> Workbook:
    return load_workbook(io.BytesIO(write_template(PARKS, draft, lang)))


# -- the template -------------------------------------------------------------


def test_template_has_the_four_sheets_one_row_per_field_and_park() -> None:
    book = template_book()
    assert book.sheetnames == ["read me", "period", "headline", "parks"]
    keys = [c.value for c in book["headline"]["A"][1:]]
    assert keys == [f.key for f in HEADLINE_FIELDS]
    parks = book["parks"]
    assert [header_key(c.value) for c in parks[1]] == [
        "park_id",
        "park_name",
        *(f.key for f in PARK_FIELDS),
    ]
    assert [(r[0].value, r[1].value) for r in parks.iter_rows(min_row=2)] == list(PARKS)


@pytest.mark.parametrize(
    ("lang", "first", "second"),
    [
        ("vi", "Doanh thu (triệu USD)", "Revenue"),
        ("en", "Revenue (M USD)", "Doanh thu"),
    ],
)
def test_template_labels_in_vietnamese_and_english(
    lang: str, first: str, second: str
) -> None:
    parks = template_book(lang)["parks"]
    header = parks.cell(row=1, column=column_of(parks, "revenue_musd")).value
    assert header.split("\n") == ["revenue_musd", first, second]


def test_every_field_and_unit_has_its_words() -> None:
    for field in (*PARK_FIELDS, *HEADLINE_FIELDS):
        assert field.key in FIELD_LABELS
        assert field.unit in UNIT_LABELS


def test_template_lists_the_kinds_in_a_drop_down() -> None:
    period = template_book()["period"]
    lists = {str(v.sqref): v.formula1 for v in period.data_validations.dataValidation}
    kind_cell = f"C{row_of(period, 'kind')}"
    assert lists[kind_cell] == '"month,quarter,year"'


def test_read_me_states_the_ambiguity_rule() -> None:
    text = " ".join(str(c.value) for row in template_book("en")["read me"] for c in row)
    assert "1.171 = 1171" in text
    assert "1,171 = 1.171" in text


def test_a_park_name_like_a_formula_stays_text() -> None:
    book = load_workbook(io.BytesIO(write_template([("vsip", "=1+1")])))
    cell = book["parks"]["B2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)


# -- round trips --------------------------------------------------------------


def test_a_filled_template_reads_back_the_report_s_figures() -> None:
    draft = read(filled(report()))
    assert (draft.end, draft.kind, draft.title) == (END, "month", "Báo cáo 10 tháng")
    assert not draft.illustrative
    assert draft.headline == REPORT_HEADLINE
    assert draft.parks == REPORT_PARKS
    assert isinstance(draft.headline["workers_vietnamese"], int)


def test_a_template_prefilled_with_a_draft_reads_back_the_same_draft() -> None:
    draft = PeriodDraft(
        end=dt.date(2023, 6, 30),
        kind="quarter",
        title="Quý II/2023",
        illustrative=True,
        headline={"fdi_new_musd": 512.25, "workers_foreign": 4000},
        parks={"do_son": {"occupancy_pct": 95.1, "projects": 40}},
    )
    assert read(write_template(PARKS, draft, "en")) == draft


def test_reads_from_a_path_and_from_an_open_file(tmp_path: Path) -> None:
    data = filled(report())
    path = tmp_path / "period.xlsx"
    path.write_bytes(data)
    assert read(path) == read_workbook(io.BytesIO(data), PARK_IDS, TODAY)


def test_vietnamese_kind_and_flag_words_are_read() -> None:
    def flag(book: Workbook) -> None:
        keyed(book["period"], "illustrative", "có")

    draft = read(filled(meta(kind="Quý"), flag))
    assert (draft.kind, draft.illustrative) == ("quarter", True)


def test_blank_cells_are_not_given_and_empty_parks_left_out() -> None:
    draft = read(filled(park("nomura", leased_ha="  ")))
    assert draft.headline == {}
    assert draft.parks == {}


# -- numbers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("1.171,5", 1171.5),
        ("25.078", 25078),
        ("1.171", 1171),  # a dot before exactly three digits: thousands
        ("1.171.000", 1171000),
        ("96,3", 96.3),
        ("1,171", 1.171),  # one comma, no dot: the decimal mark
        ("1 171,5", 1171.5),
        ("1171.5", 1171.5),
        ("1,171.5", 1171.5),
        ("1,171,000", 1171000),
        ("12.5", 12.5),
        ("0.963", 0.963),
        (1171.5, 1171.5),
        (25078, 25078),
    ],
)
def test_numbers_in_vietnamese_or_plain_notation(written: Any, value: float) -> None:
    draft = read(filled(park("nomura", leased_ha=written)))
    assert draft.parks["nomura"]["leased_ha"] == pytest.approx(value)


@pytest.mark.parametrize("written", ["96,3", "96.3 %", "96,3%", 96.3])
def test_percentages_written_several_ways(written: Any) -> None:
    draft = read(filled(park("nomura", occupancy_pct=written)))
    assert draft.parks["nomura"]["occupancy_pct"] == pytest.approx(96.3)


def test_an_excel_percentage_cell_reads_as_the_percentage_shown() -> None:
    def percent_cell(book: Workbook) -> None:
        sheet = book["parks"]
        cell = sheet.cell(
            row=PARK_ROW["nomura"], column=column_of(sheet, "occupancy_pct")
        )
        cell.value, cell.number_format = 0.963, "0.0%"

    draft = read(filled(percent_cell))
    assert draft.parks["nomura"]["occupancy_pct"] == 96.3


# -- each rule refused, named by sheet, row and column -------------------------


def drop(sheet: str) -> Edit:
    def edit(book: Workbook) -> None:
        del book[sheet]

    return edit


def duplicate_nomura(book: Workbook) -> None:
    sheet = book["parks"]
    sheet.cell(row=PARK_ROW["do_son"], column=1).value = "nomura"


def header(sheet: str, column: int, text: str) -> Edit:
    def edit(book: Workbook) -> None:
        book[sheet].cell(row=1, column=column).value = text

    return edit


def unknown_headline_key(book: Workbook) -> None:
    sheet = book["headline"]
    sheet.cell(row=sheet.max_row + 1, column=1).value = "gdp_musd"


RULES = {
    "missing sheet": (drop("parks"), ("parks", 0, ""), "no sheet named 'parks'"),
    "no end date": (meta(end=None), ("period", 2, "value"), "end date is missing"),
    "unreadable end": (meta(end="31/02/2023"), ("period", 2, "value"), "a date"),
    "future end": (meta(end=dt.date(2024, 2, 1)), ("period", 2, "value"), "01/02/2024"),
    "unknown kind": (meta(kind="week"), ("period", 3, "value"), "unknown kind 'week'"),
    "empty title": (meta(title=" "), ("period", 4, "value"), "title is empty"),
    "two-line title": (meta(title="a\nb"), ("period", 4, "value"), "one line"),
    "unknown park": (
        park("nomura", park_id="vsip"),
        ("parks", 2, "park_id"),
        "unknown park id 'vsip'",
    ),
    "duplicate park": (duplicate_nomura, ("parks", 3, "park_id"), "also on row 2"),
    "unknown column": (header("parks", 2, "park_nam"), ("parks", 1, "B"), "park_nam"),
    "repeated column": (header("parks", 11, "workers"), ("parks", 1, "K"), "twice"),
    "unknown headline key": (
        unknown_headline_key,
        ("headline", len(HEADLINE_FIELDS) + 2, "key"),
        "gdp_musd",
    ),
    "not a number": (park("nomura", leased_ha="n/a"), ("parks", 2, "leased_ha"), "n/a"),
    "not a number either way": (
        park("do_son", leased_ha="1.17.1"),
        ("parks", 3, "leased_ha"),
        "expected a number",
    ),
    "a date for a number": (
        headline(fdi_new_musd=dt.date(2023, 1, 1)),
        ("headline", HEADLINE_ROW["fdi_new_musd"], "value"),
        "expected a number",
    ),
    "percent over 100": (
        park("nomura", occupancy_pct="100,1"),
        ("parks", 2, "occupancy_pct"),
        "0–100",
    ),
    "negative": (
        headline(imports_musd="-5"),
        ("headline", HEADLINE_ROW["imports_musd"], "value"),
        "negative",
    ),
    "fractional count": (
        park("do_son", workers="12,5"),
        ("parks", 3, "workers"),
        "whole",
    ),
}


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_is_refused_with_its_place(rule: str) -> None:
    edit, place, message = RULES[rule]
    found = problems(filled(edit))
    assert where(found) == {place}
    assert message in found[0].message


def test_every_problem_is_reported_at_once() -> None:
    edits = [meta(end=dt.date(2024, 2, 1), kind="week")]
    edits += [RULES[r][0] for r in ("negative", "fractional count", "duplicate park")]
    found = problems(filled(*edits))
    assert where(found) == {
        RULES[r][1]
        for r in ("future end", "unknown kind", "negative", "duplicate park")
    } | {("parks", 3, "workers")}


def test_a_problem_says_where_it_is() -> None:
    (problem,) = problems(filled(RULES["not a number"][0]))
    assert str(problem).startswith("sheet 'parks', row 2, column 'leased_ha': ")


# -- totals -------------------------------------------------------------------


def test_a_total_that_disagrees_with_the_parks_names_both_numbers() -> None:
    found = problems(filled(report(), headline(revenue_musd="26.000")))
    assert where(found) == {("headline", HEADLINE_ROW["revenue_musd"], "value")}
    assert "26,000" in found[0].message and "25,078" in found[0].message


@pytest.mark.parametrize(
    "total",
    ["25.150", "25,006"],  # within 0.5 % of 25,078 (125 either side)
)
def test_a_total_within_half_a_percent_is_accepted(total: str) -> None:
    draft = read(filled(report(), headline(revenue_musd=total.replace(",", "."))))
    assert draft.headline["revenue_musd"] == float(
        total.replace(",", "").replace(".", "")
    )


def test_a_total_within_the_rounding_of_its_digits_is_accepted() -> None:
    small = [park("nomura", exports_musd="1,4"), park("do_son", exports_musd="1,4")]
    assert read(filled(*small, headline(exports_musd=3))).headline["exports_musd"] == 3
    found = problems(filled(*small, headline(exports_musd=4)))
    assert "add up to 2.8" in found[0].message


def test_a_total_without_park_rows_is_not_checked() -> None:
    assert read(filled(headline(revenue_musd=1))).headline == {"revenue_musd": 1}


# -- files that are not what they claim ---------------------------------------


def test_a_csv_renamed_xlsx_is_one_clear_problem(tmp_path: Path) -> None:
    path = tmp_path / "figures.xlsx"
    path.write_text("park_id,occupancy_pct\nnomura,100\n", encoding="utf-8")
    (problem,) = problems(path)
    assert (problem.sheet, problem.row, problem.column) == ("", 0, "")
    assert "not an Excel workbook" in problem.message


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01garbage" * 100,
        b"",
        b"PK\x03\x04" + b"\x00" * 60,  # a zip's magic, not a zip
    ],
)
def test_random_bytes_are_one_clear_problem(data: bytes) -> None:
    (problem,) = problems(data)
    assert "not an Excel workbook" in problem.message


def test_a_zip_that_is_not_a_workbook_is_one_clear_problem() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    (problem,) = problems(out.getvalue())
    assert "xl/workbook.xml" in problem.message


def test_a_broken_workbook_part_is_one_clear_problem() -> None:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(filled())) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for item in source.infolist():
            broken = item.filename == "xl/workbook.xml"
            target.writestr(item, b"<workbook" if broken else source.read(item))
    (problem,) = problems(out.getvalue())
    assert "not an Excel workbook" in problem.message


def test_a_file_over_the_size_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbook, "MAX_UNPACKED_BYTES", 10_000)
    (problem,) = problems(filled())
    assert "unpacks to more than" in problem.message


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [(workbook.MAX_ROWS + 5, 1, "more than 1000 rows"), (2, 45, "more than 40 col")],
)
def test_a_sheet_over_the_limits_is_refused(
    row: int, column: int, message: str
) -> None:
    def far(book: Workbook) -> None:
        book["parks"].cell(row=row, column=column).value = 1

    found = problems(filled(far))
    assert where(found) == {("parks", 0, "")}
    assert message in found[0].message


# -- formulas -----------------------------------------------------------------


def test_a_formula_without_a_saved_value_names_its_cell() -> None:
    found = problems(filled(park("do_son", leased_ha="=1+1")))
    assert where(found) == {("parks", 3, "leased_ha")}
    assert "formula without a saved value" in found[0].message


def test_a_formula_is_read_as_its_saved_value_never_computed() -> None:
    data = filled(park("do_son", leased_ha="=1+1"))
    cell = f"D{PARK_ROW['do_son']}"
    draft = read(with_saved_value(data, "xl/worksheets/sheet4.xml", cell, 5))
    assert draft.parks["do_son"]["leased_ha"] == 5


def test_a_workbook_built_from_scratch_needs_only_its_keys() -> None:
    book = Workbook()
    period = book.active
    period.title = "period"
    for row in (["key", "value"], ["end", "14/10/2023"], ["kind", "year"]):
        period.append(row)
    period.append(["title", "Năm 2023"])
    book.create_sheet("headline").append(["value", "key"])  # any column order
    book["headline"].append([3037, "fdi_total_musd"])
    book.create_sheet("parks").append(["occupancy_pct", "park_id"])
    book["parks"].append(["89,2", "do_son"])
    draft = read(saved(book))
    assert (draft.end, draft.kind) == (END, "year")
    assert draft.headline == {"fdi_total_musd": 3037}
    assert draft.parks == {"do_son": {"occupancy_pct": 89.2}}
