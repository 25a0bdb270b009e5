"""The public map routes in the document: probes, map pages, vector and raster tiles."""

from __future__ import annotations

from geo.tiles import MAX_ZOOM
from webmap.apidoc import spec
from webmap.apidoc.facts import Facts
from webmap.apidoc.spec import (
    NOT_MODIFIED,
    STORE_DOWN,
    Endpoint,
    PathParam,
    choice,
    merged,
    page,
    problem,
    query,
    segment,
)
from webmap.ogc.params import LANG, Param
from webmap.settings import BASEMAPS

NUMBER = {"type": "number"}
WHOLE = {"type": "integer", "minimum": 0}


def view_params(facts: Facts) -> tuple[Param, ...]:
    """A map URL's view; the pages drop whatever is malformed and show the default."""
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
    )


def probes() -> list[Endpoint]:
    """Health, readiness, metrics and the site icon."""
    return [
        Endpoint(
            "get",
            "/healthz",
            "getHealth",
            "The process is up.",
            "Operations",
            spec.json_ok("Health"),
        ),
        Endpoint(
            "get",
            "/readyz",
            "getReadiness",
            "The store opens and answers.",
            "Operations",
            merged(spec.json_ok("Ready"), STORE_DOWN),
        ),
        Endpoint(
            "get",
            "/metrics",
            "getMetrics",
            "Prometheus metrics (404 while PARKMAP_METRICS is off).",
            "Operations",
            merged(
                {"200": spec.body("Metrics.", {"text/plain": spec.TEXT})},
                problem(401, "PARKMAP_METRICS_TOKEN is set and was not sent."),
                problem(404, "Metrics are off."),
            ),
            security=spec.OPTIONAL_METRICS_TOKEN,
        ),
        Endpoint(
            "get",
            "/favicon.ico",
            "getIcon",
            "The site icon (SVG).",
            "Operations",
            merged(spec.file("image/svg+xml"), NOT_MODIFIED),
        ),
        Endpoint(
            "get",
            "/openapi.json",
            "getServiceDefinition",
            "This document: every public route of the service.",
            "Operations",
            merged(spec.json_ok({"type": "object"}), STORE_DOWN),
        ),
    ]


def pages(facts: Facts) -> list[Endpoint]:
    """The map, its embed, the embed script and the portal example."""
    view = view_params(facts)
    html = merged(page(), STORE_DOWN)
    return [
        Endpoint("get", "/", "getMap", "The full-page map.", "Map", html, view),
        Endpoint(
            "get", "/embed", "getEmbed", "The map for iframes.", "Map", html, view
        ),
        Endpoint(
            "get",
            "/embed.js",
            "getEmbedScript",
            "The embed snippet's script.",
            "Map",
            merged(spec.file("text/javascript"), NOT_MODIFIED),
        ),
        Endpoint(
            "get",
            "/examples/portal",
            "getPortalExample",
            "A sample portal page embedding the map.",
            "Map",
            html,
            view,
        ),
    ]


def details(facts: Facts) -> list[Endpoint]:
    """A feature's details for the map's popups, and oEmbed."""
    oembed = (
        query("url", "A map URL of this site (/ or /embed).", required=True),
        query("format", "Only json.", {"type": "string", "enum": ["json"]}),
        query("maxwidth", "Largest width in px.", {"type": "integer"}),
        query("maxheight", "Largest height in px.", {"type": "integer"}),
    )
    feature = (
        query("layer", "The layer.", choice(facts.layers), required=True),
        query("id", "The feature's id.", required=True),
        LANG,
    )
    return [
        Endpoint(
            "get",
            "/map/feature",
            "getFeatureView",
            "One feature's popup (escaped HTML), name, centre and bounds.",
            "Map",
            merged(
                spec.json_ok("FeatureView"),
                problem(400, "layer or id is missing."),
                problem(404, "No such layer or feature."),
                STORE_DOWN,
            ),
            feature,
        ),
        Endpoint(
            "get",
            "/oembed",
            "getOEmbed",
            "oEmbed (rich) for a map URL of this site.",
            "Map",
            merged(
                spec.json_ok("OEmbed"),
                problem(400, "url cannot be parsed as a URL."),
                problem(404, "Not a map URL of this site."),
                problem(501, "A format other than json (as oEmbed prescribes)."),
                STORE_DOWN,
            ),
            oembed,
        ),
    ]


def _tile_address(name: str, names: tuple[str, ...]) -> tuple[PathParam, ...]:
    return (
        segment(name, "The layer or raster.", choice(names)),
        segment("z", "Zoom.", {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM}),
        segment("x", "Column, 0 ≤ x < 2^z.", {**WHOLE, "maximum": 2**MAX_ZOOM - 1}),
        segment("y", "Row from the north.", {**WHOLE, "maximum": 2**MAX_ZOOM - 1}),
    )


def tiles(facts: Facts) -> list[Endpoint]:
    """Vector tiles and TileJSON of every layer."""
    bad_tile = problem(400, "z, x or y out of range or not a whole number.")
    layer = segment("layer", "The layer.", choice(facts.layers))
    return [
        Endpoint(
            "get",
            "/tiles/{layer}/{z}/{x}/{y}.mvt",
            "getVectorTile",
            "A Mapbox Vector Tile (204 when empty).",
            "Tiles",
            merged(
                spec.file("application/vnd.mapbox-vector-tile"),
                spec.empty(204, "No feature in this tile."),
                NOT_MODIFIED,
                bad_tile,
                problem(404, "No such layer."),
                STORE_DOWN,
            ),
            _tile_address("layer", facts.layers),
        ),
        Endpoint(
            "get",
            "/tiles/{layer}.json",
            "getVectorTileJSON",
            "The layer's TileJSON 3.0.0.",
            "Tiles",
            merged(
                spec.json_ok("TileJSON"),
                NOT_MODIFIED,
                problem(404, "No such layer."),
                STORE_DOWN,
            ),
            (layer, LANG),
        ),
    ]


def raster_tiles(facts: Facts) -> list[Endpoint]:
    """The imagery rasters: listing, TileJSON and tiles."""
    raster = segment("name", "The raster.", choice(facts.rasters))
    fmt = segment("fmt", "Image format.", {"type": "string", "enum": ["png", "webp"]})
    return [
        Endpoint(
            "get",
            "/tiles/raster/",
            "getRasters",
            "Every imagery raster.",
            "Tiles",
            merged(spec.json_ok("RasterList"), NOT_MODIFIED),
        ),
        Endpoint(
            "get",
            "/tiles/raster/{name}.json",
            "getRasterTileJSON",
            "A raster's TileJSON 3.0.0 with its date and footprint.",
            "Tiles",
            merged(
                spec.json_ok("RasterTileJSON"),
                NOT_MODIFIED,
                problem(400, "name is not a raster name (1-64 of a-z, 0-9, -, _)."),
                problem(404, "No such raster."),
            ),
            (raster,),
        ),
        Endpoint(
            "get",
            "/tiles/raster/{name}/{z}/{x}/{y}.{fmt}",
            "getRasterTile",
            "A 256² imagery tile (transparent outside the raster).",
            "Tiles",
            merged(
                {
                    "200": spec.body(
                        "The tile.",
                        {"image/png": spec.BINARY, "image/webp": spec.BINARY},
                    )
                },
                NOT_MODIFIED,
                problem(400, "z, x or y out of range, or name not a raster name."),
                problem(404, "No such raster."),
            ),
            (*_tile_address("name", facts.rasters), fmt),
        ),
    ]
