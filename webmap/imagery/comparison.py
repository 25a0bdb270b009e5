"""Before/after comparison of two imagery rasters: a divider across the map.

``SwipeControl`` adds a "Compare two dates" section to the imagery panel (a switch
and a "before" and an "after" choice among the rasters). While it is on, the
"before" raster shows left of a draggable divider and the "after" raster right of
it, each labelled with its date; the divider is a range input (mouse, touch, and
the arrow keys once focused) and each layer's tile container is cut with a CSS
``clip`` rectangle, recomputed on every move, zoom and resize. Off, there is no
divider and the overlays are left as the layer control set them.

The page script can read and change the comparison through
``window.parkmap.compare`` (``pair()``, ``set(before, after)``, ``off()``); every
change fires ``parkmap:compare`` on the map, so that ``parkmap.js`` puts it in the
URL (``compare=before,after``).

Raster labels come from whoever imported the image: they reach the page as JSON
(``tojson``) and are shown through ``textContent`` and attribute properties only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import folium
from branca.element import MacroElement
from folium.template import Template

from layers.imagery.rasters import RasterInfo

# The divider: a transparent range input across the map whose round handle alone
# takes the pointer, a line under the handle, and a date label on each side.
SWIPE_CSS = """
.pm-raster-swipe{position:absolute;top:50%;left:0;right:0;height:36px;
 margin-top:-18px;z-index:999;pointer-events:none;}
.pm-raster-swipe input{-webkit-appearance:none;appearance:none;display:block;
 width:100%;height:36px;margin:0;background:transparent;pointer-events:none;
 outline:none;}
.pm-raster-swipe input::-webkit-slider-runnable-track{background:transparent;}
.pm-raster-swipe input::-moz-range-track{background:transparent;}
.pm-raster-swipe input::-webkit-slider-thumb{-webkit-appearance:none;width:36px;
 height:36px;box-sizing:border-box;border-radius:50%;background:#fff;
 border:2px solid #555;box-shadow:0 1px 4px rgba(0,0,0,.4);cursor:ew-resize;
 pointer-events:auto;}
.pm-raster-swipe input::-moz-range-thumb{width:36px;height:36px;box-sizing:border-box;
 border-radius:50%;background:#fff;border:2px solid #555;cursor:ew-resize;
 pointer-events:auto;}
.pm-raster-swipe input:focus-visible::-webkit-slider-thumb{outline:3px solid #1f78d1;
 outline-offset:1px;}
.pm-raster-swipe input:focus-visible::-moz-range-thumb{outline:3px solid #1f78d1;
 outline-offset:1px;}
