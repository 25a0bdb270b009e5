"""The reporting periods' public surfaces: the figures page and the periodic report.

- ``GET /figures?period=<id>``: the headline figures as of a period with their
  changes, trend charts for all parks, the parks' figures, links to the report;
- ``GET /reports/<period>.docx?lang=vi|en`` and ``.xlsx``: the periodic report
  (``latest``: the latest published period). Drafts are an admin's only (marked
  DRAFT); to anyone else a draft is an unknown period (404 problem). A bad
  ``lang`` is a 400 problem naming it; ETag/304 from the periods and the build.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext

from layers.errors import LayerNotFound
from layers.periods.rules import PeriodNotFound
from layers.store.base import MAX_LIMIT
from webmap import periods
from webmap.auth import current_user
from webmap.core import responses as r
from webmap.core.errors import problem, register_errors
from webmap.core.i18n import current_language, display_name
from webmap.core.openapi import LANG, Doc, documented, query, segment
from webmap.core.page import respond
from webmap.core.store import get_store
from webmap.investor.page import common
from webmap.periods import download, figures
from webmap.periods.choice import choose

bp = Blueprint("figures", __name__)

PERIOD = query(
    "period",
    "The reporting period's id, e.g. 2023-10-14-month (default: the latest "
    "published period).",
)
REPORT_LANG = query(
    "lang",
    "The report's language: vi (default) or en; anything else is a 400 problem.",
    {"type": "string", "enum": ["vi", "en"]},
)
PERIOD_SEGMENT = segment(
    "period_id",
    "The period's id (2023-10-14-month) or latest.",
    {"type": "string", "example": "latest"},
)


@bp.record_once
def _errors(state: BlueprintSetupState) -> None:
    """Add the periods' exceptions to the app's error table."""
    register_errors(state.app, periods.ERRORS)


def is_admin() -> bool:
    """The signed-in user is an admin (who sees drafts)."""
    user = current_user()
    return user is not None and user.has_role("admin")


def _report_doc(operation: str, kind: str, media_type: str) -> Doc:
    return Doc(
        operation,
        f"The periodic report of a period as {kind}: its summary and tables "
        "(parks and occupancy, investment, workforce, business, housing, site "
        "clearance). Drafts: admins only.",
        "Reporting periods",
        r.merged(
            r.file(media_type, f"The report ({kind}); ETag, 304 when current."),
            r.NOT_MODIFIED,
            r.problem(400, "lang is not vi or en (the problem names it)."),
            r.problem(404, "No such published period."),
            r.STORE_DOWN,
        ),
        (PERIOD_SEGMENT, REPORT_LANG),
    )


@bp.get("/reports/<period_id>.docx")
@documented(_report_doc("getPeriodReportDocx", "Word", download.FORMATS["docx"][0]))
def report_docx(period_id: str) -> Response:
    """The periodic report as a .docx."""
    return download.send(get_store(), period_id, "docx", is_admin())


@bp.get("/reports/<period_id>.xlsx")
@documented(_report_doc("getPeriodReportXlsx", "Excel", download.FORMATS["xlsx"][0]))
def report_xlsx(period_id: str) -> Response:
    """The periodic report as a .xlsx."""
    return download.send(get_store(), period_id, "xlsx", is_admin())


def park_names(lang: str) -> dict[str, str]:
    """Park id → name in ``lang``, in the parks layer's order (none without it)."""
    try:
        page = get_store().query("parks", limit=MAX_LIMIT)
    except LayerNotFound:
        return {}
    return {f.id: display_name(f.properties, lang, f.id) for f in page.features}


@bp.get("/figures")
@documented(
    Doc(
        "getFiguresPage",
        "The authority's figures as of a reporting period, their changes and "
        "trends, with the periodic report to download.",
        "Reporting periods",
        r.merged(r.page(), r.page("No such published period.", 404), r.STORE_DOWN),
        (PERIOD, LANG),
    )
)
def page() -> Response:
    """The figures page."""
    lang = current_language()
    store = get_store()
    admin = is_admin()
    period = choose(store.periods, request.args.get("period"), admin)
    context = figures.page_context(
        store.periods.periods(include_drafts=admin), period, lang, park_names(lang)
    )
    html = render_template("periods/figures.html", **common(), **context)
    return respond(html, private=admin)


def period_not_found(exc: PeriodNotFound) -> str:
    """The message of a page asked for an unknown (or unpublished) period."""
    return gettext(
        "No published reporting period has the id %(id)s.", id=exc.period[:80]
    )


@bp.errorhandler(PeriodNotFound)
def not_found(exc: PeriodNotFound) -> Response:
    """A problem for the reports; a page saying so for the figures page."""
    if request.endpoint != "figures.page":
        return problem(exc)
    message = period_not_found(exc)
    html = render_template("investor/not_found.html", **common(), message=message)
    return respond(html, 404)
