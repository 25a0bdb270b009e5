"""The periodic report's HTTP answer: a .docx or .xlsx with its name and ETag.

A report depends on the period and the published periods it is compared with
(``choice.periods_state``), the store's build (parks, housing, clearance), its
language and format, and this code's version; its ETag is made of those, so a
client that holds it gets 304 without the file being written again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence

from flask import Response, request

from layers.periods.rules import DRAFT, Period
from layers.store.open import FullStore
from webmap.periods import docx, xlsx
from webmap.periods.choice import choose, periods_state, report_sources
from webmap.periods.numbers import report_language
from webmap.periods.tables import Sources

VERSION = "periodic-report-1"  # change with the layout: old ETags go stale
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
Builder = Callable[[Period, Sequence[Period], str, Sources], bytes]
FORMATS: dict[str, tuple[str, Builder]] = {
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        docx.report_docx,
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        xlsx.report_xlsx,
    ),
}


def filename(period: Period, lang: str, extension: str) -> str:
    """A safe download name: ``bao-cao-2023-10-14-month-vi.docx`` (``-draft``)."""
    draft = "-draft" if period.status == DRAFT else ""
    return f"bao-cao-{UNSAFE.sub('_', period.id)[:60]}{draft}-{lang}.{extension}"


def etag(store: FullStore, period: Period, lang: str, extension: str) -> str:
    """The file's ETag: version, build, the periods' state, the period, language."""
    parts = (
        VERSION,
        store.build_id() or "",
        periods_state(store.periods),
        period.id,
        str(period.revision),
        lang,
        extension,
    )
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def send(store: FullStore, asked: str, extension: str, admin: bool) -> Response:
    """The report of the period ``asked`` (an id or ``latest``) as a file.

    Raises:
        InvalidParameter: ``lang`` is not ``vi`` or ``en`` (→ 400).
        PeriodNotFound: no such period, or a draft asked for by the public (→ 404).
    """
    lang = report_language(request.args.get("lang", "vi"))
    period = choose(store.periods, asked, admin)
    mimetype, build = FORMATS[extension]
    tag = etag(store, period, lang, extension)
    response = Response(mimetype=mimetype)
    # A draft is an admin's alone: no shared cache may keep it.
    private = period.status == DRAFT
    response.headers["Cache-Control"] = "private, no-store" if private else "no-cache"
    response.headers["Vary"] = "Cookie"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{filename(period, lang, extension)}"'
    )
    response.set_etag(tag)
    if tag in request.if_none_match:
        response.status_code = 304
        return response
    published = store.periods.periods()
    response.set_data(build(period, published, lang, report_sources(store, lang)))
    return response
