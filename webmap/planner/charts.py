"""Server-drawn SVG charts of clearance progress: no script, no fonts to fetch.

The primitives (escaped text, bars, the root element, tick steps) are in
``webmap.planner.svg``, shared with the reporting periods' trend charts.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from layers.clearance.rules import STAGES, ParkProgress
from webmap.planner.svg import (
    BOLD,
    MIDDLE,
    PARK_COLORS,
    DatePlot,
    Number,
)
from webmap.planner.svg import color as _color
from webmap.planner.svg import legend as _legend
from webmap.planner.svg import plain as _plain
from webmap.planner.svg import rect as _rect
from webmap.planner.svg import short as _short
from webmap.planner.svg import svg as _svg
from webmap.planner.svg import text as _text

# The imagery sample's stage colours (layers/imagery/sample.py), so map, images and
# charts agree.
STAGE_COLORS = {
    "not_started": "#c0392b",
    "surveyed": "#e67e22",
    "plan_approved": "#f1c40f",
    "compensating": "#8e44ad",
    "cleared": "#2ecc71",
    "handed_over": "#16a085",
}
PLANNED_FILL, CLEARED_FILL, BOTTLENECK_FILL = "#e5e7eb", "#2e7d32", "#b03a2e"


@dataclass(frozen=True, slots=True)
class ProgressLabels:
    """The translated words of the progress chart."""

    title: str
    planned: str
    cleared: str
    bottleneck: str
    stages: Mapping[str, str]
    empty: str


@dataclass(frozen=True, slots=True)
class TimelineLabels:
    """The translated words of the timeline chart."""

    title: str
    total: str
    axis: str
    empty: str


def progress_chart(
    progress: Sequence[ParkProgress], labels: ProgressLabels, number: Number = _plain
) -> str:
    """Cleared against planned hectares per park, with parcels per stage below.

    Args:
        progress: the parks in the order to draw them (bottlenecks first).
        labels: translated words.
        number: formats hectares for the request's locale.

    Returns:
        A standalone SVG document (also valid inline in HTML).
    """
    top, row_h, x0, bar_w = 34, 46, 240, 310
    body = [_text(0, 18, labels.title, size=15, extra=BOLD)]
    if not progress:
        body.append(_text(0, 52, labels.empty))
        return _svg(70, labels.title, body)
    biggest = max(p.planned_ha for p in progress) or 1.0
    for i, park in enumerate(progress):
        y = top + i * row_h
        body.extend(_park_row(park, y, _Bars(x0, bar_w, biggest), labels, number))
    legend_y = top + len(progress) * row_h + 10
    legend, height = _legend(_progress_keys(labels), legend_y)
    summary = [_park_summary(park, labels, number) for park in progress]
    return _svg(height, labels.title, body + legend, summary)


def _park_summary(park: ParkProgress, labels: ProgressLabels, number: Number) -> str:
    """One park's figures in words: cleared of planned, stages, bottleneck."""
    stages = ", ".join(
        f"{labels.stages.get(stage, stage)} {park.stages[stage]}"
        for stage in STAGES
        if park.stages.get(stage)
    )
    flag = f" ({labels.bottleneck})" if park.bottleneck else ""
    return (
        f"{park.name}{flag}: {labels.cleared} {number(park.cleared_ha)} / "
        f"{labels.planned} {number(park.planned_ha)} ha ({number(park.pct)} %)"
        + (f", {stages}" if stages else "")
    )


@dataclass(frozen=True, slots=True)
class _Bars:
    """Where the bars start, how wide the widest is, and what it stands for (ha)."""

    x0: float
    width: float
    biggest: float

    def length(self, ha: float) -> float:
        return self.width * ha / self.biggest


def _park_row(
    park: ParkProgress, y: float, bars: _Bars, labels: ProgressLabels, number: Number
) -> list[str]:
    """One park: name, planned and cleared bars, figures, stage strip."""
    out = []
    if park.bottleneck:
        out.append(_rect(0, y + 4, 8, 12, BOTTLENECK_FILL, tip=labels.bottleneck))
    out.append(_text(14, y + 15, _short(park.name), tip=park.name))
    for ha, fill, label in (
        (park.planned_ha, PLANNED_FILL, labels.planned),
        (park.cleared_ha, CLEARED_FILL, labels.cleared),
    ):
        tip = f"{label}: {number(ha)} ha"
        out.append(_rect(bars.x0, y + 3, bars.length(ha), 14, fill, tip=tip))
    figures = (
        f"{number(park.cleared_ha)} / {number(park.planned_ha)} ha "
        f"({number(park.pct)} %)"
    )
    out.append(_text(bars.x0 + bars.width + 10, y + 15, figures))
    out.extend(_stage_strip(park, bars.x0, y + 22, bars.width, labels))
    return out


def _stage_strip(
    park: ParkProgress, x0: float, y: float, width: float, labels: ProgressLabels
) -> list[str]:
    """Parcels per stage as one stacked strip, counts written where they fit."""
    out, x = [], x0
    total = sum(park.stages.values()) or 1
    for stage in STAGES:
        count = park.stages.get(stage, 0)
        if not count:
            continue
        w = width * count / total
        tip = f"{labels.stages.get(stage, stage)}: {count}"
        out.append(_rect(x, y, w, 12, STAGE_COLORS[stage], tip=tip))
        if w >= 16:
            out.append(_text(x + w / 2, y + 10, str(count), size=10, extra=MIDDLE))
        x += w
    return out


