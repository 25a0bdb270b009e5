"""The clearance report as an Excel workbook and as CSV.

Text a planner typed (notes, reasons, names) can start with ``=``, ``+``, ``-`` or
``@``, which a spreadsheet would run as a formula. In the workbook such text is
written as a string cell with Excel's "quote prefix" (shown as typed, never
evaluated, even after editing); in CSV, which has no cell types, it gets a leading
apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from layers.clearance.rules import STAGES, AuditRecord
from webmap.planner.labels import describe_change, field_label, stage_label
from webmap.planner.report import Report

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PARCEL_COLUMNS = (
    "park", "park_id", "parcel_id", "stage", "stage_code", "area_ha", "cleared_ha",
    "households_affected", "households_relocated", "target_date", "overdue",
    "version", "updated_by", "updated_at", "note",
)  # fmt: skip
PARK_COLUMNS = (
    "park", "park_id", "bottleneck", "parcels", "planned_ha", "cleared_ha", "pct",
    *STAGES, "households_affected", "households_relocated", "overdue",
)  # fmt: skip
HISTORY_COLUMNS = (
    "seq", "at", "user", "park", "parcel_id", "version", "reason", "changes",
)  # fmt: skip
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def risky(value: Any) -> bool:
    """Whether ``value`` is text a spreadsheet would take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value: Any) -> Any:
    """``value`` made safe for a CSV cell (formula-like text gets an apostrophe)."""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, float):
        return round(value, 4)
    return f"'{value}" if risky(value) else value


def parcel_rows(report: Report) -> Iterable[list[Any]]:
    """One list per tracked parcel, in ``PARCEL_COLUMNS`` order."""
    for row in sorted(report.rows, key=lambda r: (r.park_id, r.parcel_id)):
        yield [
            report.park_name(row.park_id), row.park_id, row.parcel_id,
            stage_label(row.stage), row.stage, row.area_ha, row.cleared_ha,
            row.households_affected, row.households_relocated,
            _date(row.target_date), row.overdue(report.day), row.version,
            row.updated_by, row.updated_at, row.note,
        ]  # fmt: skip


def park_rows(report: Report) -> Iterable[list[Any]]:
    """One list per park with tracked parcels, in ``PARK_COLUMNS`` order."""
    for park in report.progress:
        yield [
            park.name, park.park_id, park.bottleneck, park.parcels,
            round(park.planned_ha, 4), round(park.cleared_ha, 4), round(park.pct, 2),
            *(park.stages[s] for s in STAGES), park.households_affected,
            park.households_relocated, len(park.overdue),
        ]  # fmt: skip


def history_rows(report: Report, audit: Sequence[AuditRecord]) -> Iterable[list[Any]]:
    """One list per audit record up to the report's instant, oldest first."""
    until = report.as_of.isoformat(timespec="microseconds")
    for record in audit:
        if record.at > until:
            continue
        yield [
            record.seq, record.at, record.user, report.park_name(record.park_id),
            record.parcel_id, record.version, record.reason,
            describe_change(record.before, record.after),
        ]  # fmt: skip


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def title(report: Report) -> str:
    """The line above every sheet: what, as of when, from where."""
    when = report.as_of.strftime("%Y-%m-%d %H:%M UTC")
    return gettext(
        "Site clearance report, as of %(when)s. Source: %(source)s",
        when=when,
        source=report.source,
    )


def csv_bytes(report: Report) -> bytes:
    """One row per tracked parcel, UTF-8 with a BOM so Excel reads the accents."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([field_label(c) for c in PARCEL_COLUMNS])
    for row in parcel_rows(report):
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(report: Report, audit: Sequence[AuditRecord]) -> bytes:
    """The workbook: sheets Parks, Parcels and History, each under a title row.

    Args:
        report: the figures (now or as of ``?at=``).
        audit: every audit record; those after the report's instant are left out.
    """
    book = Workbook(write_only=True)
    heading = title(report)
    _sheet(book, gettext("Parks"), heading, PARK_COLUMNS, park_rows(report))
    _sheet(book, gettext("Parcels"), heading, PARCEL_COLUMNS, parcel_rows(report))
    history = history_rows(report, audit)
    _sheet(book, gettext("History"), heading, HISTORY_COLUMNS, history)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(
    book: Workbook,
    name: str,
    heading: str,
    columns: Sequence[str],
    rows: Iterable[list[Any]],
) -> None:
    """Append a sheet: title row, bold header row, frozen panes, then the rows."""
    sheet = book.create_sheet(name[:31])
    sheet.freeze_panes = "A3"
    for i, column in enumerate(columns, start=1):
        width = 14 if column not in {"park", "note", "changes", "reason"} else 36
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.append([sheet_cell(sheet, heading, bold=True)])
    sheet.append([sheet_cell(sheet, _heading(c), bold=True) for c in columns])
    for row in rows:
        sheet.append([sheet_cell(sheet, value) for value in row])


def _heading(column: str) -> str:
    return stage_label(column) if column in STAGES else field_label(column)


def sheet_cell(
    sheet: Any, value: Any, bold: bool = False, number_format: str = ""
) -> WriteOnlyCell:
    """One write-only cell; text is always a string cell, formula-like text quoted.

    Args:
        sheet: the write-only worksheet the cell goes to.
        value: text, a number, a date or None.
        bold: the heading style.
        number_format: Excel's format for a number (e.g. ``#,##0.00``).
    """
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would take "=…" for a formula
        if risky(value):
            cell.quotePrefix = True
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    elif number_format and isinstance(value, int | float):
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell
