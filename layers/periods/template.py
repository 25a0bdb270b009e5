"""The periods spreadsheet's template: an .xlsx an admin fills in Excel (pure).

Four sheets: ``read me`` (the rules, in Vietnamese and English), ``period`` (end
date, kind, title, illustrative: one ``key``/``label``/``value`` row each, with
drop-down lists for the kind and the flag), ``headline`` (one row per
``HEADLINE_FIELDS`` key: key, label, unit, value) and ``parks`` (one row per park:
``park_id``, ``park_name``, then one column per ``PARK_FIELDS`` key). Every header
cell holds its key on the first line, then its labels and unit: the reader
(``layers.periods.spreadsheet``) finds columns by that key, not by position.

Text is written as text cells, quote-prefixed when it starts like a formula, so a
park name or a title is never run as one.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from layers.periods.rules import (
    HEADLINE_FIELDS,
    KINDS,
    PARK_FIELD,
    PARK_FIELDS,
    PeriodDraft,
)
from layers.periods.sheetlabels import (
    FIELD_LABELS,
    README,
    YES_NO,
    both,
    pick,
    unit_label,
)
from layers.workbook import MAX_COLUMNS, MAX_ROWS

PERIOD, HEADLINE, PARKS, READ_ME = "period", "headline", "parks", "read me"
META_KEYS = ("end", "kind", "title", "illustrative")
KEYED_COLUMNS = ("key", "label", "unit", "value")
PARK_COLUMNS = ("park_id", "park_name", *PARK_FIELD)
FORMULA_START = ("=", "+", "-", "@")
HEADER_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def write_template(
    parks: Sequence[tuple[str, str]], draft: PeriodDraft | None = None, lang: str = "vi"
) -> bytes:
    """An .xlsx for an admin to fill in, prefilled with ``draft``'s values if given.

    Args:
        parks: ``(park_id, name)`` of every park, one row each in that order
            (parks of ``draft`` not among them are added after).
        draft: a period's values to correct; None for a blank template.
        lang: ``vi`` writes Vietnamese labels first, anything else English first.

    Returns:
        The workbook's bytes.
    """
    book = Workbook()
    _read_me(book.active, lang)
    _period_sheet(book.create_sheet(PERIOD), draft, lang)
    _headline_sheet(book.create_sheet(HEADLINE), draft, lang)
    _parks_sheet(book.create_sheet(PARKS), parks, draft, lang)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> None:
    """Write one cell; text stays text (never a formula, even after editing)."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # openpyxl would take "=…" for a formula
        cell.quotePrefix = value.startswith(FORMULA_START)
    else:
        cell.value = value


def _header(sheet: Worksheet, titles: Sequence[str], widths: Sequence[int]) -> None:
    for column, (title, width) in enumerate(zip(titles, widths, strict=True), 1):
        _put(sheet, 1, column, title)
        sheet.cell(row=1, column=column).font = HEADER_FONT
        sheet.cell(row=1, column=column).alignment = WRAP
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "B2"


def _key_header(key: str, lang: str, unit: str = "") -> str:
    """A header cell: the key on the first line, then the labels (and unit)."""
    first, second = pick(FIELD_LABELS[key], lang)
    unit_text = f" ({unit_label(unit, lang)})" if unit else ""
    return f"{key}\n{first}{unit_text}\n{second}"


def _read_me(sheet: Worksheet, lang: str) -> None:
    sheet.title = READ_ME
    for row, label in enumerate(README, start=1):
        for column, text in enumerate(pick(label, lang), start=1):
            _put(sheet, row, column, text)
            sheet.cell(row=row, column=column).alignment = WRAP
    limits = f"max. {MAX_ROWS} rows × {MAX_COLUMNS} columns / sheet"
    _put(sheet, len(README) + 1, 1, limits)
    for letter in "AB":
        sheet.column_dimensions[letter].width = 70


def _period_sheet(sheet: Worksheet, draft: PeriodDraft | None, lang: str) -> None:
    _header(
        sheet, [_key_header(k, lang) for k in ("key", "label", "value")], [14, 40, 40]
    )
    values: dict[str, Any] = {}
    if draft is not None:
        yes, no = (pick(YES_NO[k], lang)[0] for k in ("yes", "no"))
        values = {
            "end": draft.end,
            "kind": draft.kind,
            "title": draft.title,
            "illustrative": yes if draft.illustrative else no,
        }
    for row, key in enumerate(META_KEYS, start=2):
        _put(sheet, row, 1, key)
        _put(sheet, row, 2, both(FIELD_LABELS[key], lang))
        _put(sheet, row, 3, values.get(key))
    sheet["C2"].number_format = "DD/MM/YYYY"
    kinds = DataValidation(
        type="list", formula1=f'"{",".join(KINDS)}"', allow_blank=True
    )
    yes_no = ",".join(pick(YES_NO[k], lang)[0] for k in ("yes", "no"))
    flags = DataValidation(type="list", formula1=f'"{yes_no}"', allow_blank=True)
    for validation, cell in ((kinds, "C3"), (flags, "C5")):
        sheet.add_data_validation(validation)
        validation.add(cell)


def _headline_sheet(sheet: Worksheet, draft: PeriodDraft | None, lang: str) -> None:
    titles = [_key_header(k, lang) for k in KEYED_COLUMNS]
    _header(sheet, titles, [26, 40, 18, 16])
    given = draft.headline if draft is not None else {}
    for row, field in enumerate(HEADLINE_FIELDS, start=2):
        _put(sheet, row, 1, field.key)
        _put(sheet, row, 2, both(FIELD_LABELS[field.key], lang))
        _put(sheet, row, 3, unit_label(field.unit, lang))
        _put(sheet, row, 4, given.get(field.key))


def _parks_sheet(
    sheet: Worksheet,
    parks: Sequence[tuple[str, str]],
    draft: PeriodDraft | None,
    lang: str,
) -> None:
    titles = [_key_header("park_id", lang), _key_header("park_name", lang)]
    titles += [_key_header(f.key, lang, f.unit) for f in PARK_FIELDS]
    _header(sheet, titles, [14, 34, *(16 for _ in PARK_FIELDS)])
    given = draft.parks if draft is not None else {}
    listed = [*parks, *((p, p) for p in given if p not in {i for i, _ in parks})]
    for row, (park_id, name) in enumerate(listed, start=2):
        _put(sheet, row, 1, park_id)
        _put(sheet, row, 2, name)
        values = given.get(park_id, {})
        for column, field in enumerate(PARK_FIELDS, start=3):
            _put(sheet, row, column, values.get(field.key))
