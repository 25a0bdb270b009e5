"""One table from exception class to HTTP status; answers are RFC 9457 problems."""

from __future__ import annotations

import json
import logging

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from layers.errors import (
    FeatureNotFound,
    InvalidFilter,
    LayerNotFound,
    StoreUnavailable,
)

logger = logging.getLogger(__name__)

STATUS: dict[type[Exception], int] = {
    LayerNotFound: 404,
    FeatureNotFound: 404,
    InvalidFilter: 400,
    StoreUnavailable: 503,
}


def problem(exc: Exception) -> Response:
    """Render an exception as ``application/problem+json``."""
    if isinstance(exc, HTTPException):
        status, title, detail = exc.code or 500, exc.name, exc.description
    else:
        status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 500)
        title, detail = type(exc).__name__, str(exc)
    if status >= 500 and not isinstance(exc, StoreUnavailable | HTTPException):
        logger.exception("unhandled error", exc_info=exc)
        detail = "internal error"
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    for attr in ("field", "parameter"):
        if getattr(exc, attr, None):
            body[attr] = getattr(exc, attr)
    return Response(
        json.dumps(body, ensure_ascii=False),
        status,
        mimetype="application/problem+json",
    )


def register(app: Flask) -> None:
    """Install the single error handler."""
    app.register_error_handler(Exception, problem)
