"""Imagery on the Folium map: a tile overlay per raster, opacity sliders, a swipe.

For the map page (``webmap/mapview``), inside a request (tile URLs are absolute)::

    overlays = raster_overlays(compare=("a", "b"))  # every raster; a | b at load
    overlays.add_to(folium_map)           # layers, opacity panel, before/after swipe

Each raster becomes a ``folium.TileLayer`` overlay on ``/tiles/raster/<name>/{z}/
{x}/{y}.png`` (hidden until chosen in the layer control, limited to the raster's
bounds so Leaflet asks for no tile outside it, drawn up to its native zoom and
scaled beyond). ``OpacityControl`` adds one slider per overlay, and with two rasters
or more ``SwipeControl`` (``webmap/imagery/comparison.py``) adds "Compare two dates"
to that panel: the "before" raster left and the "after" raster right of a draggable
divider. It is off at load unless asked for (``compare=before,after`` in the map
URL); its choices start on two dates of the same area when there are such.

Both controls are a few lines of Leaflet code written into the page, so
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
from layers.imagery.rasters import RasterInfo
from webmap.core.shell import describe, short_name
from webmap.imagery.comparison import SwipeControl, title
from webmap.imagery.service import raster_tiles, tiles_url

DEFAULT_OPACITY = 0.85
SAME_AREA = 0.5  # intersection over union above which two footprints match


def raster_layer(
    info: RasterInfo, *, opacity: float = DEFAULT_OPACITY, show: bool = False
) -> folium.TileLayer:
    """A Folium tile overlay of one raster (needs a request context)."""
    west, south, east, north = info.bbox
    name, help_text = short_name(title(info))
    layer = folium.TileLayer(
        tiles=tiles_url(info.name),
        name=str(escape(name)),
        attr=str(escape(current_app.config["RASTER_ATTRIBUTION"])),
        overlay=True,
        control=True,
        show=show,
        opacity=opacity,
        min_zoom=info.minzoom,
        max_zoom=MAX_ZOOM,
        max_native_zoom=info.maxzoom,
        bounds=[folium_location(west, south), folium_location(east, north)],
        class_name=f"pm-raster pm-raster-{info.name}",  # names are slugs
    )
    return describe(layer, f"raster:{info.name}", "imagery", help_text)


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
var {{ this.get_name() }} = (function () {
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
    return control;
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


@dataclass(slots=True)
class RasterOverlays:
    """The Folium pieces for the registered rasters, not yet on a map."""

    layers: dict[str, folium.TileLayer] = field(default_factory=dict)
    rasters: dict[str, RasterInfo] = field(default_factory=dict)
    pair: tuple[RasterInfo, RasterInfo] | None = None  # compared at load
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


def first_choice(
    rasters: Sequence[RasterInfo], compare: tuple[str, str] | None
) -> tuple[str, str]:
    """The (before, after) names the comparison starts on (two rasters or more).

    ``compare`` if it names two of ``rasters``, else two dates of the same area
    (``compare_pair``), else the two latest.
    """
    names = {info.name for info in rasters}
    if compare is not None and compare[0] != compare[1] and set(compare) <= names:
        return compare
    pair = compare_pair(rasters)
    if pair is None:
        latest = sorted(rasters, key=lambda r: (r.date, r.name))[-2:]
        pair = (latest[0], latest[1])
    return (pair[0].name, pair[1].name)


def raster_overlays(
    rasters: Sequence[RasterInfo] | None = None,
    *,
    opacity: float = DEFAULT_OPACITY,
    compare: tuple[str, str] | None = None,
    swipe: bool = True,
    texts: dict[str, Any] | None = None,
) -> RasterOverlays:
    """Build the overlays of ``rasters`` (default: every registered raster).

    Needs an app and request context (tile URLs are absolute, from the request).

    Args:
        rasters: Which rasters, in layer-control order.
        opacity: Initial opacity of each overlay, 0..1.
        compare: (before, after) raster names to compare at load (both overlays
            then shown, split by the divider); None, or a name not among
            ``rasters``: no comparison at load.
        swipe: Offer "Compare two dates" in the imagery panel (two rasters or more).
        texts: Translated UI strings: ``opacity_heading``, and those of
            ``SwipeControl``.

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
    if not swipe or len(chosen) < 2:
        return out
    choice = first_choice(chosen, compare)
    initial = choice if compare == choice else None
    if initial is not None:
        out.pair = (out.rasters[initial[0]], out.rasters[initial[1]])
    out.swipe = SwipeControl(
        out.layers,
        chosen,
        choice=choice,
        initial=initial,
        panel=out.opacity,
        texts=texts,
    )
    return out
