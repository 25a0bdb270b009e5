"""The period edit form read back, and what a revision changed (pure)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from layers.periods.rules import Period, PeriodRejected
from layers.values import parse_number
from webmap.periods.edits import changes, form_draft, form_value

TODAY = dt.date(2024, 1, 31)
META = {"title": "Quý 3", "end": "2023-09-30", "kind": "quarter"}


@pytest.mark.parametrize("value", [1171.0, 1.171, 96.3, 0.5, 25078.0, 11.5])
def test_a_form_value_reads_back_as_the_same_number(value) -> None:
    assert parse_number(form_value(value))[0] == value


def test_the_form_gives_a_draft_with_vietnamese_numbers() -> None:
    form = {**META, "illustrative": "1", "h:fdi_new_musd": "1.171,5"}
    form["p:nomura:occupancy_pct"] = "96,3"
    draft = form_draft(form, ["nomura", "do_son"], TODAY)
    assert draft.period_id == "2023-09-30-quarter" and draft.illustrative
    assert draft.headline == {"fdi_new_musd": 1171.5}
    assert draft.parks == {"nomura": {"occupancy_pct": 96.3}}


def test_every_problem_of_the_form_names_its_input() -> None:
    form = {
        "title": "",
        "end": "2099-01-01",
        "kind": "week",
        "h:fdi_new_projects": "1,5",
        "p:nomura:occupancy_pct": "101",
        "h:revenue_musd": "10",
        "p:do_son:revenue_musd": "500",
    }
    with pytest.raises(PeriodRejected) as caught:
        form_draft(form, ["nomura", "do_son"], TODAY)
    assert sorted(p.column for p in caught.value.problems) == [
        "end",
        "h:fdi_new_projects",
        "h:revenue_musd",
        "kind",
        "p:nomura:occupancy_pct",
        "title",
    ]


def _period(**values) -> Period:
    base = Period(
        id="2023-09-30-quarter",
        end=dt.date(2023, 9, 30),
        kind="quarter",
        title="Quý 3",
        illustrative=False,
        status="published",
        revision=1,
        headline={"fdi_total_musd": 3037},
        parks={"nomura": {"occupancy_pct": 100}},
        created_by="a",
        created_at="",
        updated_by="a",
        updated_at="",
    )
    return dataclasses.replace(base, **values)


def test_changes_name_each_changed_figure_with_old_and_new() -> None:
    after = _period(
        title="Quý ba",
        headline={"fdi_total_musd": 3038},
        parks={"nomura": {"occupancy_pct": 100}, "do_son": {"workers": 5}},
    )
    found = [(c.park, c.key, c.old, c.new) for c in changes(_period(), after)]
    assert found == [
        ("", "title", "Quý 3", "Quý ba"),
        ("", "fdi_total_musd", 3037, 3038),
        ("do_son", "workers", None, 5),
    ]
