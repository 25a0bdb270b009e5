"""The periodic report as data: its first page and its tables, in one language.

``periodic_report`` turns a period, the periods it is compared with and the rows
the other features hold (the parks and housing layers' properties, the clearance
tracker's per-park progress) into a ``Report``: words already in the report's
language, figures still numbers. ``docx`` writes it as a Word document (numbers in
the language's notation) and ``xlsx`` as a workbook (numbers as numbers with
number formats), so the two cannot disagree.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from layers.clearance.rules import ParkProgress
from layers.periods.rules import DRAFT, HEADLINE_FIELD, Period
from webmap.core.i18n import display_name
from webmap.periods.compare import Comparison, compare, statement
from webmap.periods.labels import label
from webmap.periods.numbers import (
    amount,
    billions_usd,
    day,
    number,
    report_language,
    unit,
)

Cell = str | float | None
Props = Mapping[str, Any]

INVESTMENT = (
    "fdi_new_projects", "fdi_new_musd", "fdi_added_projects", "fdi_added_musd",
    "fdi_total_musd", "fdi_plan_musd", "fdi_cumulative_projects",
    "fdi_cumulative_musd", "ddi_new_projects", "ddi_new_bn_vnd",
    "ddi_added_projects", "ddi_added_bn_vnd", "ddi_total_bn_vnd", "ddi_plan_bn_vnd",
    "ddi_cumulative_projects", "ddi_cumulative_bn_vnd",
)  # fmt: skip
WORKFORCE = ("workers_vietnamese", "workers_foreign", "income_m_vnd_month")
BUSINESS = ("revenue_musd", "exports_musd", "imports_musd", "state_budget_bn_vnd")
WORKERS = ("workers_vietnamese", "workers_foreign")


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its heading and how its figures are written.

    ``format`` is ``text``, ``number`` (counts and amounts: as many decimals as
    they have, up to two) or ``percent`` (written with `` %``).
    """

    label: str
    format: str = "text"


@dataclass(frozen=True, slots=True)
class Table:
    """One of the report's tables (one sheet of the workbook)."""

    key: str
    title: str
    sheet: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True, slots=True)
class Report:
    """The report in one language: first page words, then its tables."""

    lang: str
    period: Period
    title: str
    lines: tuple[str, ...]  # as of, the period and its revision, the source
    notices: tuple[str, ...]  # draft, illustrative: shown first, in bold
    statements: tuple[str, ...]  # the summary, the way the report words it
    tables: tuple[Table, ...]


@dataclass(frozen=True, slots=True)
class Sources:
    """What the report takes from the other features, as the store hands it out.

    Attributes:
        parks: park id → the parks layer's properties (``name_vi``, ``name_en``,
            ``status``, ``phase``), in the order to list them.
        clearance_bottlenecks: the clearance tracker's per-park progress
            (``planner.report.Report.progress``); the parks flagged as
            bottlenecks are listed.
        housing: the housing layer's properties, one mapping per project.
    """

    parks: Mapping[str, Props] = field(default_factory=dict)
    clearance_bottlenecks: Sequence[ParkProgress] = ()
    housing: Sequence[Props] = ()


def periodic_report(
    period: Period, periods: Sequence[Period], lang: str, sources: Sources
) -> Report:
    """The report of ``period`` in ``lang``.

    Args:
        period: the period reported.
        periods: the published periods (for the previous period and a year earlier).
        lang: ``vi`` or ``en``.
        sources: the parks, the clearance bottlenecks and the housing projects.

    Raises:
        InvalidParameter: ``lang`` is another language (400 for ``lang``).
    """
    lang = report_language(lang)
    parks = sources.parks
    comparison = compare(periods, period)
    notices = [label(DRAFT, lang)] if period.status == DRAFT else []
    if period.illustrative:
        notices.append(label("illustrative", lang))
    lines = (
        label("as_of", lang, date=day(period.end, lang)),
        label(
            "period",
            lang,
            title=period.title,
            kind=label(period.kind, lang),
            revision=period.revision,
        ),
        label("source", lang),
    )
    tables = (
        parks_table(comparison, lang, parks),
        indicator_table("investment", INVESTMENT, comparison, lang, with_plan=True),
        indicator_table("workforce", WORKFORCE, comparison, lang),
        indicator_table("business", BUSINESS, comparison, lang),
        housing_table(sources.housing, lang),
        clearance_table(sources.clearance_bottlenecks, parks, lang),
    )
    return Report(
        lang,
        period,
        label("title", lang),
        lines,
        tuple(notices),
        summary(comparison, lang),
        tables,
    )


