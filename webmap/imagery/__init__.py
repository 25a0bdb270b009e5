"""Imagery on the web side: the raster tile service, map overlays, comparison.

``tiles`` renders and caches raster tiles, ``service`` gives a request the app's
tile service and the rasters' URLs and TileJSON, ``overlay`` puts the rasters on
the map and ``comparison`` adds the two-date swipe. The 360° scenes are
``webmap.vr``'s. ``ERRORS`` are the rasters' exceptions and their statuses, added
to the app's error table when the raster blueprint is registered.
"""

from __future__ import annotations

from layers.errors import InvalidRasterMetadata, RasterNotFound

ERRORS: dict[type[Exception], int] = {RasterNotFound: 404, InvalidRasterMetadata: 400}
