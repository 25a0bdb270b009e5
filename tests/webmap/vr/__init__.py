"""Tests of webmap.vr: the 360° viewer, scenes, preview stills, the gallery, uploads."""
