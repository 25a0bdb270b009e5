"""A map URL's query, as the routes' declarations list it (``core/state.py`` parses it).

The map pages (``/``, ``/embed``, the portal example, the planner's map) take the
same view: whatever is malformed is dropped and the default shown.
"""

from __future__ import annotations

from typing import Any

from webmap.core.openapi import LANG, Param, choice, query
from webmap.settings import BASEMAPS


def view_params(facts: Any) -> tuple[Param, ...]:
    """A map URL's view; ``facts.layers`` are the store's layer names."""
    layers = {"type": "array", "items": choice(facts.layers)}
    return (
        LANG,
        query("center", "lat,lon of the centre (with zoom)."),
        query("zoom", "Zoom 0..22 (with center).", {"type": "integer"}),
        query("bbox", "minLon,minLat,maxLon,maxLat to fit.", {"type": "string"}),
        query("layers", "Overlays to show, comma-separated.", layers),
        query("base", "The base map.", choice(BASEMAPS)),
        query("sel", "A selected feature: layer:id."),
        query("park", "A park to focus on (embeds)."),
        query("legend", "0 hides the legend (embeds)."),
        query("compare", "Two imagery rasters side by side: before,after."),
    )
