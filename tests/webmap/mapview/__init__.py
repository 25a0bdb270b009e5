"""Tests of webmap.mapview: the Folium map page, popups, icons, the clearance map."""