def _columns(lang: str, *specs: str) -> list[Column]:
    """Columns from ``label_key`` or ``label_key:format`` specs."""
    out = []
    for spec in specs:
        key, _, kind = spec.partition(":")
        out.append(Column(label(key, lang), kind or "text"))
    return out


def _table(key: str, lang: str, columns: list[Column], rows: list[list[Cell]]) -> Table:
    return Table(
        key,
        label(f"table_{key}", lang),
        label(f"sheet_{key}", lang),
        tuple(columns),
        tuple(tuple(row) for row in rows),
    )


def park_name(park_id: str, parks: Mapping[str, Props], lang: str) -> str:
    """A park's name in ``lang`` (its id when the parks layer lacks it)."""
    return display_name(dict(parks.get(park_id, {})), lang, fallback=park_id)


def parks_table(comparison: Comparison, lang: str, parks: Mapping[str, Props]) -> Table:
    """Established parks and any park with figures: occupancy, leased, state."""
    figures = comparison.period.parks
    before = comparison.year_earlier.parks if comparison.year_earlier else {}
    ids = [p for p, props in parks.items() if props.get("status") == "established"]
    ids += [p for p in figures if p not in ids]
    rows: list[list[Cell]] = []
    for i, pid in enumerate(ids, start=1):
        values = figures.get(pid, {})
        phase = str(parks.get(pid, {}).get("phase") or "")
        rows.append(
            [
                i,
                park_name(pid, parks, lang),
                values.get("occupancy_pct"),
                before.get(pid, {}).get("occupancy_pct"),
                values.get("leased_ha"),
                label(phase, lang) if phase else None,
            ]
        )
    average = comparison.period.headline.get("occupancy_avg_pct")
    if average is not None:
        past = comparison.year_earlier.headline if comparison.year_earlier else {}
        before_avg = past.get("occupancy_avg_pct")
        rows.append(["", label("average", lang), average, before_avg, None, None])
    columns = _columns(
        lang,
        "no",
        "park",
        "occupancy:percent",
        "occupancy_year_earlier:percent",
        "leased:number",
        "state",
    )
    return _table("parks", lang, columns, rows)


def _with_total(values: Mapping[str, float]) -> dict[str, float]:
    """The headline values plus ``workers_total`` when both kinds are given."""
    out = dict(values)
    if all(key in values for key in WORKERS):
        out["workers_total"] = sum(values[key] for key in WORKERS)
    return out


def indicator_table(
    key: str,
    fields: Sequence[str],
    comparison: Comparison,
    lang: str,
    with_plan: bool = False,
) -> Table:
    """Headline figures: this period, a year earlier, the ratio (and to the plan)."""
    now = _with_total(comparison.period.headline)
    past = (
        _with_total(comparison.year_earlier.headline) if comparison.year_earlier else {}
    )
    keys = list(fields)
    if key == "workforce":
        keys.insert(len(WORKERS), "workers_total")
    rows: list[list[Cell]] = []
    for name in (k for k in keys if k in now):
        base = past.get(name)
        ratio = 100.0 * now[name] / base if base else None
        row: list[Cell] = [label(name, lang), unit(_unit(name), lang), now[name]]
        row += [base, ratio]
        if with_plan:
            row.append(comparison.plan_pct(name))
        rows.append(row)
    columns = _columns(
        lang,
        "indicator",
        "unit",
        "value:number",
        "year_earlier:number",
        "of_same_period:percent",
        *(["of_plan:percent"] if with_plan else []),
    )
    return _table(key, lang, columns, rows)


def _unit(name: str) -> str:
    return "people" if name == "workers_total" else HEADLINE_FIELD[name].unit


