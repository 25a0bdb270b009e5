"""OGC API – Features under /api: thin views over the store.

URL rules come from ``webmap.ogc.operations``; each view parses its query string
against its operation's parameters (raising ``InvalidParameter``), asks the store,
and answers JSON/GeoJSON or HTML with ETag and Cache-Control.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from flask import Blueprint, Response, request
from flask.blueprints import BlueprintSetupState

from layers.store.base import FieldInfo, GeoJSONPage, LayerInfo, Store
from webmap.apidoc import api_document
from webmap.core.errors import register_members
from webmap.core.openapi import Param, declare
from webmap.core.store import get_store
from webmap.ogc import documents
from webmap.ogc import operations as ops
from webmap.ogc.figures import FiguresSource, collection_infos, layer_info, source
from webmap.ogc.openapi import OperationDoc
from webmap.ogc.params import BBox, Limit, Offset, parse_query, queryables
from webmap.ogc.responses import (
    api_base,
    etag,
    language,
    negotiate,
    not_modified,
    send,
    send_doc,
)

bp = Blueprint("api", __name__, url_prefix=ops.PREFIX)


@bp.record_once
def _errors(state: BlueprintSetupState) -> None:
    """Problems under the API's prefix carry OGC's exception members."""
    register_members(state.app, ops.PREFIX, documents.exception_members)


OPERATIONS = {op.operation_id: op for op in ops.OPERATIONS}
CONTENT_CRS = {"Content-Crs": f"<{documents.CRS84}>"}
ITEMS_PARAMS = frozenset(p.name for p in ops.ITEMS.params)  # the rest are filters


class Call:
    """One request's parsed parameters, format and ETag."""

    def __init__(self, op: ops.Operation, info: LayerInfo | None = None):
        fields = info.fields if op.queryables and info is not None else ()
        self.values = parse_query(
            request.args.to_dict(flat=False), _known(op.operation_id, fields)
        )
        self.query = request.args.to_dict()
        self.fmt = negotiate(self.values.get("f"))
        if self.fmt == "html":  # links from an HTML page lead to HTML pages
            self.query["f"] = "html"
        self.lang = language(self.values.get("lang"))
        self.base = api_base()
        self.tag = etag(self.fmt, self.base) if op.cached else None
        self.cached = not_modified(self.tag)
        self.op = op


@functools.lru_cache(maxsize=256)
def _known(operation_id: str, fields: tuple[FieldInfo, ...]) -> Mapping[str, Param]:
    """The parameters of an operation by name, with a layer's filters (once each)."""
    op = OPERATIONS[operation_id]
    params = (*op.params, *queryables(fields)) if fields else op.params
    return MappingProxyType({p.name: p for p in params})


def landing() -> Response:
    """The landing page."""
    call = Call(ops.LANDING)
    if call.cached:
        return call.cached
    doc = documents.landing(call.base, call.query)
    return send_doc(doc, call.fmt, ops.JSON, "api/landing.html", call.tag)


def conformance() -> Response:
    """The conformance declaration."""
    call = Call(ops.CONFORMANCE)
    if call.cached:
        return call.cached
    doc = documents.conformance(call.base, call.query)
    return send_doc(doc, call.fmt, ops.JSON, "api/conformance.html", call.tag)


def api_definition() -> Response:
    """The OpenAPI document."""
    call = Call(ops.API)
    if call.cached:
        return call.cached
    doc = api_document(call.base, collection_infos(get_store()))
    return send_doc(doc, call.fmt, ops.OPENAPI_JSON, "api/openapi.html", call.tag)


def collections() -> Response:
    """Every collection."""
    call = Call(ops.COLLECTIONS)
    if call.cached:
        return call.cached
    infos = collection_infos(get_store())
    doc = documents.collections(call.base, infos, call.lang, call.query)
    return send_doc(doc, call.fmt, ops.JSON, "api/collections.html", call.tag)