def _progress_keys(labels: ProgressLabels) -> list[tuple[str, str]]:
    keys = [(PLANNED_FILL, labels.planned), (CLEARED_FILL, labels.cleared)]
    keys.append((BOTTLENECK_FILL, labels.bottleneck))
    keys.extend((STAGE_COLORS[s], labels.stages.get(s, s)) for s in STAGES)
    return keys


def timeline_chart(
    points: Sequence[Mapping],
    names: Mapping[str, str],
    labels: TimelineLabels,
    number: Number = _plain,
) -> str:
    """Cleared hectares over time: one line in all, one per park.

    Args:
        points: ``timeline_points`` output (date, parks, total), oldest first.
        names: park id → display name.
        labels: translated words.
        number: formats hectares for the request's locale.

    Returns:
        A standalone SVG document (also valid inline in HTML).
    """
    body = [_text(0, 18, labels.title, size=15, extra=BOLD)]
    if not points:
        body.append(_text(0, 52, labels.empty))
        return _svg(70, labels.title, body)
    plot = _Plot(points)
    body.extend(plot.axes(labels.axis, number))
    series = [("total", labels.total, "#111111", [p["total"] for p in points])]
    park_ids = sorted({pid for p in points for pid in p["parks"]})
    for i, pid in enumerate(park_ids):
        values = [p["parks"].get(pid, 0.0) for p in points]
        color = PARK_COLORS[i % len(PARK_COLORS)]
        series.append((pid, names.get(pid, pid), color, values))
    for key, _name, color, values in series:
        body.append(plot.line(values, color, 3 if key == "total" else 1.5))
    legend, _bottom = _legend([(c, n) for _k, n, c, _v in series], 296, 0, 3)
    height = 296 + math.ceil(len(series) / 3) * 18 + 6
    first, last = points[0]["date"], points[-1]["date"]
    summary = [f"{labels.axis}, {first} – {last}"] + [
        f"{name}: {number(values[0])} → {number(values[-1])} ha"
        for _key, name, _color, values in series
    ]
    return _svg(height, labels.title, body + legend, summary)


class _Plot(DatePlot):
    """Scales of the timeline: days across, hectares up."""

    def __init__(self, points: Sequence[Mapping]):
        dates = [dt.date.fromisoformat(p["date"]) for p in points]
        super().__init__(dates, max(0.0, *(p["total"] for p in points)))

    def line(self, values: Sequence[float], color: str, width: float) -> str:
        """Steps through the values: each holds until the next day with changes."""
        coords = [
            (self.x(d), self.y(v)) for d, v in zip(self.days, values, strict=True)
        ]
        if len(coords) == 1:
            x, y = coords[0]
            return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}"/>'
        steps = [coords[0]]
        for x, y in coords[1:]:
            steps.extend([(x, steps[-1][1]), (x, y)])
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in steps)
        return (
            f'<polyline points="{path}" fill="none" stroke="{color}" '
            f'stroke-width="{width}" stroke-linejoin="round"/>'
        )


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of ``bar_chart``: what it is, how much, its colour (``#rrggbb``)."""

    label: str
    value: float
    color: str
    note: str = ""  # written after the figure, e.g. "3 parcels"


def bar_chart(
    bars: Sequence[Bar],
    title: str,
    empty: str,
    unit: str = "ha",
    number: Number = _plain,
) -> str:
    """Horizontal bars, one per item, scaled to the largest, figures at their ends.

    Args:
        bars: the items in the order to draw them.
        title: the chart's (translated) title.
        empty: what to write when there is nothing to draw (no bar above zero).
        unit: written after each figure.
        number: formats the figures for the request's locale.

    Returns:
        A standalone SVG document (also valid inline in HTML).
    """
    top, row_h, x0, bar_w = 34, 26, 200, 380
    body = [_text(0, 18, title, size=15, extra=BOLD)]
    biggest = max((b.value for b in bars), default=0.0)
    if not biggest > 0:
        body.append(_text(0, 52, empty))
        return _svg(70, title, body)
    for i, bar in enumerate(bars):
        y = top + i * row_h
        length = bar_w * max(bar.value, 0.0) / biggest
        figure = f"{number(bar.value)} {unit}" + (f" · {bar.note}" if bar.note else "")
        fill = _color(bar.color, PARK_COLORS[i % len(PARK_COLORS)])
        body.append(_text(0, y + 14, _short(bar.label, 28), tip=bar.label))
        body.append(_rect(x0, y + 2, length, 16, fill, tip=f"{bar.label}: {figure}"))
        body.append(_text(x0 + length + 8, y + 14, figure))
    summary = [
        f"{bar.label}: {number(bar.value)} {unit}"
        + (f" · {bar.note}" if bar.note else "")
        for bar in bars
    ]
    return _svg(top + len(bars) * row_h + 8, title, body, summary)