def housing_table(housing: Sequence[Props], lang: str) -> Table:
    """The worker and social housing projects as the housing layer holds them."""
    rows: list[list[Cell]] = []
    for i, props in enumerate(housing, start=1):
        rows.append(
            [
                i,
                display_name(dict(props), lang, str(props.get("housing_id") or "")),
                label(str(props.get("kind") or ""), lang),
                _text(props.get("location")),
                _number(props.get("capacity")),
                _number(props.get("area_ha")),
                label(str(props.get("status") or ""), lang),
                _text(props.get("progress")),
            ]
        )
    columns = _columns(
        lang,
        *("no", "project", "kind", "location", "capacity:number", "area:number"),
        *("state", "progress"),
    )
    return _table("housing", lang, columns, rows)


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _number(value: Any) -> float | None:
    """A layer's number (None, "" and NaN are not given)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    figure = float(value)
    return None if math.isnan(figure) else figure


def clearance_table(
    progress: Sequence[ParkProgress], parks: Mapping[str, Props], lang: str
) -> Table:
    """The parks flagged as site-clearance bottlenecks, with their progress."""
    rows: list[list[Cell]] = []
    for i, park in enumerate((p for p in progress if p.bottleneck), start=1):
        name = park_name(park.park_id, parks, lang) if park.park_id in parks else None
        rows.append(
            [
                i,
                name or park.name,
                park.parcels,
                park.planned_ha,
                park.cleared_ha,
                max(park.planned_ha - park.cleared_ha, 0.0),
                park.pct,
                park.households_affected,
                park.households_relocated,
                len(park.overdue),
            ]
        )
    figures = ("parcels", "planned_ha", "cleared_ha", "not_cleared_ha")
    people = ("households", "relocated", "overdue")
    columns = _columns(
        lang,
        "no",
        "park",
        *(f"{key}:number" for key in figures),
        "cleared_pct:percent",
        *(f"{key}:number" for key in people),
    )
    return _table("clearance", lang, columns, rows)


def summary(comparison: Comparison, lang: str) -> tuple[str, ...]:
    """The investment in sentences, with the comparisons the report states."""
    out = [
        _investment(comparison, lang, "fdi", "musd"),
        _investment(comparison, lang, "ddi", "bn_vnd"),
        _cumulative(comparison.period.headline, lang),
    ]
    return tuple(sentence for sentence in out if sentence)


def _investment(comparison: Comparison, lang: str, kind: str, money: str) -> str:
    """FDI's or DDI's new, added and total capital in one sentence."""
    values = comparison.period.headline
    total = statement(comparison, f"{kind}_total_{money}", lang)
    if not total:
        return ""
    parts = ("new_projects", f"new_{money}", "added_projects", f"added_{money}")
    if not all(f"{kind}_{part}" in values for part in parts):
        return f"{label(f'{kind}_total_{money}', lang)}: {total}."
    unit_name = HEADLINE_FIELD[f"{kind}_total_{money}"].unit
    return label(
        f"{kind}_statement",
        lang,
        new_projects=number(values[f"{kind}_new_projects"], lang),
        new=amount(values[f"{kind}_new_{money}"], unit_name, lang),
        added_projects=number(values[f"{kind}_added_projects"], lang),
        added=amount(values[f"{kind}_added_{money}"], unit_name, lang),
        total=total,
    )


def _cumulative(values: Mapping[str, float], lang: str) -> str:
    """Cumulative projects and capital (FDI in billions of USD), when all given."""
    keys = (
        "fdi_cumulative_projects",
        "fdi_cumulative_musd",
        "ddi_cumulative_projects",
        "ddi_cumulative_bn_vnd",
    )
    if not all(key in values for key in keys):
        return ""
    return label(
        "cumulative_statement",
        lang,
        fdi_projects=number(values["fdi_cumulative_projects"], lang),
        fdi=billions_usd(values["fdi_cumulative_musd"], lang),
        ddi_projects=number(values["ddi_cumulative_projects"], lang),
        ddi=amount(values["ddi_cumulative_bn_vnd"], "bn VND", lang),
    )
