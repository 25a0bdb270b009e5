"""Vector tiles of every layer: ``/tiles/<layer>/<z>/<x>/<y>.mvt`` and TileJSON 3.0.

Tiles are Mapbox Vector Tiles (MVT 2.1) in Web Mercator, one layer named like the
store's layer, the id field and the display fields as properties. An empty tile is
``204 No Content``. Every tile carries an ETag made of the store's build id, the
encoder version and the address, so ``If-None-Match`` answers ``304`` without
rendering; ``Cache-Control: public, max-age=PARKMAP_TILE_MAX_AGE`` lets a CDN or
nginx keep them. Rendered tiles stay in a per-process LRU cache of at most
``PARKMAP_TILE_CACHE_BYTES`` that empties itself when the store is rebuilt.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask.blueprints import BlueprintSetupState

from geo.tiles import (
    MAX_LAT,
    fit_zoom,
    parse_tile,
    suggested_minzoom,
)
from layers.store import LayerInfo
from webmap.core import responses as r
from webmap.core.links import external_url
from webmap.core.openapi import LANG, Doc, choice, documented, segment, tile_address
from webmap.core.store import get_store
from webmap.core.tilecache import TileCache

bp = Blueprint("tiles", __name__)

MVT_MIMETYPE = "application/vnd.mapbox-vector-tile"
CACHE_KEY = "parkmap.tile_cache"
ENCODER_VERSION = "mvt1"  # change when geo.mvt output changes: old ETags go stale
FIELD_TYPES = {"int": "Number", "float": "Number", "bool": "Boolean"}


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    """Give the app its tile cache (``PARKMAP_TILE_CACHE_BYTES``)."""
    app: Flask = state.app
    app.extensions[CACHE_KEY] = TileCache(app.config["TILE_CACHE_BYTES"])


def tile_cache() -> TileCache:
    """This app's tile cache."""
    return current_app.extensions[CACHE_KEY]


@bp.get("/tiles/<layer>/<z>/<x>/<y>.mvt")
@documented(
    Doc(
        "getVectorTile",
        "A Mapbox Vector Tile (204 when empty).",
        "Tiles",
        r.merged(
            r.file("application/vnd.mapbox-vector-tile"),
            r.empty(204, "No feature in this tile."),
            r.NOT_MODIFIED,
            r.problem(400, "z, x or y out of range or not a whole number."),
            r.problem(404, "No such layer."),
            r.STORE_DOWN,
        ),
        lambda facts: tile_address("layer", facts.layers),
    )
)
def tile(layer: str, z: str, x: str, y: str) -> Response:
    """One vector tile; 204 when empty, 304 when the client's ETag is current."""
    address = parse_tile(z, x, y)
    store = get_store()
    key = (layer, address.z, address.x, address.y)
    headers = {
        "Cache-Control": f"public, max-age={current_app.config['TILE_MAX_AGE']}",
        "Access-Control-Allow-Origin": "*",
    }
    build = store.build_id()
    if build is None:  # a store that cannot tell when it changes: no ETag, no cache
        store.layer(layer)
        return _tile_response(store.tile(*key), headers)
    etag = "-".join([build, ENCODER_VERSION, *map(str, key)])
    headers["ETag"] = f'"{etag}"'
    cache = tile_cache()
    data = cache.get(build, key)  # a hit means the layer is in this build
    if _etag_matches(etag):
        if data is None:
            store.layer(layer)  # LayerNotFound → 404, not 304
        return Response(status=304, headers=headers)
    if data is None:
        data = store.tile(*key)  # LayerNotFound → 404
        cache.put(build, key, data)
    return _tile_response(data, headers)


def _etag_matches(etag: str) -> bool:
    """Whether If-None-Match names ``etag`` (or ``*``); unparsed when absent."""
    if "HTTP_IF_NONE_MATCH" not in request.environ:
        return False
    return request.if_none_match.contains_weak(etag)


def _tile_response(data: bytes, headers: dict[str, str]) -> Response:
    if not data:
        return Response(status=204, headers=headers, mimetype=MVT_MIMETYPE)
    return Response(data, 200, headers=headers, mimetype=MVT_MIMETYPE)


@bp.get("/tiles/<layer>.json")
@documented(
    Doc(
        "getVectorTileJSON",
        "The layer's TileJSON 3.0.0.",
        "Tiles",
        r.merged(
            r.json_ok("TileJSON"),
            r.NOT_MODIFIED,
            r.problem(404, "No such layer."),
            r.STORE_DOWN,
        ),
        lambda facts: (segment("layer", "The layer.", choice(facts.layers)), LANG),
    )
)
def tilejson(layer: str) -> Response:
    """The TileJSON 3.0.0 document of one layer."""
    info = get_store().layer(layer)
    lang = request.args.get("lang") or current_app.config["DEFAULT_LANGUAGE"]
    response = jsonify(tilejson_document(info, lang))
    response.headers["Cache-Control"] = (
        f"public, max-age={current_app.config['TILE_MAX_AGE']}"
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.add_etag()
    return response.make_conditional(request)


def tiles_url(name: str) -> str:
    """The absolute tile URL template of a layer, under ``PARKMAP_PUBLIC_URL``."""
    url = external_url("tiles.tile", layer=name, z="Z", x="X", y="Y")
    return url.replace("/Z/X/Y.mvt", "/{z}/{x}/{y}.mvt")


def tilejson_document(info: LayerInfo, lang: str) -> dict[str, Any]:
    """TileJSON 3.0.0 for a layer (needs a request context for the URL)."""
    config = current_app.config
    maxzoom = config["TILE_MAXZOOM"]
    minzoom = min(suggested_minzoom(info.count, info.bbox), maxzoom)
    bounds = list(info.bbox) if info.bbox else [-180.0, -MAX_LAT, 180.0, MAX_LAT]
    zoom = min(max(fit_zoom(info.bbox), minzoom), maxzoom)
    fields = {
        name: FIELD_TYPES.get(info.field(name).type, "String")
        for name in info.tile_fields()
    }
    return {
        "tilejson": "3.0.0",
        "name": info.label(lang),
        "description": info.description,
        "version": "1.0.0",
        "attribution": config["TILE_ATTRIBUTION"],
        "scheme": "xyz",
        "tiles": [tiles_url(info.name)],
        "minzoom": minzoom,
        "maxzoom": maxzoom,
        "bounds": bounds,
        "center": [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, zoom],
        "vector_layers": [
            {
                "id": info.name,
                "description": info.label(lang),
                "minzoom": minzoom,
                "maxzoom": maxzoom,
                "fields": fields,
            }
        ],
    }
