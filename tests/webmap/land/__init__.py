"""Tests of webmap.land: the land finder's page, search and exports."""
