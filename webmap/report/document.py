"""The site report as an A4 PDF: heading and QR code, map, sections, data and sources.

``parcel_report`` and ``park_report`` gather the same context the pages render
(``parcel_context``, ``park_context``), turn it into sections
(``webmap.report.sections``) and lay them out with reportlab's platypus. All text
is set through ``webmap.report.fonts``, so Vietnamese, Korean and Japanese come
out in the Noto fonts embedded in the file; the map and the QR code are vector
drawings.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import segno
from flask_babel import gettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from layers.store import Feature, Store
from webmap.core.i18n import data_attribution, number
from webmap.core.labels import value_label
from webmap.core.links import external_url
from webmap.core.lookups import Lookups
from webmap.investor.parcel import distances, parcel_context
from webmap.investor.park import park_context
from webmap.report import sections as sec
from webmap.report.fonts import Chain, chain, markup, runs
from webmap.report.sitemap import HIGHLIGHT, LANDMARK, PARK_LINE, Key, site_map

MARGIN = 15 * mm
MAP_HEIGHT = 100 * mm
QR_SIZE = 30 * mm
PARCEL_GROUND_M = 1500.0  # the least width of ground a parcel's map shows
PARK_GROUND_M = 3000.0
GRID = colors.HexColor("#c8d0d8")
SHADE = colors.HexColor("#eef2f5")


@dataclass(slots=True)
class Site:
    """What one report shows."""

    kind: str  # "parcel" or "park"
    feature: Feature
    title: str
    subtitle: str
    url: str
    sections: list[sec.Section]
    sources: list[str]
    crowd: int = 0  # parcels known to lie on the map (a park's own)


@dataclass(slots=True)
class Styles:
    """The paragraph styles and fonts of one language."""

    lang: str
    regular: Chain
    bold: Chain
    body: ParagraphStyle
    small: ParagraphStyle
    heading: ParagraphStyle
    title: ParagraphStyle

    @classmethod
    def of(cls, lang: str) -> Styles:
        """The styles for ``lang`` (Japanese wraps between any two characters)."""
        regular, bold = chain(lang), chain(lang, bold=True)
        wrap = "CJK" if lang == "ja" else None
        body = ParagraphStyle(
            "body", fontName=regular.first, fontSize=8.5, leading=11, wordWrap=wrap
        )
        return cls(
            lang,
            regular,
            bold,
            body,
            ParagraphStyle("small", parent=body, fontSize=7, leading=9),
            ParagraphStyle(
                "h2",
                parent=body,
                fontName=bold.first,
                fontSize=11,
                leading=14,
                spaceBefore=8,
                spaceAfter=3,
            ),
            ParagraphStyle(
                "h1", parent=body, fontName=bold.first, fontSize=17, leading=21
            ),
        )

    def para(
        self, text: str, style: ParagraphStyle | None = None, bold: bool = False
    ) -> Paragraph:
        """``text`` as a paragraph (escaped, each run in its font)."""
        fonts = self.bold if bold else self.regular
        return Paragraph(markup(text, fonts), style or self.body)


def _sources(*features: Feature | None) -> list[str]:
    """The distinct ``source`` and ``occupancy_source`` values, as labels."""
    found: list[str] = []
    for feature in features:
        if feature is None:
            continue
        for key in ("source", "occupancy_source"):
            value = feature.properties.get(key)
            label = value_label(str(value)) if value else ""
            if label and label not in found:
                found.append(label)
    return found


def parcel_site(store: Store, parcel_id: str, lang: str) -> Site:
    """The parcel's report, from the parcel page's context.

    Raises:
        LayerNotFound: the store has no parcels layer.
        FeatureNotFound: no parcel with that id.
    """
    ctx = parcel_context(store, parcel_id, lang)
    parcel: Feature = ctx["parcel"]
    park = ctx["park"]
    park_feature = store.get("parks", park.id) if park is not None else None
    return Site(
        "parcel",
        parcel,
        gettext("Parcel %(id)s", id=parcel.id),
        f"{park.name} · {ctx['status']}" if park is not None else ctx["status"],
        external_url("investor.parcel_page", parcel_id=parcel.id, lang=lang),
        sec.make(sec.PARCEL_SECTIONS, ctx),
        _sources(parcel, park_feature),
    )


def park_site(store: Store, park_id: str, lang: str) -> Site:
    """The park's report, from the park page's context (all distances added).

    Raises:
        LayerNotFound: the store has no parks layer.
        FeatureNotFound: no park with that id.
    """
    ctx = park_context(store, park_id, lang, with_map=False)
    park: Feature = ctx["park"]
    ctx["distances"] = distances(park.properties, Lookups.cached(store, lang))
    status = value_label(str(park.properties.get("status") or ""))
    return Site(
        "park",
        park,
        ctx["name"],
        status,
        external_url("investor.park_page", park_id=park.id, lang=lang),
        sec.make(sec.PARK_SECTIONS, ctx),
        _sources(park),
        crowd=ctx["parcel_count"],
    )


class QrCode(Flowable):
    """A QR code drawn as vector squares, with its four-module quiet zone."""

    def __init__(self, text: str, size: float) -> None:
        super().__init__()
        self.matrix = [
            list(row) for row in segno.make(text, error="m", micro=False).matrix
        ]
        self.width = self.height = size

    def draw(self) -> None:
        """Dark modules as runs of squares on white."""
        count = len(self.matrix) + 8
        cell = self.width / count
        canvas = self.canv
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        for r, row in enumerate(self.matrix):
            y = self.height - (r + 5) * cell
            c = 0
            while c < len(row):
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < len(row) and row[c]:
                    c += 1
                canvas.rect(
                    (start + 4) * cell, y, (c - start) * cell, cell, stroke=0, fill=1
                )


def _header(site: Site, st: Styles) -> PdfTable:
    """Title, subtitle and address on the left; the QR code on the right."""
    left = [
        st.para(gettext("Site report"), st.small, bold=True),
        st.para(site.title, st.title, bold=True),
        Spacer(1, 2),
        st.para(site.subtitle),
        Spacer(1, 2),
        st.para(site.url, st.small),
    ]
    right = [
        QrCode(site.url, QR_SIZE),
        st.para(gettext("Scan to open this page online."), st.small),
    ]
    table = PdfTable(
        [[left, right]], colWidths=[A4[0] - 2 * MARGIN - QR_SIZE - 4, QR_SIZE + 4]
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), st.regular.first),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _keys(site: Site, statuses: Iterable[Any]) -> list[Key]:
    """The legend: the site, the parks' outlines, the parcels' statuses, landmarks."""
    what = gettext("Parcel") if site.kind == "parcel" else gettext("Industrial park")
    keys = [
        Key(what, "line", HIGHLIGHT),
        Key(gettext("Park boundary"), "line", PARK_LINE),
    ]
    keys += [Key(s.label, "fill", colors.HexColor(s.color)) for s in statuses]
    keys.append(Key(gettext("Landmark"), "dot", LANDMARK))
    return keys


def _table(table: sec.Table, st: Styles, width: float) -> PdfTable:
    """A section's table: label/value pairs, or a header row over the rows."""
    columns = len(table.header) or len(table.rows[0]) if table.rows else 2
    shares = [2.0] + [1.0] * (columns - 1)
    widths = [width * s / sum(shares) for s in shares]
    right = ParagraphStyle("num", parent=st.body, alignment=TA_RIGHT)

    def cell(text: str, col: int, bold: bool = False) -> Paragraph:
        return st.para(text, right if col in table.numeric else st.body, bold=bold)

    data = []
    if table.header:
        data.append([cell(h, i, bold=True) for i, h in enumerate(table.header)])
    data += [[cell(v, i) for i, v in enumerate(row)] for row in table.rows]
    if table.footer:
        data.append([cell(v, i, bold=True) for i, v in enumerate(table.footer)])
    style = [
        ("FONTNAME", (0, 0), (-1, -1), st.regular.first),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if table.header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    else:
        style.append(("BACKGROUND", (0, 0), (0, -1), SHADE))
    pdf = PdfTable(data, colWidths=widths, repeatRows=1 if table.header else 0)
    pdf.setStyle(TableStyle(style))
    return pdf


def _section(section: sec.Section, st: Styles, width: float) -> list[Flowable]:
    head: list[Flowable] = [st.para(section.title, st.heading, bold=True)]
    if section.text:
        head.append(st.para(section.text))
    body: list[Flowable] = []
    if section.table is not None and section.table.rows:
        body.append(_table(section.table, st, width))
    body += [st.para(n, st.small) for n in section.notes]
    return [KeepTogether(head + body[:1]), *body[1:]]


def _sources_section(site: Site, st: Styles) -> list[Flowable]:
    out: list[Flowable] = [
        st.para(gettext("Data and sources"), st.heading, bold=True),
        st.para(data_attribution().unescape()),  # plain text: para escapes it
    ]
    if site.sources:
        listed = ", ".join(site.sources)
        out.append(st.para(f"{gettext('Source')}: {listed}"))
    out.append(
        st.para(
            gettext(
                "Distances are straight lines between centres. Map drawn from the "
                "service's own layers; north is up."
            ),
            st.small,
        )
    )
    return out


def _footer(site: Site, st: Styles) -> Any:
    """Draws the site, the page's address and the page number on every page."""

    def draw(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        y = MARGIN / 2
        _line(canvas, MARGIN, y, f"{gettext('Site report')} · {site.title}", st.regular)
        page = gettext("Page %(page)s", page=doc.page)
        canvas.setFont(st.regular.first, 7)
        _line(
            canvas,
            A4[0] - MARGIN - canvas.stringWidth(page, st.regular.first, 7),
            y,
            page,
            st.regular,
        )
        canvas.restoreState()

    return draw


def _line(canvas: Canvas, x: float, y: float, text: str, fonts: Chain) -> None:
    canvas.setFillColor(colors.HexColor("#4a5663"))
    for name, part in runs(text, fonts):
        canvas.setFont(name, 7)
        canvas.drawString(x, y, part)
        x += canvas.stringWidth(part, name, 7)


def render(store: Store, site: Site, lang: str) -> bytes:
    """The report as PDF bytes."""
    st = Styles.of(lang)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{gettext('Site report')}: {site.title}",
        lang=lang,
        initialFontName=st.regular.first,  # no Helvetica: every font is embedded
    )
    ground = PARCEL_GROUND_M if site.kind == "parcel" else PARK_GROUND_M
    drawing = site_map(
        store,
        site.feature,
        st.regular,
        (doc.width, MAP_HEIGHT),
        least_m=ground,
        crowd=site.crowd,
    )
    drawing.keys = _keys(site, drawing.data.statuses)
    caption = (
        gettext("Map of the parcel and its surroundings")
        if site.kind == "parcel"
        else gettext("Map of the park")
    )
    story: list[Flowable] = [
        _header(site, st),
        Spacer(1, 4 * mm),
        st.para(caption, st.heading, bold=True),
        drawing,
    ]
    if drawing.data.undrawn:
        note = gettext(
            "%(count)s parcels lie in this view, too many to draw at this scale; "
            "the tables list them.",
            count=number(drawing.data.undrawn, 0),
        )
        story.append(st.para(note, st.small))
    for section in site.sections:
        story += _section(section, st, doc.width)
    story += _sources_section(site, st)
    footer = _footer(site, st)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
