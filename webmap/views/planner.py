"""The planner's site-clearance tracker: dashboard, park pages, JSON API, exports.

Every route needs a signed-in planner (admins pass); writes carry the CSRF header
``X-CSRFToken``. ``?at=`` (YYYY-MM-DD, end of that day UTC, or an ISO 8601
date-time with offset) shows clearance as it stood then. The clearance map lives in
``webmap/views/planner_map.py``.

- ``GET /planner``: progress per park, charts, overdue parcels, export links;
- ``GET /planner/parks/<park_id>``: the park's parcels, editable, and its history;
- ``GET /planner/api/progress``, ``/planner/api/timeline``,
  ``GET|PATCH /planner/api/parcels/<id>``, ``GET /planner/api/parks/<id>/history``;
- ``GET /planner/report.xlsx``, ``/planner/report.csv``;
- ``GET /planner/charts/progress.svg``, ``/planner/charts/timeline.svg``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from markupsafe import Markup
from werkzeug.routing import BuildError

from layers.clearance.rules import STAGES
from webmap import planner
from webmap.auth import current_user, require
from webmap.core import responses as r
from webmap.core.errors import register_errors
from webmap.core.i18n import current_language, number
from webmap.core.languages import language_links
from webmap.core.openapi import LANG, Doc, PathParam, documented, segment_with_example
from webmap.core.store import get_store
from webmap.planner import charts, exports, labels
from webmap.planner.params import AT, parse_at, parse_edit
from webmap.planner.report import Report, build_report, find_park, timeline_points
from webmap.planner.schemas import edit_body

bp = Blueprint("planner", __name__, url_prefix="/planner")


@bp.record_once
def _errors(state: BlueprintSetupState) -> None:
    """Add the planner's exceptions to the app's error table."""
    register_errors(state.app, planner.ERRORS, planner.EXTRA)


CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
SVG_MIMETYPE = "image/svg+xml"
PAGE_QUERY = ("at",)  # what the planner's pages read, kept by their language links
BAD_AT = r.problem(400, "at is neither a day nor a date-time with offset.")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
API = r.merged(r.API_SIGN_IN, r.STORE_DOWN)
GUARDED = r.merged(r.SIGN_IN, r.STORE_DOWN)
UNTRACKED = r.problem(404, "The parcel is not under clearance.")
NO_PARK = r.problem(404, "No such park.")


def _tracked(facts: Any) -> PathParam:
    return segment_with_example("parcel_id", "A parcel under clearance.", facts.tracked)


def _park(facts: Any) -> PathParam:
    return segment_with_example("park_id", "A park.", facts.park)


def _report_doc(operation_id: str, summary: str, media_type: str) -> Doc:
    return Doc(
        operation_id,
        summary,
        "Planner",
        r.merged(r.file(media_type), BAD_AT, GUARDED),
        (AT, LANG),
        security=r.SIGNED_IN,
    )


@bp.before_request
def _signed_in_planner() -> Response | None:
    """Every planner route: a planner or admin (sign-in redirect, 401 or 403)."""
    return require("planner")


@bp.after_request
def _private(response: Response) -> Response:
    """Per-user data that changes with every edit: never cached, never framed."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Frame-Options"] = "DENY"
    return response


def _report() -> Report:
    """The report for ``?at=`` (now without it) in the request's language."""
    when = parse_at(request.args.get("at"))
    return build_report(get_store(), when, current_language())


def _map_url() -> str | None:
    """The clearance map's URL, if that page is registered."""
    try:
        return url_for("planner_map.map_page")
    except BuildError:
        return None


def _page(template: str, **context: object) -> str:
    """Render a planner page with what every page needs."""
    lang = current_language()
    return render_template(
        template,
        lang=lang,
        languages=language_links(PAGE_QUERY),
        user=current_user(),
        number=number,
        stage_label=labels.stage_label,
        field_label=labels.field_label,
        stages=STAGES,
        map_url=_map_url(),
        **context,
    )


@bp.get("")
@documented(
    Doc(
        "getPlannerDashboard",
        "Progress per park, charts, overdue parcels.",
        "Planner",
        r.merged(r.page(), BAD_AT, GUARDED),
        (AT, LANG),
        security=r.SIGNED_IN,
    )
)
def dashboard() -> str:
    """Progress per park (bottlenecks first), the charts, overdue parcels."""
    report = _report()
    at = request.args.get("at", "").strip()
    return _page(
        "planner/dashboard.html",
        report=report,
        at=at,
        progress_svg=Markup(
            charts.progress_chart(report.progress, labels.progress_labels(), number)
        ),
        timeline_svg=Markup(_timeline_svg(report)),
    )


@bp.get("/parks/<park_id>")
@documented(
    Doc(
        "getPlannerPark",
        "A park's parcels with edit forms, and its history.",
        "Planner",
        r.merged(r.page(), NO_PARK, GUARDED),
        lambda facts: (_park(facts), LANG),
        security=r.SIGNED_IN,
    )
)
def park_page(park_id: str) -> str:
    """One park's parcels with an edit form per row, and the park's history."""
    store = get_store()
    park = find_park(store, park_id)
    report = build_report(store, None, current_language())
    rows = [row for row in report.rows if row.park_id == park.park_id]
    history = list(reversed(store.clearance.history(park_id=park.park_id)))
    return _page(
        "planner/park.html",
        park=park,
        park_name=park.name(report.lang),
        report=report,
        rows=rows,
        history=history,
        describe=labels.describe_change,
    )


