"""Reporting periods built in code: the 14/10/2023 report and illustrative ones.

``report_period()`` holds the figures of the HEZA report of October 2023
(../shared/seed/FACTS.md), written out here; ``year_earlier()`` is a made-up
14/10/2022 period (illustrative) whose FDI total, 1,567.5 M USD, makes the
report's "193.75 % of the same period".
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping

import docx
import openpyxl

from layers.periods.rules import PUBLISHED, Period, period_id

# FACTS.md, "Investment", "Workforce and business" and the occupancy table.
REPORT_HEADLINE = {
    "fdi_new_projects": 57,
    "fdi_new_musd": 1171,
    "fdi_added_projects": 37,
    "fdi_added_musd": 1866,
    "fdi_total_musd": 3037,
    "fdi_plan_musd": 2000,
    "fdi_cumulative_projects": 511,
    "fdi_cumulative_musd": 25863,
    "ddi_new_projects": 13,
    "ddi_new_bn_vnd": 22846,
    "ddi_added_projects": 14,
    "ddi_added_bn_vnd": 917,
    "ddi_total_bn_vnd": 23762,
    "ddi_cumulative_projects": 217,
    "ddi_cumulative_bn_vnd": 318337,
    "workers_vietnamese": 176284,
    "workers_foreign": 4469,
    "income_m_vnd_month": 11.5,
    "revenue_musd": 25078,
    "exports_musd": 18574,
    "imports_musd": 15254,
    "state_budget_bn_vnd": 10912,
    "occupancy_avg_pct": 63.25,
}
REPORT_OCCUPANCY = {
    "nomura": 100,
    "do_son": 96.3,
    "trang_due": 96.7,
    "dinh_vu": 96.3,
    "mp_dinh_vu": 99.7,
    "hang_hai": 100,
    "an_duong": 89.2,
    "vsip": 76.6,
    "nam_cau_kien": 77.5,
}

# Made up: a year earlier, FDI 1,567.5 M USD (3,037 is 193.75 % of it).
YEAR_EARLIER_HEADLINE = {
    "fdi_new_projects": 41,
    "fdi_new_musd": 702.5,
    "fdi_added_projects": 30,
    "fdi_added_musd": 865,
    "fdi_total_musd": 1567.5,
    "fdi_plan_musd": 1800,
    "ddi_total_bn_vnd": 20000,
    "workers_vietnamese": 160000,
    "workers_foreign": 4000,
    "revenue_musd": 22000,
    "occupancy_avg_pct": 60,
}
YEAR_EARLIER_OCCUPANCY = {"nomura": 98, "do_son": 90, "vsip": 70.5}

# Parks layer properties the report names parks by (the sample's, shortened).
PARKS = {
    "nomura": {
        "name_vi": "KCN Nhật Bản – Hải Phòng",
        "name_en": "Japan – Hai Phong (Nomura) IP",
        "status": "established",
        "phase": "operating",
    },
    "do_son": {
        "name_vi": "KCN Đồ Sơn Hải Phòng",
        "name_en": "Do Son Hai Phong IP",
        "status": "established",
        "phase": "operating",
    },
    "vsip": {
        "name_vi": "KCN VSIP Hải Phòng",
        "name_en": "VSIP Hai Phong IP",
        "status": "established",
        "phase": "clearance",
    },
    "tien_thanh": {
        "name_vi": "KCN Tiên Thanh",
        "name_en": "Tien Thanh IP",
        "status": "established",
        "phase": "clearance",
    },
    "giang_bien_2": {
        "name_vi": "KCN Giang Biên 2",
        "name_en": "Giang Bien 2 IP",
        "status": "planned",
        "phase": "planned",
    },
}

# Two rows of the housing layer (data/attributes/housing.csv), as properties.
HOUSING = [
    {
        "housing_id": "pegatron",
        "name_vi": "Nhà ở công nhân Pegatron Việt Nam",
        "name_en": "Pegatron Vietnam worker housing",
        "kind": "worker",
        "location": "Đông Hải 2 ward (Đình Vũ), Hải An district",
        "capacity": 10000,
        "area_ha": None,
        "status": "under_construction",
        "progress": "construction started 30/5/2023; to finish before 31/10/2024",
    },
    {
        "housing_id": "nos_an_duong",
        "name_vi": "Nhà ở xã hội An Dương",
        "name_en": "An Duong social housing",
        "kind": "social",
        "location": "An Dương town",
        "capacity": 12413,
        "area_ha": 56,
        "status": "preparing",
        "progress": "investment policy being prepared",
    },
]


def make_period(
    end: dt.date,
    headline: Mapping[str, float],
    parks: Mapping[str, Mapping[str, float]] | None = None,
    *,
    kind: str = "month",
    illustrative: bool = True,
    status: str = PUBLISHED,
    title: str = "",
) -> Period:
    """A stored-looking period at revision 1."""
    return Period(
        id=period_id(end, kind),
        end=end,
        kind=kind,
        title=title or f"Báo cáo {end:%d/%m/%Y}",
        illustrative=illustrative,
        status=status,
        revision=1,
        headline=dict(headline),
        parks={pid: dict(values) for pid, values in (parks or {}).items()},
        created_by="admin",
        created_at="2023-10-20T08:00:00+00:00",
        updated_by="admin",
        updated_at="2023-10-20T08:00:00+00:00",
        published_by="admin" if status == PUBLISHED else "",
        published_at="2023-10-20T09:00:00+00:00" if status == PUBLISHED else "",
    )


def report_period() -> Period:
    """The 14/10/2023 report's figures, published, not illustrative."""
    parks = {pid: {"occupancy_pct": pct} for pid, pct in REPORT_OCCUPANCY.items()}
    return make_period(
        dt.date(2023, 10, 14),
        REPORT_HEADLINE,
        parks,
        illustrative=False,
        title="Báo cáo 10 tháng năm 2023",
    )


def year_earlier() -> Period:
    """A made-up 14/10/2022 period (illustrative)."""
    parks = {pid: {"occupancy_pct": pct} for pid, pct in YEAR_EARLIER_OCCUPANCY.items()}
    return make_period(dt.date(2022, 10, 14), YEAR_EARLIER_HEADLINE, parks)


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a .docx, one per line, in body order."""
    doc = docx.Document(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        lines.extend(" | ".join(c.text for c in row.cells) for row in table.rows)
    return "\n".join(lines)


def docx_rows(data: bytes) -> dict[str, list[str]]:
    """Each table's rows by their first two cells' text (the row's name)."""
    doc = docx.Document(io.BytesIO(data))
    out = {}
    for table in doc.tables:
        for row in table.rows:
            cells = [c.text for c in row.cells]
            out[cells[1] if cells[0].isdigit() or not cells[0] else cells[0]] = cells
    return out


def xlsx_sheets(data: bytes) -> dict[str, list[list[openpyxl.cell.Cell]]]:
    """Each sheet's rows of cells (values and number formats), by sheet name."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: [list(row) for row in sheet.iter_rows()] for sheet in book}
