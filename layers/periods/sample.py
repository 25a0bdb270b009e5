"""The sample reporting periods: one TOML file per period under ``data/periods/``.

A first build stores them (``PERIODS.seed``); later builds carry the stored
periods over instead. Each file holds::

    end = 2023-10-14            # the date the figures are as of (not in the future)
    kind = "month"              # month, quarter or year
    title = "Báo cáo 10 tháng năm 2023"
    illustrative = false        # true: made-up figures, shown as such
    status = "published"        # or "draft"
    source = "HEZA report 10/2023"   # optional, for the reader of the file

    [headline]                  # HEADLINE_FIELDS
    fdi_total_musd = 3037

    [parks.vsip]                # PARK_FIELDS of one park (ids of the parks layer)
    occupancy_pct = 76.6

The same rules as an import (``checks.value_problem``); every problem names the
file and the key, and none of the files is stored if any is wrong.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import tomllib
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from layers.errors import BuildFailed, InvalidSourceData
from layers.periods.checks import value_problem
from layers.periods.rules import (
    HEADLINE_FIELD,
    KINDS,
    PARK_FIELD,
    STATUSES,
    Field,
    PeriodDraft,
)

logger = logging.getLogger(__name__)

DIRECTORY = "periods"  # under the data directory
PARKS_LAYER = "parks"
KEYS = {"end", "kind", "title", "illustrative", "status", "source", "headline", "parks"}
Sample = tuple[PeriodDraft, str]  # the draft and its status


class _Problems:
    """The problems of one file, each naming the file and the key."""

    def __init__(self, path: Path):
        self.path = path
        self.found: list[InvalidSourceData] = []

    def add(self, key: str, message: str) -> None:
        self.found.append(InvalidSourceData(message, path=self.path, field=key))


def _figures(
    table: object, fields: Mapping[str, Field], where: str, problems: _Problems
) -> dict[str, float]:
    """The checked figures of one TOML table (``where`` is its key)."""
    if not isinstance(table, dict):
        problems.add(where, "expected a table of figures")
        return {}
    values: dict[str, float] = {}
    for key, value in table.items():
        figure = fields.get(key)
        if figure is None:
            problems.add(f"{where}.{key}", f"unknown field; known: {', '.join(fields)}")
            continue
        problem = _number_problem(figure, value) or value_problem(figure, value)
        if problem:
            problems.add(f"{where}.{key}", problem)
        else:
            values[key] = value
    return values


def _number_problem(figure: Field, value: object) -> str | None:
    """Why a TOML value is no number at all (a boolean, text, inf), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"expected a number ({figure.unit}), got {value!r}"
    if not math.isfinite(value):
        return f"expected a number ({figure.unit}), got {value!r}"
    return None


def _end(value: object, today: dt.date, problems: _Problems) -> dt.date | None:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            pass
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        problems.add("end", f"expected a date (YYYY-MM-DD), got {value!r}")
        return None
    if value > today:
        problems.add("end", f"{value} is in the future")
        return None
    return value


def _header(doc: dict[str, Any], problems: _Problems) -> tuple[str, str, bool, str]:
    """(kind, title, illustrative, status), each checked."""
    for key in sorted(set(doc) - KEYS):
        problems.add(key, f"unknown key; known: {', '.join(sorted(KEYS))}")
    kind, title = doc.get("kind"), doc.get("title")
    illustrative, status = doc.get("illustrative", False), doc.get("status", "draft")
    if kind not in KINDS:
        problems.add("kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
    if not isinstance(title, str) or not title.strip() or "\n" in title:
        problems.add("title", "expected one line of text")
    if not isinstance(illustrative, bool):
        problems.add("illustrative", f"expected true or false, got {illustrative!r}")
    if status not in STATUSES:
        problems.add("status", f"expected one of {', '.join(STATUSES)}, got {status!r}")
    return str(kind), str(title).strip(), bool(illustrative), str(status)


def read_file(path: Path, park_ids: Collection[str], today: dt.date) -> Sample:
    """One sample period from ``path``, checked.

    Raises:
        BuildFailed: every problem of the file, each naming it and the key.
    """
    problems = _Problems(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BuildFailed([InvalidSourceData(f"not TOML: {exc}", path=path)]) from None
    kind, title, illustrative, status = _header(doc, problems)
    end = _end(doc.get("end"), today, problems)
    headline = _figures(doc.get("headline", {}), HEADLINE_FIELD, "headline", problems)
    parks: dict[str, dict[str, float]] = {}
    tables = doc.get("parks", {})
    if not isinstance(tables, dict):
        problems.add("parks", "expected one table per park id")
        tables = {}
    for park_id, table in tables.items():
        where = f"parks.{park_id}"
        if park_id not in park_ids:
            problems.add(where, "unknown park id (not in the parks layer)")
            continue
        parks[park_id] = _figures(table, PARK_FIELD, where, problems)
    if problems.found or end is None:
        raise BuildFailed(problems.found)
    draft = PeriodDraft(end, kind, title, illustrative, headline, parks)
    return draft, status


def load_sample(
    directory: Path, park_ids: Collection[str], today: dt.date | None = None
) -> tuple[Sample, ...]:
    """Every ``*.toml`` period under ``directory``, oldest end date first.

    Args:
        directory: ``data/periods``; a missing directory holds no period.
        park_ids: the ids the parks layer knows.
        today: the day "the future" starts after (default: today, UTC).

    Raises:
        BuildFailed: every problem of every file (and two files of one period).
    """
    today = today or dt.datetime.now(dt.UTC).date()
    samples: list[Sample] = []
    problems: list = []
    seen: dict[str, Path] = {}
    for path in sorted(Path(directory).glob("*.toml")):
        try:
            sample = read_file(path, park_ids, today)
        except BuildFailed as exc:
            problems += exc.problems
            continue
        pid = sample[0].period_id
        if pid in seen:
            problems.append(
                InvalidSourceData(f"period {pid} is also in {seen[pid]}", path=path)
            )
        seen[pid] = path
        samples.append(sample)
    if problems:
        raise BuildFailed(problems)
    samples.sort(key=lambda s: (s[0].end, KINDS.index(s[0].kind)))
    logger.info("read %d sample period(s) from %s", len(samples), directory)
    return tuple(samples)


def read_seed(data_dir: Path, ids: Mapping[str, Sequence[str]]) -> tuple[Sample, ...]:
    """``PERIODS.seed``: the sample periods of ``data_dir``, checked at build time."""
    return load_sample(data_dir / DIRECTORY, set(ids.get(PARKS_LAYER, ())))
