"""What the ``/figures`` page and a park page show of the periods (pure of HTTP).

Both show figures as of one period with their changes from the previous period
and from the same period a year earlier, and trend charts over the periods. The
words are the request's language (``pagelabels``); in Vietnamese and English
the headline figures are stated exactly as the periodic report states them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from markupsafe import Markup

from layers.periods.rules import DRAFT, HEADLINE_FIELD, PARK_FIELD, Period
from webmap.periods.charts import TrendLabels, series, trend_chart, trend_table
from webmap.periods.compare import Comparison, compare, statement
from webmap.periods.numbers import REPORT_LANGUAGES, day, number, percent
from webmap.periods.pagelabels import (
    HEADLINE_SHOWN,
    TREND_FIELDS,
    field_label,
    kind_label,
    unit_label,
)


@dataclass(frozen=True, slots=True)
class Trend:
    """One chart and its text alternative."""

    key: str
    chart: Markup
    table: Markup


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure as of the period, with its bases (— where a base is missing)."""

    key: str
    label: str
    value: str
    previous: str
    year_earlier: str
    statement: str = ""


@dataclass(frozen=True, slots=True)
class Choice:
    """A period in the selector."""

    id: str
    label: str
    selected: bool


def amount(value: float, unit: str, lang: str) -> str:
    """A figure and its unit in the page's language: ``96,3 %``, ``1.171 M USD``."""
    if unit == "%":
        return percent(value, lang)
    return f"{number(value, lang)} {unit_label(unit)}"


def period_label(period: Period, lang: str) -> str:
    """A period in the selector: its end date, kind and title (and draft)."""
    text = f"{day(period.end, lang)} · {kind_label(period.kind)} · {period.title}"
    return f"{text} ({gettext('draft')})" if period.status == DRAFT else text


def choices(periods: Sequence[Period], chosen: Period, lang: str) -> list[Choice]:
    """The periods to choose from, latest first."""
    ordered = sorted(periods, key=lambda p: (p.end, p.kind), reverse=True)
    return [Choice(p.id, period_label(p, lang), p.id == chosen.id) for p in ordered]


def _base(value: float | None, base: float | None, unit: str, lang: str) -> str:
    """The base's figure and the ratio to it, ``60 % (105 %)``; ``—`` if missing."""
    if base is None:
        return "—"
    text = amount(base, unit, lang)
    if value is None or not base:
        return text
    return gettext(
        "%(base)s (now %(ratio)s of it)",
        base=text,
        ratio=percent(100 * value / base, lang),
    )


def figure(
    comparison: Comparison, key: str, unit: str, lang: str, park_id: str | None
) -> Figure | None:
    """One field of the period with its bases; None when the period lacks it."""

    def values(period: Period | None) -> Mapping[str, float]:
        if period is None:
            return {}
        return period.headline if park_id is None else period.parks.get(park_id, {})

    value = values(comparison.period).get(key)
    if value is None:
        return None
    said = ""
    if park_id is None and lang in REPORT_LANGUAGES:
        twice = comparison.previous is comparison.year_earlier
        said = statement(comparison, key, lang, with_previous=not twice)
    return Figure(
        key,
        field_label(key),
        amount(value, unit, lang),
        _base(value, values(comparison.previous).get(key), unit, lang),
        _base(value, values(comparison.year_earlier).get(key), unit, lang),
        said,
    )


def headline_figures(comparison: Comparison, lang: str) -> list[Figure]:
    """The headline figures the period gives, in the page's order."""
    found = (
        figure(comparison, key, HEADLINE_FIELD[key].unit, lang, None)
        for key in HEADLINE_SHOWN
    )
    return [f for f in found if f is not None]


def park_figures(comparison: Comparison, park_id: str, lang: str) -> list[Figure]:
    """A park's figures as of the period, in the fields' order."""
    found = (
        figure(comparison, key, field.unit, lang, park_id)
        for key, field in PARK_FIELD.items()
    )
    return [f for f in found if f is not None]