.pm-raster-swipe-line{position:absolute;top:0;bottom:0;width:4px;margin-left:-2px;
 background:#fff;z-index:998;pointer-events:none;box-shadow:0 0 3px rgba(0,0,0,.4);}
.pm-raster-swipe-label{position:absolute;top:10px;z-index:998;max-width:40%;
 overflow:hidden;text-overflow:ellipsis;white-space:nowrap;padding:2px 6px;
 border-radius:3px;background:rgba(255,255,255,.92);color:#1d2731;
 font:600 12px sans-serif;box-shadow:0 1px 3px rgba(0,0,0,.35);pointer-events:none;}
.pm-raster-compare{border:0;border-top:1px solid #ccc;margin:6px 0 0;padding:4px 0 0;}
.pm-raster-compare legend{padding:0;font-weight:bold;}
.pm-raster-compare label{display:block;margin-top:2px;}
.pm-raster-compare select{display:block;max-width:220px;}
"""
LABEL_MAX = 40  # characters of a raster's title shown in a choice
DEFAULT_TEXTS = {
    "compare": "Compare two dates",
    "before": "Before",
    "after": "After",
    "before_date": "Before: %(date)s",
    "after_date": "After: %(date)s",
    "divider": "Divider between the two dates (arrow keys move it)",
}


class SwipeControl(MacroElement):
    """The "Compare two dates" switch and choices, and the divider they show.

    Add it to the map after ``panel`` (the opacity control whose box it joins).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
    var pm = window.parkmap = window.parkmap || {};
    var map = {{ this._parent.get_name() }};
    var panel = {{ this.panel.get_name() if this.panel else "null" }};
    var layers = {
        {% for name, layer in this.layers %}{{ name|tojson }}: {{ layer.get_name() }},
        {% endfor %}
    };
    var rasters = {{ this.rasters|tojson }}, T = {{ this.texts|tojson }};
    var THUMB = 36, LABEL_MAX = {{ this.label_max }}, byName = {};
    rasters.forEach(function (r) { byName[r.name] = r; });
    var S = {pair: null, choice: {{ this.choice|tojson }}, added: [], ui: null,
        panel: null};
    if (!document.getElementById("pm-raster-swipe-css")) {
        var css = document.createElement("style");
        css.id = "pm-raster-swipe-css";
        css.textContent = {{ this.css|tojson }};
        document.head.appendChild(css);
    }
    function el(tag, cls, parent) { return L.DomUtil.create(tag, cls, parent); }
    function rect(top, right, bottom, left) {
        return "rect(" + [top, right, bottom, left].join("px,") + "px)";
    }
    function cut(name, value) {
        var c = layers[name].getContainer();
        if (c) { c.style.clip = value; }
    }
    function clip() {
        if (!S.pair) { return; }
        var size = map.getSize();
        var nw = map.containerPointToLayerPoint([0, 0]);
        var se = map.containerPointToLayerPoint(size);
        // the handle's centre: a range input keeps its handle inside the track
        var x = THUMB / 2 + (size.x - THUMB) * S.ui.range.value / 100;
        S.ui.line.style.left = x + "px";
        S.ui.before.style.right = (size.x - x + 8) + "px";
        S.ui.after.style.left = (x + 8) + "px";
        cut(S.pair[0], rect(nw.y, nw.x + x, se.y, nw.x));
        cut(S.pair[1], rect(nw.y, se.x, se.y, nw.x + x));
    }
    var RELEASE = ["pointerup", "pointercancel", "mouseup", "touchend", "touchcancel"];
    function hold() {
        // the map must not pan while the handle is dragged, wherever it is let go
        if (!map.dragging || !map.dragging.enabled()) { return; }
        map.dragging.disable();
        function release() {
            map.dragging.enable();
            RELEASE.forEach(function (t) {
                document.removeEventListener(t, release, true);
            });
        }
        RELEASE.forEach(function (t) { document.addEventListener(t, release, true); });
    }
    function divider() {
        var c = map.getContainer();
        var ui = {
            box: el("div", "pm-raster-swipe", c),
            line: el("div", "pm-raster-swipe-line", c),
            before: el("div", "pm-raster-swipe-label pm-raster-swipe-before", c),
            after: el("div", "pm-raster-swipe-label pm-raster-swipe-after", c)
        };
        var range = ui.range = el("input", "", ui.box);
        range.type = "range";
        range.min = 0;
        range.max = 100;
        range.step = "any";
        range.value = 50;
        range.setAttribute("aria-label", T.divider);
        L.DomEvent.disableClickPropagation(ui.box);
        range.addEventListener("input", clip);
        ["pointerdown", "mousedown", "touchstart"].forEach(function (t) {
            range.addEventListener(t, hold, {passive: true});
        });
        return ui;
    }
    function label(node, text, title) {
        node.textContent = text;
        node.title = title;
    }
    function show(pair) {
        (S.pair || []).forEach(function (name) {
            if (pair && pair.indexOf(name) >= 0) { return; }
            cut(name, "");
            var i = S.added.indexOf(name);
            if (i >= 0) { S.added.splice(i, 1); map.removeLayer(layers[name]); }
        });
        S.pair = pair;
        if (pair) {
            S.choice = pair.slice();
            S.ui = S.ui || divider();
            pair.forEach(function (name) {
                if (!map.hasLayer(layers[name])) {
                    S.added.push(name);
                    map.addLayer(layers[name]);
                }
            });
            label(S.ui.before, byName[pair[0]].before, byName[pair[0]].title);
            label(S.ui.after, byName[pair[1]].after, byName[pair[1]].title);
            clip();
        } else if (S.ui) {
            ["box", "line", "before", "after"].forEach(function (k) {
                L.DomUtil.remove(S.ui[k]);
            });
            S.ui = null;
        }
        syncPanel();
        map.fire("parkmap:compare", {pair: pair ? pair.slice() : null});
    }
    function syncPanel() {
        if (!S.panel) { return; }
        S.panel.toggle.checked = !!S.pair;
        S.panel.selects.forEach(function (s, i) { s.value = S.choice[i]; });
    }
    function choose(i, name) {
        var other = 1 - i;
        if (S.choice[other] === name) { S.choice[other] = S.choice[i]; }
        S.choice[i] = name;
        if (S.pair) { show(S.choice.slice()); } else { syncPanel(); }
    }
    function picker(box, text, i) {
        var row = el("label", "", box);
        el("span", "", row).textContent = text;
        var select = el("select", "", row);
        rasters.forEach(function (r) {
            var option = el("option", "", select);
            option.value = r.name;
            option.title = r.title;
            option.textContent = r.title.length > LABEL_MAX ?
                r.title.slice(0, LABEL_MAX - 1) + "…" : r.title;
        });
        select.addEventListener("change", function () { choose(i, select.value); });
        return select;
    }
    function addPanel() {
        var host = panel && panel.getContainer();
        if (!host) { return; }
        var box = el("fieldset", "pm-raster-compare", host);
        var head = el("label", "", el("legend", "", box));
        var toggle = el("input", "pm-raster-compare-toggle", head);
        toggle.type = "checkbox";
        head.appendChild(document.createTextNode(" " + T.compare));
        var selects = [picker(box, T.before, 0), picker(box, T.after, 1)];
        selects[0].className = "pm-raster-compare-before";
        selects[1].className = "pm-raster-compare-after";
        toggle.addEventListener("change", function () {
            show(toggle.checked ? S.choice.slice() : null);
        });
        S.panel = {toggle: toggle, selects: selects};
        syncPanel();
    }
    pm.compare = {
        pair: function () { return S.pair ? S.pair.slice() : null; },
        set: function (before, after) {
            if (layers[before] && layers[after] && before !== after) {
                show([before, after]);
            }
        },
        off: function () { if (S.pair) { show(null); } }
    };
    addPanel();
    map.on("move zoom zoomend viewreset resize layeradd", clip);
    var initial = {{ this.initial|tojson }};
    if (initial) { show(initial); }
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        layers: Mapping[str, folium.TileLayer],
        rasters: Sequence[RasterInfo],
        *,
        choice: tuple[str, str],
        initial: tuple[str, str] | None = None,
        panel: MacroElement | None = None,
        texts: Mapping[str, str] | None = None,
    ) -> None:
        """The comparison of the rasters in ``layers``.

        Args:
            layers: Each raster's overlay, by raster name.
            rasters: The rasters, in the order the choices list them.
            choice: (before, after) names chosen in the panel at first.
            initial: (before, after) names to compare at load; None: off.
            panel: The imagery panel (``OpacityControl``) that gets the switch.
            texts: Translated ``compare``, ``before``, ``after``, ``divider`` and
                ``before_date``/``after_date`` (with ``%(date)s``).
        """
        super().__init__()
        self._name = "SwipeControl"
        words = {**DEFAULT_TEXTS, **(texts or {})}
        self.css = SWIPE_CSS
        self.label_max = LABEL_MAX
        self.layers = [(info.name, layers[info.name]) for info in rasters]
        self.rasters = [describe(info, words) for info in rasters]
        self.choice = list(choice)
        self.initial = list(initial) if initial else None
        self.panel = panel
        self.texts = {k: words[k] for k in ("compare", "before", "after", "divider")}


def title(info: RasterInfo) -> str:
    """The raster's name on the map: its label, led by its date unless it has it."""
    return info.label if info.date in info.label else f"{info.date} · {info.label}"


def describe(info: RasterInfo, texts: Mapping[str, str]) -> dict[str, Any]:
    """What the page shows of one raster: its title and its two date labels."""
    # ``replace``, not ``%``: a translation that lost the placeholder still works
    return {
        "name": info.name,
        "title": title(info),
        "date": info.date,
        "before": texts["before_date"].replace("%(date)s", info.date),
        "after": texts["after_date"].replace("%(date)s", info.date),
    }
