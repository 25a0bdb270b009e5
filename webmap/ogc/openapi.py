"""The OpenAPI 3.0 document, written from the route table and parameter objects.

Every operation in ``operations.OPERATIONS`` appears with its own ``Param`` objects'
schemas; each collection also gets concrete ``items`` paths that declare its
queryables as parameters and its features' property types, which lets GDAL and
QGIS push filters down and lets schema-driven testers check every answer.
``paths`` and ``components`` also make up the ``/api`` part of the whole service's
document at ``/openapi.json`` (``webmap/apidoc``).
"""

from __future__ import annotations

from typing import Any

from layers.store.base import LayerInfo
from webmap.ogc import schemas
from webmap.ogc.documents import DESCRIPTION, TITLE
from webmap.ogc.operations import (
    HTML,
    ITEM,
    ITEMS,
    OPERATIONS,
    PROBLEM_JSON,
    Operation,
)
from webmap.ogc.params import queryables

VERSION = "1.0.0"
_PROBLEM = {
    "content": {PROBLEM_JSON: {"schema": schemas.ref("Exception")}},
}


def _responses(op: Operation, schema: str) -> dict[str, Any]:
    ok = {
        "description": op.summary,
        "content": {
            op.media_type: {"schema": schemas.ref(schema)},
            HTML: {"schema": {"type": "string"}},
        },
    }
    out: dict[str, Any] = {"200": ok}
    if op.cached:
        out["304"] = {"description": "Not modified: If-None-Match matched the ETag."}
    out["400"] = {"description": "A query parameter is unknown or invalid.", **_PROBLEM}
    if op.path_params:
        out["404"] = {"description": "No such collection or feature.", **_PROBLEM}
    out["503"] = {"description": "The store is not built or unreachable.", **_PROBLEM}
    return out


def operation_object(op: Operation, info: LayerInfo | None = None) -> dict[str, Any]:
    """The OpenAPI Operation Object of ``op``, made concrete for ``info`` if given."""
    path_params = [
        p for p in op.path_params if info is None or p.name != "collectionId"
    ]
    params = [*(p.openapi() for p in path_params), *(p.openapi() for p in op.params)]
    schema = op.schema
    if info is not None:
        if op.queryables:
            params.extend(p.openapi() for p in queryables(info.fields))
        schema = f"{info.name}.{op.schema}"
    return {
        "operationId": op.operation_id + (f".{info.name}" if info else ""),
        "summary": op.summary + (f" ({info.name})" if info else ""),
        "tags": [op.tag],
        "parameters": params,
        "responses": _responses(op, schema),
    }


TAGS = (
    {"name": "Capabilities", "description": "What the API offers."},
    {"name": "Data", "description": "Features."},
)


def paths(infos: list[LayerInfo], prefix: str = "") -> dict[str, Any]:
    """The Path Items of every operation, and concrete items paths per layer.

    Args:
        infos: the store's layers.
        prefix: prepended to every path (``/api`` in the whole service's document).
    """
    out: dict[str, Any] = {
        prefix + op.path: {"get": operation_object(op)} for op in OPERATIONS
    }
    for info in infos:
        for op in (ITEMS, ITEM):
            out[prefix + op.concrete_path(info.name)] = {
                "get": operation_object(op, info)
            }
    return out


def components(infos: list[LayerInfo]) -> dict[str, Any]:
    """The component schemas the operations refer to, per-layer ones included."""
    out = schemas.base_schemas()
    for info in infos:
        out.update(schemas.layer_schemas(info))
    return out


def document(base: str, infos: list[LayerInfo]) -> dict[str, Any]:
    """The whole OpenAPI document for a store holding ``infos``.

    Args:
        base: absolute URL of the API root (the document's server).
        infos: the store's layers.

    Returns:
        The document as a JSON-compatible dict.
    """
    return {
        "openapi": "3.0.3",
        "info": {
            "title": TITLE,
            "version": VERSION,
            "description": DESCRIPTION,
        },
        "servers": [{"url": base}],
        "tags": list(TAGS),
        "paths": paths(infos),
        "components": {"schemas": components(infos)},
    }