def trends(
    periods: Sequence[Period], lang: str, park_id: str | None, name: str
) -> list[Trend]:
    """The trend charts of ``TREND_FIELDS`` over ``periods`` (a park's or all)."""
    out = []
    for key in TREND_FIELDS:
        unit = PARK_FIELD[key].unit
        labels = TrendLabels(
            title=gettext("%(figure)s: %(name)s", figure=field_label(key), name=name),
            unit=unit_label(unit),
            empty=gettext("No period gives this figure."),
            date=gettext("Period ending"),
            value=f"{field_label(key)} ({unit_label(unit)})",
            missing=gettext("not given"),
        )
        points = series(periods, key, park_id)

        def fmt(value: float) -> str:
            return number(value, lang)

        def when(end: Any) -> str:
            return day(end, lang)

        chart = trend_chart(points, labels, fmt, when)
        out.append(
            Trend(
                key, Markup(chart), trend_table(points, labels, fmt, when)
            )  # trend_chart escapes
        )
    return out


def comparison_of(periods: Sequence[Period], period: Period) -> Comparison:
    """``period`` with its bases among the published ``periods``."""
    return compare([p for p in periods if p.status != DRAFT], period)


@dataclass(frozen=True, slots=True)
class ParkRow:
    """A park in the figures page's table: its figures by field (None: not given)."""

    id: str
    name: str
    figures: dict[str, Figure | None]


def park_rows(
    comparison: Comparison, names: Mapping[str, str], lang: str
) -> list[ParkRow]:
    """Every park the period gives figures for, in the parks layer's order."""
    given = comparison.period.parks
    order = [pid for pid in names if pid in given]
    order += sorted(pid for pid in given if pid not in names)
    return [
        ParkRow(
            pid,
            names.get(pid, pid),
            {
                key: figure(comparison, key, PARK_FIELD[key].unit, lang, pid)
                for key in TREND_FIELDS
            },
        )
        for pid in order
    ]


def as_of(period: Period, lang: str) -> str:
    """The period's date as the page says it: "As of 14/10/2023"."""
    return gettext("As of %(date)s", date=day(period.end, lang))


def _as_of(
    periods: Sequence[Period], period: Period, lang: str
) -> tuple[Comparison, list[Period], dict[str, Any]]:
    """The comparison, the published periods, and what both pages show of them."""
    comparison = comparison_of(periods, period)
    shown = {
        "period": period,
        "as_of": as_of(period, lang),
        "choices": choices(periods, period, lang),
        "previous": comparison.previous,
        "year_earlier": comparison.year_earlier,
        "day": lambda d: day(d, lang),
    }
    return comparison, [p for p in periods if p.status != DRAFT], shown


def page_context(
    periods: Sequence[Period], period: Period, lang: str, names: Mapping[str, str]
) -> dict[str, Any]:
    """What the ``/figures`` page shows as of ``period``.

    Args:
        periods: the periods the visitor may choose (published; drafts for admins).
        period: the chosen one.
        lang: the page's language.
        names: park id → name, in the parks layer's order.
    """
    comparison, published, shown = _as_of(periods, period, lang)
    return {
        **shown,
        "headline": headline_figures(comparison, lang),
        "trends": trends(published, lang, None, gettext("all parks")),
        "park_rows": park_rows(comparison, names, lang),
        "trend_fields": [(key, field_label(key)) for key in TREND_FIELDS],
    }


def park_context(
    periods: Sequence[Period], period: Period, park_id: str, name: str, lang: str
) -> dict[str, Any]:
    """What a park's page shows of the periods as of ``period``."""
    comparison, published, shown = _as_of(periods, period, lang)
    return {
        **shown,
        "figures": park_figures(comparison, park_id, lang),
        "trends": trends(published, lang, park_id, name),
    }