def collection(collection_id: str) -> Response:
    """One collection's metadata."""
    info = layer_info(get_store(), collection_id)
    call = Call(ops.COLLECTION, info)
    if call.cached:
        return call.cached
    doc = documents.collection_doc(call.base, info, call.lang, call.query)
    return send_doc(doc, call.fmt, ops.JSON, "api/collection.html", call.tag)


def queryables_view(collection_id: str) -> Response:
    """The collection's queryables as JSON Schema."""
    info = layer_info(get_store(), collection_id)
    call = Call(ops.QUERYABLES, info)
    if call.cached:
        return call.cached
    doc = documents.queryables_doc(call.base, info, call.lang)
    return send_doc(
        doc, call.fmt, ops.SCHEMA_JSON, "api/queryables.html", call.tag, info=info
    )


def query_items(
    store: Store | FiguresSource,
    layer: str,
    *,
    bbox: BBox | None,
    filters: dict[str, str],
    limit: int,
    offset: int,
) -> GeoJSONPage:
    """A page of features; a bbox across the antimeridian is asked as two boxes."""
    boxes = bbox.boxes() if bbox is not None else (None,)
    first = store.query_geojson(
        layer, bbox=boxes[0], filters=filters, limit=limit, offset=offset
    )
    if len(boxes) == 1:
        return first
    rest = store.query_geojson(
        layer,
        bbox=boxes[1],
        filters=filters,
        limit=limit - len(first.features),
        offset=max(0, offset - first.number_matched),
    )
    return GeoJSONPage(
        first.features + rest.features, first.number_matched + rest.number_matched
    )


def items(collection_id: str) -> Response:
    """Features of a collection: bbox, property filters, limit/offset paging."""
    store = get_store()
    info = layer_info(store, collection_id)
    call = Call(ops.ITEMS, info)
    if call.cached:
        return call.cached
    values = call.values
    limit = values.get("limit", Limit()).value
    offset = values.get("offset", Offset()).value
    filters = {k: v for k, v in values.items() if k not in ITEMS_PARAMS}
    page = query_items(
        source(store, info.name),
        info.name,
        bbox=values.get("bbox"),
        filters=filters,
        limit=limit,
        offset=offset,
    )
    url = f"{call.base}/collections/{info.name}/items"
    links = documents.page_links(url, call.query, limit, offset, page.number_matched)
    if call.fmt == "html":
        doc = {
            "numberMatched": page.number_matched,
            "features": [json.loads(t) for t in page.features],
            "links": links,
        }
        return send_doc(doc, "html", ops.GEOJSON, "api/items.html", call.tag, info=info)
    body = documents.feature_collection_text(page, links)
    return send(body, ops.GEOJSON, call.tag, **CONTENT_CRS)


def item(collection_id: str, feature_id: str) -> Response:
    """One feature."""
    store = get_store()
    info = layer_info(store, collection_id)
    call = Call(ops.ITEM, info)
    if call.cached:
        return call.cached
    text = source(store, info.name).get_geojson(info.name, feature_id)
    url = f"{call.base}/collections/{info.name}"
    links = documents.item_links(url, feature_id, call.query)
    if call.fmt == "html":
        doc = {**json.loads(text), "links": links}
        return send_doc(doc, "html", ops.GEOJSON, "api/item.html", call.tag, info=info)
    return send(
        documents.feature_text(text, links), ops.GEOJSON, call.tag, **CONTENT_CRS
    )


VIEWS: dict[str, Callable[..., Any]] = {
    ops.LANDING.operation_id: landing,
    ops.CONFORMANCE.operation_id: conformance,
    ops.API.operation_id: api_definition,
    ops.COLLECTIONS.operation_id: collections,
    ops.COLLECTION.operation_id: collection,
    ops.QUERYABLES.operation_id: queryables_view,
    ops.ITEMS.operation_id: items,
    ops.ITEM.operation_id: item,
}
for _op in ops.OPERATIONS:
    bp.add_url_rule(
        _op.rule,
        _op.operation_id,
        VIEWS[_op.operation_id],
        methods=["GET"],
        strict_slashes=_op.path != "/",
    )
    declare(VIEWS[_op.operation_id], OperationDoc(_op))
