"""Static files: ``/static/vendor/<package>/<path>`` (npm libraries) and ``/static/``.

Both send the minified copy ``make assets`` built when there is a fresh one
(``webmap.core.assets``). A URL whose ``v`` is the file's current version is
cached for a year as immutable; other URLs keep their short lifetimes (a day for
the libraries, revalidation for the app's own files).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, request, send_file
from werkzeug.exceptions import NotFound

from webmap.core import assets

bp = Blueprint("vendor", __name__)

VENDOR_MAX_AGE = 86400
IMMUTABLE_MAX_AGE = 365 * 24 * 3600


@bp.get("/static/vendor/<package>/<path:path>")
def file(package: str, path: str) -> Response:
    """One whitelisted file from ``node_modules`` (404 for anything else)."""
    target = assets.vendor_file(package, path)
    if target is None:
        raise NotFound(f"no vendor file {package}/{path}")
    response = send(target, VENDOR_MAX_AGE)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def static_file(filename: str) -> Response:
    """``/static/<filename>``: the app's own JS, CSS and images (Flask's ``static``)."""
    target = assets.static_file(filename)
    if target is None:
        raise NotFound()
    return send(target, current_app.get_send_file_max_age(filename))


def send(target: Path, max_age: int | None) -> Response:
    """``target`` with ETag and Last-Modified; immutable when its version was asked."""
    if assets.is_current(target, request.args.get("v")):
        response = send_file(target, max_age=IMMUTABLE_MAX_AGE, conditional=True)
        response.cache_control.immutable = True
        return response
    return send_file(target, max_age=max_age, conditional=True)