@bp.get("/api/progress")
@documented(
    Doc(
        "getClearanceProgress",
        "Progress per park, bottlenecks first.",
        "Planner",
        r.merged(r.json_ok("Progress"), BAD_AT, API),
        (AT, LANG),
        security=r.SIGNED_IN,
    )
)
def api_progress() -> Response:
    """``{"as_of", "source", "parks": [...]}``, bottleneck parks first."""
    return jsonify(_report().to_dict())


@bp.get("/api/timeline")
@documented(
    Doc(
        "getClearanceTimeline",
        "Cleared hectares per park after each day with changes.",
        "Planner",
        r.merged(r.json_ok("Timeline"), API),
        security=r.SIGNED_IN,
    )
)
def api_timeline() -> Response:
    """``{"points": [{"date", "parks": {park_id: ha}, "total"}]}``."""
    return jsonify({"points": timeline_points(get_store())})


@bp.get("/api/parcels/<parcel_id>")
@documented(
    Doc(
        "getParcelClearance",
        "A parcel's clearance record and its history.",
        "Planner",
        r.merged(r.json_ok("ParcelClearance"), UNTRACKED, API),
        lambda facts: (_tracked(facts),),
        security=r.SIGNED_IN,
    )
)
def api_parcel(parcel_id: str) -> Response:
    """One parcel's clearance and its history (404 when not tracked)."""
    store = get_store()
    row = store.clearance.record(parcel_id)
    history = store.clearance.history(parcel_id=parcel_id)
    return jsonify(
        {"clearance": row.to_dict(), "history": [r.to_dict() for r in history]}
    )


@bp.patch("/api/parcels/<parcel_id>")
@documented(
    Doc(
        "editParcelClearance",
        "Change a parcel's clearance (based on its current version).",
        "Planner",
        r.merged(
            r.json_ok("ClearanceEdit"),
            r.BAD_WRITE,
            UNTRACKED,
            r.TOO_LARGE,
            r.problem(409, "The version is not the current one (current holds it)."),
            r.problem(422, "A value breaks a clearance rule (field names it)."),
            API,
        ),
        lambda facts: (_tracked(facts),),
        edit_body(),
        r.WRITE,
    )
)
def api_parcel_patch(parcel_id: str) -> Response:
    """Apply ``{"version", "changes", "reason"}``: 200, 400, 404, 409 or 422."""
    edit = parse_edit(request.get_data(cache=False))
    user = current_user()
    row, record = get_store().clearance.update(
        parcel_id,
        edit.version,
        edit.changes,
        user=user.username if user else "",
        reason=edit.reason,
    )
    return jsonify(
        {"clearance": row.to_dict(), "audit": record.to_dict() if record else None}
    )


@bp.get("/api/parks/<park_id>/history")
@documented(
    Doc(
        "getParkClearanceHistory",
        "A park's accepted changes, oldest first.",
        "Planner",
        r.merged(r.json_ok("History"), NO_PARK, API),
        lambda facts: (_park(facts),),
        security=r.SIGNED_IN,
    )
)
def api_park_history(park_id: str) -> Response:
    """A park's accepted changes, oldest first (404 for an unknown park)."""
    store = get_store()
    park = find_park(store, park_id)
    history = store.clearance.history(park_id=park.park_id)
    return jsonify({"history": [r.to_dict() for r in history]})


def _download(data: bytes, mimetype: str, report: Report, suffix: str) -> Response:
    """An attachment named after the report's day."""
    name = f"clearance-{report.as_of.date().isoformat()}.{suffix}"
    response = Response(data, 200, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/report.xlsx")
@documented(_report_doc("getClearanceWorkbook", "The workbook.", XLSX))
def report_xlsx() -> Response:
    """The workbook: Parks, Parcels and History sheets."""
    report = _report()
    data = exports.xlsx_bytes(report, get_store().clearance.history())
    return _download(data, exports.XLSX_MIMETYPE, report, "xlsx")


@bp.get("/report.csv")
@documented(_report_doc("getClearanceCSV", "One row per parcel.", "text/csv"))
def report_csv() -> Response:
    """One row per tracked parcel, UTF-8 with a BOM."""
    report = _report()
    return _download(exports.csv_bytes(report), "text/csv", report, "csv")


@bp.get("/charts/progress.svg")
@documented(
    _report_doc(
        "getProgressChart", "Cleared against planned ha per park.", SVG_MIMETYPE
    )
)
def chart_progress() -> Response:
    """Cleared against planned hectares per park (as of ``?at=``)."""
    report = _report()
    svg = charts.progress_chart(report.progress, labels.progress_labels(), number)
    return Response(svg, 200, mimetype=SVG_MIMETYPE)


@bp.get("/charts/timeline.svg")
@documented(_report_doc("getTimelineChart", "Cleared ha over time.", SVG_MIMETYPE))
def chart_timeline() -> Response:
    """Cleared hectares over time, in all and per park."""
    return Response(_timeline_svg(_report()), 200, mimetype=SVG_MIMETYPE)


def _timeline_svg(report: Report) -> str:
    """The timeline chart with the report's park names."""
    names = {pid: report.park_name(pid) for pid in report.parks}
    points = timeline_points(get_store())
    if report.historic:  # up to the day asked for
        day = report.day.isoformat()
        points = [p for p in points if p["date"] <= day]
    return charts.timeline_chart(points, names, labels.timeline_labels(), number)
