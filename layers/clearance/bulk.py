"""Bulk clearance: a spreadsheet of parcels read, checked and previewed (pure).

One row per parcel: ``parcel_id``, the record ``version`` the row was made
from, and any of ``stage`` (or ``stage_code``), ``cleared_ha``,
``households_affected``, ``households_relocated``, ``target_date``, ``note``
and ``reason``. Columns are found by their heading, not their position: the
heading's first line is the key (``write_template`` writes them so), or a text
the caller maps to a key (``headings``: the planners' export is headed in the
reader's language, which only the web side knows). The first sheet whose
heading row (one of its first ``HEADING_ROWS``) has ``parcel_id`` and
``version`` is read; other columns are ignored.

A column on the sheet gives the value after the row; a blank cell is no value
(no households count, no target date, no note), except that a blank
``stage`` or ``cleared_ha`` leaves the record's as it is. ``preview`` then
checks every row against the current records under the rules of a single edit
(``rules.apply_change``); a row made from another version than the current one
is stale. Every problem names its sheet, row (as Excel shows it) and column
(its key), and ``Preview.edits`` is what ``ClearanceStore.update_many`` applies.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook

from layers.clearance.contract import Edit
from layers.clearance.rules import (
    EDITABLE,
    Clearance,
    EditRejected,
    StaleEdit,
    apply_change,
)
from layers.values import parse_number
from layers.workbook import Cell, Problem, Rows, read_sheets

REQUIRED = ("parcel_id", "version")
VALUES = EDITABLE  # a row's values: what a single edit may change
KEYS = (*REQUIRED, "stage_code", *VALUES, "reason")
KEEP_IF_BLANK = frozenset({"stage", "cleared_ha"})
HEADING_ROWS = 3  # the export has a title above its headings
SHEET = "clearance"


@dataclass(frozen=True, slots=True)
class BulkRow:
    """One parcel's row as read: its changes and what it was based on."""

    sheet: str
    row: int
    parcel_id: str
    base_version: int
    changes: dict[str, Any]
    reason: str = ""


@dataclass(frozen=True, slots=True)
class RowPreview:
    """What a row would do: the record now and after (None: no change)."""

    row: BulkRow
    before: Clearance
    after: Clearance | None

    def changed(self) -> list[str]:
        """The fields the row changes."""
        if self.after is None:
            return []
        return [n for n in VALUES if getattr(self.after, n) != getattr(self.before, n)]


@dataclass(slots=True)
class Preview:
    """Every row's change, and every problem (reading's and the rules')."""

    rows: list[RowPreview] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def edits(self) -> list[Edit]:
        """The changing rows as ``update_many`` takes them."""
        return [
            Edit(p.row.parcel_id, p.row.base_version, p.row.changes, p.row.reason)
            for p in self.rows
            if p.after is not None
        ]


