"""Figures the Vietnamese and the English way, whatever the request's language."""

from __future__ import annotations

import datetime as dt

import pytest

from webmap.core.params import InvalidParameter
from webmap.periods.numbers import (
    amount,
    billions_usd,
    day,
    number,
    percent,
    report_language,
)


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (1171, "1.171", "1,171"),
        (180753, "180.753", "180,753"),
        (96.3, "96,3", "96.3"),
        (1567.5, "1.567,5", "1,567.5"),
        (193.748, "193,75", "193.75"),
        (0, "0", "0"),
    ],
)
def test_numbers(value: float, vi: str, en: str) -> None:
    assert number(value, "vi") == vi
    assert number(value, "en") == en


def test_amounts_percentages_and_billions() -> None:
    assert amount(1171, "M USD", "vi") == "1.171 triệu USD"
    assert amount(1171, "M USD", "en") == "1,171 M USD"
    assert percent(96.3, "vi") == "96,3 %"
    assert billions_usd(25863, "vi") == "25,863 tỷ USD"
    assert billions_usd(25863, "en") == "25.863 bn USD"
    assert amount(11.5, "M VND/month", "vi") == "11,5 triệu đồng/tháng"


def test_dates() -> None:
    assert day(dt.date(2023, 10, 14), "vi") == "14/10/2023"
    assert day(dt.date(2023, 10, 14), "en") == "Oct 14, 2023"


def test_the_report_language_is_vi_or_en() -> None:
    assert report_language(" EN ") == "en"
    with pytest.raises(InvalidParameter) as caught:
        report_language("ko")
    assert caught.value.parameter == "lang"
