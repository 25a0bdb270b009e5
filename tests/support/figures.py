"""Reading the reporting periods' pages and reports back in tests."""

from __future__ import annotations

import io
import re

import openpyxl


def xlsx_values(data: bytes) -> list[object]:
    """Every cell value of every sheet of a .xlsx, in order."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    ]


def figure_cell(text: str, table_id: str, field: str) -> str:
    """The value cell of ``field``'s row in the figures table ``table_id``."""
    table = re.search(rf'id="{table_id}">(.*?)</table>', text, re.S)
    assert table, f"no table {table_id}"
    row = re.search(
        rf'data-field="{field}">.*?</th><td class="num">([^<]*)</td>', table.group(1)
    )
    assert row, f"no row {field} in {table_id}"
    return row.group(1)


def trend_charts(text: str) -> dict[str, str]:
    """The page's trend charts by the figure they draw (``data-trend``)."""
    return dict(re.findall(r'data-trend="(\w+)">\s*(<svg\b.*?</svg>)', text, re.S))
