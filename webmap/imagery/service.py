"""The app's raster tile service for a request, and the rasters' URLs and TileJSON.

``views.rasters`` gives the app its ``RasterTiles`` under ``SERVICE_KEY`` when the
blueprint is registered; the map page, its overlays, the API document and the
views all reach it through ``raster_tiles()``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from geo.tiles import fit_zoom
from layers.imagery.rasters import RasterInfo
from webmap.core.links import external_url
from webmap.imagery.tiles import RasterTiles

SERVICE_KEY = "parkmap.raster_tiles"


def raster_tiles() -> RasterTiles:
    """This app's raster tile service."""
    return current_app.extensions[SERVICE_KEY]


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
