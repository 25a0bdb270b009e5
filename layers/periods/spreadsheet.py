"""The periods spreadsheet: a template an admin fills in Excel, and its reader.

Pure: no Flask, no store. ``write_template`` (from ``template``) makes the .xlsx
(sheets ``period``, ``headline``, ``parks`` and ``read me``, labelled in
Vietnamese and English); ``read_workbook`` reads a filled one back into a
``PeriodDraft`` or raises ``PeriodRejected`` with every problem, each naming its
sheet, row (as Excel shows it) and column (its header key, or its letter where it
has none).

Columns are found by the key on the first line of their header and the period's
and headline figures by the key in their ``key`` column, never by position, so an
admin may reorder columns or rows. Numbers are read with
``layers.values.parse_number`` (Vietnamese or plain notation; the rule for the
ambiguous ones is written there and in the read-me sheet).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl.utils import get_column_letter

from layers.periods.checks import Given, total_problems, value_problem
from layers.periods.rules import (
    HEADLINE_FIELD,
    KINDS,
    PARK_FIELD,
    Field,
    PeriodDraft,
    PeriodRejected,
    Problem,
    Values,
)
from layers.periods.sheetlabels import KIND_WORDS
from layers.periods.template import (
    HEADLINE,
    KEYED_COLUMNS,
    META_KEYS,
    PARK_COLUMNS,
    PARKS,
    PERIOD,
    write_template,
)
from layers.values import coerce, has_control, parse_number
from layers.workbook import Cell, Rows, read_sheets

__all__ = ["given_number", "header_key", "read_workbook", "write_template"]

MAX_TITLE = 200
HEADER_KEY = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)")


def read_workbook(
    source: bytes | BinaryIO | Path, park_ids: Collection[str], today: dt.date
) -> PeriodDraft:
    """Read a filled-in template.

    Args:
        source: the .xlsx as bytes, an open binary file or a path.
        park_ids: the parks the store knows.
        today: the end date may not be after it.

    Returns:
        The period's figures, checked.

    Raises:
        PeriodRejected: with every problem found; nothing is returned then.
    """
    sheets, problems = read_sheets(source)
    if problems and not sheets:
        raise PeriodRejected(problems)
    reader = _Reader(problems, set(park_ids), today)
    named = {name.strip().lower(): rows for name, rows in sheets.items()}
    over_limits = {p.sheet.strip().lower() for p in problems}
    for name in (PERIOD, HEADLINE, PARKS):
        if name not in named and name not in over_limits:
            reader.add(name, 0, "", f"no sheet named '{name}' (use the template)")
    meta = reader.period(named[PERIOD]) if PERIOD in named else {}
    headline, rows = reader.headline(named.get(HEADLINE))
    parks = reader.parks(named[PARKS]) if PARKS in named else {}
    for key, message in total_problems(headline, parks).items():
        reader.add(HEADLINE, rows[key], "value", message)
    if reader.problems:
        raise PeriodRejected(reader.problems)
    return PeriodDraft(
        end=meta["end"],
        kind=meta["kind"],
        title=meta["title"],
        illustrative=meta["illustrative"],
        headline=_values(headline, HEADLINE_FIELD),
        parks={park: _values(given, PARK_FIELD) for park, given in parks.items()},
    )


def _values(given: Mapping[str, Given], fields: Mapping[str, Field]) -> Values:
    return {
        key: int(g.value) if fields[key].integer else g.value
        for key, g in given.items()
    }


def header_key(value: Any) -> str:
    """The key a header cell carries: its first word, lower case ("" if none)."""
    found = HEADER_KEY.match(value) if isinstance(value, str) else None
    return found.group(1).lower() if found else ""


def _decimals(value: float) -> int:
    if float(value).is_integer():
        return 0
    exponent = Decimal(repr(float(value))).as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def given_number(cell: Cell, field: Field) -> Given:
    """A cell's number for ``field``: Excel numbers, Vietnamese or plain text.

    A percentage may be written ``96,3``, ``96.3 %`` or as an Excel percentage
    cell (its value 0.963 reads as 96.3).

    Raises:
        ValueError: not a number, or a number ``field`` does not allow.
    """
    value = cell.value
    if isinstance(value, bool) or isinstance(value, dt.date | dt.time | dt.timedelta):
        raise ValueError(f"{field.key}: expected a number, got {value!r}")
    if isinstance(value, int | float):
        decimals = _decimals(value)
        given = Given(float(value), decimals)
        if field.percent and cell.percent:
            decimals = max(decimals - 2, 0)
            given = Given(round(value * 100, decimals), decimals)
    else:
        text = str(value).strip()
        if field.percent:
            text = text.removesuffix("%")
        try:
            given = Given(*parse_number(text))
        except ValueError:
            raise ValueError(f"{field.key}: expected a number, got {value!r}") from None
    problem = value_problem(field, given.value)
    if problem:
        raise ValueError(problem)
    return given


class _Reader:
    """Reads the three sheets, collecting every problem on the way."""

    def __init__(self, problems: list[Problem], park_ids: set[str], today: dt.date):
        self.problems = list(problems)
        self.park_ids = park_ids
        self.today = today

    def add(self, sheet: str, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(sheet, row, column, message))

    def columns(
        self, sheet: str, rows: Rows, allowed: Sequence[str], required: Sequence[str]
    ) -> dict[str, int]:
        """Header key → 0-based column index; unknown, repeated, missing named."""
        found: dict[str, int] = {}
        for index, cell in enumerate(rows[0] if rows else ()):
            key, letter = header_key(cell.value), get_column_letter(index + 1)
            if cell.value is None:
                if any(len(r) > index and r[index].value is not None for r in rows):
                    self.add(sheet, 1, letter, "values in a column without a key")
            elif key not in allowed:
                self.add(sheet, 1, letter, f"unknown column key {key or cell.value!r}")
            elif key in found:
                self.add(sheet, 1, letter, f"column key {key!r} appears twice")
            else:
                found[key] = index
        for key in required:
            if key not in found:
                self.add(sheet, 1, "", f"no column with the key {key!r}")
        return found

    def cell(self, sheet: str, row: int, column: str, cell: Cell) -> Any:
        """A cell's value; a formula without a saved value is named (and None)."""
        if cell.formula and cell.value is None:
            self.add(
                sheet,
                row,
                column,
                "a formula without a saved value: open the file in Excel and save "
                "it, or type the number (formulas are never computed here)",
            )
        return cell.value

    def keyed(
        self, sheet: str, rows: Rows, keys: Collection[str]
    ) -> dict[str, tuple[int, Cell]]:
        """The ``key``/``value`` rows of the period or headline sheet, by key."""
        columns = self.columns(sheet, rows, KEYED_COLUMNS, ("key", "value"))
        if "key" not in columns or "value" not in columns:
            return {}
        found: dict[str, tuple[int, Cell]] = {}
        for number, row in enumerate(rows[1:], start=2):
            key_cell = _at(row, columns["key"])
            value_cell = _at(row, columns["value"])
            raw_key = self.cell(sheet, number, "key", key_cell)
            key = str(raw_key).strip().lower() if raw_key is not None else ""
            if not key:
                if value_cell.value is not None:
                    self.add(sheet, number, "key", "a value without a key")
            elif key not in keys:
                self.add(sheet, number, "key", f"unknown key {key!r}")
            elif key in found:
                first = found[key][0]
                self.add(sheet, number, "key", f"key {key!r} is also on row {first}")
            else:
                found[key] = (number, value_cell)
        return found

    def period(self, rows: Rows) -> dict[str, Any]:
        """End, kind, title and illustrative from the period sheet."""
        found = self.keyed(PERIOD, rows, META_KEYS)
        meta: dict[str, Any] = {"end": None, "kind": "", "title": ""}
        meta["illustrative"] = False
        for key in META_KEYS:
            number, cell = found.get(key, (0, Cell(None)))
            raw = self.cell(PERIOD, number, "value", cell) if number else None
            try:
                meta[key] = _META_READERS[key](raw, self.today)
            except ValueError as exc:
                column = "value" if number else "key"
                self.add(PERIOD, number, column, str(exc))
        return meta

    def headline(self, rows: Rows | None) -> tuple[dict[str, Given], dict[str, int]]:
        """The headline figures given, and the row of each."""
        values: dict[str, Given] = {}
        found = {} if rows is None else self.keyed(HEADLINE, rows, HEADLINE_FIELD)
        for key, (number, cell) in found.items():
            if self.cell(HEADLINE, number, "value", cell) is None:
                continue
            try:
                values[key] = given_number(cell, HEADLINE_FIELD[key])
            except ValueError as exc:
                self.add(HEADLINE, number, "value", str(exc))
        return values, {key: number for key, (number, _) in found.items()}

    def parks(self, rows: Rows) -> dict[str, dict[str, Given]]:
        """Park id → the figures its row gives (parks with none left out)."""
        columns = self.columns(PARKS, rows, PARK_COLUMNS, ("park_id",))
        if "park_id" not in columns:
            return {}
        fields = {k: i for k, i in columns.items() if k in PARK_FIELD}
        parks: dict[str, dict[str, Given]] = {}
        seen: dict[str, int] = {}
        for number, row in enumerate(rows[1:], start=2):
            park = self.park_id(number, _at(row, columns["park_id"]), seen)
            given = self.park_values(number, row, fields)
            if park is None and given is not None:
                self.add(PARKS, number, "park_id", "figures without a park id")
            elif park and given:
                parks[park] = given
        return parks

    def park_id(self, number: int, cell: Cell, seen: dict[str, int]) -> str | None:
        """The row's park id if known and new ("" if not); None if blank."""
        park = coerce(self.cell(PARKS, number, "park_id", cell), "str")
        if not park:
            return None
        if park not in self.park_ids:
            self.add(PARKS, number, "park_id", f"unknown park id {park!r}")
            return ""
        if park in seen:
            self.add(
                PARKS, number, "park_id", f"park {park!r} is also on row {seen[park]}"
            )
            return ""
        seen[park] = number
        return str(park)

    def park_values(
        self, number: int, row: tuple[Cell, ...], fields: Mapping[str, int]
    ) -> dict[str, Given] | None:
        """The figures a park row gives; None if it gives none at all."""
        given: dict[str, Given] = {}
        seen_any = False
        for key, index in fields.items():
            cell = _at(row, index)
            if self.cell(PARKS, number, key, cell) is None:
                seen_any = seen_any or cell.formula
                continue
            seen_any = True
            try:
                given[key] = given_number(cell, PARK_FIELD[key])
            except ValueError as exc:
                self.add(PARKS, number, key, str(exc))
        return given if seen_any else None


