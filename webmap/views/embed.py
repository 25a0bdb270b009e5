"""``/embed``: the map without page chrome, for iframes; ``/embed.js`` for portals."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, send_from_directory

from webmap.core import responses as r
from webmap.core.openapi import Doc, documented
from webmap.mapview.page import render_map
from webmap.mapview.params import page_params
from webmap.mapview.request import page_context, view_state
from webmap.mapview.response import page

bp = Blueprint("embed", __name__)


@bp.get("/embed")
@documented(
    Doc(
        "getEmbed",
        "The map for iframes.",
        "Map",
        r.merged(r.page(), r.STORE_DOWN),
        page_params,
    )
)
def embed() -> Response:
    """The map set by the query (layers, park, bbox, lang, base, legend)."""
    state = view_state()
    parts = render_map(state, embed=True)
    html = render_template(
        "map/embed.html", map=parts, **page_context(state, "embed.embed")
    )
    return page(html)


@bp.get("/embed.js")
@documented(
    Doc(
        "getEmbedScript",
        "The embed snippet's script.",
        "Map",
        r.merged(r.file("text/javascript"), r.NOT_MODIFIED),
    )
)
def script() -> Response:
    """The snippet's script: inserts the iframe, sizes it, relays its messages."""
    response = send_from_directory(
        current_app.static_folder or "static", "parkmap/embed.js", max_age=3600
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
