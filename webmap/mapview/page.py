"""Build the Folium map of a view: base maps, overlays, controls, client settings.

``render_map`` returns the three parts Folium renders (header, map div, script) so
that the Flask templates put them in a page with its own chrome.

Folium takes ~75 ms of CPU to render a map page, nearly all of the page's time, so
the public pages (map, embed) keep what it renders, per view, store build (which moves
with clearance edits), raster and 360° catalogues, language and host: a page then
costs a few milliseconds and only this request's CSP nonce is put in anew.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from typing import Any

import folium
import xyzservices
from flask import current_app, request, url_for
from flask_babel import gettext
from folium.map import CustomPane
from markupsafe import Markup, escape

from layers.errors import FeatureNotFound, LayerNotFound
from layers.periods.rules import Period
from layers.store import Store
from webmap.core.cache import memo
from webmap.core.embedding import allowed_origins
from webmap.core.i18n import current_language, data_attribution, display_name
from webmap.core.links import site_root
from webmap.core.lookups import Lookups
from webmap.core.published import chosen, stamp
from webmap.core.security import add_nonce
from webmap.core.shell import LAYER_GROUPS, ShellLayers, describe
from webmap.core.state import ViewState
from webmap.core.store import get_store
from webmap.core.styles import Legend
from webmap.imagery.overlay import raster_overlays
from webmap.imagery.service import raster_tiles
from webmap.mapview import layers as overlays_mod
from webmap.mapview.controls import ParkMap, ParkmapClient, ParkSearch, fullscreen
from webmap.mapview.layers import POINTS_PANE, TILES_PANE, BuildContext, Overlay
from webmap.mapview.popups import popup_html
from webmap.mapview.texts import client_texts, imagery_texts
from webmap.vr.overlay import camera_layer
from webmap.vr.scenes import manifest_stamp, scene_list

LatLngBounds = list[list[float]]
VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>')
BLOCKING_SCRIPT = re.compile(r"<script\b(?=[^>]*\bsrc=)(?![^>]*\b(?:defer|async)\b)")
PAGES_SPACE, PAGES_KEPT = "map-pages", 64


@dataclass(frozen=True, slots=True)
class MapParts:
    """A rendered map: what goes in <head>, the map's <div>, its <script>."""

    header: Markup
    html: Markup
    script: Markup
    legends: tuple[Legend, ...]


def tile_url(layer: str) -> str:
    """This app's vector-tile URL template for ``layer``."""
    return f"{request.script_root}/tiles/{layer}/{{z}}/{{x}}/{{y}}.mvt"


def _bounds(bbox: tuple[float, float, float, float]) -> LatLngBounds:
    minx, miny, maxx, maxy = bbox
    return [[miny, minx], [maxy, maxx]]


