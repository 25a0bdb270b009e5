"""Tests of webmap.ogc: OGC API – Features parameters, items, errors, GDAL's driver."""
