"""The investor land finder: its page, its JSON search and the exports.

- ``GET /land``: the search form, the first page of results and a small map
  (``land.js`` then searches in place and keeps the search in the URL); a bad
  parameter shows a message on the page (status 400), never an error page;
- ``GET /land/panel``: the same form and list as an HTML fragment, for the search
  panel of the map page (loaded when it is first opened);
- ``GET /land/search.json``: a page of results as a GeoJSON FeatureCollection with
  ``numberMatched``, ``totalHa`` and the normalised ``query``; a bad parameter →
  400 problem naming it;
- ``GET /land/export.csv|geojson|kml``: every match of the search (up to
  ``MAX_LIMIT``) as a file.

Parameters: see ``layers/land/query.py``; ``lang`` picks the page's language.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from flask import Blueprint, Response, render_template
from flask_babel import gettext
from werkzeug.exceptions import NotFound

from layers.errors import InvalidQuery
from layers.land.query import MAX_LIMIT as MAX_MATCHES
from layers.land.query import MAX_VALUE_CHARS, LandQuery, LandResult
from layers.store.base import MAX_LIMIT
from webmap.core import responses as r
from webmap.core.i18n import AUTONYMS, LANGUAGES, current_language, number
from webmap.core.lookups import Lookups
from webmap.core.openapi import BINARY, GEOJSON, Doc, documented, ref
from webmap.core.shell import panel_state
from webmap.core.store import get_store
from webmap.land import exports
from webmap.land import page as land_page
from webmap.land.labels import error_message
from webmap.land.params import land_params
from webmap.land.search import (
    feature_collection,
    park_zones,
    parse_request,
    vocabulary,
)
from webmap.mapview.response import page as html_page

bp = Blueprint("land", __name__, url_prefix="/land")
NO_PARCELS = r.problem(404, "The store has no parcels layer.")
FAILING = r.merged(
    r.problem(
        400,
        "A parameter is unknown, malformed or out of range (values up to "
        f"{MAX_VALUE_CHARS} characters).",
    ),
    NO_PARCELS,
    r.STORE_DOWN,
)
PAGE = r.merged(
    r.page(),
    r.page("The page with a message naming the bad parameter.", 400),
    NO_PARCELS,
    r.STORE_DOWN,
)
EXPORTS = (
    ("csv", "text/csv", BINARY),
    ("geojson", GEOJSON, ref("LandSearch")),
    ("kml", "application/vnd.google-earth.kml+xml", BINARY),
)
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "kml": "application/vnd.google-earth.kml+xml",
}


def _render(template: str, status_on_error: int = 400) -> Response:
    """The page or panel: the form, a message for a bad search, else the results."""
    store = get_store()
    lang = current_language()
    query: LandQuery | None = None
    message, results = "", None
    try:
        query = parse_request(store)
        result = store.land.search(query)
    except InvalidQuery as exc:
        query = None
        names = Lookups.cached(store, lang).names.get("landmarks", {})
        message = error_message(exc, names)
    shown = land_page.shown_targets(store, lang, query)
    if query is not None:
        results = land_page.results_context(store, lang, query, result, shown)
    html = render_template(
        template,
        lang=lang,
        message=message,
        results=results,
        export_urls=land_page.export_urls(query, lang) if query else {},
        form=land_page.form_context(store, lang, shown),
        config=land_page.client_config(store, lang, vocabulary(store), shown),
        panel=panel_state("land"),  # the page's one tab (the map panel's layout)
        languages=[
            (code, AUTONYMS[code], land_page.page_url(query or LandQuery(), code))
            for code in LANGUAGES
        ],
    )
    response = html_page(html)
    if message:
        response.status_code = status_on_error
    return response


@bp.get("")
@documented(Doc("getLandFinder", "The land finder page.", "Land", PAGE, land_params))
def page() -> Response:
    """The land finder page."""
    return _render("land/page.html")


@bp.get("/panel")
@documented(
    Doc(
        "getLandPanel",
        "The land finder as a fragment for the map's panel.",
        "Land",
        PAGE,
        land_params,
    )
)
def panel() -> Response:
    """The form and list as a fragment for the map page's search panel."""
    response = _render("land/panel.html")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/search.json")
@documented(
    Doc(
        "searchLand",
        "A page of matching parcels with the count and total area.",
        "Land",
        r.merged(r.json_ok("LandSearch", GEOJSON), FAILING),
        land_params,
    )
)
def search_json() -> Response:
    """A page of matches as a GeoJSON FeatureCollection with the figures.

    Raises:
        InvalidQuery: a bad parameter (→ 400 problem naming it).
    """
    store = get_store()
    query = parse_request(store)
    text = feature_collection(store.land.search(query), query)
    response = Response(text, mimetype="application/geo+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _export_result(query: LandQuery) -> tuple[LandQuery, LandResult]:
    everything = dataclasses.replace(query, limit=MAX_LIMIT, offset=0)
    return everything, get_store().land.search(everything)


@bp.get("/export.<fmt>")
@documented(
    *(
        Doc(
            f"exportLand{fmt.upper()}",
            f"Every match (up to {MAX_MATCHES}) as {fmt.upper()}.",
            "Land",
            r.merged({"200": r.body("The file.", {media: schema})}, FAILING),
            land_params,
            fill={"fmt": fmt},
        )
        for fmt, media, schema in EXPORTS
    )
)
def export(fmt: str) -> Response:
    """Every match of the search (up to ``MAX_LIMIT``) as CSV, GeoJSON or KML.

    Raises:
        NotFound: another format.
        InvalidQuery: a bad parameter (→ 400 problem naming it).
    """
    if fmt not in FORMATS:
        raise NotFound(f"no export as {fmt}: csv, geojson or kml")
    store = get_store()
    query, result = _export_result(parse_request(store))
    lang = current_language()
    parks = land_page.park_names(store, lang)
    capped = result.number_matched > len(result.features)
    note = (
        gettext(
            "Only the first %(max)s of %(count)s matching parcels are included.",
            max=number(len(result.features), 0),
            count=number(result.number_matched, 0),
        )
        if capped
        else ""
    )
    if fmt == "csv":
        body = exports.csv_bytes(result, parks, park_zones(store))
    elif fmt == "kml":
        body = exports.kml_bytes(result, parks, gettext("Land search"), note)
    else:
        extra = {"truncated": capped, "note": note} if capped else {"truncated": False}
        body = feature_collection(result, query, extra).encode("utf-8")
    response = Response(body, mimetype=FORMATS[fmt])
    name = f"parkmap-land-{dt.date.today():%Y%m%d}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Number-Matched"] = str(result.number_matched)
    response.headers["X-Number-Returned"] = str(len(result.features))
    response.headers["Cache-Control"] = "no-cache"
    return response
