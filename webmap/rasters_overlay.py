"""Imagery on the Folium map: a tile overlay per raster, opacity sliders, a swipe.

For the map page (``webmap/mapview``), inside a request (tile URLs are absolute)::

    overlays = raster_overlays()          # every registered raster
    overlays.add_to(folium_map)           # layers, opacity panel, before/after swipe

Each raster becomes a ``folium.TileLayer`` overlay on ``/tiles/raster/<name>/{z}/
{x}/{y}.png`` (hidden until chosen in the layer control, limited to the raster's
bounds so Leaflet asks for no tile outside it, drawn up to its native zoom and
scaled beyond). ``OpacityControl`` adds one slider per overlay, and when two rasters
of different dates cover the same area, ``SwipeControl`` puts the older on the
left and the newer on the right of a draggable divider.

Both controls are written here in a few lines of Leaflet code inside the page, so
they load nothing: no CDN, no npm package (the npm ``leaflet-side-by-side`` ships
only CommonJS source, which a page cannot load without a bundler). Text reaches
the page through ``tojson`` and ``textContent`` or ``markupsafe.escape``, never as
raw HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import folium
import shapely
from branca.element import MacroElement
from flask import current_app
from folium.template import Template
from markupsafe import escape

from geo.crs import folium_location
from geo.tiles import MAX_ZOOM
from layers.rasters import RasterInfo
from webmap.views.rasters import raster_tiles, tiles_url

DEFAULT_OPACITY = 0.85
# The divider: a transparent range input across the map with a round handle.
SWIPE_CSS = """
.pm-raster-swipe{position:absolute;top:50%;left:0;right:0;z-index:999;}
.pm-raster-swipe input{-webkit-appearance:none;appearance:none;width:100%;margin:0;
 background:transparent;cursor:ew-resize;}
