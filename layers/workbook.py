"""Open an uploaded .xlsx safely and hand back its cells (pure).

Shared by the spreadsheets users upload (reporting periods, bulk clearance):
each reader names what is wrong as a ``Problem`` (sheet, row, column, message).

An upload may be anything: a CSV renamed .xlsx, an old .xls, random bytes, a zip
bomb, a sheet formatted down to row 1,048,576. Before openpyxl sees it the file
must be a zip holding a workbook, within ``MAX_BYTES`` packed and
``MAX_UNPACKED_BYTES`` unpacked; then it is read in openpyxl's read-only mode,
row by row, and only the first ``MAX_ROWS`` × ``MAX_COLUMNS`` cells are kept (a
value beyond them is a problem, not silently dropped).

Formulas are never evaluated: a formula cell gives the value Excel saved with
it; one without a saved value (a file written by a program, not by Excel) is
marked, for the reader to name. Anything wrong comes back as ``Problem`` objects.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

MAX_BYTES = 5 * 2**20
MAX_UNPACKED_BYTES = 50 * 2**20
MAX_ROWS = 1000
MAX_COLUMNS = 40
NOT_XLSX = (
    "not an Excel workbook (.xlsx): {why}. Fill in the template and save it as "
    "'Excel Workbook (.xlsx)'"
)
# What openpyxl raises on a zip that is not a well-formed workbook (the XML
# parsers' errors are SyntaxErrors).
UNREADABLE = (
    InvalidFileException,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    SyntaxError,
    OSError,
)


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell as read: its value (the saved one for a formula).

    Attributes:
        value: None when blank.
        percent: Excel shows it as a percentage (the value 0.963 shows 96.3 %).
        formula: the cell is a formula; ``value`` is what Excel saved with it.
    """

    value: Any
    percent: bool = False
    formula: bool = False


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a spreadsheet: where, and what.

    ``sheet`` and ``column`` as the spreadsheet names them, ``row`` 1-based as
    Excel shows it (0 for the whole sheet or file).
    """

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"sheet '{self.sheet}'" if self.sheet else "file"
        if self.row:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


BLANK = Cell(None)
Rows = list[tuple[Cell, ...]]  # rows[0] is Excel's row 1


def cell_name(row: int, column: int) -> str:
    """Excel's name of a cell, 1-based: ``cell_name(2, 3) == "C2"``."""
    return f"{get_column_letter(column)}{row}"


def read_sheets(
    source: bytes | BinaryIO | Path,
) -> tuple[dict[str, Rows], list[Problem]]:
    """Every sheet's cells by sheet name, and what is wrong with the file.

    Returns:
        ``(sheets, problems)``: a file that cannot be read gives no sheets and one
        problem; a sheet over the limits is left out, with its problem. A
        formula without a saved value is a ``Cell`` with ``formula`` set and no
        value: the reader names it if it needs the cell.
    """
    data, problem = _bytes(source)
    if problem is None:
        problem = _zip_problem(data)
    if problem is not None:
        return {}, [problem]
    try:
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheets: dict[str, Rows] = {}
        problems: list[Problem] = []
        for name in values.sheetnames:
            rows, problem = _sheet(name, values[name], formulas[name])
            if problem is None:
                sheets[name] = rows
            else:
                problems.append(problem)
    except UNREADABLE as exc:
        return {}, [Problem("", 0, "", NOT_XLSX.format(why=_why(exc)))]
    return sheets, problems


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


def _bytes(source: bytes | BinaryIO | Path) -> tuple[bytes, Problem | None]:
    """The file's bytes, or a problem if it is larger than ``MAX_BYTES``."""
    if isinstance(source, Path):
        with source.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    elif isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        data = source.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        limit = MAX_BYTES // 2**20
        return b"", Problem("", 0, "", f"the file is larger than {limit} MB")
    return data, None


def _zip_problem(data: bytes) -> Problem | None:
    """Why ``data`` is not a workbook openpyxl may open, or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        why = "it is not a zip archive (a CSV, an old .xls or another file renamed?)"
        return Problem("", 0, "", NOT_XLSX.format(why=why))
    if "xl/workbook.xml" not in {m.filename for m in members}:
        why = "the archive holds no xl/workbook.xml"
        return Problem("", 0, "", NOT_XLSX.format(why=why))
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        limit = MAX_UNPACKED_BYTES // 2**20
        return Problem("", 0, "", f"the workbook unpacks to more than {limit} MB")
    return None


def _sheet(name: str, values: Any, formulas: Any) -> tuple[Rows, Problem | None]:
    """The cells of one sheet within the limits, or why it is too large."""
    values.reset_dimensions()  # the declared size may be wrong or huge
    formulas.reset_dimensions()
    rows: Rows = []
    pairs = zip(_rows(values), _rows(formulas), strict=False)
    for number, (row, formula_row) in enumerate(pairs, start=1):
        if number > MAX_ROWS:
            if any(c.value is not None for c in row):
                why = f"more than {MAX_ROWS} rows: remove the rows below {MAX_ROWS}"
                return [], Problem(name, 0, "", why)
            continue
        if any(c.value is not None for c in formula_row[MAX_COLUMNS:]):
            letter = get_column_letter(MAX_COLUMNS)
            why = f"more than {MAX_COLUMNS} columns: remove the columns after {letter}"
            return [], Problem(name, 0, "", why)
        rows.append(
            tuple(
                _cell(raw, _is_formula(formula_row, column))
                for column, raw in enumerate(row[:MAX_COLUMNS], start=1)
            )
        )
    while rows and all(c.value is None and not c.formula for c in rows[-1]):
        rows.pop()
    return rows, None


def _rows(sheet: Any) -> Iterator[tuple[Any, ...]]:
    return iter(sheet.iter_rows())


def _is_formula(row: tuple[Any, ...], column: int) -> bool:
    return column <= len(row) and getattr(row[column - 1], "data_type", "") == "f"


def _cell(raw: Any, formula: bool) -> Cell:
    value = raw.value
    if isinstance(value, str) and not value.strip():
        value = None
    if value is None and not formula:
        return BLANK
    number_format = getattr(raw, "number_format", "") or ""
    return Cell(value, percent="%" in number_format, formula=formula)
