"""The periodic report as a workbook (openpyxl): one sheet per table.

Each sheet has the report's title and date on its first row, the notices (draft,
illustrative) on the next, then the bold column headings and the rows. Figures
are numbers with number formats, so Excel shows them in its user's notation and
they add up; text cells go through the planner's formula guard
(``planner.exports.sheet_cell``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from layers.periods.rules import Period
from webmap.periods.tables import (
    Cell,
    Column,
    Report,
    Sources,
    Table,
    periodic_report,
)
from webmap.planner.exports import XLSX_MIMETYPE, sheet_cell

__all__ = ["XLSX_MIMETYPE", "report_xlsx", "write_xlsx"]

UNSAFE_SHEET = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def report_xlsx(
    period: Period, periods: Sequence[Period], lang: str, sources: Sources
) -> bytes:
    """The report of ``period`` as a .xlsx in ``lang`` (``vi`` or ``en``).

    The arguments are those of ``tables.periodic_report``.
    """
    return write_xlsx(periodic_report(period, periods, lang, sources))


def number_format(value: float, column: Column) -> str:
    """Excel's format for a figure: whole numbers without decimals, else up to two."""
    pattern = "#,##0" if float(value).is_integer() else "#,##0.0#"
    return pattern + ' "%"' if column.format == "percent" else pattern


def write_xlsx(report: Report) -> bytes:
    """``report`` as the bytes of a workbook."""
    book = Workbook(write_only=True)
    heading = f"{report.title} – {report.lines[0]}"
    for table in report.tables:
        _sheet(book, table, heading, report.notices)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(book: Workbook, table: Table, heading: str, notices: Sequence[str]) -> None:
    """One table: title row, notices, headings (frozen above the rows), rows."""
    sheet = book.create_sheet(table.sheet.translate(UNSAFE_SHEET)[:31])
    sheet.column_dimensions["A"].width = 8
    for i, column in enumerate(table.columns[1:], start=2):
        width = 16 if column.format != "text" else 36
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.append([sheet_cell(sheet, f"{heading} – {table.title}", bold=True)])
    for notice in notices:
        sheet.append([sheet_cell(sheet, notice, bold=True)])
    sheet.freeze_panes = f"A{len(notices) + 3}"
    sheet.append(
        [sheet_cell(sheet, column.label, bold=True) for column in table.columns]
    )
    for row in table.rows:
        sheet.append(
            [
                _cell(sheet, value, column)
                for value, column in zip(row, table.columns, strict=False)
            ]
        )


def _cell(sheet: object, value: Cell, column: Column) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return sheet_cell(sheet, value, number_format=number_format(value, column))
    return sheet_cell(sheet, value)
