"""The service's OpenAPI 3.0 documents, written from the routes' own declarations.

Every view carries its description (``webmap.core.openapi.documented``: summary,
tag, parameters, responses, security), beside its route in ``webmap/views`` (the
OGC API's ``Operation`` objects are theirs, ``webmap/ogc/openapi.py``). This
builder walks ``app.url_map`` at request time and asks each rule's view for its
operations, so the paths are the URL rules themselves. The schemas of the bodies
live with the features that produce them (``webmap/*/schemas.py``); the store's
names (layers, parks, statuses, landmarks, rasters, scenes) appear as enums and
real ids as examples (``facts.py``).

Two documents come out: ``document`` describes the whole service at
``/openapi.json``; ``api_document`` is the same operations restricted to the OGC
API's routes under ``/api``, with the components they refer to, served at
``/api/openapi`` as OGC API – Features requires.

Left out (``EXCLUDED``): ``/static/<path>`` and ``/static/vendor/<package>/<path>``
serve files (the app's own CSS/JS/images and whitelisted npm files) by path; they
take no parameters beyond the file's path, answer the file or 404, and listing
each file would only copy the directory tree. ``tests/webmap/apidoc/test_document.py``
fails when a URL rule is neither documented nor in ``EXCLUDED``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from flask import Flask, current_app

from layers.land.vocabulary import LAYER as PARCELS
from layers.store.base import LayerInfo
from webmap.apidoc.facts import Facts
from webmap.core import schemas as core_schemas
from webmap.core.openapi import declarations_of, ref
from webmap.core.responses import security_schemes
from webmap.imagery import schemas as imagery_schemas
from webmap.investor import schemas as investor_schemas
from webmap.land import schemas as land_schemas
from webmap.mapview import schemas as map_schemas
from webmap.ogc import documents as ogc_documents
from webmap.ogc import openapi as ogc_openapi
from webmap.ogc.operations import PREFIX
from webmap.planner import schemas as planner_schemas
from webmap.vr import schemas as vr_schemas

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


def paths(app: Flask, facts: Facts) -> dict[str, Any]:
    """Path Items by path: every documented operation of ``app``'s URL rules.

    Raises:
        ValueError: two declarations describe the same method of one path.
    """
    out: dict[str, Any] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXCLUDED:
            continue
        methods = frozenset(rule.methods or ())
        for declaration in declarations_of(app.view_functions[rule.endpoint]):
            for path, method, operation in declaration.operations(
                rule.rule, methods, facts
            ):
                item = out.setdefault(path, {})
                if method in item:
                    raise ValueError(f"{method.upper()} {path} is described twice")
                item[method] = operation
    return out


def components(facts: Facts) -> dict[str, Any]:
    """Every component schema: the OGC API's and each feature's."""
    parcel = f"{PARCELS}.Feature" if PARCELS in facts.layers else "Feature"
    return {
        **ogc_openapi.components(list(facts.infos)),
        **core_schemas.schemas(),
        **map_schemas.schemas(),
        **imagery_schemas.schemas(),
        **land_schemas.schemas(ref(parcel)),
        **investor_schemas.schemas(),
        **vr_schemas.schemas(),
        **planner_schemas.schemas(),
    }


def document(root: str, infos: list[LayerInfo], facts: Facts) -> dict[str, Any]:
    """The whole service's OpenAPI document (needs an app context).

    Args:
        root: absolute URL of the site root, without a trailing slash.
        infos: the store's layers (``LayerInfo``).
        facts: names and example ids (``facts.gather``).

    Returns:
        The document as a JSON-compatible dict.
    """
    facts = dataclasses.replace(facts, infos=tuple(infos))
    return {
        "openapi": "3.0.3",
        "info": _info(DESCRIPTION),
        "servers": [{"url": root}],
        "tags": list(TAGS),
        "paths": paths(current_app, facts),
        "components": {
            "schemas": components(facts),
            "securitySchemes": security_schemes(facts.cookie),
        },
    }


def api_document(base: str, infos: list[LayerInfo]) -> dict[str, Any]:
    """The OGC API's own document: the routes under ``/api`` and what they use.

    Args:
        base: absolute URL of the API root (the document's server).
        infos: the store's layers.

    Returns:
        The document as a JSON-compatible dict.
    """
    facts = Facts(layers=tuple(i.name for i in infos), infos=tuple(infos))
    every = paths(current_app, facts)
    below = {
        path.removeprefix(PREFIX): item
        for path, item in every.items()
        if path.startswith(PREFIX + "/")
    }
    used = {op["tags"][0] for item in below.values() for op in item.values()}
    return {
        "openapi": "3.0.3",
        "info": _info(ogc_documents.DESCRIPTION),
        "servers": [{"url": base}],
        "tags": [tag for tag in TAGS if tag["name"] in used],
        "paths": below,
        "components": {"schemas": referenced(below, components(facts))},
    }


def _info(description: str) -> dict[str, str]:
    return {
        "title": ogc_documents.TITLE,
        "version": VERSION,
        "description": description,
    }


def referenced(part: Any, schemas: dict[str, Any]) -> dict[str, Any]:
    """The schemas ``part`` refers to, directly or through other schemas."""
    out: dict[str, Any] = {}
    todo = list(_refs(part))
    while todo:
        name = todo.pop()
        if name not in out:
            out[name] = schemas[name]
            todo.extend(_refs(out[name]))
    return out


def _refs(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value.rsplit("/", 1)[-1]
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)
