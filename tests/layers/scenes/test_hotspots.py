"""Walk-to arrows fanned out so that none covers another (issue 16)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layers.scenes.hotspots import spread_bearings


def circular_gaps(bearings: list[float]) -> list[float]:
    ordered = sorted(b % 360.0 for b in bearings)
    return [
        (ordered[(i + 1) % len(ordered)] - b) % 360.0 for i, b in enumerate(ordered)
    ]


@pytest.mark.parametrize(
    ("bearings", "expected"),
    [
        ([], []),
        ([370.0], [10.0]),
        ([10.0, 100.0, 250.0], [10.0, 100.0, 250.0]),  # already apart: untouched
        ([50.0, 55.0], [46.5, 58.5]),  # a pair fans out about its mean
        ([238.0, 241.0, 284.0], [233.5, 245.5, 284.0]),
        ([355.0, 5.0], [354.0, 6.0]),  # across north
    ],
)
def test_close_bearings_fan_out(bearings, expected) -> None:
    assert spread_bearings(bearings, 12.0) == pytest.approx(expected)


def test_too_many_bearings_share_the_circle() -> None:
    shown = spread_bearings([0.0, 1.0, 2.0, 3.0], 100.0)
    assert circular_gaps(shown) == pytest.approx([90.0] * 4)


@given(
    st.lists(st.floats(-720.0, 720.0, allow_nan=False), min_size=2, max_size=12),
    st.floats(1.0, 40.0),
)
def test_no_two_shown_bearings_are_closer_than_the_gap(bearings, gap) -> None:
    shown = spread_bearings(bearings, gap)
    assert len(shown) == len(bearings)
    assert all(0.0 <= b < 360.0 for b in shown)
    assert min(circular_gaps(shown)) >= min(gap, 360.0 / len(bearings)) - 1e-6
