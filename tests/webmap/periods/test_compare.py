"""Comparisons: the previous period, the same period a year earlier, the plan."""

from __future__ import annotations

import datetime as dt

import pytest

from layers.periods.rules import DRAFT
from tests.support.period_reports import (
    make_period,
    report_period,
    year_earlier,
)
from webmap.periods.compare import (
    Change,
    compare,
    previous_period,
    statement,
    year_earlier_end,
    year_earlier_period,
)


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        ("2023-10-14", "2022-10-14"),  # mid-month: the same day
        ("2023-09-30", "2022-09-30"),  # a month-end
        ("2024-02-29", "2023-02-28"),  # leap day → the end of February
        ("2025-02-28", "2024-02-29"),  # end of February → the leap day
        ("2024-02-28", "2023-02-28"),  # not a month-end in a leap year
        ("2024-03-31", "2023-03-31"),
    ],
)
def test_a_year_earlier_keeps_month_ends(end: str, expected: str) -> None:
    assert year_earlier_end(dt.date.fromisoformat(end)) == dt.date.fromisoformat(
        expected
    )


def test_the_report_is_193_75_percent_of_the_same_period() -> None:
    now, before = report_period(), year_earlier()
    comparison = compare([before, now], now)
    change = comparison.headline("year_earlier")["fdi_total_musd"]
    assert comparison.year_earlier is before
    assert change.diff == pytest.approx(3037 - 1567.5)
    assert change.ratio_pct == pytest.approx(193.748, abs=1e-3)
    assert change.change_pct == pytest.approx(93.748, abs=1e-3)


def test_the_ratio_to_the_plan() -> None:
    comparison = compare([report_period()], report_period())
    assert comparison.plan_pct("fdi_total_musd") == pytest.approx(151.85)
    assert comparison.plan_pct("ddi_total_bn_vnd") is None  # no DDI plan given


def test_every_field_given_in_both_is_compared() -> None:
    now, before = report_period(), year_earlier()
    comparison = compare([before, now], now)
    given = set(now.headline) & set(before.headline)
    assert set(comparison.headline("year_earlier")) == given
    park = comparison.park("vsip", "year_earlier")["occupancy_pct"]
    assert park.diff == pytest.approx(76.6 - 70.5)
    assert comparison.park("nam_cau_kien", "year_earlier") == {}  # not given before


def test_the_previous_period_is_the_latest_earlier_of_the_same_kind() -> None:
    now = report_period()
    september = make_period(dt.date(2023, 9, 30), {"fdi_total_musd": 2900})
    august = make_period(dt.date(2023, 8, 31), {"fdi_total_musd": 2500})
    quarter = make_period(dt.date(2023, 10, 1), {"fdi_total_musd": 1}, kind="quarter")
    later = make_period(dt.date(2023, 11, 30), {"fdi_total_musd": 3300})
    periods = [later, september, now, quarter, august]
    assert previous_period(periods, now) is september
    assert previous_period([now], now) is None


def test_a_draft_is_never_the_base() -> None:
    now = report_period()
    draft = make_period(dt.date(2022, 10, 14), {"fdi_total_musd": 1}, status=DRAFT)
    assert year_earlier_period([draft, now], now) is None
    assert previous_period([draft, now], now) is None


def test_a_leap_day_period_finds_the_end_of_february() -> None:
    leap = make_period(dt.date(2024, 2, 29), {"fdi_total_musd": 300})
    before = make_period(dt.date(2023, 2, 28), {"fdi_total_musd": 200})
    assert year_earlier_period([before, leap], leap) is before
    assert compare([before, leap], leap).headline("year_earlier")[
        "fdi_total_musd"
    ].ratio_pct == pytest.approx(150)


def test_a_zero_base_has_no_ratio() -> None:
    assert Change("projects", 4, 0).ratio_pct is None
    assert Change("projects", 4, 0).change_pct is None
    assert Change("projects", 4, 0).diff == 4


def test_the_statement_in_vietnamese() -> None:
    now = report_period()
    comparison = compare([year_earlier(), now], now)
    assert statement(comparison, "fdi_total_musd", "vi") == (
        "3.037 triệu USD, bằng 193,75 % so với cùng kỳ, 151,85 % kế hoạch năm"
    )


def test_the_statement_in_english() -> None:
    now = report_period()
    comparison = compare([year_earlier(), now], now)
    assert statement(comparison, "fdi_total_musd", "en") == (
        "3,037 M USD, 193.75 % of the same period, 151.85 % of the year's plan"
    )


def test_without_a_year_earlier_no_same_period_is_stated() -> None:
    now = report_period()
    comparison = compare([now], now)
    assert comparison.year_earlier is None
    assert comparison.headline("year_earlier") == {}
    assert statement(comparison, "fdi_total_musd", "vi") == (
        "3.037 triệu USD, bằng 151,85 % kế hoạch năm"
    )
    assert statement(comparison, "ddi_total_bn_vnd", "en") == "23,762 bn VND"


def test_the_previous_period_is_stated_when_asked() -> None:
    now = report_period()
    september = make_period(dt.date(2023, 9, 30), {"fdi_total_musd": 2429.6})
    comparison = compare([september, now], now)
    text = statement(comparison, "fdi_total_musd", "en", with_previous=True)
    assert (
        text == "3,037 M USD, 125 % of the previous period, 151.85 % of the year's plan"
    )


def test_a_field_the_period_lacks_states_nothing() -> None:
    now = report_period()
    assert statement(compare([now], now), "ddi_plan_bn_vnd", "vi") == ""
