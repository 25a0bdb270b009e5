"""Trend charts of the periods' figures: SVG with a text alternative, no script.

A series is ``[(period end, value or None), ...]``, oldest first; None is a period
that does not give the figure, drawn as a gap in the line (never as zero). One
point is a dot; two are a line. The chart names itself (``<title>``) and lists
its figures (``<desc>``); ``trend_table`` is the same figures as an HTML table for
the page beside it. Labels are plain (translated) strings: everything is escaped
here (``webmap.planner.svg``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from layers.periods.rules import Period
from webmap.planner.svg import BOLD, DatePlot, Number, plain, svg, text

Point = tuple[dt.date, float | None]
Day = Callable[[dt.date], str]
LINE, HEIGHT = "#1f77b4", 290

# The all-parks series of a park field: the headline field that states it.
HEADLINE_OF = {
    "occupancy_pct": ("occupancy_avg_pct",),
    "workers": ("workers_vietnamese", "workers_foreign"),
    "revenue_musd": ("revenue_musd",),
    "exports_musd": ("exports_musd",),
}


@dataclass(frozen=True, slots=True)
class TrendLabels:
    """The translated words of a trend chart and its table."""

    title: str  # e.g. "Occupancy of VSIP Hai Phong IP"
    unit: str  # written after each figure: "%", "ha", "M USD"
    empty: str  # no period gives the figure
    date: str  # the table's first heading: "Period ending"
    value: str  # its second: "Occupancy (%)"
    missing: str  # a period without the figure: "not given"


def series(
    periods: Sequence[Period], key: str, park_id: str | None = None
) -> list[Point]:
    """One figure over the periods, oldest first.

    Args:
        periods: the periods to draw (any order).
        key: a park field (``layers.periods.rules.PARK_FIELDS``).
        park_id: the park; None for all parks: the headline figure where the
            report states one (occupancy → average occupancy, workers →
            Vietnamese + foreign), else the sum of the parks that give it.
    """
    return [
        (period.end, _value(period, key, park_id))
        for period in sorted(periods, key=lambda p: p.end)
    ]


def _value(period: Period, key: str, park_id: str | None) -> float | None:
    if park_id is not None:
        return period.parks.get(park_id, {}).get(key)
    headline = HEADLINE_OF.get(key, ())
    if headline and all(k in period.headline for k in headline):
        return sum(period.headline[k] for k in headline)
    given = [values[key] for values in period.parks.values() if key in values]
    return sum(given) if given else None


def _runs(points: Sequence[Point]) -> list[list[tuple[dt.date, float]]]:
    """The stretches of consecutive given values (a gap ends a stretch)."""
    runs: list[list[tuple[dt.date, float]]] = [[]]
    for day, value in points:
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((day, value))
    return [run for run in runs if run]


def trend_chart(
    points: Sequence[Point],
    labels: TrendLabels,
    number: Number = plain,
    day: Day = dt.date.isoformat,
) -> str:
    """One figure over time: a line through the periods, a gap where none is given.

    Args:
        points: ``series`` output.
        labels: translated words.
        number: formats the figures for the page's language.
        day: writes a period's end date for the page's language.

    Returns:
        A standalone SVG document (also valid inline in HTML).
    """
    body = [text(0, 18, labels.title, size=15, extra=BOLD)]
    given = [value for _day, value in points if value is not None]
    if not given:
        body.append(text(0, 52, labels.empty))
        return svg(70, labels.title, body)
    plot = DatePlot([d for d, _v in points], max(given), day)
    body.extend(plot.axes(labels.unit, number))
    for run in _runs(points):
        coords = [(plot.x(d.toordinal()), plot.y(v)) for d, v in run]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{LINE}" '
                'stroke-width="2.5" stroke-linejoin="round"/>'
            )
        for (d, v), (x, y) in zip(run, coords, strict=True):
            tip = f"{day(d)}: {number(v)} {labels.unit}"
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{LINE}">'
                f"<title>{escape(tip)}</title></circle>"
            )
    return svg(HEIGHT, labels.title, body, _summary(points, labels, number, day))


def _summary(
    points: Sequence[Point], labels: TrendLabels, number: Number, day: Day
) -> list[str]:
    return [
        f"{day(d)}: " + (labels.missing if v is None else f"{number(v)} {labels.unit}")
        for d, v in points
    ]


def trend_table(
    points: Sequence[Point],
    labels: TrendLabels,
    number: Number = plain,
    day: Day = dt.date.isoformat,
) -> Markup:
    """The chart's figures as an HTML table (its text alternative), escaped."""
    row = Markup('<tr><th scope="row">{}</th><td>{}</td></tr>')
    rows = Markup("").join(
        row.format(
            day(d), labels.missing if v is None else f"{number(v)} {labels.unit}"
        )
        for d, v in points
    )
    return Markup(
        '<table class="trend-table"><caption>{}</caption><thead><tr>'
        '<th scope="col">{}</th><th scope="col">{}</th></tr></thead>'
        "<tbody>{}</tbody></table>"
    ).format(labels.title, labels.date, labels.value, rows)
