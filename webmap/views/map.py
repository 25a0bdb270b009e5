"""The map page, feature details, oEmbed and the example portal page."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request
from flask_babel import gettext
from werkzeug import exceptions
from werkzeug.exceptions import BadRequest, NotFound

from webmap.core import embedding
from webmap.core import responses as r
from webmap.core.i18n import current_language
from webmap.core.links import external_url, site_root
from webmap.core.lookups import Lookups
from webmap.core.openapi import LANG, Doc, choice, documented, query
from webmap.core.store import get_store
from webmap.land.panel import add_land_panel
from webmap.mapview.page import feature_view, render_map
from webmap.mapview.params import page_params, view_params
from webmap.mapview.request import page_context, view_state
from webmap.mapview.response import page

bp = Blueprint("map", __name__)
MAP_PAGE = r.merged(r.page(), r.STORE_DOWN)


@bp.get("/")
@documented(Doc("getMap", "The full-page map.", "Map", MAP_PAGE, page_params))
def index() -> Response:
    """The full-page map of the view the query asks for."""
    state = view_state()
    parts = render_map(
        state,
        embed=False,
        extra=lambda m: add_land_panel(m, state.lang),
        cache_as="land-panel",  # the panel depends on the language alone
    )
    html = render_template(
        "map/page.html", map=parts, **page_context(state, "map.index")
    )
    return page(html)


@bp.get("/map/feature")
@documented(
    Doc(
        "getFeatureView",
        "One feature's popup (escaped HTML), name, centre and bounds.",
        "Map",
        r.merged(
            r.json_ok("FeatureView"),
            r.problem(400, "layer or id is missing."),
            r.problem(404, "No such layer or feature."),
            r.STORE_DOWN,
        ),
        lambda facts: (
            query("layer", "The layer.", choice(facts.layers), required=True),
            query("id", "The feature's id.", required=True),
            LANG,
        ),
    )
)
def feature() -> Response:
    """One feature's popup (escaped HTML), name, anchor and bounds as JSON."""
    layer, feature_id = request.args.get("layer", ""), request.args.get("id", "")
    if not layer or not feature_id:
        raise BadRequest("layer and id are required")
    store = get_store()
    store.layer(layer)  # LayerNotFound → 404
    view = feature_view(
        store, layer, feature_id, Lookups.cached(store, current_language())
    )
    if view is None:
        raise NotFound(f"no feature '{feature_id}' in layer '{layer}'")
    response = jsonify(view)
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.get("/oembed")
@documented(
    Doc(
        "getOEmbed",
        "oEmbed (rich) for a map URL of this site.",
        "Map",
        r.merged(
            r.json_ok("OEmbed"),
            r.problem(400, "url cannot be parsed as a URL."),
            r.problem(404, "Not a map URL of this site."),
            r.problem(501, "A format other than json (as oEmbed prescribes)."),
            r.STORE_DOWN,
        ),
        (
            query("url", "A map URL of this site (/ or /embed).", required=True),
            query("format", "Only json.", {"type": "string", "enum": ["json"]}),
            query("maxwidth", "Largest width in px.", {"type": "integer"}),
            query("maxheight", "Largest height in px.", {"type": "integer"}),
            LANG,
        ),
    )
)
def oembed() -> Response:
    """The oEmbed answer (rich) for a map URL of this site; 404 for any other."""
    fmt = request.args.get("format", "json")
    if fmt != "json":
        raise exceptions.NotImplemented("only format=json is supported")
    link = embedding.own_map_link(request.args.get("url", ""))
    if link is None:
        raise NotFound("not a map URL of this site")
    width = _dimension("maxwidth", embedding.OEMBED_WIDTH, embedding.OEMBED_MAX_WIDTH)
    height = _dimension(
        "maxheight", embedding.OEMBED_HEIGHT, embedding.OEMBED_MAX_HEIGHT
    )
    state = view_state(link.query)
    src = external_url("embed.embed") + "?" + state.query()
    title = gettext("Map of industrial parks, Hai Phong")
    return jsonify(
        {
            "version": "1.0",
            "type": "rich",
            "provider_name": gettext("Hai Phong Economic Zone Authority"),
            "provider_url": external_url("map.index"),
            "title": title,
            "html": str(embedding.iframe(src, title, width, height)),
            "width": width,
            "height": height,
            "cache_age": 3600,
        }
    )


def _dimension(name: str, default: int, most: int) -> int:
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        return default
    return max(100, min(value, default, most))


@bp.get("/examples/portal")
@documented(
    Doc(
        "getPortalExample",
        "A sample portal page embedding the map.",
        "Map",
        MAP_PAGE,
        view_params,
    )
)
def portal() -> Response:
    """A sample portal page embedding the map with embed.js, messages both ways."""
    base = site_root()
    state = view_state()
    html = render_template(
        "map/portal.html",
        map_base=base,
        lang=state.lang,
        embed_src=base + "/embed?" + state.query(legend=True),
        layer_names=[info.name for info in get_store().layers()],
    )
    origin = embedding.own_origin()
    return page(html, frame_sources=(origin,), scripts=(origin,))
