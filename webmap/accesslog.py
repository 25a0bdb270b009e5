"""Request ids, request timing and one JSON access-log line per request.

Every response carries ``X-Request-ID``: the client's (or the proxy's) when it is a
short token, else a fresh one. With ``PARKMAP_ACCESS_LOG`` on (the default unless
``PARKMAP_ENV_NAME=development``), the ``webmap.access`` logger writes one JSON object
per request: method, route (the URL rule), path (never the query string), status,
duration_ms, bytes, remote address, request id and the signed-in user. Headers such
as ``Authorization`` and ``Cookie`` are never logged.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time

from flask import Flask, Response, current_app, g, request, session

from webmap.auth.session import USER

logger = logging.getLogger("webmap.access")

HEADER = "X-Request-ID"
ENVIRON_KEY = "HTTP_X_REQUEST_ID"  # where WSGI puts HEADER
SAFE_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
_HANDLER_MARK = "parkmap_access_handler"


def init_app(app: Flask) -> None:
    """Time every request and tag it with a request id; log it if ``ACCESS_LOG``.

    Call this before any other ``before_request``/``after_request`` is registered,
    so the timer starts first and the log line sees the final response.
    """
    if app.config["ACCESS_LOG"]:
        _add_handler()
    app.before_request(_start)
    app.after_request(_finish)


def _add_handler() -> None:
    """Bare JSON lines on stderr, once per process, not repeated by the root logger."""
    logger.setLevel(logging.INFO)
    if any(getattr(h, _HANDLER_MARK, False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    setattr(handler, _HANDLER_MARK, True)
    logger.addHandler(handler)
    logger.propagate = False


def _start() -> None:
    g.parkmap_started = time.perf_counter()
    given = request.environ.get(ENVIRON_KEY, "")  # headers.get raises on a miss
    g.parkmap_request_id = given if given and SAFE_ID.fullmatch(given) else new_id()


def new_id() -> str:
    """A fresh request id: 32 random hex digits."""
    return os.urandom(16).hex()


def elapsed() -> float:
    """Seconds since this request started (0 if the timer never started)."""
    started = g.get("parkmap_started")
    return time.perf_counter() - started if started is not None else 0.0


def route() -> str:
    """The URL rule that matched (bounded for metrics), or ``unmatched``."""
    rule = request.url_rule
    return rule.rule if rule is not None else "unmatched"


def request_id() -> str:
    """This request's id (made now if the timer never started)."""
    if "parkmap_request_id" not in g:
        g.parkmap_request_id = new_id()
    return str(g.parkmap_request_id)


def _finish(response: Response) -> Response:
    response.headers[HEADER] = request_id()
    if current_app.config["ACCESS_LOG"]:
        logger.info("%s", json.dumps(_record(response), ensure_ascii=False))
    return response


def _record(response: Response) -> dict[str, object]:
    """The access-log fields of this request and its response."""
    return {
        "request_id": request_id(),
        "method": request.method,
        "route": route(),
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round(elapsed() * 1000, 2),
        "bytes": response.content_length,
        "remote_addr": request.remote_addr,
        "user": _user(),
    }


def _user() -> str | None:
    """The signed-in user's name, from the signed session cookie only.

    Neither the accounts database nor a session is opened for cookie-less requests.
    """
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return None
    name = session.get(USER)
    return str(name) if name else None
