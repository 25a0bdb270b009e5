"""How each layer is drawn, from the style hints in its spec, and its legend.

Style values come from TOML files a GIS officer edits; they end up inside scripts,
so colours, dash patterns and icon names are checked here and replaced by safe
defaults when they look wrong.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext

from layers.store import LayerInfo
from webmap.core.i18n import number
from webmap.core.labels import value_label

COLOR_RE = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$")
DASH_RE = re.compile(r"^[0-9 ,.]{1,20}$")
ICON_RE = re.compile(r"^[a-z0-9-]{1,40}$")
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
NO_DATA = "#9e9e9e"
# Park occupancy classes: (lower bound %, colour), highest first.
OCCUPANCY_CLASSES = (
    (95.0, "#b30000"),
    (80.0, "#e34a33"),
    (50.0, "#fc8d59"),
    (0.0, "#fdcc8a"),
)
PLANNED_COLOR = "#5d6d7e"
TILE_MIN_ZOOM = 12


@dataclass(frozen=True, slots=True)
class LegendEntry:
    """One symbol of a legend: a swatch of ``shape`` in ``color`` and its label."""

    label: str
    color: str
    shape: str = "fill"  # fill, outline, dash, line, circle, icon
    size: int = 12
    icon: str = ""
    line: tuple[float, str | None] | None = None  # an outline (weight, dash) as well

    @property
    def border(self) -> str:
        """The swatch's CSS border for ``line`` (empty: none)."""
        if self.line is None:
            return ""
        weight, dash = self.line
        style = "solid"
        if dash:  # short dashes (≤ 2 px) read as dots
            style = "dotted" if float(dash.split()[0]) <= 2 else "dashed"
        return f"{weight:g}px {style} #1d2731"


@dataclass(frozen=True, slots=True)
class Legend:
    """The legend of one overlay."""

    layer: str
    title: str
    entries: tuple[LegendEntry, ...]
    note: str = ""


# The outline of each land status (line weight in px, dash), so that a status reads
# without its colour (WCAG 1.4.1); the park map and the main map's parcels use it.
STATUS_LINES: dict[str, tuple[float, str | None]] = {
    "available": (3.0, None),
    "reserved": (2.0, "6 4"),
    "clearance": (2.0, "2 3"),
    "leased": (1.0, None),
}
OTHER_LINE: tuple[float, str | None] = (1.0, "1 3")


def color(value: Any, default: str) -> str:
    """``value`` if it is a plain CSS colour (#hex or a name), else ``default``."""
    return value if isinstance(value, str) and COLOR_RE.match(value) else default


def dash(value: Any) -> str | None:
    """A Leaflet dashArray like ``"8 6"``, or None."""
    return value if isinstance(value, str) and DASH_RE.match(value) else None


def icon(value: Any) -> str:
    """A Font Awesome icon name (``ship``), or ``location-dot``."""
    return value if isinstance(value, str) and ICON_RE.match(value) else "location-dot"


def weight(style: Mapping[str, Any], default: float = 2) -> float:
    """The line weight of a style, between 0.5 and 12."""
    try:
        value = float(style.get("weight", default))
    except (TypeError, ValueError):
        return default
    return min(max(value, 0.5), 12) if math.isfinite(value) else default


def base_color(info: LayerInfo, index: int) -> str:
    """The layer's own colour, or one from the palette."""
    return color(info.style.get("color"), PALETTE[index % len(PALETTE)])


def categories(info: LayerInfo) -> tuple[str | None, dict[str, str]]:
    """The field a layer is coloured by and its value → colour table."""
    field = info.style.get("color_by")
    raw = info.style.get("colors")
    if not isinstance(field, str) or not isinstance(raw, dict):
        return None, {}
    return field, {str(k): color(v, NO_DATA) for k, v in raw.items()}


def feature_color(info: LayerInfo, props: Mapping[str, Any], index: int) -> str:
    """The colour of one feature: by category when the style says so."""
    field, colors = categories(info)
    if field is None:
        return base_color(info, index)
    return colors.get(str(props.get(field)), NO_DATA)


def occupancy_color(occupancy: float | None) -> str:
    """The choropleth colour of a park's occupancy (grey when unknown)."""
    if occupancy is None:
        return NO_DATA
    return next(c for low, c in OCCUPANCY_CLASSES if occupancy >= low)


def radius(value: Any, largest: float) -> float:
    """Circle radius in pixels, area proportional to ``value`` (6 px when unknown)."""
    if not isinstance(value, int | float) or not largest or value <= 0:
        return 6.0
    return round(5 + 13 * math.sqrt(float(value) / largest), 1)


def status_line(status: str) -> tuple[float, str | None]:
    """(weight, dash) of a land status's outline; an unknown status is dotted."""
    return STATUS_LINES.get(status, OTHER_LINE)


def status_lines(info: LayerInfo) -> dict[str, tuple[float, str | None]]:
    """Outline per land status of a layer coloured by them (parcels), else none."""
    field, colors = categories(info)
    if field != "status" or not set(colors) <= set(STATUS_LINES):
        return {}  # another kind of status (berths): colour and label only
    return {value: STATUS_LINES[value] for value in colors}


def category_legend(info: LayerInfo, shape: str, index: int, lang: str) -> Legend:
    """A legend of the layer's categories, or of its one colour."""
    _, colors = categories(info)
    lines = status_lines(info)
    entries = tuple(
        LegendEntry(value_label(value), c, shape, line=lines.get(value))
        for value, c in colors.items()
    ) or (LegendEntry(info.label(lang), base_color(info, index), shape),)
    return Legend(info.name, info.label(lang), entries)


def parks_legend(info: LayerInfo, lang: str) -> Legend:
    """Occupancy classes, no figure, and the planned parks."""
    bounds = [low for low, _ in OCCUPANCY_CLASSES]
    entries = []
    for i, (low, c) in enumerate(OCCUPANCY_CLASSES):
        if i == 0:
            label = f"≥ {low:g} %"
        else:
            label = f"{low:g} – {bounds[i - 1]:g} %"
        entries.append(LegendEntry(label, c))
    entries.append(LegendEntry(gettext("no occupancy figure"), NO_DATA))
    entries.append(LegendEntry(gettext("planned park"), PLANNED_COLOR, "dash"))
    return Legend(
        info.name, info.label(lang), tuple(entries), gettext("Occupancy (fill rate)")
    )


def housing_legend(info: LayerInfo, largest: float, lang: str) -> Legend:
    """Circle sizes for a few capacities."""
    c = base_color(info, 0)
    steps = [v for v in (1000, 5000, 15000) if v <= largest * 1.01] or [largest]
    entries = tuple(
        LegendEntry(
            gettext("%(n)s people", n=number(v, 0)),
            c,
            "circle",
            int(radius(v, largest)),
        )
        for v in steps
        if v
    )
    return Legend(
        info.name, info.label(lang), entries, gettext("Circle size: capacity")
    )


def icon_legend(info: LayerInfo, lang: str) -> Legend:
    """One entry per icon category."""
    field = info.style.get("icon_by")
    icons = info.style.get("icons") if isinstance(info.style.get("icons"), dict) else {}
    entries = tuple(
        LegendEntry(
            value_label(str(value)), base_color(info, 0), "icon", icon=icon(name)
        )
        for value, name in icons.items()
    )
    if not field or not entries:
        entries = (
            LegendEntry(info.label(lang), base_color(info, 0), "icon", icon=icon(None)),
        )
    return Legend(info.name, info.label(lang), entries)
