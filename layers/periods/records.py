"""Reporting periods as stored rows, and the rules a write keeps (pure).

Three tables, the same names and columns in a GeoPackage and a PostGIS schema:

- ``parkmap_periods``: one row per period, its current state: status, current
  revision, and the current revision's title, flag and author (``updated_*``);
- ``parkmap_period_revisions``: one row per revision (who, when, why, the title
  and flag of that revision). Every save of a draft is a revision (reason "")
  and so is every correction of a published period (with its reason); publishing
  does not add one. Nothing is ever deleted from it but a whole draft;
- ``parkmap_period_values``: the figures of every revision, one row per figure
  (``park_id`` is "" for the headline figures), so every revision stays readable.

No SQL here: ``gpkg`` and ``postgis`` run their own and use these to decide what
a write may do, to build rows and to turn rows back into ``Period`` objects.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from layers.periods.rules import (
    HEADLINE_FIELD,
    PARK_FIELD,
    PUBLISHED,
    Field,
    Period,
    PeriodDraft,
    PeriodNotFound,
    PeriodNotPublished,
    PeriodPublished,
    Revision,
    StalePeriod,
)

logger = logging.getLogger(__name__)

PERIODS = "parkmap_periods"
REVISIONS = "parkmap_period_revisions"
VALUES = "parkmap_period_values"
TABLES = (PERIODS, REVISIONS, VALUES)
HEADLINE = ""  # the park_id of the headline figures in VALUES
SAMPLE_USER = "sample"  # who a first build stores the sample periods as

PERIOD_COLUMNS = (
    "id", "end_date", "kind", "title", "illustrative", "status", "revision",
    "created_by", "created_at", "updated_by", "updated_at", "published_by",
    "published_at",
)  # fmt: skip
REVISION_COLUMNS = (
    "period_id", "revision", "title", "illustrative", "user", "at", "reason",
)  # fmt: skip
VALUE_COLUMNS = ("period_id", "revision", "park_id", "field", "value")


def now() -> str:
    """The current UTC time as ISO 8601 with microseconds (sortable as text)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True, slots=True)
class Current:
    """What a write needs to know of a stored period: its status and revision."""

    status: str
    revision: int


def next_draft_revision(period: str, current: Current | None, base: int | None) -> int:
    """The revision a draft's save writes, or why it may not.

    Raises:
        PeriodNotFound: ``base`` names a revision of a period that does not exist.
        PeriodPublished: the period is published (correct it instead).
        StalePeriod: the period exists and ``base`` is not its current revision
            (None, asking to create it, counts as 0).
    """
    if current is None:
        if base is not None:
            raise PeriodNotFound(period)
        return 1
    if current.status == PUBLISHED:
        raise PeriodPublished(period)
    if base != current.revision:
        raise StalePeriod(period, current.revision, base or 0)
    return current.revision + 1


def next_correction(
    period: str, current: Current | None, base: int, reason: str
) -> int:
    """The revision a correction writes, or why it may not.

    Raises:
        ValueError: an empty reason.
        PeriodNotFound, PeriodNotPublished, StalePeriod.
    """
    if not reason.strip():
        raise ValueError(f"a correction of period '{period}' needs a reason")
    if current is None:
        raise PeriodNotFound(period)
    if current.status != PUBLISHED:
        raise PeriodNotPublished(period)
    if base != current.revision:
        raise StalePeriod(period, current.revision, base)
    return current.revision + 1


def check_publishable(period: str, current: Current | None) -> None:
    """Raise unless ``period`` is a stored draft (publish, delete_draft).

    Raises:
        PeriodNotFound, PeriodPublished.
    """
    if current is None:
        raise PeriodNotFound(period)
    if current.status == PUBLISHED:
        raise PeriodPublished(period)


def value_rows(period: str, revision: int, draft: PeriodDraft) -> list[tuple]:
    """``VALUE_COLUMNS`` rows of a draft's figures at ``revision``."""
    rows = [
        (period, revision, HEADLINE, key, float(value))
        for key, value in draft.headline.items()
    ]
    for park_id, values in draft.parks.items():
        rows += [
            (period, revision, park_id, key, float(value))
            for key, value in values.items()
        ]
    return rows


