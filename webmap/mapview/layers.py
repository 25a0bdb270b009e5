"""One Folium overlay per store layer, drawn from the layer's style hints.

Small layers go inline as GeoJSON (coordinates rounded to ~1 m, properties cut to
an id, an escaped tooltip and, for the known layers, an escaped popup). Parcels and
any layer above ``INLINE_MAX_FEATURES`` reach the browser as vector tiles from this
app's ``/tiles/<layer>/{z}/{x}/{y}.mvt``: the page never carries them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import folium
import numpy as np
import shapely
from flask_babel import gettext
from folium.plugins import VectorGridProtobuf
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import escape

from layers.periods.rules import Period
from layers.store import Feature, LayerInfo, Store
from webmap.core import styles
from webmap.core.cache import memo
from webmap.core.i18n import display_name
from webmap.core.lookups import Lookups
from webmap.core.styles import Legend
from webmap.mapview.icons import icon_svg
from webmap.mapview.popups import park_occupancy, popup_html, tooltip_html

NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$")
INLINE_POPUPS_MAX = 300  # above this, an inline layer's popups are fetched on click
TILED_ALWAYS = ("parcels",)
POINTS_PANE, TILES_PANE = "pm-points", "pm-tiles"
# Drawing (and layer switcher) order of the known layers; added layers come after.
MAP_ORDER = {
    name: i
    for i, name in enumerate(
        (
            *("zones", "isochrones", "parks", "parcels", "roads", "rail", "berths"),
            *("housing", "landmarks", "interchanges", "substations", "water_plants"),
            "river_ports",
        )
    )
}


@dataclass(slots=True)
class Overlay:
    """A map overlay: its Folium layer, how it travels and its legend."""

    name: str
    title: str
    element: Any
    tiled: bool
    id_field: str
    legend: Legend | None
    popups: bool = True  # popups are inline (else fetched on click)


@dataclass(slots=True)
class BuildContext:
    """What every overlay builder needs."""

    store: Store
    lookups: Lookups
    lang: str
    visible: tuple[str, ...]
    inline_max: int
    tile_url: Callable[[str], str]
    period: Period | None = None  # the reporting period the parks' figures are of

    def period_of(self, info: LayerInfo) -> Period | None:
        """The period a layer's features are shown as of (parks only)."""
        return self.period if info.name == "parks" else None

    def period_key(self, info: LayerInfo) -> tuple[str, int] | None:
        """What a layer's cached GeoJSON depends on of the period."""
        period = self.period_of(info)
        return None if period is None else (period.id, period.revision)


def is_tiled(info: LayerInfo, inline_max: int) -> bool:
    """Whether a layer goes out as vector tiles rather than inline GeoJSON.

    Parcels always do, as does a layer whose style says ``tiled = true`` (large
    polygons, e.g. the isochrones) and any layer above ``inline_max`` features.
    """
    tiled = info.name in TILED_ALWAYS or info.style.get("tiled") is True
    return tiled or info.count > inline_max


def _round(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.round(xy, 5))


