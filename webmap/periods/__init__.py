"""The reporting periods' outputs: comparisons, the periodic report, trend charts.

Pure builders over ``layers.periods.rules.Period`` objects; the routes that call
them live in ``webmap/views/``. ``compare`` (previous period, the same period a
year earlier, the year's plan, and the report's phrase), ``numbers`` (figures the
Vietnamese and the English way), ``labels`` (the report's words in both),
``tables`` (the report as data), ``docx`` and ``xlsx`` (its two files) and
``charts`` (SVG trends and their text alternative); for the admins' pages,
``names`` (their words in four languages), ``edits`` (the edit form, what a
revision changed) and ``actions`` (uploads, edits and corrections). ``ERRORS`` and
``EXTRA``: the periods' exceptions as problems.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from layers.periods.rules import (
    PeriodNotFound,
    PeriodNotPublished,
    PeriodPublished,
    PeriodRejected,
    StalePeriod,
)

# The periods' exceptions and their statuses, added to the app's error table when
# a blueprint serving periods (the admins' pages and API, /figures, /reports) is
# registered.
ERRORS: dict[type[Exception], int] = {
    PeriodNotFound: 404,
    PeriodPublished: 409,
    PeriodNotPublished: 409,
    StalePeriod: 409,
    PeriodRejected: 422,
}


def rejected_problems(exc: PeriodRejected) -> dict[str, Any]:
    """A rejected period's problem lists every problem: sheet, row, column, message."""
    return {"problems": [asdict(p) for p in exc.problems]}


def stale_revision(exc: StalePeriod) -> dict[str, Any]:
    """A stale edit's problem names the current revision: the client reloads."""
    return {"current_revision": exc.current}


EXTRA = {PeriodRejected: rejected_problems, StalePeriod: stale_revision}
