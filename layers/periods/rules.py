"""Reporting periods: what a period holds and the rules it keeps (pure).

A reporting period is the authority's figures as of an end date: per park
(``PARK_FIELDS``) and for all parks and zones together (``HEADLINE_FIELDS``). A
period is a draft until an admin publishes it; a published period never changes
in place: a correction is a new revision with a reason (``PeriodStore.correct``).

No SQL, no Flask: the stores (``gpkg``, ``postgis``) keep what this module
defines, the importer (``spreadsheet``) builds ``PeriodDraft`` objects, and the
web layer labels the field keys in four languages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from layers.workbook import Problem

KINDS = ("month", "quarter", "year")
DRAFT, PUBLISHED = "draft", "published"
STATUSES = (DRAFT, PUBLISHED)


@dataclass(frozen=True, slots=True)
class Field:
    """One figure a period may hold.

    Attributes:
        key: its name in the store, the spreadsheet and the API.
        unit: ``%``, ``ha``, ``projects``, ``people``, ``M USD``, ``bn VND`` or
            ``M VND/month``.
        integer: whole numbers only (counts).
        percent: a share, 0–100.
    """

    key: str
    unit: str
    integer: bool = False
    percent: bool = False


PARK_FIELDS: tuple[Field, ...] = (
    Field("occupancy_pct", "%", percent=True),
    Field("leased_ha", "ha"),
    Field("projects", "projects", integer=True),
    Field("fdi_capital_musd", "M USD"),
    Field("ddi_capital_bn_vnd", "bn VND"),
    Field("workers", "people", integer=True),
    Field("revenue_musd", "M USD"),
    Field("exports_musd", "M USD"),
)

HEADLINE_FIELDS: tuple[Field, ...] = (
    # Foreign direct investment within the period (the report: "57 new projects,
    # 1,171 M USD; 37 projects raised capital by 1,866 M USD; total 3,037 M USD").
    Field("fdi_new_projects", "projects", integer=True),
    Field("fdi_new_musd", "M USD"),
    Field("fdi_added_projects", "projects", integer=True),
    Field("fdi_added_musd", "M USD"),
    Field("fdi_total_musd", "M USD"),
    Field("fdi_plan_musd", "M USD"),  # the year's plan the total is compared with
    Field("fdi_cumulative_projects", "projects", integer=True),
    Field("fdi_cumulative_musd", "M USD"),
    # Domestic investment (DDI), the same way, in billions of dong.
    Field("ddi_new_projects", "projects", integer=True),
    Field("ddi_new_bn_vnd", "bn VND"),
    Field("ddi_added_projects", "projects", integer=True),
    Field("ddi_added_bn_vnd", "bn VND"),
    Field("ddi_total_bn_vnd", "bn VND"),
    Field("ddi_plan_bn_vnd", "bn VND"),
    Field("ddi_cumulative_projects", "projects", integer=True),
    Field("ddi_cumulative_bn_vnd", "bn VND"),
    # Workforce and business of the parks and zones together.
    Field("workers_vietnamese", "people", integer=True),
    Field("workers_foreign", "people", integer=True),
    Field("income_m_vnd_month", "M VND/month"),
    Field("revenue_musd", "M USD"),
    Field("exports_musd", "M USD"),
    Field("imports_musd", "M USD"),
    Field("state_budget_bn_vnd", "bn VND"),
    Field("occupancy_avg_pct", "%", percent=True),
)

PARK_FIELD = {f.key: f for f in PARK_FIELDS}
HEADLINE_FIELD = {f.key: f for f in HEADLINE_FIELDS}

# Headline figures that are the sum of the per-park rows when both are given
# (headline key → park key); the importer refuses a total that disagrees.
PARK_TOTALS = {
    "revenue_musd": "revenue_musd",
    "exports_musd": "exports_musd",
}

Values = Mapping[str, float]  # field key → value; a field not given is absent


@dataclass(frozen=True, slots=True)
class PeriodDraft:
    """What an admin or a spreadsheet gives for one period (checked).

    Attributes:
        end: the date the figures are as of.
        kind: one of ``KINDS``.
        title: e.g. "Báo cáo 10 tháng năm 2023"; free text, one line.
        illustrative: the figures are made up for the sample (shown as such).
        headline: ``HEADLINE_FIELDS`` values given.
        parks: park id → ``PARK_FIELDS`` values given.
    """

    end: dt.date
    kind: str
    title: str
    illustrative: bool = False
    headline: Values = field(default_factory=dict)
    parks: Mapping[str, Values] = field(default_factory=dict)

    @property
    def period_id(self) -> str:
        """The period's id: its end date and kind, e.g. ``2023-10-14-month``."""
        return period_id(self.end, self.kind)


@dataclass(frozen=True, slots=True)
class Revision:
    """One stored revision of a period: who made it, when and why."""

    revision: int  # 1 for the first; each correction of a published period adds one
    user: str
    at: str  # ISO 8601, UTC
    reason: str  # "" for a draft's saves and the first publication


@dataclass(frozen=True, slots=True)
class Period:
    """A stored period at one revision.

    Attributes:
        id: ``period_id(end, kind)``.
        status: ``draft`` or ``published``.
        revision: the revision these values are (the latest unless asked).
        created_by, created_at: who first saved it and when (UTC, ISO 8601).
        updated_by, updated_at: who made this revision and when.
        published_by, published_at: who published it and when; "" for a draft.
    """

    id: str
    end: dt.date
    kind: str
    title: str
    illustrative: bool
    status: str
    revision: int
    headline: Values
    parks: Mapping[str, Values]
    created_by: str
    created_at: str
    updated_by: str
    updated_at: str
    published_by: str = ""
    published_at: str = ""


def period_id(end: dt.date, kind: str) -> str:
    """The id of the period of ``kind`` ending on ``end``: ``YYYY-MM-DD-kind``."""
    return f"{end.isoformat()}-{kind}"


def parse_period_id(text: str) -> tuple[dt.date, str]:
    """(end, kind) from a period id.

    Raises:
        PeriodNotFound: ``text`` is not ``YYYY-MM-DD-kind`` with a known kind.
    """
    date_text, _, kind = text.rpartition("-")
    if kind not in KINDS:
        raise PeriodNotFound(text)
    try:
        return dt.date.fromisoformat(date_text), kind
    except ValueError:
        raise PeriodNotFound(text) from None


class PeriodNotFound(LookupError):
    """No period with that id (or not at that revision)."""

    def __init__(self, period: str):
        self.period = period
        super().__init__(f"no reporting period '{period}'")


class PeriodPublished(Exception):
    """A published period cannot be changed in place; correct it with a reason."""

    def __init__(self, period: str):
        self.period = period
        super().__init__(
            f"period '{period}' is published: send a correction with a reason"
        )


class PeriodNotPublished(Exception):
    """A correction was asked for a draft (edit the draft instead)."""

    def __init__(self, period: str):
        self.period = period
        super().__init__(f"period '{period}' is a draft: edit it instead")


class StalePeriod(Exception):
    """The period changed since the editor read it (base revision is not current)."""

    def __init__(self, period: str, current: int, base: int):
        self.period, self.current, self.base = period, current, base
        super().__init__(
            f"period '{period}' is at revision {current}, the edit was based on {base}"
        )


class PeriodRejected(ValueError):
    """A period's figures break a rule; nothing was stored.

    Attributes:
        problems: every problem found, each naming sheet, row and column.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"period rejected, {len(self.problems)} problem(s):\n{lines}")