def collection(
    info: LayerInfo,
    features: list[Feature],
    lookups: Lookups,
    popups: bool,
    period: Period | None = None,
) -> dict[str, Any]:
    """A FeatureCollection with only what the browser needs (all text escaped)."""
    out = []
    for f in features:
        tip = tooltip_html(info, f.id, f.properties, lookups.lang, period)
        props: dict[str, Any] = {"_id": f.id, "_tip": str(tip)}
        if popups:
            props["_popup"] = str(popup_html(info, f.id, f.properties, lookups, period))
        if info.name == "parks":
            props["_search"] = display_name(f.properties, lookups.lang, f.id)
        out.append(
            {
                "type": "Feature",
                "id": f.id,
                "geometry": shapely.geometry.mapping(_round(f.geometry)),
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "features": out}


def _attach(layer: folium.GeoJson, popups: bool) -> None:
    layer.add_child(folium.GeoJsonTooltip(fields=["_tip"], labels=False, sticky=True))
    if popups:
        layer.add_child(
            folium.GeoJsonPopup(
                fields=["_popup"], labels=False, max_width=360, max_height=340
            )
        )


def _polygon_styles(info: LayerInfo, features: list[Feature], index: int) -> dict:
    fill = info.style.get("fill", True) is not False
    out = {}
    for f in features:
        c = styles.feature_color(info, f.properties, index)
        out[f.id] = {
            "color": c,
            "weight": styles.weight(info.style, 2),
            "fill": fill,
            "fillColor": c,
            "fillOpacity": 0.35 if fill else 0,
            "dashArray": styles.dash(info.style.get("dash")),
        }
    return out


def _park_styles(
    info: LayerInfo, features: list[Feature], period: Period | None
) -> dict:
    outline = styles.color(info.style.get("color"), "#b03a2e")
    out = {}
    for f in features:
        if f.properties.get("status") == "planned":
            out[f.id] = {
                "color": styles.PLANNED_COLOR,
                "weight": 2,
                "dashArray": "6 5",
                "fillColor": styles.PLANNED_COLOR,
                "fillOpacity": 0.08,
            }
        else:
            out[f.id] = {
                "color": outline,
                "weight": styles.weight(info.style, 2),
                "fillColor": styles.occupancy_color(
                    park_occupancy(f.id, f.properties, period)
                ),
                "fillOpacity": 0.6,
            }
    return out


def _point_styles(info: LayerInfo, features: list[Feature], index: int) -> dict:
    size_by = info.style.get("size_by")
    values = [f.properties.get(size_by) for f in features] if size_by else []
    largest = max((v for v in values if isinstance(v, int | float)), default=0)
    out = {}
    for f in features:
        c = styles.feature_color(info, f.properties, index)
        r = styles.radius(f.properties.get(size_by), largest) if size_by else 7.0
        out[f.id] = {
            "color": "#ffffff",
            "weight": 1.5,
            "fill": True,
            "fillColor": c,
            "fillOpacity": 0.85,
            "radius": r,
            "pane": POINTS_PANE,  # above the parcel tiles
        }
    return out


def _icon_styles(info: LayerInfo, features: list[Feature], index: int) -> dict:
    field = info.style.get("icon_by")
    icons = info.style.get("icons") if isinstance(info.style.get("icons"), dict) else {}
    c = styles.base_color(info, index)
    out = {}
    for f in features:
        name = styles.icon(icons.get(str(f.properties.get(field))) if field else None)
        out[f.id] = {
            "html": f'<span class="pm-badge">{icon_svg(name, c)}</span>',
            "className": "pm-icon",
        }
    return out


def _styling(
    info: LayerInfo, features: list[Feature], index: int, ctx: BuildContext
) -> tuple[dict, Legend, dict[str, Any]]:
    """Per-feature styles, the legend and extra GeoJson options of a layer."""
    geometry, lang = info.geometry_type, ctx.lang
    if info.name == "parks":
        table = _park_styles(info, features, ctx.period_of(info))
        return table, styles.parks_legend(info, lang), {}
    if geometry == "Point" and info.style.get("icon_by"):
        # A 44×44 touch target around the 24 px badge (parkmap.css).
        icon = folium.DivIcon(
            class_name="pm-icon", icon_size=(44, 44), icon_anchor=(22, 22)
        )
        extra = {"marker": folium.Marker(icon=icon)}
        return (
            _icon_styles(info, features, index),
            styles.icon_legend(info, lang),
            extra,
        )
    if geometry == "Point":
        extra = {"marker": folium.CircleMarker(radius=7)}
        size_by = info.style.get("size_by")
        if size_by:
            largest = max((f.properties.get(size_by) or 0 for f in features), default=0)
            legend = styles.housing_legend(info, float(largest), lang)
        else:
            legend = styles.category_legend(info, "circle", index, lang)
        return _point_styles(info, features, index), legend, extra
    fill = info.style.get("fill", True) is not False
    shape = "line" if geometry == "LineString" else ("fill" if fill else "outline")
    legend = styles.category_legend(info, shape, index, lang)
    return _polygon_styles(info, features, index), legend, {}


def inline_overlay(info: LayerInfo, ctx: BuildContext, index: int) -> Overlay:
    """An inline GeoJSON overlay styled from the layer's hints."""
    store, lang = ctx.store, ctx.lang
    popups = info.count <= INLINE_POPUPS_MAX
    features = memo(
        store,
        ("features", info.name),
        lambda: store.query(info.name, limit=max(info.count, 1)).features,
    )
    data = memo(
        store,
        ("collection", info.name, lang, popups, ctx.period_key(info)),
        lambda: collection(info, features, ctx.lookups, popups, ctx.period_of(info)),
    )
    table, legend, extra = _styling(info, features, index, ctx)
    title = str(escape(info.label(lang)))
    layer = folium.GeoJson(
        data,
        name=title,
        show=info.name in ctx.visible,
        overlay=True,
        style_function=lambda f, table=table: table[f["id"]],
        highlight_function=(
            (lambda f: {"weight": 4}) if info.geometry_type != "Point" else None
        ),
        **extra,
    )
    _attach(layer, popups)
    return Overlay(info.name, title, layer, False, info.id_field, legend, popups)


def tile_options(info: LayerInfo, index: int) -> str:
    """VectorGrid options as a script expression (styles built in parkmap.js)."""
    field, colors = styles.categories(info)
    spec = {
        "layer": info.name,
        "idField": info.id_field,
        "colorBy": field,
        "colors": colors,
        "color": styles.base_color(info, index),
        "lines": {
            value: {"weight": weight, "dash": dash}
            for value, (weight, dash) in styles.status_lines(info).items()
        },
        "geometry": info.geometry_type,
        "minZoom": _min_zoom(info),
    }
    return f"parkmap.tileOptions({htmlsafe_json_dumps(spec)})"


def _min_zoom(info: LayerInfo) -> int:
    value = info.style.get("min_zoom", styles.TILE_MIN_ZOOM)
    return (
        value if isinstance(value, int) and 0 <= value <= 22 else styles.TILE_MIN_ZOOM
    )


def tiled_overlay(info: LayerInfo, ctx: BuildContext, index: int) -> Overlay:
    """A vector-tile overlay (``VectorGridProtobuf``) over this app's tiles."""
    title = str(escape(info.label(ctx.lang)))
    layer = VectorGridProtobuf(
        ctx.tile_url(info.name),
        name=title,
        options=tile_options(info, index),
        show=info.name in ctx.visible,
    )
    layer.default_js, layer.default_css = [], []  # the map loads a local copy
    shape = "line" if info.geometry_type == "LineString" else "fill"
    if info.geometry_type == "Point":
        shape = "circle"
    legend = styles.category_legend(info, shape, index, ctx.lang)
    note = gettext("Shown from zoom level %(zoom)s", zoom=_min_zoom(info))
    legend = Legend(legend.layer, legend.title, legend.entries, note)
    return Overlay(info.name, title, layer, True, info.id_field, legend, False)


def build_overlays(ctx: BuildContext) -> list[Overlay]:
    """An overlay per store layer whose name is URL-safe, in map order.

    Args:
        ctx: the store, language, visible layers and tile URL maker.

    Returns:
        Inline GeoJSON overlays for small layers, vector tiles for parcels and
        for layers above ``ctx.inline_max`` features.
    """
    overlays = []
    infos = sorted(
        ctx.store.layers(), key=lambda i: MAP_ORDER.get(i.name, len(MAP_ORDER))
    )
    for index, info in enumerate(infos):
        if not NAME_RE.match(info.name):
            continue
        if is_tiled(info, ctx.inline_max):
            overlays.append(tiled_overlay(info, ctx, index))
        elif info.count:
            overlays.append(inline_overlay(info, ctx, index))
    return overlays


def overlay_meta(overlays: list[Overlay]) -> list[dict[str, Any]]:
    """What parkmap.js needs to know about each overlay (no HTML)."""
    return [
        {"name": o.name, "tiled": o.tiled, "idField": o.id_field, "popups": o.popups}
        for o in overlays
    ]


def dumps(obj: Any) -> str:
    """JSON for a script block (``<``, ``>``, ``&`` escaped)."""
    return str(htmlsafe_json_dumps(obj, dumps=json.dumps))
