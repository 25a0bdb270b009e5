"""The API's routes as OpenAPI declarations, written from the route table.

Each ``Operation`` in ``operations.OPERATIONS`` is its own declaration
(``OperationDoc``, attached to its view in ``webmap/views/api.py``): it appears with
its own ``Param`` objects' schemas, and each collection also gets concrete
``items`` paths that declare its queryables as parameters and its features'
property types, which lets GDAL and QGIS push filters down and lets schema-driven
testers check every answer. ``webmap/apidoc`` writes both documents from these:
``/openapi.json`` and, restricted to ``/api``, this API's ``/api/openapi``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from layers.store.base import LayerInfo
from webmap.core.openapi import HTML, PROBLEM_JSON, Operation, openapi_path, ref
from webmap.ogc import schemas
from webmap.ogc.operations import ITEM, ITEMS, PATH_PARAMS
from webmap.ogc.operations import Operation as ApiOperation
from webmap.ogc.params import queryables

_PROBLEM = {
    "content": {PROBLEM_JSON: {"schema": ref("Exception")}},
}
_NAMES = {p.arg: p.name for p in PATH_PARAMS.values()}


def _responses(op: ApiOperation, schema: str) -> dict[str, Any]:
    ok = {
        "description": op.summary,
        "content": {
            op.media_type: {"schema": ref(schema)},
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


def operation_object(op: ApiOperation, info: LayerInfo | None = None) -> dict[str, Any]:
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


@dataclass(frozen=True, slots=True)
class OperationDoc:
    """The declaration of one API operation's route (``webmap.core.openapi``)."""

    op: ApiOperation

    def operations(
        self, rule: str, methods: frozenset[str], facts: Any
    ) -> Iterator[Operation]:
        """The operation, and for items its concrete path per collection.

        Args:
            rule: the Flask rule the operation's view answers.
            methods: the rule's methods (GET).
            facts: the document's facts; ``facts.infos`` are the store's layers.
        """
        path = openapi_path(rule, _NAMES)
        yield path, "get", operation_object(self.op)
        if self.op not in (ITEMS, ITEM):
            return
        prefix = path.removesuffix(self.op.path)
        for info in facts.infos:
            concrete = prefix + self.op.concrete_path(info.name)
            yield concrete, "get", operation_object(self.op, info)


TAGS = (
    {"name": "Capabilities", "description": "What the API offers."},
    {"name": "Data", "description": "Features."},
)


def components(infos: list[LayerInfo]) -> dict[str, Any]:
    """The component schemas the operations refer to, per-layer ones included."""
    out = schemas.base_schemas()
    for info in infos:
        out.update(schemas.layer_schemas(info))
    return out