def write_template(records: Iterable[Clearance]) -> bytes:
    """A workbook to fill in: one row per record, as it stands, keys as headings."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(["parcel_id", *VALUES, "version", "reason"])
    for record in records:
        values = [getattr(record, name) for name in VALUES]
        sheet.append([record.parcel_id, *values, record.version, None])
    for cell in sheet["G"]:  # notes are text, never formulas
        cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_rows(
    source: bytes | BinaryIO | Path, headings: Mapping[str, str] | None = None
) -> tuple[list[BulkRow], list[Problem]]:
    """The rows of a bulk clearance workbook, and every problem reading them.

    Args:
        source: the .xlsx as bytes, an open binary file or a path.
        headings: heading text → key (compared without case), besides the keys.
    """
    sheets, problems = read_sheets(source)
    known = {text.strip().casefold(): key for text, key in (headings or {}).items()}
    for name, rows in sheets.items():
        found = _heading_row(rows, known)
        if found is not None:
            number, columns = found
            return _rows(name, rows, number, columns, problems)
    if sheets:
        why = "no sheet has the columns parcel_id and version in its first rows"
        problems.append(Problem("", 0, "", why))
    return [], problems


def _heading_row(
    rows: Rows, known: Mapping[str, str]
) -> tuple[int, dict[int, str]] | None:
    for number, row in enumerate(rows[:HEADING_ROWS], start=1):
        columns: dict[int, str] = {}
        for index, cell in enumerate(row):
            key = _key(cell.value, known)
            if key and key not in columns.values():
                columns[index] = key
        if set(REQUIRED) <= set(columns.values()):
            return number, columns
    return None


def _key(value: Any, known: Mapping[str, str]) -> str:
    if not isinstance(value, str):
        return ""
    text = value.strip().casefold()
    first = text.splitlines()[0].strip() if text else ""
    return first if first in KEYS else known.get(text, "")


def _rows(
    sheet: str,
    rows: Rows,
    heading: int,
    columns: dict[int, str],
    problems: list[Problem],
) -> tuple[list[BulkRow], list[Problem]]:
    out = []
    for number, row in enumerate(rows[heading:], start=heading + 1):
        cells = {key: _at(row, i) for i, key in columns.items()}
        if all(c.value is None and not c.formula for c in cells.values()):
            continue
        values, found = _values(sheet, number, cells)
        problems.extend(found)
        if not found:
            out.append(_bulk_row(sheet, number, values))
    return out, problems


def _at(row: tuple[Cell, ...], index: int) -> Cell:
    return row[index] if index < len(row) else Cell(None)


def _values(
    sheet: str, number: int, cells: Mapping[str, Cell]
) -> tuple[dict[str, Any], list[Problem]]:
    values, problems = {}, []
    for key, cell in cells.items():
        try:
            if cell.formula and cell.value is None:
                raise ValueError("a formula without a saved value: type the value")
            values[key] = READERS[key](cell.value)
        except ValueError as exc:
            problems.append(Problem(sheet, number, key, str(exc)))
    return values, problems


def _bulk_row(sheet: str, number: int, values: dict[str, Any]) -> BulkRow:
    if values.get("stage_code") is not None:
        values["stage"] = values["stage_code"]
    changes = {
        key: values[key]
        for key in VALUES
        if key in values and not (key in KEEP_IF_BLANK and values[key] is None)
    }
    reason = values.get("reason") or ""
    return BulkRow(
        sheet, number, values["parcel_id"], values["version"], changes, reason
    )


def _required_text(value: Any) -> str:
    text = _text(value)
    if not text:
        raise ValueError("required")
    return text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value) if isinstance(value, str | int) else _not_text(value)


def _not_text(value: Any) -> str:
    raise ValueError(f"expected text, got {value!r}")


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if value is None or isinstance(value, int | float):
        return value
    if isinstance(value, str):
        return parse_number(value)[0]
    raise ValueError(f"expected a number, got {value!r}")


def _whole(value: Any) -> int | None:
    number = _number(value)
    if number is None:
        return None
    if not float(number).is_integer():
        raise ValueError(f"expected a whole number, got {value!r}")
    return int(number)


def _version(value: Any) -> int:
    version = _whole(value)
    if version is None or version < 0:
        raise ValueError("required: the record's version the row was made from")
    return version


def _date(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return _text(value) or None


READERS: dict[str, Any] = {
    "parcel_id": _required_text,
    "version": _version,
    "stage": lambda v: _text(v) or None,
    "stage_code": lambda v: _text(v) or None,
    "cleared_ha": _number,
    "households_affected": _whole,
    "households_relocated": _whole,
    "target_date": _date,
    "note": _text,
    "reason": _text,
}


def preview(rows: Iterable[BulkRow], current: Iterable[Clearance]) -> Preview:
    """Every row's change against the current records, under a single edit's rules.

    A parcel with no record, a second row for one parcel, a row made from
    another version than the current one (stale) and a value a single edit
    would refuse are problems named by row and column.
    """
    records = {c.parcel_id: c for c in current}
    out, seen = Preview(), dict[str, int]()
    for row in rows:
        problem = _row_problem(row, records, seen)
        if problem is not None:
            out.problems.append(problem)
            continue
        seen[row.parcel_id] = row.row
        try:
            after = apply_change(records[row.parcel_id], row.changes, row.reason)
        except EditRejected as exc:
            message = str(exc).removeprefix(f"{exc.field}: ")
            out.problems.append(Problem(row.sheet, row.row, exc.field, message))
            continue
        out.rows.append(RowPreview(row, records[row.parcel_id], after))
    return out


def _row_problem(
    row: BulkRow, records: Mapping[str, Clearance], seen: Mapping[str, int]
) -> Problem | None:
    where = (row.sheet, row.row)
    if row.parcel_id not in records:
        message = f"no clearance record for {row.parcel_id!r}"
        return Problem(*where, "parcel_id", message)
    if row.parcel_id in seen:
        message = f"{row.parcel_id!r} is on row {seen[row.parcel_id]} already"
        return Problem(*where, "parcel_id", message)
    current = records[row.parcel_id]
    if current.version != row.base_version:
        message = str(StaleEdit(current, row.base_version))
        return Problem(*where, "version", f"stale: {message}")
    return None
