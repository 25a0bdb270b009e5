"""Health checks and the site icon (the map at ``/`` is in ``webmap/views/map.py``).

``/healthz`` says the process is up and touches nothing; ``/readyz`` says the store
opens and answers (503 problem+json saying why when it does not). Neither is cached
nor sets a cookie.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import Blueprint, Response, current_app, request, send_file

from layers.errors import StoreUnavailable
from webmap.core import responses as r
from webmap.core.openapi import Doc, documented
from webmap.core.store import get_store, store_kind

ICON = Path(__file__).resolve().parents[1] / "static" / "parkmap" / "favicon.svg"
PROBES = frozenset({"pages.healthz", "pages.readyz"})

bp = Blueprint("pages", __name__)


@bp.after_request
def _never_cached(response: Response) -> Response:
    """Probes answer now, not from a cache (error answers included)."""
    if request.endpoint in PROBES:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
@documented(Doc("getHealth", "The process is up.", "Operations", r.json_ok("Health")))
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@bp.get("/readyz")
@documented(
    Doc(
        "getReadiness",
        "The store opens and answers.",
        "Operations",
        r.merged(r.json_ok("Ready"), r.STORE_DOWN),
    )
)
def readyz() -> dict[str, str | None]:
    """The store opens and answers a trivial query.

    Raises:
        StoreUnavailable: no store file, a file that is not a store, or PostGIS
            unreachable (answered 503).
    """
    try:
        store = get_store()
        build = store.build_id()
        store.layers()
    except sqlite3.DatabaseError as exc:  # a file that is not SQLite at all
        raise StoreUnavailable(f"the store cannot be read: {exc}") from None
    return {
        "status": "ready",
        "store": store_kind(current_app.config["STORE"]),
        "build_id": build,
    }


@bp.get("/favicon.ico")
@documented(
    Doc(
        "getIcon",
        "The site icon (SVG).",
        "Operations",
        r.merged(r.file("image/svg+xml"), r.NOT_MODIFIED),
    )
)
def favicon() -> Response:
    """The site icon, for pages that do not name one (browsers ask anyway)."""
    return send_file(ICON, mimetype="image/svg+xml", max_age=86400)
