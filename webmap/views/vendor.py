"""``/static/vendor/<package>/<path>``: whitelisted files of the npm libraries."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, send_file
from werkzeug.exceptions import NotFound

from webmap.mapview import assets

bp = Blueprint("vendor", __name__)


@bp.get("/static/vendor/<package>/<path:path>")
def file(package: str, path: str) -> Response:
    """One whitelisted file from ``node_modules`` (404 for anything else)."""
    target = assets.resolve(package, path, Path(current_app.config["VENDOR_DIR"]))
    if target is None:
        raise NotFound(f"no vendor file {package}/{path}")
    response = send_file(target, max_age=86400, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
