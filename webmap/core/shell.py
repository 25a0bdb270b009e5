"""The map-first shell: one side panel (a bottom sheet on phones) for every map page.

The map pages (``/``, ``/embed``, ``/planner/map``) show nothing on the map at first
but zoom, full screen, scale and attribution; layers, key figures, the land search,
the legend and a selected feature's details live in one panel beside the map, or in
a sheet over its lower part below 768 px (``static/parkmap/shell.js``).

This module gives the panel its *Layers* tab: instead of Folium's ``LayerControl``
(always open, one flat list, a raster's whole description as its name),
``ShellLayers`` lists every layer of the map in groups — base map, zones & parks,
land, port & logistics, housing, imagery, 360° — with a short name and the long
description as help text. Layers tell their group through ``describe()``; text
reaches the page through ``tojson`` only.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass
from typing import Any

import folium
from flask import request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from folium.map import Layer
from folium.template import Template

# Groups in panel order, with their headings.
GROUPS: dict[str, Any] = {
    "base": _l("Base map"),
    "zones": _l("Zones and parks"),
    "land": _l("Land"),
    "port": _l("Port and logistics"),
    "infrastructure": _l("Roads and utilities"),
    "housing": _l("Housing"),
    "imagery": _l("Imagery"),
    "vr": _l("360° views"),
    "other": _l("Other layers"),
}
# The group of each known store layer; added layers go to "other".
LAYER_GROUPS = {
    "zones": "zones",
    "parks": "zones",
    "parcels": "land",
    "berths": "port",
    "landmarks": "port",
    "housing": "housing",
    # issue 19: infrastructure and drive-time areas
    "river_ports": "port",
    "isochrones": "infrastructure",
    "roads": "infrastructure",
    "rail": "infrastructure",
    "interchanges": "infrastructure",
    "substations": "infrastructure",
    "water_plants": "infrastructure",
}
SHEET_STATES = ("peek", "half", "full")
META = "_shell"  # the attribute a Folium layer's description is kept in


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the Layers tab."""

    key: str  # stable id: the store layer's name, "base:osm", "raster:<name>"…
    name: str  # short, shown as the label
    group: str
    help: str = ""  # the long description, shown under the label
    base: bool = False
    var: str = ""  # the Leaflet layer's variable in the page script


def describe(layer: Layer, key: str, group: str, help_text: str = "") -> Layer:
    """Tell the panel how to list ``layer`` (its key, group and help text)."""
    setattr(layer, META, (key, group, help_text))
    return layer


def short_name(label: str) -> tuple[str, str]:
    """``"Title: long description"`` as (title, description); else (label, "")."""
    title, sep, rest = label.partition(": ")
    return (title, rest) if sep and title and rest else (label, "")


def entries(m: folium.Map) -> list[Entry]:
    """Every layer of ``m`` a user may switch, in panel order (like LayerControl)."""
    found = []
    for item in m._children.values():
        if not isinstance(item, Layer) or not item.control:
            continue
        key, group, help_text = getattr(
            item, META, (f"layer:{item.get_name()}", "other", "")
        )
        if not item.overlay:
            group = "base"
        found.append(
            Entry(
                key=key,
                # Folium names are HTML (LayerControl's rule); the panel shows text.
                name=html.unescape(str(item.layer_name)),
                group=group if group in GROUPS else "other",
                help=help_text,
                base=not item.overlay,
                var=item.get_name(),
            )
        )
    order = list(GROUPS)
    return sorted(found, key=lambda e: order.index(e.group))


class ShellLayers(folium.MacroElement):
    """The Layers tab's list: registered for ``parkmap.js`` (no control on the map).

    Rendered after every layer is on the map, like Folium's ``LayerControl``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        parkmap.shellLayers = {
            groups: {{ this.groups|tojson }},
            entries: {{ this.entries|tojson }},
            layers: {
            {%- for entry in this.items %}
                {{ entry.key|tojson }}: {{ entry.var }},
            {%- endfor %}
            }
        };
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "ShellLayers"
        self.items: list[Entry] = []
        self.entries: list[dict[str, Any]] = []
        self.groups: list[tuple[str, str]] = []

    def render(self, **kwargs: Any) -> None:
        """Collect the parent map's layers, then render the script."""
        self.items = entries(self._parent)
        self.entries = [
            {k: v for k, v in asdict(e).items() if k != "var"} for e in self.items
        ]
        used = {e.group for e in self.items}
        self.groups = [(k, str(v)) for k, v in GROUPS.items() if k in used]
        super().render(**kwargs)


def panel_state(kind: str, figures: bool = True, legend: bool = True) -> dict[str, Any]:
    """The panel's tabs, and the tab and sheet height the URL asks for.

    Args:
        kind: ``map`` (the public map), ``embed``, ``planner`` or ``land`` (the
            land finder's own page: its search is its only tab).
        figures: whether there are key figures to show.
        legend: whether to have a Legend tab (``legend=0`` in the URL: an embed
            that shows its own legend, or none, drops it).

    Returns:
        ``tabs`` as (key, label) pairs, the open ``tab`` (``none``: closed) and the
        phone ``sheet`` height (``peek``, ``half`` or ``full``). The embed opens
        with the panel closed so a small frame shows the map; the full page opens
        on its first tab; phones start with the sheet at its peek.
    """
    tabs: list[tuple[str, str]] = []
    if kind == "land":
        return {
            "tabs": [("search", gettext("Find land"))],
            "tab": "search",
            "sheet": "peek",
        }
    if kind == "planner":
        tabs.append(("clearance", gettext("Site clearance")))
    tabs.append(("layers", gettext("Layers")))
    if figures and kind != "embed":
        tabs.append(("figures", gettext("Key figures")))
    if kind == "map":
        tabs.append(("land", gettext("Find land")))
    if legend:
        tabs.append(("legend", gettext("Legend")))
    keys = [key for key, _ in tabs]
    tab = request.args.get("tab", "")
    if request.args.get("land") == "1" and "land" in keys:  # the search's own flag
        tab = "land"
    if tab not in (*keys, "none"):
        tab = "none" if kind == "embed" else keys[0]
    sheet = request.args.get("sheet", "")
    return {
        "tabs": tabs,
        "tab": tab,
        "sheet": sheet if sheet in SHEET_STATES else "peek",
    }
