"""The admins' pages for reporting periods: list, template, upload, edit, publish.

- ``GET /admin/periods``: every period, drafts too, newest first;
- ``GET /admin/periods/template.xlsx``: the spreadsheet to fill in (``?period=``
  prefilled from a stored period);
- ``POST /admin/periods/upload``: a filled-in spreadsheet becomes a draft (or a
  draft's next revision, with ``base_revision``);
- ``GET /admin/periods/<id>``: its figures, status, history and what each revision
  changed (``?revision=n`` shows an earlier one);
- ``POST /admin/periods/<id>`` (edit a draft), ``…/publish``, ``…/delete`` and
  ``…/correct`` (a published period's new revision, with a reason).

Only admins (a browser without a session is sent to sign in, a planner gets 403);
every POST carries the CSRF token. A refused change (problems in the file or the
form, a stale revision, a published period) answers a page saying why, with the
status the API would give; nothing is stored then. The JSON twins are in
``webmap/views/periods_api.py``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, redirect, render_template, request
from flask import url_for as flask_url_for
from flask.blueprints import BlueprintSetupState

from layers.periods.rules import (
    HEADLINE_FIELDS,
    PARK_FIELDS,
    PUBLISHED,
    PeriodNotPublished,
    PeriodPublished,
    PeriodRejected,
    StalePeriod,
)
from layers.periods.template import write_template
from webmap import periods
from webmap.auth import current_user, require
from webmap.core import responses as r
from webmap.core.errors import register_errors
from webmap.core.i18n import current_language, number
from webmap.core.languages import language_links
from webmap.core.limits import body_limit
from webmap.core.lookups import Lookups
from webmap.core.openapi import LANG, Doc, documented, query, segment
from webmap.core.params import InvalidParameter
from webmap.core.store import get_store
from webmap.periods import actions, edits, names
from webmap.views.enquiries import private

bp = Blueprint("periods_admin", __name__, url_prefix="/admin/periods")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERIOD_ID = segment("period_id", "A period: its end date and kind.")
GUARDED = r.merged(r.SIGN_IN, r.STORE_DOWN)
NO_PERIOD = r.problem(404, "No such period (or revision).")
REFUSED = r.merged(
    r.empty(303, "Done: to the period's page."),
    r.problem(400, "A bad CSRF token, base_revision or reason.", html=True),
    r.problem(409, "Stale base_revision, or the period is published.", html=True),
    r.problem(422, "Problems in the file or form, each named.", html=True),
    r.TOO_LARGE,
    GUARDED,
)


def register_period_errors(state: BlueprintSetupState) -> None:
    """Add the periods' exceptions to the app's error table."""
    register_errors(state.app, periods.ERRORS, periods.EXTRA)


bp.record_once(register_period_errors)


@bp.before_request
def admin_only() -> Response | None:
    """Every route: an admin (sign-in redirect, 401 or 403)."""
    return require("admin")


bp.after_request(private)  # unpublished figures: never cached, never framed


def username() -> str:
    """The signed-in admin's name, kept with each change."""
    user = current_user()
    return user.username if user else ""


def _url(endpoint: str, **values: Any) -> str:
    return flask_url_for(f"periods_admin.{endpoint}", lang=current_language(), **values)


