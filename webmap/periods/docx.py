"""The periodic report as a Word document (python-docx).

The first page carries the title, the date the figures are as of, the period and
its revision, a notice in bold when the figures are a draft or illustrative, and
the summary sentences; then one table per section of ``tables.Report``. Numbers
are written in the report's language (``3.037``, ``96,3 %`` in Vietnamese).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from layers.periods.rules import Period
from webmap.periods.labels import label
from webmap.periods.numbers import number, percent
from webmap.periods.tables import (
    Cell,
    Column,
    Report,
    Sources,
    Table,
    periodic_report,
)

DOCX_MIMETYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
EMPTY = "–"


def report_docx(
    period: Period, periods: Sequence[Period], lang: str, sources: Sources
) -> bytes:
    """The report of ``period`` as a .docx in ``lang`` (``vi`` or ``en``).

    The arguments are those of ``tables.periodic_report``.
    """
    return write_docx(periodic_report(period, periods, lang, sources))


def write_docx(report: Report) -> bytes:
    """``report`` as the bytes of a Word document."""
    doc = Document()
    doc.core_properties.title = clean(f"{report.title} – {report.period.title}")
    doc.core_properties.language = "vi-VN" if report.lang == "vi" else "en-GB"
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(clean(report.title), level=0)
    for notice in report.notices:
        doc.add_paragraph().add_run(clean(notice)).bold = True
    for line in report.lines:
        doc.add_paragraph(clean(line))
    if report.statements:
        doc.add_heading(label("summary", report.lang), level=1)
        for sentence in report.statements:
            doc.add_paragraph(clean(sentence))
    for table in report.tables:
        _add_table(doc, table, report.lang)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def clean(text: str) -> str:
    """``text`` without the control characters XML cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def cell_text(value: Cell, column: Column, lang: str) -> str:
    """A cell as the report writes it: numbers in ``lang``'s notation, – if none."""
    if value is None:
        return EMPTY
    if isinstance(value, str):
        return clean(value)
    if column.format == "percent":
        return percent(value, lang)
    return number(value, lang)


def _add_table(doc: WordDocument, table: Table, lang: str) -> None:
    """A heading and the table (bold header row), or "None." when it is empty."""
    doc.add_heading(clean(table.title), level=1)
    if not table.rows:
        doc.add_paragraph(label("none", lang))
        return
    grid = doc.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
        cell.paragraphs[0].add_run(clean(column.label)).bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value, column in zip(cells, row, table.columns, strict=False):
            paragraph = cell.paragraphs[0]
            paragraph.add_run(cell_text(value, column, lang))
            if column.format != "text":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
