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
from geo.tiles import fit_zoom, parse_tile
from layers.imagery.rasters import RasterInfo, RasterSettings
from webmap.config import ConfigError, whole_number
from webmap.links import external_url
from webmap.rastertiles import RasterTiles

bp = Blueprint("rasters", __name__)

SERVICE_KEY = "parkmap.raster_tiles"
DEFAULTS: dict[str, Any] = {
    "RASTER_TILE_MAX_AGE": 3600,
    "RASTER_TILE_CACHE_BYTES": 64 * 1024 * 1024,
}
ATTRIBUTION = "Hai Phong Economic Zone Authority (HEZA)"


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    """Fill in and check the raster settings; give the app its tile service."""
    app: Flask = state.app
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    for key in DEFAULTS:
        app.config[key] = whole_number(app.config, key)
    app.config.setdefault("RASTER_ATTRIBUTION", ATTRIBUTION)
    try:
        settings = RasterSettings.from_mapping(app.config, str(app.config["STORE"]), "")
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    app.config["RASTER_DIR"] = str(settings.directory)
    app.config["RASTER_MAX_PIXELS"] = settings.max_pixels
    app.extensions[SERVICE_KEY] = RasterTiles(
        Path(settings.directory), app.config["RASTER_TILE_CACHE_BYTES"]
    )


def raster_tiles() -> RasterTiles:
    """This app's raster tile service."""
    return current_app.extensions[SERVICE_KEY]


def _cache_headers() -> dict[str, str]:
    return {
        "Cache-Control": f"public, max-age={current_app.config['RASTER_TILE_MAX_AGE']}",
        "Access-Control-Allow-Origin": "*",
    }


@bp.get("/tiles/raster/<name>/<z>/<x>/<y>.<any(png, webp):fmt>")
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


def tiles_url(name: str, fmt: str = "png") -> str:
    """The absolute tile URL template of a raster, under ``PARKMAP_PUBLIC_URL``."""
    url = external_url("rasters.tile", name=name, z="Z", x="X", y="Y", fmt=fmt)
    return url.replace(f"/Z/X/Y.{fmt}", f"/{{z}}/{{x}}/{{y}}.{fmt}")


def tilejson_document(info: RasterInfo) -> dict[str, Any]:
    """TileJSON 3.0.0 for a raster, with its date, resolution and footprint."""
    zoom = min(max(fit_zoom(info.bbox), info.minzoom), info.maxzoom)
    west, south, east, north = info.bbox
    return {
        "tilejson": "3.0.0",
        "name": info.name,
        "description": info.label,
        "version": "1.0.0",
        "attribution": current_app.config["RASTER_ATTRIBUTION"],
        "scheme": "xyz",
        "tiles": [tiles_url(info.name)],
        "minzoom": info.minzoom,
        "maxzoom": info.maxzoom,
        "bounds": [west, south, east, north],
        "center": [(west + east) / 2, (south + north) / 2, zoom],
        "format": "png",
        "tile_size": 256,
        "webp_tiles": [tiles_url(info.name, "webp")],
        "date": info.date,
        "resolution_m": info.resolution_m,
        "footprint": info.footprint_geojson(),
        "legend": [{"label": k, "color": v} for k, v in info.legend],
    }


def _conditional_json(body: dict[str, Any]) -> Response:
    response = jsonify(body)
    response.headers.update(_cache_headers())
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/tiles/raster/<name>.json")
def tilejson(name: str) -> Response:
    """The TileJSON of one raster."""
    return _conditional_json(tilejson_document(raster_tiles().registry.get(name)))


@bp.get("/tiles/raster/")
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
