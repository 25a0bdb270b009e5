"""The admins' reporting periods as JSON, for API clients (``/admin/api/periods``).

The same changes as the pages (``webmap/views/periods_admin.py``), answered as
JSON, and refused as RFC 9457 problems: a spreadsheet or form with problems 422
with ``problems`` (each ``sheet``, ``row``, ``column``, ``message``), a stale
``base_revision`` or a published period 409, a missing reason 400.

- ``GET /admin/api/periods``: every period, drafts too, newest first;
- ``POST /admin/api/periods``: upload a spreadsheet (multipart ``file``, and
  ``base_revision`` to replace a draft's figures): 201 with the draft;
- ``GET /admin/api/periods/<id>``: the period (``?revision=``) and its history;
- ``POST /admin/api/periods/<id>``: a draft's edit form's fields;
- ``POST /admin/api/periods/<id>/publish``, ``…/correct``;
  ``DELETE /admin/api/periods/<id>``.

Only admins: no session 401, a planner 403; every write carries ``X-CSRFToken``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from layers.periods.rules import Period
from webmap.core import responses as r
from webmap.core.limits import body_limit
from webmap.core.openapi import Doc, documented, query
from webmap.core.store import get_store
from webmap.periods import actions, edits
from webmap.views.periods_admin import (
    PERIOD_ID,
    admin_only,
    register_period_errors,
    username,
)

bp = Blueprint("periods_api", __name__, url_prefix="/admin/api/periods")
API = r.merged(r.API_SIGN_IN, r.STORE_DOWN)
NO_PERIOD = r.problem(404, "No such period (or revision).")
WRITE_REFUSED = r.merged(
    r.BAD_WRITE,
    r.problem(409, "Stale base_revision (current_revision holds it), or published."),
    r.problem(422, "Problems in the file or form: problems lists each."),
    r.TOO_LARGE,
    API,
)
PERIOD_SCHEMA = {"type": "object", "description": "A period at one revision."}
ANSWER = {
    "type": "object",
    "properties": {"period": PERIOD_SCHEMA, "history": {"type": "array"}},
}


bp.record_once(register_period_errors)
bp.before_request(admin_only)  # no session 401, a planner 403


@bp.after_request
def _private(response: Response) -> Response:
    """Unpublished figures: never cached."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _answer(period: Period, status: int = 200) -> tuple[Response, int, dict[str, str]]:
    """The period, its history, and where it lives."""
    history = get_store().periods.history(period.id)
    body = {
        "period": edits.period_json(period),
        "history": [edits.revision_json(h) for h in history],
    }
    location = url_for("periods_api.get_period", period_id=period.id)
    return jsonify(body), status, {"Location": location}


def _write_doc(
    operation_id: str, summary: str, body: dict[str, Any] | None, status: int = 200
) -> Doc:
    return Doc(
        operation_id,
        summary,
        "Admin",
        r.merged(r.json_ok(ANSWER, status=status), WRITE_REFUSED, NO_PERIOD),
        (PERIOD_ID,),
        body,
        r.WRITE,
    )


@bp.get("")
@documented(
    Doc(
        "listPeriodsAdmin",
        "Every period, drafts too, newest first.",
        "Admin",
        r.merged(r.json_ok({"type": "object"}), API),
        security=r.SIGNED_IN,
    )
)
def list_periods() -> Response:
    """``{"periods": [...]}`` at their latest revisions, newest first."""
    found = get_store().periods.periods(include_drafts=True)
    return jsonify({"periods": [edits.period_json(p) for p in reversed(found)]})


@bp.post("")
@documented(
    Doc(
        "uploadPeriod",
        "Upload a filled-in spreadsheet as a draft (or a draft's next revision).",
        "Admin",
        r.merged(r.json_ok(ANSWER, status=201), WRITE_REFUSED),
        request_body=actions.upload_body(),
        security=r.WRITE,
    )
)
@body_limit(actions.UPLOAD_SETTING)
def upload() -> tuple[Response, int, dict[str, str]]:
    """Check the spreadsheet in full; store it as a draft: 201."""
    limit = actions.upload_limit()
    store = get_store()
    draft = actions.upload_draft(store, request.files.get(actions.FILE), limit)
    base = actions.base_revision(request.form.get("base_revision"))
    into = request.form.get("period", "").strip()
    return _answer(actions.save_upload(store, draft, username(), base, into), 201)


@bp.get("/<period_id>")
@documented(
    Doc(
        "getPeriodAdminJson",
        "A period (at ?revision=) and its history.",
        "Admin",
        r.merged(r.json_ok(ANSWER), NO_PERIOD, API),
        (PERIOD_ID, query("revision", "An earlier revision.", {"type": "integer"})),
        security=r.SIGNED_IN,
    )
)
def get_period(period_id: str) -> tuple[Response, int, dict[str, str]]:
    """The period at its latest revision or ``?revision=``, and every revision."""
    return _answer(get_store().periods.get(period_id, actions.asked_revision()))


FORM_BODY = {
    "required": True,
    "content": {
        actions.FORM: {
            "schema": {
                "type": "object",
                "required": ["base_revision", "title", "end", "kind"],
                "description": "title, end (YYYY-MM-DD), kind, illustrative, "
                "base_revision, and figures as h:<key> and p:<park_id>:<key>.",
            }
        }
    },
}


@bp.post("/<period_id>")
@documented(_write_doc("editPeriod", "Save a draft's figures (form).", FORM_BODY))
def edit(period_id: str) -> tuple[Response, int, dict[str, str]]:
    """The draft's next revision from the form's fields."""
    return _answer(actions.edit_draft(get_store(), period_id, request.form, username()))


@bp.post("/<period_id>/publish")
@documented(_write_doc("publishPeriod", "Publish a draft.", None))
def publish(period_id: str) -> tuple[Response, int, dict[str, str]]:
    """Publish the draft as it stands."""
    return _answer(get_store().periods.publish(period_id, username()))


@bp.post("/<period_id>/correct")
@documented(
    _write_doc(
        "correctPeriod",
        "Correct a published period with a reason: a new revision.",
        actions.correction_body(),
        201,
    )
)
@body_limit(actions.UPLOAD_SETTING)
def correct(period_id: str) -> tuple[Response, int, dict[str, str]]:
    """A new revision (a spreadsheet in ``file``, or form fields): 201."""
    limit = actions.upload_limit()
    upload = request.files.get(actions.FILE)
    period = actions.correct(
        get_store(),
        period_id,
        form=request.form,
        upload=upload,
        user=username(),
        max_bytes=limit,
    )
    return _answer(period, 201)


@bp.delete("/<period_id>")
@documented(
    Doc(
        "deletePeriod",
        "Delete a draft.",
        "Admin",
        r.merged(r.empty(204, "Deleted."), WRITE_REFUSED, NO_PERIOD),
        (PERIOD_ID,),
        security=r.WRITE,
    )
)
def delete(period_id: str) -> tuple[str, int]:
    """Remove the draft (never a published period: 409)."""
    get_store().periods.delete_draft(period_id, username())
    return "", 204
