"""Reading a map request: the view it asks for and the page's shared context."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import current_app, request, url_for
from werkzeug.datastructures import MultiDict

from layers.periods.rules import Period
from webmap.core.i18n import AUTONYMS, LANGUAGES, as_of, current_language
from webmap.core.links import external_url
from webmap.core.published import chosen, published
from webmap.core.shell import panel_state
from webmap.core.state import ViewState, parse_view
from webmap.core.store import get_store
from webmap.imagery.service import raster_tiles
from webmap.mapview import figures
from webmap.mapview.layers import MAP_ORDER

# Which panel each map page has (webmap/core/shell.py).
PANEL_KINDS = {"embed.embed": "embed", "planner_map.map_page": "planner"}


def view_state(query: str | None = None) -> ViewState:
    """The view a query asks for (default: this request's), malformed parts dropped.

    Args:
        query: a map URL's query string; None reads the request's own.
    """
    infos = sorted(
        get_store().layers(), key=lambda info: MAP_ORDER.get(info.name, len(MAP_ORDER))
    )
    names = [info.name for info in infos]
    # a layer whose style says hidden = true is listed but off until asked for
    shown = [info.name for info in infos if info.style.get("hidden") is not True]
    args = request.args if query is None else MultiDict(parse_qsl(query))
    asked = str(args.get("lang", "")).lower()
    return parse_view(
        args,
        lang=asked if asked in LANGUAGES else current_language(),
        known_layers=names,
        default_base=current_app.config["DEFAULT_BASEMAP"],
        known_rasters=[info.name for info in raster_tiles().registry.list()],
        shown=shown,
        known_periods=[period.id for period in published()],
    )


def page_context(state: ViewState, endpoint: str) -> dict[str, Any]:
    """What every map template needs besides the map itself."""
    page_url = external_url(endpoint) + "?" + state.query()
    period = chosen(state.period)
    if period is not None:
        headline = figures.period_figures(period)
        date = period.end.isoformat()
    else:  # no published period in the store: the configured file and date
        cfg = current_app.config
        headline = [f.text(state.lang) for f in figures.load(cfg["HEADLINE_FILE"])]
        date = cfg["FIGURES_AS_OF"]
    kind = PANEL_KINDS.get(endpoint, "map")
    return {
        "lang": state.lang,
        "state": state,
        "languages": [
            (code, AUTONYMS[code], url_for(endpoint) + "?" + state.query(lang=code))
            for code in LANGUAGES
        ],
        "figures": headline,
        "panel": panel_state(kind, figures=bool(headline), legend=state.legend),
        "as_of": as_of(date),
        "period_form": period_form(state, endpoint, period),
        "page_url": page_url,
        "oembed_url": url_for("map.oembed")
        + "?"
        + urlencode({"url": page_url, "format": "json"}),
        "full_map_url": url_for("map.index") + "?" + state.query(),
        "embed_url": url_for("embed.embed") + "?" + state.query(),
    }


def period_form(
    state: ViewState, endpoint: str, period: Period | None
) -> dict[str, Any] | None:
    """The panel's period selector: a GET form back to this page (None: no period).

    The view's other parameters travel as hidden fields, so the form works without
    JavaScript; parkmap.js puts the map's current centre and zoom in them.
    """
    if period is None:
        return None
    hidden = [(k, v) for k, v in parse_qsl(state.query(period=None)) if k != "period"]
    hidden.append(("tab", "figures"))  # back on this tab
    return {
        "action": url_for(endpoint),
        "hidden": hidden,
        "options": [
            (p.id, figures.period_label(p), p.id == period.id)
            for p in reversed(published())
        ],
    }
