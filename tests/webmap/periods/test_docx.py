"""The periodic report as .docx, read back with python-docx."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest

from layers.clearance.rules import ParkProgress
from layers.periods.rules import DRAFT
from tests.support.period_reports import (
    HOUSING,
    PARKS,
    docx_rows,
    docx_text,
    make_period,
    report_period,
    year_earlier,
)
from webmap.periods.docx import report_docx
from webmap.periods.labels import label
from webmap.periods.tables import Sources

BOTTLENECKS = [
    ParkProgress("vsip", "VSIP", True, parcels=4, planned_ha=120.5, cleared_ha=80.25),
    ParkProgress("nomura", "Nomura", False, parcels=2, planned_ha=10, cleared_ha=10),
]


def report(lang: str, periods=None, period=None) -> bytes:
    period = period or report_period()
    periods = [year_earlier(), period] if periods is None else periods
    return report_docx(period, periods, lang, Sources(PARKS, BOTTLENECKS, HOUSING))


def test_the_vietnamese_report_has_the_report_s_figures() -> None:
    text = docx_text(report("vi"))
    for figure in (
        "3.037 triệu USD, bằng 193,75 % so với cùng kỳ, 151,85 % kế hoạch năm",
        "57 dự án cấp mới, 1.171 triệu USD",
        "511 dự án FDI, 25,863 tỷ USD",
        "Số liệu tính đến ngày 14/10/2023",
    ):
        assert figure in text
    rows = docx_rows(report("vi"))
    total = ["3.037", "1.567,5", "193,75 %", "151,85 %"]
    assert rows["FDI: tổng vốn thu hút"][2:] == total
    assert rows["FDI: lũy kế vốn đầu tư"][2] == "25.863"
    assert rows["Tổng số lao động"][2] == "180.753"
    assert rows["Lao động nước ngoài"][2] == "4.469"
    assert rows["Thu nhập bình quân"][2] == "11,5"
    assert rows["Doanh thu"][2] == "25.078"
    assert rows["Nộp ngân sách nhà nước"][2] == "10.912"
    assert rows["KCN Đồ Sơn Hải Phòng"][2:4] == ["96,3 %", "90 %"]
    assert rows["Bình quân các khu công nghiệp"][2] == "63,25 %"


def test_the_english_report_writes_english_numbers() -> None:
    data = report("en")
    text = docx_text(data)
    assert (
        "3,037 M USD, 193.75 % of the same period, 151.85 % of the year's plan" in text
    )
    assert "511 FDI projects, 25.863 bn USD" in text
    assert "Figures as of Oct 14, 2023" in text
    rows = docx_rows(data)
    assert rows["All workers"][2] == "180,753"
    assert rows["FDI: capital, cumulative"][2] == "25,863"
    assert rows["KCN Đồ Sơn Hải Phòng (Do Son Hai Phong IP)"][2] == "96.3 %"
    assert "193,75" not in text and "triệu" not in text


def test_tables_in_order_with_housing_and_bottlenecks() -> None:
    doc = docx.Document(io.BytesIO(report("en")))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[1:] == [
        "1. Parks and occupancy",
        "2. Investment",
        "3. Workforce",
        "4. Business",
        "5. Worker and social housing",
        "6. Parks held back by site clearance",
    ]
    rows = docx_rows(report("en"))
    pegatron = rows[
        "Nhà ở công nhân Pegatron Việt Nam (Pegatron Vietnam worker housing)"
    ]
    where, progress = HOUSING[0]["location"], HOUSING[0]["progress"]
    shown = ["worker housing", where, "10,000", "–", "under construction", progress]
    assert pegatron[2:] == shown
    vsip = rows["KCN VSIP Hải Phòng (VSIP Hai Phong IP)"]
    assert vsip[0] == "1" and vsip[2:7] == ["4", "120.5", "80.25", "40.25", "66.6 %"]
    assert len(doc.tables[-1].rows) == 2  # the heading and the one bottleneck park


def test_planned_parks_without_figures_are_left_out() -> None:
    text = docx_text(report("en"))
    assert "Tien Thanh" in text  # established, no figure: listed with a dash
    assert "Giang Bien 2" not in text


def test_illustrative_figures_say_so_on_the_first_page() -> None:
    before = year_earlier()
    doc = docx.Document(io.BytesIO(report("vi", [before], before)))
    first = doc.paragraphs[1]
    assert first.text.startswith("SỐ LIỆU MINH HỌA")
    assert first.runs[0].bold
    assert "MINH HỌA" not in docx_text(report("vi"))


def test_without_a_year_earlier_no_comparison_is_stated() -> None:
    data = report("vi", periods=[report_period()])
    text = docx_text(data)
    assert "so với cùng kỳ," not in text
    assert "3.037 triệu USD, bằng 151,85 % kế hoạch năm" in text
    assert docx_rows(data)["FDI: tổng vốn thu hút"][3:] == ["–", "–", "151,85 %"]


def test_an_empty_period_still_makes_a_report() -> None:
    empty = make_period(dt.date(2021, 12, 31), {}, kind="year")
    data = report_docx(empty, [], "en", Sources())
    text = docx_text(data)
    assert text.count("None.") == 6


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "A & B\x07"])
def test_text_from_the_layers_is_written_as_text(name: str) -> None:
    parks = {"nomura": {**PARKS["nomura"], "name_vi": name}}
    data = report_docx(report_period(), [], "vi", Sources(parks))
    assert name.replace("\x07", "") in docx_text(data)


def test_a_draft_says_so_before_anything_else() -> None:
    draft = make_period(dt.date(2023, 11, 30), {"fdi_total_musd": 3300}, status=DRAFT)
    doc = docx.Document(io.BytesIO(report_docx(draft, [], "en", Sources())))
    assert [p.text for p in doc.paragraphs[1:3]] == [
        "DRAFT: these figures are not published.",
        label("illustrative", "en"),
    ]


def test_a_bottleneck_park_missing_from_the_parks_layer_keeps_its_tracker_name() -> (
    None
):
    progress = [ParkProgress("new_park", "Tracker's name", True, parcels=1)]
    data = report_docx(report_period(), [], "en", Sources({}, progress))
    assert docx_rows(data)["Tracker's name"][2] == "1"
