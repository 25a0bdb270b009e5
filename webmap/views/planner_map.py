"""The planner's clearance map: the page, its bbox-limited layer and the slider's dates.

- ``GET /planner/map``: the Folium map (``render_map``) with the parks, the "Site
  clearance" layer, a time slider and the edit form (``planner-map.js``);
- ``GET /planner/api/clearance.geojson?bbox=…[&at=DATE]``: tracked parcels in the
  box with their clearance as it stood at ``at`` (now without it);
- ``GET /planner/api/clearance/dates``: the days the slider stops at.

Edits go to the planner API (``PATCH /planner/api/parcels/<id>``, ``planner.py``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import folium
from flask import Blueprint, Response, jsonify, render_template, request, url_for
from flask_babel import gettext
from markupsafe import escape
from werkzeug.routing import BuildError

from webmap.auth import current_user, role_required
from webmap.core import responses as r
from webmap.core.lookups import Lookups
from webmap.core.openapi import GEOJSON, Doc, documented
from webmap.core.params import InvalidParameter
from webmap.core.store import get_store
from webmap.mapview import clearance
from webmap.mapview.page import render_map
from webmap.mapview.params import page_params
from webmap.mapview.request import page_context, view_state
from webmap.mapview.response import page
from webmap.ogc.params import BBOX, parse_query
from webmap.planner.params import AT, parse_at

bp = Blueprint("planner_map", __name__, url_prefix="/planner")

API = r.merged(r.API_SIGN_IN, r.STORE_DOWN)
DEFAULT_LAYERS = ("parks",)  # under the clearance layer unless the URL says more


def _no_store(response: Response) -> Response:
    """Planner data is per user and changes with every edit: never cache it."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/api/clearance.geojson")
@documented(
    Doc(
        "getClearanceFeatures",
        "Tracked parcels in a box with their clearance (as it stood at at).",
        "Planner",
        r.merged(
            r.json_ok("ClearanceFeatures", GEOJSON),
            r.problem(400, "bbox missing, malformed or too large; at malformed."),
            API,
        ),
        (dataclasses.replace(BBOX, required=True), AT),
        security=r.SIGNED_IN,
    )
)
@role_required("planner")
def clearance_geojson() -> Response:
    """Tracked parcels in ``bbox`` with their clearance (as it stood at ``at``).

    Raises:
        InvalidParameter: ``bbox`` missing, malformed or larger than
            ``MAX_SPAN_DEG``; ``at`` malformed; an unknown parameter.
    """
    args = parse_query(request.args.to_dict(flat=False), (BBOX, AT))
    box = args.get("bbox")
    if box is None:
        raise InvalidParameter("bbox", "required: minLon,minLat,maxLon,maxLat")
    widest = max(clearance.span_deg(box.minx, box.maxx), box.maxy - box.miny)
    if widest > clearance.MAX_SPAN_DEG:
        raise InvalidParameter(
            "bbox",
            f"at most {clearance.MAX_SPAN_DEG:g}° wide and high, got {widest:.3g}°: "
            "zoom in",
        )
    when = parse_at(args.get("at"))
    store = get_store()
    rows = store.clearance.records() if when is None else store.clearance.at(when)
    today = dt.datetime.now(dt.UTC).date() if when is None else when.date()
    extra = {
        "at": None if when is None else when.isoformat(),
        "asOf": today.isoformat(),
        "editable": when is None,
    }
    text = clearance.feature_collection(store, box.boxes(), rows, today, extra)
    return _no_store(Response(text, mimetype="application/geo+json"))


@bp.get("/api/clearance/dates")
@documented(
    Doc(
        "getClearanceDates",
        "The days the map's time slider stops at.",
        "Planner",
        r.merged(r.json_ok("ClearanceDates"), API),
        security=r.SIGNED_IN,
    )
)
@role_required("planner")
def clearance_dates() -> Response:
    """The baseline's day and the days with accepted changes (UTC), oldest first."""
    dates = clearance.change_dates(get_store())
    return _no_store(
        jsonify(
            {
                "baseline": dates[0] if dates else None,
                "dates": dates,
                "today": dt.datetime.now(dt.UTC).date().isoformat(),
            }
        )
    )


def _dashboard_url(lang: str) -> str | None:
    """The planner dashboard's URL, if that page is registered."""
    try:
        return url_for("planner.dashboard", lang=lang)
    except BuildError:
        return None


def _client_config(lang: str) -> dict[str, Any]:
    """What planner-map.js needs: URLs, stages and colours, park names, words."""
    store = get_store()
    parks = Lookups.cached(store, lang).names.get("parks", {})
    tracked = {row.park_id for row in store.clearance.records()}
    return {
        "lang": lang,
        "pane": clearance.PANE,
        "geojsonUrl": url_for("planner_map.clearance_geojson"),
        "datesUrl": url_for("planner_map.clearance_dates"),
        "parcelUrl": request.script_root + "/planner/api/parcels/",
        "maxSpan": clearance.MAX_SPAN_DEG,
        "stages": clearance.stage_options(),
        "overdueColor": clearance.OVERDUE_COLOR,
        "parks": {park: parks.get(park, park) for park in sorted(tracked)},
        "texts": clearance.client_texts(),
    }


@bp.get("/map")
@documented(
    Doc(
        "getClearanceMap",
        "The clearance map with its time slider.",
        "Planner",
        r.merged(r.page(), r.SIGN_IN, r.STORE_DOWN),
        page_params,
        security=r.SIGNED_IN,
    )
)
@role_required("planner")
def map_page() -> Response:
    """The clearance map: parks, the clearance layer, time slider and edit form."""
    state = view_state()
    if "layers" not in request.args:
        known = set(state.layers)
        state = dataclasses.replace(
            state, layers=tuple(n for n in DEFAULT_LAYERS if n in known)
        )
    config = _client_config(state.lang)

    def add_layer(m: folium.Map) -> None:
        name = str(escape(gettext("Site clearance")))
        clearance.ClearanceLayer(name, config).add_to(m)

    parts = render_map(state, extra=add_layer)
    html = render_template(
        "planner/map.html",
        map=parts,
        legend=clearance.legend(),
        stages=config["stages"],
        dashboard_url=_dashboard_url(state.lang),
        user=current_user(),
        **page_context(state, "planner_map.map_page"),
    )
    return _no_store(page(html))