def revision_row(draft: PeriodDraft, revision: int, by: tuple[str, str, str]) -> tuple:
    """A ``REVISION_COLUMNS`` row; ``by`` is (user, at, reason)."""
    user, at, reason = by
    return (
        draft.period_id,
        revision,
        draft.title,
        draft.illustrative,
        user,
        at,
        reason,
    )


def _typed(fields: Mapping[str, Field], key: str, value: float) -> float:
    """Counts back as ints (the store keeps every figure as a float)."""
    found = fields.get(key)
    return int(value) if found is not None and found.integer else value


def figures(
    rows: Iterable[Sequence],
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """(headline, parks) from (park_id, field, value) rows.

    Figures come in the order of ``HEADLINE_FIELDS`` and ``PARK_FIELDS``, parks by
    id, whatever order the rows came in.
    """
    headline: dict[str, float] = {}
    parks: dict[str, dict[str, float]] = {}
    for park_id, key, value in rows:
        if park_id == HEADLINE:
            headline[key] = _typed(HEADLINE_FIELD, key, value)
        else:
            parks.setdefault(park_id, {})[key] = _typed(PARK_FIELD, key, value)
    return _ordered(headline, HEADLINE_FIELD), {
        park_id: _ordered(parks[park_id], PARK_FIELD) for park_id in sorted(parks)
    }


def _ordered(values: dict[str, float], fields: Mapping[str, Field]) -> dict[str, float]:
    order = {key: i for i, key in enumerate(fields)}
    return dict(sorted(values.items(), key=lambda kv: order.get(kv[0], len(order))))


def period(
    row: Mapping[str, object], revision: Sequence, rows: Iterable[Sequence]
) -> Period:
    """A ``Period`` from its ``PERIOD_COLUMNS`` row at one revision.

    Args:
        row: the period's row, by column name.
        revision: that revision's ``REVISION_COLUMNS`` row.
        rows: that revision's (park_id, field, value) rows.
    """
    headline, parks = figures(rows)
    _pid, number, title, illustrative, user, at, _reason = revision
    return Period(
        id=str(row["id"]),
        end=dt.date.fromisoformat(str(row["end_date"])),
        kind=str(row["kind"]),
        title=str(title),
        illustrative=bool(illustrative),
        status=str(row["status"]),
        revision=int(number),
        headline=headline,
        parks=parks,
        created_by=str(row["created_by"]),
        created_at=str(row["created_at"]),
        updated_by=str(user),
        updated_at=str(at),
        published_by=str(row["published_by"]),
        published_at=str(row["published_at"]),
    )


def assemble(
    rows: Sequence[Mapping[str, object]],
    revisions: Iterable[Sequence],
    values: Iterable[Sequence],
) -> list[Period]:
    """``Period`` objects from rows read in one snapshot, in the order of ``rows``.

    Args:
        rows: ``PERIOD_COLUMNS`` rows, by column name.
        revisions: one ``REVISION_COLUMNS`` row per period, the revision wanted.
        values: (period_id, park_id, field, value) rows of those revisions.
    """
    by_period = {r[0]: r for r in revisions}
    figures_of: dict[str, list[Sequence]] = {}
    for period_id, *rest in values:
        figures_of.setdefault(period_id, []).append(rest)
    return [
        period(row, by_period[row["id"]], figures_of.get(str(row["id"]), []))
        for row in rows
    ]


def one(
    period_id: str,
    revision: int | None,
    rows: Sequence[Mapping[str, object]],
    found: Sequence[Sequence],
    values: Iterable[Sequence],
) -> Period:
    """The period ``get`` asked for, from what was read (see ``assemble``).

    Raises:
        PeriodNotFound: no row or no such revision was read.
    """
    if not rows or not found:
        raise PeriodNotFound(
            period_id if revision is None else f"{period_id} revision {revision}"
        )
    return assemble(rows, found, values)[0]


def revision(row: Sequence) -> Revision:
    """A ``Revision`` from its ``REVISION_COLUMNS`` row."""
    _pid, number, _title, _illustrative, user, at, reason = row
    return Revision(int(number), str(user), str(at), str(reason))


def audit(
    action: str, period_id: str, user: str, revision: int, reason: str = ""
) -> None:
    """Log one accepted change of a period: the audit line beside the history."""
    logger.info(
        "period %s %s by %s (revision %d)%s",
        period_id,
        action,
        user,
        revision,
        f": {reason}" if reason else "",
    )
