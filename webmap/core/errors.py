"""One table from exception class to HTTP status; answers are RFC 9457 problems.

The table starts with the exceptions every surface raises (the store's, the tile
address's, a bad parameter's). Each feature adds its own pairs when its blueprint
is registered (``register_errors(app, {StaleEdit: 409})``), and the OGC API adds
the members its clients expect under its path prefix (``register_members``), so
this module imports no feature.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import (
    Flask,
    Response,
    current_app,
    has_app_context,
    has_request_context,
    request,
)
from werkzeug.exceptions import HTTPException

from geo.errors import InvalidTile
from layers.errors import (
    FeatureNotFound,
    InvalidFilter,
    InvalidQuery,
    LayerNotFound,
    NotSupportedByStore,
    StoreUnavailable,
)
from webmap.core.params import InvalidParameter

logger = logging.getLogger(__name__)

KEY = "parkmap.errors"
# Extra members of one exception's problem (e.g. a stale edit's current record).
Extra = Callable[[Any], dict[str, Any]]
# Members a path prefix's clients expect, from (exception, status, detail).
Members = Callable[[Exception, int, str], dict[str, Any]]

STATUS: dict[type[Exception], int] = {
    LayerNotFound: 404,
    FeatureNotFound: 404,
    InvalidFilter: 400,
    InvalidQuery: 400,
    StoreUnavailable: 503,
    NotSupportedByStore: 501,
    InvalidTile: 400,
    InvalidParameter: 400,
}


@dataclass(slots=True)
class ErrorTable:
    """One app's table: the core pairs, then the features' in registration order."""

    status: dict[type[Exception], int] = field(default_factory=lambda: dict(STATUS))
    extra: dict[type[Exception], Extra] = field(default_factory=dict)
    members: dict[str, Members] = field(default_factory=dict)


def _table(app: Flask | None = None) -> ErrorTable:
    """``app``'s table (the current app's by default); the core one outside apps."""
    if app is None:
        if not has_app_context():
            return ErrorTable()
        app = current_app._get_current_object()  # type: ignore[attr-defined]
    return app.extensions.setdefault(KEY, ErrorTable())


def register_errors(
    app: Flask,
    statuses: Mapping[type[Exception], int],
    extra: Mapping[type[Exception], Extra] | None = None,
) -> None:
    """Add a feature's exception → status pairs (and extra members) to the table.

    Args:
        app: the app whose table grows.
        statuses: each exception class and the status it answers.
        extra: for some of them, a function of the exception giving members the
            problem carries besides the usual ones.
    """
    table = _table(app)
    table.status.update(statuses)
    table.extra.update(extra or {})


def register_members(app: Flask, prefix: str, members: Members) -> None:
    """Add the members problems under the path ``prefix`` carry (e.g. OGC's)."""
    _table(app).members[prefix] = members


def problem(exc: Exception) -> Response:
    """Render an exception as ``application/problem+json``.

    An exception the table does not know is a bug: it is logged with its traceback
    and answered as a bare 500 ("Internal Server Error"), naming neither its class
    nor its message.
    """
    table = _table()
    status, title, detail = _status_title_detail(exc, table)
    internal = status >= 500 and not isinstance(
        exc, StoreUnavailable | NotSupportedByStore | HTTPException
    )
    if internal:
        logger.exception("unhandled %s", type(exc).__name__, exc_info=exc)
        title, detail = "Internal Server Error", "internal error"
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    for attr in () if internal else ("field", "parameter", "errors"):
        if getattr(exc, attr, None):
            body[attr] = getattr(exc, attr)
    extra = next((f for cls, f in table.extra.items() if isinstance(exc, cls)), None)
    if extra is not None:  # e.g. a stale edit's current record, to redraw a form
        body.update(extra(exc))
    for prefix, members_of in table.members.items() if has_request_context() else ():
        if f"{request.path}/".startswith(f"{prefix}/"):
            members = members_of(exc, status, detail)  # e.g. OGC API style
            if internal:
                members.pop("parameter", None)
            body.update(members)
    resp = Response(
        json.dumps(body, ensure_ascii=False),
        status,
        mimetype="application/problem+json",
    )
    retry_after = getattr(exc, "retry_after", None)
    if status == 429 and retry_after:  # e.g. TooManyEnquiries, TooManyRequests
        resp.headers["Retry-After"] = str(retry_after)
    if isinstance(exc, HTTPException):  # keep e.g. Allow on 405
        for key, value in exc.get_headers():
            if key.lower() != "content-type":
                resp.headers[key] = value
    return resp


def _status_title_detail(exc: Exception, table: ErrorTable) -> tuple[int, str, str]:
    """The status from the table (or the HTTP exception), a title and a detail."""
    if isinstance(exc, HTTPException):
        return exc.code or 500, exc.name, exc.description or ""
    status = next((s for cls, s in table.status.items() if isinstance(exc, cls)), 500)
    return status, type(exc).__name__, str(exc)


def register(app: Flask) -> None:
    """Give ``app`` its table of the core pairs and install the single handler."""
    _table(app)
    app.register_error_handler(Exception, problem)
