"""The report map's geometry: frame, scale-bar lengths, edge pointers, labels."""

from __future__ import annotations

import math

import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from webmap.report.mapframe import Frame, Placer, edge_point, nice_length, overlaps


@pytest.mark.parametrize(
    ("metres", "nice"),
    [(0.4, 1), (1, 1), (1.9, 1), (2, 2), (4.99, 2), (5, 5), (999, 500), (1000, 1000),
     (2600, 2000), (7200, 5000), (12_000, 10_000)],
)  # fmt: skip
def test_nice_length(metres, nice):
    assert nice_length(metres) == nice


@given(st.floats(1, 1e6))
def test_nice_length_is_a_round_number_within_a_factor_of_two_and_a_half(metres):
    nice = nice_length(metres)
    assert nice <= metres < nice * 2.5
    mantissa = nice / 10 ** math.floor(math.log10(nice))
    assert round(mantissa, 9) in (1, 2, 5)


@pytest.mark.parametrize("shape", [(100, 100), (4000, 300), (300, 4000)])
def test_the_frame_holds_the_site_with_the_box_s_shape(shape):
    w, h = shape
    site = shapely.box(500_000, 2_300_000, 500_000 + w, 2_300_000 + h)
    frame = Frame.around(site, 510.0, 283.0, least_m=1500)
    assert shapely.box(frame.minx, frame.miny, frame.maxx, frame.maxy).contains(site)
    ratio = (frame.maxx - frame.minx) / (frame.maxy - frame.miny)
    assert ratio == pytest.approx(510 / 283)
    assert frame.maxx - frame.minx >= 1500
    assert frame.point(frame.minx, frame.miny) == (0, 0)
    assert frame.point(frame.maxx, frame.maxy) == pytest.approx((510, 283))


@pytest.mark.parametrize(
    ("target", "edge"),
    [((1000, 50), (190, 50)), ((-50, 50), (10, 50)), ((100, 5000), (100, 90)),
     ((100, -900), (100, 10))],
)  # fmt: skip
def test_edge_points_sit_on_the_inset_frame_towards_the_target(target, edge):
    frame = Frame(0, 0, 200, 100, 200.0, 100.0)
    assert edge_point((100, 50), target, frame, inset=10) == pytest.approx(edge)


def test_placed_labels_do_not_overlap():
    placer = Placer(300, 200)
    boxes = []
    for _ in range(6):  # six labels asked for at the same spot
        x, y = placer.place(50, 100, 80, 7)
        boxes.append((x, y, 80, 7))
    assert all(not overlaps(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert all(0 <= y <= 200 - 7 for _, y, _, _ in boxes)
