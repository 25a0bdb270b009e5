"""Health check and the site icon (the map at ``/`` is in ``webmap/views/map.py``)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_file

ICON = Path(__file__).resolve().parents[1] / "static" / "parkmap" / "favicon.svg"

bp = Blueprint("pages", __name__)


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The site icon, for pages that do not name one (browsers ask anyway)."""
    return send_file(ICON, mimetype="image/svg+xml", max_age=86400)
