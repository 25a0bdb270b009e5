"""What the admins' period pages read and show (pure, no Flask).

- ``form_draft``: the edit form of a period (title, end, kind, illustrative and
  one input per figure) read into a checked ``PeriodDraft``, or ``PeriodRejected``
  with every problem, each naming its input (sheet ``form``);
- ``form_value``: a figure as the form shows it (a decimal comma, so that reading
  it back with ``parse_number`` gives the same number: ``1.171`` would be 1171);
- ``changes``: what a revision changed against the one before (field, old, new);
- ``period_json`` and ``revision_json``: the admin API's bodies.

Inputs are named ``h:<key>`` for a headline figure and ``p:<park_id>:<key>`` for a
park's; an empty input means "not given".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from layers.periods.checks import Given, total_problems, value_problem
from layers.periods.rules import (
    HEADLINE_FIELD,
    HEADLINE_FIELDS,
    KINDS,
    PARK_FIELD,
    PARK_FIELDS,
    Field,
    Period,
    PeriodDraft,
    PeriodRejected,
    Problem,
    Revision,
)
from layers.values import has_control, parse_number

FORM = "form"  # the sheet a form's problems name
MAX_TITLE = 200


def headline_input(key: str) -> str:
    """The name of a headline figure's input."""
    return f"h:{key}"


def park_input(park_id: str, key: str) -> str:
    """The name of a park figure's input."""
    return f"p:{park_id}:{key}"


def form_value(value: float | None) -> str:
    """A figure as the form shows it: ``1171``, ``96,3``; "" when not given."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value)).replace(".", ",")


class _Form:
    """Reads one form, collecting problems."""

    def __init__(self, form: Mapping[str, str]):
        self.form = form
        self.problems: list[Problem] = []

    def add(self, column: str, message: str) -> None:
        self.problems.append(Problem(FORM, 0, column, message))

    def text(self, name: str) -> str:
        return str(self.form.get(name, "")).strip()

    def figure(self, name: str, field: Field) -> Given | None:
        text = self.text(name)
        if not text:
            return None
        try:
            value, decimals = parse_number(text)
        except ValueError as exc:
            self.add(name, str(exc))
            return None
        why = value_problem(field, value)
        if why:
            self.add(name, why)
            return None
        return Given(value, decimals)

    def figures(self, names: Mapping[str, Field]) -> dict[str, Given]:
        found = {key: self.figure(name, names[name]) for name, key in _keys(names)}
        return {key: given for key, given in found.items() if given is not None}

    def meta(self, today: dt.date) -> tuple[dt.date | None, str, str]:
        end = None
        try:
            end = dt.date.fromisoformat(self.text("end"))
        except ValueError:
            self.add("end", "expected a date (YYYY-MM-DD)")
        if end is not None and end > today:
            self.add("end", f"the figures cannot be as of a future date ({end})")
        kind = self.text("kind")
        if kind not in KINDS:
            self.add("kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
        title = self.text("title")
        if not title or len(title) > MAX_TITLE or has_control(title, multiline=False):
            self.add("title", f"a title of one line, 1–{MAX_TITLE} characters")
        return end, kind, title


def _keys(names: Mapping[str, Field]) -> Iterator[tuple[str, str]]:
    """(input name, field key) of every input in ``names``."""
    for name, figure in names.items():
        yield name, figure.key


def form_draft(
    form: Mapping[str, str], park_ids: Collection[str], today: dt.date
) -> PeriodDraft:
    """The draft a period's edit form describes.

    Args:
        form: the posted fields.
        park_ids: the parks whose inputs the form carries.
        today: the end date may not be after it.

    Raises:
        PeriodRejected: every problem, each naming its input.
    """
    reader = _Form(form)
    end, kind, title = reader.meta(today)
    headline = reader.figures({headline_input(f.key): f for f in HEADLINE_FIELDS})
    parks = {
        pid: reader.figures({park_input(pid, f.key): f for f in PARK_FIELDS})
        for pid in park_ids
    }
    parks = {pid: given for pid, given in parks.items() if given}
    for key, message in total_problems(headline, parks).items():
        reader.add(headline_input(key), message)
    if reader.problems or end is None:
        raise PeriodRejected(reader.problems)
    return PeriodDraft(
        end=end,
        kind=kind,
        title=title,
        illustrative=bool(reader.text("illustrative")),
        headline={k: _number(g, HEADLINE_FIELD[k]) for k, g in headline.items()},
        parks={
            pid: {k: _number(g, PARK_FIELD[k]) for k, g in given.items()}
            for pid, given in parks.items()
        },
    )


def _number(given: Given, field: Field) -> float:
    return float(int(given.value)) if field.integer else given.value


@dataclass(frozen=True, slots=True)
class Change:
    """One figure a revision changed: ``park`` is "" for a headline figure."""

    park: str
    key: str
    old: Any
    new: Any


def changes(before: Period, after: Period) -> list[Change]:
    """What ``after`` changed against ``before``: the period's own fields first."""
    found = [
        Change("", key, getattr(before, key), getattr(after, key))
        for key in ("title", "end", "kind", "illustrative")
        if getattr(before, key) != getattr(after, key)
    ]
    found += _changed("", before.headline, after.headline, HEADLINE_FIELDS)
    for park in sorted(set(before.parks) | set(after.parks)):
        old, new = before.parks.get(park, {}), after.parks.get(park, {})
        found += _changed(park, old, new, PARK_FIELDS)
    return found


def _changed(
    park: str,
    old: Mapping[str, float],
    new: Mapping[str, float],
    fields: tuple[Field, ...],
) -> list[Change]:
    return [
        Change(park, f.key, old.get(f.key), new.get(f.key))
        for f in fields
        if old.get(f.key) != new.get(f.key)
    ]


def period_json(period: Period) -> dict[str, Any]:
    """A period as the admin API answers it."""
    body = dataclasses.asdict(period)
    body["end"] = period.end.isoformat()
    body["headline"] = dict(period.headline)
    body["parks"] = {pid: dict(values) for pid, values in period.parks.items()}
    return body


def revision_json(revision: Revision) -> dict[str, Any]:
    """A revision's who, when and why."""
    return dataclasses.asdict(revision)
