"""``/openapi.json``: the OpenAPI 3.0 document of every public route.

Written per request from the route tables in ``webmap/apidoc/`` and the store's
names (the OGC API's own document stays at ``/api/openapi``).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from webmap.apidoc import document
from webmap.apidoc.facts import gather
from webmap.store import get_store

bp = Blueprint("apidoc", __name__)


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """The document, for Swagger UI, code generators and schema-driven testers."""
    store = get_store()
    root = f"{request.scheme}://{request.host}{request.script_root}"
    response = jsonify(document(root, store.layers(), gather(store)))
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