def default_bounds(store: Store) -> LatLngBounds:
    """The extent of every layer in the store (Hai Phong if the store is empty)."""
    boxes = [info.bbox for info in store.layers() if info.bbox]
    if not boxes:
        return [[20.6, 106.4], [21.0, 107.05]]
    return _bounds(
        (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
    )


def feature_view(
    store: Store,
    layer: str,
    feature_id: str,
    lookups: Lookups,
    period: Period | None = None,
) -> dict[str, Any] | None:
    """A feature's popup, name, anchor point and bounds, or None if it is absent.

    ``period``: the reporting period a park's figures are shown as of.
    """
    try:
        info = store.layer(layer)
        feature = store.get(layer, feature_id)
    except (LayerNotFound, FeatureNotFound):
        return None
    point = feature.geometry.representative_point()
    return {
        "layer": layer,
        "id": feature.id,
        "name": display_name(feature.properties, lookups.lang, feature.id),
        "html": str(popup_html(info, feature.id, feature.properties, lookups, period)),
        "center": [point.y, point.x],
        "bounds": _bounds(feature.geometry.bounds),
    }


def initial_view(
    state: ViewState,
    store: Store,
    selected: dict[str, Any] | None,
    focus: dict[str, Any] | None,
) -> dict[str, Any]:
    """Centre and zoom, else the bounds to fit: bbox, park, selection, all data."""
    if state.center is not None and state.zoom is not None:
        return {"center": list(state.center), "zoom": state.zoom}
    if state.bbox is not None:
        return {"bounds": _bounds(state.bbox)}
    if focus is not None:
        return {"bounds": focus["bounds"]}
    if selected is not None:
        return {"bounds": selected["bounds"], "maxZoom": 16}
    return {"bounds": default_bounds(store)}


def tile_layer(key: str, title: str, show: bool) -> folium.TileLayer:
    """A configured base map (a TileProvider: Folium then skips its name lookup)."""
    cfg = current_app.config
    url = cfg[f"BASEMAP_{key.upper()}_URL"]
    provider = xyzservices.TileProvider(
        name=key,
        url=url,
        attribution=cfg[f"BASEMAP_{key.upper()}_ATTRIBUTION"],
        subdomains="abc",
    )
    return folium.TileLayer(
        tiles=provider,
        attr=provider.attribution,
        name=str(escape(title)),
        overlay=False,
        show=show,
        max_zoom=19,
    )


def base_layers(m: folium.Map, base: str) -> list[tuple[str, str]]:
    """OpenStreetMap, satellite and "no base map", the chosen one shown."""
    blank = folium.FeatureGroup(
        name=str(escape(gettext("No base map"))), overlay=False, show=base == "none"
    )
    pairs = [
        ("osm", tile_layer("osm", gettext("Map (OpenStreetMap)"), base == "osm")),
        (
            "satellite",
            tile_layer("satellite", gettext("Satellite"), base == "satellite"),
        ),
        ("none", blank),
    ]
    for key, layer in pairs:
        describe(layer, f"base:{key}", "base").add_to(m)
    return [(key, layer.get_name()) for key, layer in pairs]


def client_config(
    state: ViewState,
    *,
    embed: bool,
    overlays: list[Overlay],
    view: dict[str, Any],
    selected: dict[str, Any] | None,
    focus: dict[str, Any] | None,
    period: Period | None = None,
) -> dict[str, Any]:
    """Everything parkmap.js needs, as plain JSON."""
    cfg = current_app.config
    return {
        "lang": state.lang,
        "period": state.period,  # kept in the URL only when the URL chose it
        "embed": embed,
        "legend": state.legend,
        "layers": list(state.layers),
        "base": state.base,
        "park": focus["id"] if focus else None,
        "view": view,
        "overlays": overlays_mod.overlay_meta(overlays),
        "bases": {
            key: {"url": cfg[f"BASEMAP_{key.upper()}_URL"]}
            for key in ("osm", "satellite")
        },
        "selected": selected,
        "featureUrl": url_for("map.feature"),
        "origins": list(allowed_origins()),
        "texts": client_texts(),
        "attribution": str(data_attribution(period.end if period else None)),
    }


def add_controls(m: folium.Map, items: list[Overlay], embed: bool) -> None:
    """Search over the parks, fullscreen and the layer switcher."""
    parks = next((o for o in items if o.name == "parks" and not o.tiled), None)
    if parks is not None:
        ParkSearch(
            parks.element,
            placeholder=gettext("Search industrial parks…"),
            not_found=gettext("No park of that name"),
            cancel=gettext("Cancel"),
        ).add_to(m)
    fullscreen(gettext("Full screen"), gettext("Exit full screen")).add_to(m)
    ShellLayers().add_to(m)  # the panel's Layers tab, not a control on the map


def add_extras(m: folium.Map, state: ViewState) -> None:
    """The 360° cameras and the imagery overlays (before the layer control)."""
    if scene_list(state.lang):
        # Off at first: cameras sit at park centres, where a click opens the park.
        cameras = camera_layer(
            state.lang, state, name=gettext("360° views"), show=False
        )
        describe(cameras, "vr", "vr").add_to(m)
    raster_overlays(compare=state.compare, texts=imagery_texts()).add_to(m)


def render_map(
    state: ViewState,
    embed: bool = False,
    extra: Callable[[folium.Map], None] | None = None,
    cache_as: str | None = None,
) -> MapParts:
    """The map of ``state`` rendered by Folium, ready for a page template.

    Args:
        state: the view asked for (already validated).
        embed: the iframe variant (collapsed switcher, cooperative gestures).
        extra: adds a page's own elements (the planner's clearance layer) before
            the layer control, so their overlays are listed in it.
        cache_as: a name for ``extra`` when what it adds depends on nothing but
            ``state``: the rendered map is then kept and reused (see the module's
            docstring). Without it, a map with ``extra`` is rendered every time.

    Returns:
        Folium's header, map div and script, and the legends of the overlays, with
        this request's nonce on the inline scripts.

    Raises:
        StoreUnavailable: the store is not built.
    """
    store = get_store()
    if extra is not None and cache_as is None:
        return _with_nonce(_render(store, state, embed, extra))
    key: tuple[Hashable, ...] = (
        state,
        embed,
        cache_as,
        current_language(),
        site_root(),
        raster_tiles().registry.version(),
        manifest_stamp(),
        stamp(),  # publishing or correcting a period does not move the build id
    )
    parts = memo(
        store,
        key,
        lambda: _render(store, state, embed, extra),
        space=PAGES_SPACE,
        size=PAGES_KEPT,
    )
    return _with_nonce(parts)


def _with_nonce(parts: MapParts) -> MapParts:
    """``parts`` with this request's nonce on Folium's own inline scripts.

    The page template puts the map script itself in a ``<script nonce>``.
    """
    return replace(
        parts,
        header=Markup(add_nonce(parts.header)),
        html=Markup(add_nonce(parts.html)),
    )


def _render(
    store: Store,
    state: ViewState,
    embed: bool,
    extra: Callable[[folium.Map], None] | None,
) -> MapParts:
    """Folium's rendering of the map of ``state`` (scripts without nonces)."""
    lookups = Lookups.cached(store, state.lang)
    period = chosen(state.period)
    selected = (
        feature_view(store, *state.selected, lookups, period)
        if state.selected
        else None
    )
    focus = (
        feature_view(store, "parks", state.park, lookups, period)
        if state.park
        else None
    )
    view = initial_view(state, store, selected, focus)
    m = ParkMap(
        location=view.get("center") or _centre(view["bounds"]),
        zoom_start=view.get("zoom", 10),
        tiles=None,
        control_scale=True,
        # Fixed limits: without them Leaflet would lift the map's minimum zoom to the
        # parcels layer's (tiles start at zoom 12) and zoom everyone in.
        minZoom=3,
        maxZoom=19,
    )
    CustomPane(TILES_PANE, z_index=450, pointer_events=True).add_to(m)
    CustomPane(POINTS_PANE, z_index=500, pointer_events=True).add_to(m)
    bases = base_layers(m, state.base)
    ctx = BuildContext(
        store=store,
        lookups=lookups,
        lang=state.lang,
        visible=state.layers,
        inline_max=current_app.config["INLINE_MAX_FEATURES"],
        tile_url=tile_url,
        period=period,
    )
    items = overlays_mod.build_overlays(ctx)
    for item in items:
        group = LAYER_GROUPS.get(item.name, "other")
        describe(item.element, item.name, group).add_to(m)
    add_extras(m, state)
    if extra is not None:
        extra(m)
    add_controls(m, items, embed)
    config = client_config(
        state,
        embed=embed,
        overlays=items,
        view=view,
        selected=selected,
        focus=focus,
        period=period,
    )
    ParkmapClient(
        overlays_mod.dumps(config),
        [(o.name, o.element.get_name()) for o in items],
        bases,
    ).add_to(m)
    root = m.get_root()
    root.render()
    return MapParts(
        Markup(phone_ready(root.header.render())),
        Markup(root.html.render()),
        Markup(root.script.render()),
        tuple(o.legend for o in items if o.legend is not None),
    )


def phone_ready(header: str) -> str:
    """Folium's header made kind to phones: pinch zoom allowed, scripts deferred.

    Folium writes ``maximum-scale=1.0, user-scalable=no``, which stops a reader
    enlarging the panel's text (WCAG 1.4.4); the map's own pinch zoom is Leaflet's.
    Its ``<script src>`` tags block rendering in the head: deferred, they still run
    in order, before ``DOMContentLoaded``, which the page templates wait for
    before running the map's own script.
    """
    header = VIEWPORT.sub(
        '<meta name="viewport" content="width=device-width, initial-scale=1">', header
    )
    return BLOCKING_SCRIPT.sub("<script defer", header)


def _centre(bounds: LatLngBounds) -> list[float]:
    (south, west), (north, east) = bounds
    return [(south + north) / 2, (west + east) / 2]
