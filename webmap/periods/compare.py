"""A period against the previous one, the same period a year earlier, and the plan.

The report states a figure with its comparisons in one phrase: "3.037 triệu USD,
bằng 193,75 % so với cùng kỳ, 151,85 % kế hoạch năm" ("3,037 M USD, 193.75 % of
the same period, 151.85 % of the year's plan"). A comparison whose base is
missing (no period a year earlier, a field not given, a zero base) is left out
of the phrase, never guessed.

"The same period a year earlier" is a pure calendar rule kept here (the store and
the importer do not need it): the same kind, ending one year earlier, month-ends
matching month-ends (30/9 ↔ 30/9, 28/2/2025 ↔ 29/2/2024, 29/2/2024 ↔ 28/2/2023).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from layers.periods.rules import HEADLINE_FIELD, PUBLISHED, Period
from webmap.periods.labels import label
from webmap.periods.numbers import amount, percent

Against = Literal["previous", "year_earlier"]

# The headline totals compared with the year's plan: total → plan.
PLAN_OF = {"fdi_total_musd": "fdi_plan_musd", "ddi_total_bn_vnd": "ddi_plan_bn_vnd"}


@dataclass(frozen=True, slots=True)
class Change:
    """One field now against a base: the difference and the ratio."""

    key: str
    value: float
    base: float

    @property
    def diff(self) -> float:
        """How much more (negative: less) than the base."""
        return self.value - self.base

    @property
    def ratio_pct(self) -> float | None:
        """The value as a percentage of the base (193.75); None for a zero base."""
        return 100.0 * self.value / self.base if self.base else None

    @property
    def change_pct(self) -> float | None:
        """The change in percent (93.75 for 193.75 % of the base)."""
        ratio = self.ratio_pct
        return None if ratio is None else ratio - 100.0


def year_earlier_end(end: dt.date) -> dt.date:
    """The end date one year before ``end``; month-ends map to month-ends."""
    year = end.year - 1
    if end.day == calendar.monthrange(end.year, end.month)[1]:
        return dt.date(year, end.month, calendar.monthrange(year, end.month)[1])
    return dt.date(year, end.month, end.day)  # below a month's end: every year has it


def _bases(periods: Iterable[Period], period: Period) -> list[Period]:
    """Published periods of the same kind other than ``period``, by end date."""
    same = [
        p
        for p in periods
        if p.kind == period.kind and p.status == PUBLISHED and p.id != period.id
    ]
    return sorted(same, key=lambda p: p.end)


def previous_period(periods: Iterable[Period], period: Period) -> Period | None:
    """The published period of the same kind that ended last before ``period``."""
    earlier = [p for p in _bases(periods, period) if p.end < period.end]
    return earlier[-1] if earlier else None


def year_earlier_period(periods: Iterable[Period], period: Period) -> Period | None:
    """The published period of the same kind ending a year before ``period``."""
    end = year_earlier_end(period.end)
    return next((p for p in _bases(periods, period) if p.end == end), None)


def changes(
    values: Mapping[str, float], base: Mapping[str, float]
) -> dict[str, Change]:
    """Every field given in both ``values`` and ``base``, as a ``Change``."""
    return {
        key: Change(key, float(value), float(base[key]))
        for key, value in values.items()
        if key in base
    }


@dataclass(frozen=True, slots=True)
class Comparison:
    """A period with the periods it is compared with (either may be None)."""

    period: Period
    previous: Period | None
    year_earlier: Period | None

    def base(self, against: Against) -> Period | None:
        """The period compared with."""
        return self.previous if against == "previous" else self.year_earlier

    def headline(self, against: Against) -> dict[str, Change]:
        """The headline figures' changes from ``against`` (empty without it)."""
        base = self.base(against)
        return changes(self.period.headline, base.headline) if base else {}

    def park(self, park_id: str, against: Against) -> dict[str, Change]:
        """One park's figures' changes from ``against`` (empty without it)."""
        base = self.base(against)
        if base is None:
            return {}
        return changes(self.period.parks.get(park_id, {}), base.parks.get(park_id, {}))

    def plan_pct(self, key: str) -> float | None:
        """A total as a percentage of the year's plan (None when either is absent)."""
        plan = self.period.headline.get(PLAN_OF.get(key, ""))
        value = self.period.headline.get(key)
        if value is None or not plan:
            return None
        return 100.0 * value / plan


def compare(periods: Sequence[Period], period: Period) -> Comparison:
    """``period`` with its previous period and the same period a year earlier.

    Args:
        periods: the published periods (drafts among them are never a base).
        period: the period to compare (published, or a draft being previewed).
    """
    return Comparison(
        period,
        previous_period(periods, period),
        year_earlier_period(periods, period),
    )


def statement(
    comparison: Comparison, key: str, lang: str, with_previous: bool = False
) -> str:
    """A headline figure with its comparisons, the way the report writes them.

    Args:
        comparison: the period and its bases.
        key: a headline field, e.g. ``fdi_total_musd``.
        lang: ``vi`` or ``en``.
        with_previous: also the ratio to the previous period.

    Returns:
        e.g. "3.037 triệu USD, bằng 193,75 % so với cùng kỳ, 151,85 % kế hoạch
        năm"; "" when the period does not give ``key``.
    """
    value = comparison.period.headline.get(key)
    if value is None:
        return ""
    ratios = []
    same = comparison.headline("year_earlier").get(key)
    if same is not None and same.ratio_pct is not None:
        ratios.append(("of_same_period_phrase", same.ratio_pct))
    before = comparison.headline("previous").get(key) if with_previous else None
    if before is not None and before.ratio_pct is not None:
        ratios.append(("of_previous_phrase", before.ratio_pct))
    plan = comparison.plan_pct(key)
    if plan is not None:
        ratios.append(("of_plan_phrase", plan))
    phrases = [label(name, lang, pct=percent(pct, lang)) for name, pct in ratios]
    if phrases:
        phrases[0] = label("equal_to", lang) + phrases[0]
    return ", ".join([amount(value, HEADLINE_FIELD[key].unit, lang), *phrases])
