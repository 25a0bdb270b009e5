"""The OpenAPI 3.0 document of the whole service, served at ``/openapi.json``.

It describes every public route of the app: the OGC API under ``/api`` (its
operations written by ``webmap/ogc/openapi.py`` from the same objects as
``/api/openapi``, with the ``/api`` prefix), and the map, tiles, land finder,
investor pages, VR360, probes, sign-in, planner and admin routes (``maps.py``,
``investors.py``, ``vr.py``, ``private.py``), each with the statuses it really
answers, its security and the schemas of its JSON bodies (``schemas.py``). The
store's names (layers, parks, statuses, landmarks, rasters, scenes) appear as enums
and real ids as examples (``facts.py``).

Left out (``EXCLUDED``): ``/static/<path>`` and ``/static/vendor/<package>/<path>``
serve files (the app's own CSS/JS/images and whitelisted npm files) by path; they
take no parameters beyond the file's path, answer the file or 404, and listing
each file would only copy the directory tree. ``tests/webmap/test_openapi_doc.py``
fails when a URL rule is neither in the document nor in ``EXCLUDED``.
"""

from __future__ import annotations

from typing import Any

from layers.land.vocabulary import LAYER as PARCELS
from layers.store.base import LayerInfo
from webmap.apidoc import investors, maps, private, spec, vr
from webmap.apidoc.facts import Facts
from webmap.apidoc.schemas import service_schemas
from webmap.ogc import openapi as ogc_openapi
from webmap.ogc.documents import TITLE
from webmap.ogc.operations import PREFIX
from webmap.ogc.schemas import ref

VERSION = "1.0.0"
# Endpoints (Flask's names) the document leaves out, and why (see the docstring).
EXCLUDED = {
    "static": "the app's own static files, by path",
    "vendor.file": "whitelisted files of the npm libraries, by path",
}
DESCRIPTION = (
    "Every public route of the Hai Phong Economic Zone Authority's map service: the "
    f"OGC API – Features under {PREFIX} (also described alone at {PREFIX}/openapi), "
    "vector and imagery tiles, the map pages, the investors' land finder and parcel "
    "pages, the 360° views, health probes, and the signed-in planner and admin "
    "routes. Static files under /static are not listed."
)
TAGS = (
    *ogc_openapi.TAGS,
    {"name": "Map", "description": "The map pages, feature details, oEmbed."},
    {"name": "Tiles", "description": "Vector and imagery tiles, TileJSON."},
    {"name": "Land", "description": "The investors' land finder."},
    {"name": "Investors", "description": "Parcel and park pages, enquiries."},
    {"name": "VR360", "description": "360° views of the parks."},
    {"name": "Operations", "description": "Probes, metrics, this document."},
    {"name": "Accounts", "description": "Signing in and out."},
    {"name": "Planner", "description": "Site clearance (planners and admins)."},
    {"name": "Admin", "description": "Investors' enquiries (admins)."},
)


def endpoints(facts: Facts) -> list[spec.Endpoint]:
    """Every documented route outside the OGC API."""
    return [
        *maps.probes(),
        *maps.pages(facts),
        *maps.details(facts),
        *maps.tiles(facts),
        *maps.raster_tiles(facts),
        *investors.land(facts),
        *investors.investor(facts),
        *investors.enquiry(facts),
        *vr.vr(facts),
        *vr.vr_files(facts),
        *private.auth(),
        *private.planner_api(facts),
        *private.planner_edits(facts),
        *private.planner_pages(facts),
        *private.admin(),
    ]


def document(root: str, infos: list[LayerInfo], facts: Facts) -> dict[str, Any]:
    """The whole service's OpenAPI document.

    Args:
        root: absolute URL of the site root, without a trailing slash.
        infos: the store's layers (``LayerInfo``).
        facts: names and example ids (``facts.gather``).

    Returns:
        The document as a JSON-compatible dict.
    """
    paths = ogc_openapi.paths(infos, prefix=PREFIX)
    paths.update(spec.path_items(endpoints(facts)))
    components = ogc_openapi.components(infos)
    parcel = f"{PARCELS}.Feature" if PARCELS in facts.layers else "Feature"
    components.update(service_schemas(ref(parcel)))
    return {
        "openapi": "3.0.3",
        "info": {"title": TITLE, "version": VERSION, "description": DESCRIPTION},
        "servers": [{"url": root}],
        "tags": list(TAGS),
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": spec.security_schemes(facts.cookie),
        },
    }
