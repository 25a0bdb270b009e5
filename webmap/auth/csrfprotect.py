"""CSRF protection for every state-changing request (Flask-WTF's CSRFProtect).

Forms send the token as the field ``csrf_token``; scripts read
``<meta name="csrf-token">`` and send it as the ``X-CSRFToken`` header. A view that
takes no cookie (the Bearer-token VR upload) is marked with ``@csrf.exempt``.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from flask_wtf.csrf import CSRFError, CSRFProtect

from webmap.core.errors import problem

logger = logging.getLogger(__name__)

csrf = CSRFProtect()


def csrf_failed(exc: CSRFError) -> Response:
    """A 400 problem saying the CSRF token is missing or invalid, and why."""
    logger.info("CSRF check failed on %s %s: %s", request.method, request.path, exc)
    reason = exc.description or "CSRF validation failed."
    return problem(CSRFError(f"The CSRF token is missing or invalid: {reason}"))


def init_app(app: Flask) -> None:
    """Protect ``app`` and answer CSRF failures as problems."""
    csrf.init_app(app)
    app.register_error_handler(CSRFError, csrf_failed)
