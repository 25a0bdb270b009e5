"""Periods spreadsheets built in code: the template filled in as an admin would.

``filled`` writes the template for ``PARKS``, lets a test change it with openpyxl
(cells found by key, as the reader finds them) and returns the saved bytes.
``REPORT`` holds figures of the source report (FACTS.md, 14/10/2023) for a round
trip. ``with_saved_value`` gives a formula the value Excel would have saved with
it (openpyxl writes formulas without one).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from layers.periods.spreadsheet import header_key, write_template
from tests.support.period_reports import REPORT_HEADLINE as _FACTS

PARKS = (("nomura", "KCN Nhật Bản – Hải Phòng"), ("do_son", "KCN Đồ Sơn Hải Phòng"))
PARK_IDS = frozenset(p for p, _ in PARKS)
TODAY = dt.date(2024, 1, 31)
END = dt.date(2023, 10, 14)

# The report's headline figures (FACTS.md), and per-park rows that add up to
# its revenue and exports (the split between the two parks is made up).
REPORT_HEADLINE: Mapping[str, float] = _FACTS
REPORT_PARKS: Mapping[str, Mapping[str, float]] = {
    "nomura": {"occupancy_pct": 100, "revenue_musd": 15078, "exports_musd": 10574},
    "do_son": {"occupancy_pct": 96.3, "revenue_musd": 10000, "exports_musd": 8000},
}

Edit = Callable[[Workbook], None]


def meta(end: Any = END, kind: Any = "month", title: Any = "Báo cáo 10 tháng") -> Edit:
    """Fill in the period sheet."""

    def edit(book: Workbook) -> None:
        for key, value in (("end", end), ("kind", kind), ("title", title)):
            keyed(book["period"], key, value)

    return edit


def filled(
    *edits: Edit, lang: str = "vi", parks: Sequence[tuple[str, str]] = PARKS
) -> bytes:
    """The template for ``parks`` with ``meta()`` and ``edits`` applied, saved."""
    book = load_workbook(io.BytesIO(write_template(parks, lang=lang)))
    for edit in (meta(), *edits):
        edit(book)
    return saved(book)


def saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def column_of(sheet: Worksheet, key: str) -> int:
    """The 1-based column whose header carries ``key``."""
    for cell in sheet[1]:
        if header_key(cell.value) == key:
            return int(cell.column)
    raise KeyError(key)


def row_of(sheet: Worksheet, key: str, column: str = "key") -> int:
    """The row whose ``column`` (``key`` or ``park_id``) holds ``key``."""
    index = column_of(sheet, column)
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=index).value == key:
            return row
    raise KeyError(key)


def keyed(sheet: Worksheet, key: str, value: Any) -> None:
    """Set the value of ``key``'s row on the period or headline sheet."""
    sheet.cell(row=row_of(sheet, key), column=column_of(sheet, "value")).value = value


def park(park_id: str, /, **values: Any) -> Edit:
    """Set figures on a park's row (``park_id=`` renames it)."""

    def edit(book: Workbook) -> None:
        sheet = book["parks"]
        row = row_of(sheet, park_id, "park_id")
        for key, value in values.items():
            sheet.cell(row=row, column=column_of(sheet, key)).value = value

    return edit


def headline(**values: Any) -> Edit:
    """Set headline figures."""

    def edit(book: Workbook) -> None:
        for key, value in values.items():
            keyed(book["headline"], key, value)

    return edit


def report() -> Edit:
    """The report's headline and per-park figures."""

    def edit(book: Workbook) -> None:
        headline(**REPORT_HEADLINE)(book)
        for park_id, values in REPORT_PARKS.items():
            park(park_id, **values)(book)

    return edit


def with_saved_value(xlsx: bytes, sheet_file: str, cell: str, value: float) -> bytes:
    """``xlsx`` with ``value`` saved as the result of the formula in ``cell``.

    Args:
        sheet_file: the sheet's part, e.g. ``xl/worksheets/sheet4.xml``.
    """
    pattern = re.compile(rf'(<c r="{cell}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?')
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == sheet_file:
                text, count = pattern.subn(rf"\1\2<v>{value}</v>", data.decode())
                if count != 1:
                    raise ValueError(f"no formula in {cell} of {sheet_file}")
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()