def _shown(value: Any) -> str:
    """A changed value as the history shows it: numbers in the request's language."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, int | float):
        return number(value, 4)
    return str(value)


def _page(
    template: str, status: int = 200, links: bool = True, **context: Any
) -> tuple[str, int]:
    """Render an admin periods page with what every one needs.

    ``links``: the page has language links (not an answer to a POST, whose URL a
    GET cannot load).
    """
    lang = current_language()
    lookups = Lookups.cached(get_store(), lang)
    html = render_template(
        template,
        lang=lang,
        languages=language_links(("revision",)) if links else [],
        user=current_user(),
        number=number,
        shown=_shown,
        field_name=names.field_name,
        unit_name=names.unit_name,
        kind_name=names.kind_name,
        status_name=names.status_name,
        park_name=lambda pid: lookups.name("parks", pid),
        url=_url,
        **context,
    )
    return html, status


@bp.errorhandler(PeriodRejected)
@bp.errorhandler(StalePeriod)
@bp.errorhandler(PeriodPublished)
@bp.errorhandler(PeriodNotPublished)
@bp.errorhandler(InvalidParameter)
def refused(exc: Exception) -> tuple[str, int]:
    """A refused change: a page saying why (every problem, escaped by the template)."""
    status = periods.ERRORS.get(type(exc), 400)
    problems = exc.problems if isinstance(exc, PeriodRejected) else []
    period_id = (request.view_args or {}).get("period_id", "")
    return _page(
        "periods/admin_refused.html",
        status,
        links=False,
        problems=problems,
        conflict=status == 409,
        message="" if problems else str(exc),
        period_id=period_id,
    )


@bp.get("")
@documented(
    Doc(
        "getPeriodsAdmin",
        "Every reporting period, drafts too, newest first.",
        "Admin",
        r.merged(r.page(), GUARDED),
        (LANG,),
        security=r.SIGNED_IN,
    )
)
def index() -> tuple[str, int]:
    """Every period with its status and actions; the template and upload form."""
    found = get_store().periods.periods(include_drafts=True)
    return _page("periods/admin_list.html", periods=list(reversed(found)))


@bp.get("/template.xlsx")
@documented(
    Doc(
        "getPeriodTemplate",
        "The periods spreadsheet to fill in.",
        "Admin",
        r.merged(r.file(XLSX), NO_PERIOD, GUARDED),
        (
            query("period", "Prefill from this stored period.", {"type": "string"}),
            LANG,
        ),
        security=r.SIGNED_IN,
    )
)
def template() -> Response:
    """The template, blank or with a stored period's values (its latest revision)."""
    store = get_store()
    lang = current_language()
    asked = request.args.get("period", "").strip()
    period = store.periods.get(asked) if asked else None
    names = Lookups.cached(store, lang).names.get("parks", {})
    parks = actions.park_names(store, names)
    draft = actions.as_draft(period) if period else None
    data = write_template(parks, draft, "vi" if lang == "vi" else "en")
    name = f"period-{period.id}.xlsx" if period else "period-template.xlsx"
    response = Response(data, 200, mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.post("/upload")
@documented(
    Doc(
        "uploadPeriodPage",
        "Upload a filled-in spreadsheet as a draft (or a draft's next revision).",
        "Admin",
        REFUSED,
        (LANG,),
        actions.upload_body(),
        r.WRITE,
    )
)
@body_limit(actions.UPLOAD_SETTING)
def upload() -> Response:
    """Check the spreadsheet in full; store it as a draft; go to its page."""
    limit = actions.upload_limit()
    store = get_store()
    draft = actions.upload_draft(store, request.files.get(actions.FILE), limit)
    base = actions.base_revision(request.form.get("base_revision"))
    into = request.form.get("period", "").strip()
    period = actions.save_upload(store, draft, username(), base, into)
    return redirect(_url("period_page", period_id=period.id), 303)


def _history(period_id: str) -> list[dict[str, Any]]:
    """Every revision, newest first, each with what it changed."""
    store = get_store()
    revisions = store.periods.history(period_id)
    rows, before = [], None
    for revision in revisions:
        now = store.periods.get(period_id, revision.revision)
        changed = edits.changes(before, now) if before is not None else []
        rows.append({"revision": revision, "changes": changed})
        before = now
    return list(reversed(rows))


@bp.get("/<period_id>")
@documented(
    Doc(
        "getPeriodAdmin",
        "A period's figures, history and changes; its edit forms.",
        "Admin",
        r.merged(r.page(), NO_PERIOD, GUARDED),
        (
            PERIOD_ID,
            query("revision", "An earlier revision.", {"type": "integer"}),
            LANG,
        ),
        security=r.SIGNED_IN,
    )
)
def period_page(period_id: str) -> tuple[str, int]:
    """One period at its latest revision (or ``?revision=``), with its forms."""
    store = get_store()
    latest = store.periods.get(period_id)
    shown = store.periods.get(period_id, actions.asked_revision())
    return _page(
        "periods/admin_period.html",
        period=shown,
        latest=latest,
        current=shown.revision == latest.revision,
        published=latest.status == PUBLISHED,
        history=_history(period_id),
        park_ids=actions.form_parks(store, shown),
        headline_fields=HEADLINE_FIELDS,
        park_fields=PARK_FIELDS,
        form_value=edits.form_value,
        headline_input=edits.headline_input,
        park_input=edits.park_input,
        upload_limit=int(current_app.config["PERIOD_UPLOAD_MAX_BYTES"]),
    )


def _change_doc(operation_id: str, summary: str, body: bool = True) -> Doc:
    fields = {"base_revision": {"type": "integer", "minimum": 1}}
    schema = {"type": "object", "properties": fields}
    request_body = {"content": {actions.FORM: {"schema": schema}}} if body else None
    return Doc(
        operation_id,
        summary,
        "Admin",
        r.merged(REFUSED, NO_PERIOD),
        (PERIOD_ID, LANG),
        request_body,
        r.WRITE,
    )


@bp.post("/<period_id>")
@documented(_change_doc("editPeriodPage", "Save a draft's edited figures."))
def edit(period_id: str) -> Response:
    """Save the edit form as the draft's next revision."""
    period = actions.edit_draft(get_store(), period_id, request.form, username())
    return redirect(_url("period_page", period_id=period.id), 303)


@bp.post("/<period_id>/publish")
@documented(_change_doc("publishPeriodPage", "Publish a draft.", body=False))
def publish(period_id: str) -> Response:
    """Publish the draft as it stands."""
    get_store().periods.publish(period_id, username())
    return redirect(_url("period_page", period_id=period_id), 303)


@bp.post("/<period_id>/delete")
@documented(_change_doc("deletePeriodPage", "Delete a draft.", body=False))
def delete(period_id: str) -> Response:
    """Remove the draft; back to the list."""
    get_store().periods.delete_draft(period_id, username())
    return redirect(_url("index"), 303)


@bp.post("/<period_id>/correct")
@documented(
    Doc(
        "correctPeriodPage",
        "Correct a published period (spreadsheet or form) with a reason.",
        "Admin",
        r.merged(REFUSED, NO_PERIOD),
        (PERIOD_ID, LANG),
        actions.correction_body(),
        r.WRITE,
    )
)
@body_limit(actions.UPLOAD_SETTING)
def correct(period_id: str) -> Response:
    """A new revision of the published period; the earlier ones stay."""
    limit = actions.upload_limit()
    period = actions.correct(
        get_store(),
        period_id,
        form=request.form,
        upload=request.files.get(actions.FILE),
        user=username(),
        max_bytes=limit,
    )
    return redirect(_url("period_page", period_id=period.id), 303)
