"""Tests of webmap.views modules that belong to no feature: small pages, vector tiles, /embed."""
