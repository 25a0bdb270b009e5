"""Tests of webmap.core: what every surface shares."""
