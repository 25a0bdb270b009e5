"""Imagery tiles: ``/tiles/raster/<name>/<z>/<x>/<y>.png|.webp`` and TileJSON.

Tiles are 256² images in Web Mercator, transparent where the raster has no data;
a tile outside the raster's footprint is a fully transparent image (not 204, so
that map clients log no failed image). Every tile carries a strong ETag made of the
COG's checksum, the renderer version and the address (``If-None-Match`` answers
``304`` without rendering) and ``Cache-Control: public, max-age=
PARKMAP_RASTER_TILE_MAX_AGE``. Rendered tiles stay in a per-process LRU cache of at
most ``PARKMAP_RASTER_TILE_CACHE_BYTES``.

- ``GET /tiles/raster/``: every raster (name, label, date, footprint, URLs);
- ``GET /tiles/raster/<name>.json``: its TileJSON 3.0.0;
- ``GET /tiles/raster/<name>/<z>/<x>/<y>.png`` (or ``.webp``): a tile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask.blueprints import BlueprintSetupState

from geo.rastertile import FORMATS
from geo.tiles import parse_tile
from webmap import imagery
from webmap.core import responses as r
from webmap.core.errors import register_errors
from webmap.core.links import external_url
from webmap.core.openapi import BINARY, Doc, choice, documented, segment, tile_address
from webmap.imagery.service import (
    SERVICE_KEY,
    raster_tiles,
    tilejson_document,
    tiles_url,
)
from webmap.imagery.tiles import RasterTiles

bp = Blueprint("rasters", __name__)


@bp.record_once
def _errors(state: BlueprintSetupState) -> None:
    """Add the rasters' exceptions to the app's error table."""
    register_errors(state.app, imagery.ERRORS)


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    """Give the app its tile service (``RASTER_DIR``, ``RASTER_TILE_CACHE_BYTES``)."""
    app: Flask = state.app
    app.extensions[SERVICE_KEY] = RasterTiles(
        Path(app.config["RASTER_DIR"]), app.config["RASTER_TILE_CACHE_BYTES"]
    )


def _cache_headers() -> dict[str, str]:
    return {
        "Cache-Control": f"public, max-age={current_app.config['RASTER_TILE_MAX_AGE']}",
        "Access-Control-Allow-Origin": "*",
    }


@bp.get("/tiles/raster/<name>/<z>/<x>/<y>.<any(png, webp):fmt>")
@documented(
    Doc(
        "getRasterTile",
        "A 256² imagery tile (transparent outside the raster).",
        "Tiles",
        r.merged(
            {"200": r.body("The tile.", {"image/png": BINARY, "image/webp": BINARY})},
            r.NOT_MODIFIED,
            r.problem(400, "z, x or y out of range, or name not a raster name."),
            r.problem(404, "No such raster."),
        ),
        lambda facts: (
            *tile_address("name", facts.rasters),
            segment(
                "fmt", "Image format.", {"type": "string", "enum": ["png", "webp"]}
            ),
        ),
    )
)
def tile(name: str, z: str, x: str, y: str, fmt: str) -> Response:
    """One raster tile; 304 when the client's ETag is current."""
    address = parse_tile(z, x, y)
    service = raster_tiles()
    info = service.registry.get(name)
    etag = service.etag(info, address, fmt)
    headers = _cache_headers()
    headers["ETag"] = f'"{etag}"'
    revalidating = "HTTP_IF_NONE_MATCH" in request.environ  # most requests: no
    if revalidating and request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    data = service.tile(info, address, fmt)
    return Response(data, 200, headers=headers, mimetype=FORMATS[fmt])


def _conditional_json(body: dict[str, Any]) -> Response:
    response = jsonify(body)
    response.headers.update(_cache_headers())
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/tiles/raster/<name>.json")
@documented(
    Doc(
        "getRasterTileJSON",
        "A raster's TileJSON 3.0.0 with its date and footprint.",
        "Tiles",
        r.merged(
            r.json_ok("RasterTileJSON"),
            r.NOT_MODIFIED,
            r.problem(400, "name is not a raster name (1-64 of a-z, 0-9, -, _)."),
            r.problem(404, "No such raster."),
        ),
        lambda facts: (segment("name", "The raster.", choice(facts.rasters)),),
    )
)
def tilejson(name: str) -> Response:
    """The TileJSON of one raster."""
    return _conditional_json(tilejson_document(raster_tiles().registry.get(name)))


@bp.get("/tiles/raster/")
@documented(
    Doc(
        "getRasters",
        "Every imagery raster.",
        "Tiles",
        r.merged(r.json_ok("RasterList"), r.NOT_MODIFIED),
    )
)
def index() -> Response:
    """Every raster, oldest date first, with its TileJSON and tile URLs."""
    rasters = [
        {
            "name": info.name,
            "label": info.label,
            "date": info.date,
            "bbox": list(info.bbox),
            "resolution_m": info.resolution_m,
            "minzoom": info.minzoom,
            "maxzoom": info.maxzoom,
            "tilejson": external_url("rasters.tilejson", name=info.name),
            "tiles": tiles_url(info.name),
            "footprint": info.footprint_geojson(),
            "legend": [{"label": k, "color": v} for k, v in info.legend],
        }
        for info in raster_tiles().registry.list()
    ]
    return _conditional_json({"rasters": rasters})