.pm-raster-swipe input::-webkit-slider-runnable-track{background:transparent;}
.pm-raster-swipe input::-moz-range-track{background:transparent;}
.pm-raster-swipe input::-webkit-slider-thumb{-webkit-appearance:none;width:36px;
 height:36px;box-sizing:border-box;border-radius:50%;background:#fff;
 border:2px solid #555;box-shadow:0 1px 4px rgba(0,0,0,.4);}
.pm-raster-swipe input::-moz-range-thumb{width:36px;height:36px;box-sizing:border-box;
 border-radius:50%;background:#fff;border:2px solid #555;}
.pm-raster-swipe-line{position:absolute;top:0;bottom:0;width:4px;margin-left:-2px;
 background:#fff;z-index:998;pointer-events:none;box-shadow:0 0 3px rgba(0,0,0,.4);}
"""
SAME_AREA = 0.5  # intersection over union above which two footprints match


def title(info: RasterInfo) -> str:
    """The raster's name on the map: its label, led by its date unless it has it."""
    return info.label if info.date in info.label else f"{info.date} · {info.label}"


def raster_layer(
    info: RasterInfo, *, opacity: float = DEFAULT_OPACITY, show: bool = False
) -> folium.TileLayer:
    """A Folium tile overlay of one raster (needs a request context)."""
    west, south, east, north = info.bbox
    return folium.TileLayer(
        tiles=tiles_url(info.name),
        name=str(escape(title(info))),
        attr=str(escape(current_app.config["RASTER_ATTRIBUTION"])),
        overlay=True,
        control=True,
        show=show,
        opacity=opacity,
        min_zoom=info.minzoom,
        max_zoom=MAX_ZOOM,
        max_native_zoom=info.maxzoom,
        bounds=[folium_location(west, south), folium_location(east, north)],
    )


def _same_area(a: RasterInfo, b: RasterInfo) -> float:
    """Intersection over union of two footprints (1: the same area, 0: apart)."""
    pa, pb = shapely.Polygon(a.footprint), shapely.Polygon(b.footprint)
    union = pa.union(pb).area
    return pa.intersection(pb).area / union if union > 0 else 0.0


def compare_pair(
    rasters: Sequence[RasterInfo],
) -> tuple[RasterInfo, RasterInfo] | None:
    """Two rasters of the same area at different dates: (older, newer), or None.

    Footprints must overlap with an intersection over union of at least
    ``SAME_AREA``; the best-matching pair wins, then the one with the latest date.
    """
    best: tuple[tuple[float, str], tuple[RasterInfo, RasterInfo]] | None = None
    ordered = sorted(rasters, key=lambda r: (r.date, r.name))
    for i, older in enumerate(ordered):
        for newer in ordered[i + 1 :]:
            if newer.date == older.date:
                continue
            rank = (round(_same_area(older, newer), 3), newer.date)
            if rank[0] >= SAME_AREA and (best is None or rank > best[0]):
                best = (rank, (older, newer))
    return best[1] if best else None


class OpacityControl(MacroElement):
    """A panel with one opacity slider per raster overlay."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
    var layers = [
        {% for layer, _ in this.entries %}{{ layer.get_name() }},{% endfor %}
    ];
    var titles = {{ this.titles|tojson }};
    var control = L.control({position: {{ this.position|tojson }}});
    control.onAdd = function () {
        var box = L.DomUtil.create("div", "leaflet-bar pm-raster-opacity");
        box.style.cssText = "background:#fff;padding:4px 8px;font:12px sans-serif;";
        var head = L.DomUtil.create("div", "", box);
        head.textContent = {{ this.heading|tojson }};
        head.style.fontWeight = "bold";
        layers.forEach(function (layer, i) {
            var row = L.DomUtil.create("label", "", box);
            row.style.display = "block";
            row.title = titles[i];
            var text = L.DomUtil.create("span", "", row);
            var title = titles[i];
            text.textContent = title.length > 40 ? title.slice(0, 39) + "…" : title;
            text.style.display = "block";
            var input = L.DomUtil.create("input", "", row);
            input.type = "range";
            input.min = 0;
            input.max = 100;
            input.value = Math.round(layer.options.opacity * 100);
            input.setAttribute("aria-label", title);
            input.addEventListener("input", function () {
                layer.setOpacity(input.value / 100);
            });
        });
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
    };
    control.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        entries: Sequence[tuple[folium.TileLayer, RasterInfo]],
        heading: str = "Imagery opacity",
        position: str = "bottomleft",
    ) -> None:
        super().__init__()
        self._name = "OpacityControl"
        self.entries = list(entries)
        self.titles = [title(info) for _, info in self.entries]
        self.heading = heading
        self.position = position


class SwipeControl(MacroElement):
    """A before/after divider: ``left`` shows west of it, ``right`` east of it.

    Both layers are shown while the control is on the map; the divider is a range
    input across the map that clips each layer's container.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
    var SWIPE_CSS = {{ this.css|tojson }}, THUMB = 36;
    var map = {{ this._parent.get_name() }};
    var left = {{ this.left.get_name() }}, right = {{ this.right.get_name() }};
    if (!document.getElementById("pm-raster-swipe-css")) {
        var css = document.createElement("style");
        css.id = "pm-raster-swipe-css";
        css.textContent = SWIPE_CSS;
        document.head.appendChild(css);
    }
    var box = L.DomUtil.create("div", "pm-raster-swipe", map.getContainer());
    var range = L.DomUtil.create("input", "", box);
    range.type = "range";
    range.min = 0;
    range.max = 1;
    range.step = "any";
    range.value = 0.5;
    range.setAttribute("aria-label", {{ this.aria|tojson }});
    var line = L.DomUtil.create("div", "pm-raster-swipe-line", map.getContainer());
    L.DomEvent.disableClickPropagation(box);
    var drag = map.dragging;
    ["mousedown", "touchstart"].forEach(function (type) {
        range.addEventListener(type, function () { drag.disable(); });
    });
    ["mouseup", "touchend"].forEach(function (type) {
        range.addEventListener(type, function () { drag.enable(); });
    });
    function rect(top, right, bottom, left) {
        return "rect(" + [top, right, bottom, left].join("px,") + "px)";
    }
    function clip() {
        var nw = map.containerPointToLayerPoint([0, 0]);
        var se = map.containerPointToLayerPoint(map.getSize());
        // the handle's centre: a range input keeps its 36 px thumb inside the track
        var x = THUMB / 2 + (map.getSize().x - THUMB) * range.value;
        var cut = nw.x + x;
        line.style.left = x + "px";
        var l = left.getContainer(), r = right.getContainer();
        if (l) { l.style.clip = rect(nw.y, cut, se.y, nw.x); }
        if (r) { r.style.clip = rect(nw.y, se.x, se.y, cut); }
    }
    left.addTo(map);
    right.addTo(map);
    range.addEventListener("input", clip);
    map.on("move zoomend resize layeradd", clip);
    clip();
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        left: folium.TileLayer,
        right: folium.TileLayer,
        aria: str = "Before / after",
    ) -> None:
        super().__init__()
        self._name = "SwipeControl"
        self.css = SWIPE_CSS
        self.left = left
        self.right = right
        self.aria = aria


@dataclass(slots=True)
class RasterOverlays:
    """The Folium pieces for the registered rasters, not yet on a map."""

    layers: dict[str, folium.TileLayer] = field(default_factory=dict)
    rasters: dict[str, RasterInfo] = field(default_factory=dict)
    pair: tuple[RasterInfo, RasterInfo] | None = None
    opacity: OpacityControl | None = None
    swipe: SwipeControl | None = None

    def add_to(self, m: folium.Map) -> None:
        """Add the overlays, then the opacity panel and the swipe, to ``m``.

        Add them before ``folium.LayerControl`` so that it lists the overlays.
        """
        for layer in self.layers.values():
            layer.add_to(m)
        for control in (self.opacity, self.swipe):
            if control is not None:
                control.add_to(m)


def raster_overlays(
    rasters: Sequence[RasterInfo] | None = None,
    *,
    opacity: float = DEFAULT_OPACITY,
    swipe: bool = True,
    texts: dict[str, Any] | None = None,
) -> RasterOverlays:
    """Build the overlays of ``rasters`` (default: every registered raster).

    Needs an app and request context (tile URLs are absolute, from the request).

    Args:
        rasters: Which rasters, in layer-control order.
        opacity: Initial opacity of each overlay, 0..1.
        swipe: Add a before/after swipe when ``compare_pair`` finds a pair (its two
            layers are then shown; the others stay hidden until chosen).
        texts: Translated UI strings: ``opacity_heading``, ``swipe_label``.

    Returns:
        The layers by raster name and the controls.
    """
    texts = texts or {}
    chosen = list(raster_tiles().registry.list() if rasters is None else rasters)
    out = RasterOverlays()
    for info in chosen:
        out.layers[info.name] = raster_layer(info, opacity=opacity)
        out.rasters[info.name] = info
    if not chosen:
        return out
    out.opacity = OpacityControl(
        [(out.layers[i.name], i) for i in chosen],
        heading=texts.get("opacity_heading", "Imagery opacity"),
    )
    out.pair = compare_pair(chosen) if swipe else None
    if out.pair is not None:
        older, newer = out.pair
        out.swipe = SwipeControl(
            out.layers[older.name],
            out.layers[newer.name],
            aria=texts.get("swipe_label", f"{older.date} / {newer.date}"),
        )
    return out
