"""Tests of webmap.imagery: raster tiles, overlays, the two-date comparison."""
