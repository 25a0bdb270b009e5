"""A map URL's query, as the routes' declarations list it.

The map pages (``/``, ``/embed``, the portal example, the planner's map) take the
same view (``core/state.py`` parses it), and those with a side panel its state
(``core/shell.py``): whatever is malformed is dropped and the default shown.
"""

from __future__ import annotations

from typing import Any

from webmap.core.openapi import LANG, Param, choice, query
from webmap.core.shell import SHEET_STATES
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
        query("legend", "0 drops the panel's Legend tab (embeds)."),
        query("compare", "Two imagery rasters side by side: before,after."),
        query(
            "period",
            "A published reporting period's id (default: the latest published).",
        ),
    )


# The side panel's state (``core/shell.panel_state``); each page has some of the tabs.
PANEL_TABS = ("clearance", "layers", "figures", "land", "legend", "none")
PANEL = (
    query("tab", "The panel's open tab (none: closed).", choice(PANEL_TABS)),
    query("sheet", "The panel's height on phones.", choice(SHEET_STATES)),
    query("land", "1 opens the land finder's tab (where the page has one)."),
)


def page_params(facts: Any) -> tuple[Param, ...]:
    """A map page's view and its panel's state."""
    return (*view_params(facts), *PANEL)
