"""``/openapi.json``: the OpenAPI 3.0 document of every public route.

Written by ``webmap/apidoc`` from the routes' declarations and the store's names
(the OGC API's own part is also at ``/api/openapi``), once per store build,
imagery registry, 360° manifest, published periods and site root: gathering the
names reads the store.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from webmap.apidoc import document
from webmap.apidoc.facts import gather
from webmap.core import responses as r
from webmap.core.cache import memo
from webmap.core.links import site_root
from webmap.core.openapi import Doc, documented
from webmap.core.published import stamp
from webmap.core.store import get_store
from webmap.imagery.service import raster_tiles
from webmap.ogc.figures import collection_infos
from webmap.vr.scenes import manifest_stamp

bp = Blueprint("apidoc", __name__)


@bp.get("/openapi.json")
@documented(
    Doc(
        "getServiceDefinition",
        "This document: every public route of the service.",
        "Operations",
        r.merged(r.json_ok({"type": "object"}), r.STORE_DOWN),
    )
)
def openapi_json() -> Response:
    """The document, for Swagger UI, code generators and schema-driven testers."""
    store = get_store()
    root = site_root()
    key = (
        "openapi",
        root,
        raster_tiles().registry.version(),
        manifest_stamp(),
        stamp(),  # the park_figures collection's periods
    )
    doc = memo(
        store, key, lambda: document(root, collection_infos(store), gather(store))
    )
    response = jsonify(doc)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