def _at(row: tuple[Cell, ...], index: int) -> Cell:
    return row[index] if index < len(row) else Cell(None)


def _end(raw: Any, today: dt.date) -> dt.date:
    if raw is None:
        raise ValueError("the end date is missing")
    if isinstance(raw, bool | int | float):
        raise ValueError(f"the end date is not a date: {raw!r} (write dd/mm/yyyy)")
    end = dt.date.fromisoformat(coerce(raw, "date"))
    if end > today:
        raise ValueError(
            f"the end date {end:%d/%m/%Y} is after today ({today:%d/%m/%Y})"
        )
    return end


def _kind(raw: Any, _today: dt.date) -> str:
    text = str(raw).strip().lower() if raw is not None else ""
    kind = KIND_WORDS.get(text, text)
    if not kind:
        raise ValueError("the kind is missing: month, quarter or year")
    if kind not in KINDS:
        raise ValueError(f"unknown kind {text!r}: month, quarter or year")
    return kind


def _title(raw: Any, _today: dt.date) -> str:
    title = coerce(raw, "str") or ""
    if not title:
        raise ValueError("the title is empty")
    if has_control(title, multiline=False) or len(title) > MAX_TITLE:
        raise ValueError(
            f"the title must be one line of at most {MAX_TITLE} characters"
        )
    return str(title)


def _illustrative(raw: Any, _today: dt.date) -> bool:
    if raw is None:
        return False
    return bool(coerce(raw, "bool"))


_META_READERS = {
    "end": _end,
    "kind": _kind,
    "title": _title,
    "illustrative": _illustrative,
}
