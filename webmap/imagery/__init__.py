"""Imagery on the web side: the raster tile service, map overlays, comparison.

``tiles`` renders and caches raster tiles, ``service`` gives a request the app's
tile service and the rasters' URLs and TileJSON, ``overlay`` puts the rasters on
the map and ``comparison`` adds the two-date swipe. The 360° scenes are
``webmap.vr``'s.
"""
