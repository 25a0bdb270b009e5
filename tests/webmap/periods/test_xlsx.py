"""The periodic report as .xlsx, read back with openpyxl: numbers stay numbers."""

from __future__ import annotations

import pytest

from layers.clearance.rules import ParkProgress
from tests.support.period_reports import (
    HOUSING,
    PARKS,
    report_period,
    xlsx_sheets,
    year_earlier,
)
from webmap.core.params import InvalidParameter
from webmap.periods.tables import Sources
from webmap.periods.xlsx import report_xlsx

BOTTLENECKS = [
    ParkProgress("vsip", "VSIP", True, parcels=3, planned_ha=90, cleared_ha=45)
]


def workbook(lang: str, parks=PARKS):
    now = report_period()
    sources = Sources(parks, BOTTLENECKS, HOUSING)
    return xlsx_sheets(report_xlsx(now, [year_earlier(), now], lang, sources))


def by_name(rows, column: int = 0) -> dict:
    return {row[column].value: row for row in rows if row[column].value is not None}


def test_one_sheet_per_table_in_the_language() -> None:
    assert list(workbook("vi")) == [
        "KCN", "Đầu tư", "Lao động", "Kinh doanh", "Nhà ở", "GPMB",
    ]  # fmt: skip
    assert "Parks" in workbook("en")


def test_the_report_s_figures_are_numbers() -> None:
    sheets = workbook("vi")
    total = by_name(sheets["Đầu tư"])["FDI: tổng vốn thu hút"]
    assert [c.value for c in total[2:4]] == [3037, 1567.5]
    assert total[4].value == pytest.approx(193.748, abs=1e-3)
    assert total[5].value == pytest.approx(151.85)
    assert total[2].number_format == "#,##0"
    assert total[3].number_format == "#,##0.0#"
    assert total[4].number_format == '#,##0.0# "%"'
    workers = by_name(sheets["Lao động"])
    assert workers["Tổng số lao động"][2].value == 180753
    assert workers["Thu nhập bình quân"][2].value == 11.5
    cumulative = by_name(sheets["Đầu tư"])["FDI: lũy kế vốn đầu tư"]
    assert cumulative[2].value == 25863
    assert cumulative[3].value is None  # not given a year earlier


def test_parks_occupancy_and_the_average() -> None:
    parks = by_name(workbook("vi")["KCN"], column=1)
    do_son = parks["KCN Đồ Sơn Hải Phòng"]
    assert [c.value for c in do_son[:4]] == [2, "KCN Đồ Sơn Hải Phòng", 96.3, 90]
    assert do_son[2].number_format == '#,##0.0# "%"'
    assert parks["Bình quân các khu công nghiệp"][2].value == 63.25


def test_housing_and_bottlenecks() -> None:
    sheets = workbook("en")
    housing = by_name(sheets["Housing"], column=4)
    assert housing[12413][5].value == 56
    vsip = by_name(sheets["Site clearance"], column=1)[
        "KCN VSIP Hải Phòng (VSIP Hai Phong IP)"
    ]
    assert [c.value for c in vsip[2:7]] == [3, 90, 45, 45, 50]


def test_illustrative_figures_say_so_on_every_sheet() -> None:
    before = year_earlier()
    sheets = xlsx_sheets(report_xlsx(before, [before], "en", Sources(PARKS)))
    for rows in sheets.values():
        assert rows[1][0].value.startswith("ILLUSTRATIVE FIGURES")
        assert rows[1][0].font.b


def test_formula_like_text_stays_text() -> None:
    parks = {"nomura": {**PARKS["nomura"], "name_vi": '=HYPERLINK("x")'}}
    sheets = workbook("vi", parks=parks)
    cell = by_name(sheets["KCN"], column=1)['=HYPERLINK("x")'][1]
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_a_language_the_report_is_not_written_in_is_refused() -> None:
    with pytest.raises(InvalidParameter) as caught:
        report_xlsx(report_period(), [], "ko", Sources())
    assert caught.value.parameter == "lang"
