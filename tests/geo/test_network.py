"""Drive times on a small hand-made network, against hand-computed shortest paths.

The network (metres; 60 km/h covers 1 km a minute, 30 km/h 0.5 km, 90 km/h 1.5 km):

    D(0,3000) ——— 90 km/h, 4 min ——— C(6000,3000)
      |                                   |
    60 km/h, 3 min                   30 km/h, 6 min
      |                                   |
    A(0,0) ———— 60 km/h, 6 min ———— B(6000,0)          E(20000,0) — F(21000,0)

The connector runs at 6 km/h (100 m a minute). The origin L (1000, -200) joins
A–B at 1/6 of it, 200 m off: 2 min of connector, then 1 min to A or 5 min to B.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point

from geo.network import build_network, densify, drive_minutes, isochrones, snap

A, B, C, D = (0, 0), (6000, 0), (6000, 3000), (0, 3000)
ROADS = [LineString([A, B]), LineString([B, C]), LineString([A, D])]
ROADS += [LineString([D, C]), LineString([(20000, 0), (21000, 0)])]
SPEEDS = [60, 30, 60, 90, 60]
ORIGIN = Point(1000, -200)
CONNECTOR = 6.0


def minutes_to(points, roads=ROADS, speeds=SPEEDS, **kw) -> np.ndarray:
    net = build_network(roads, speeds)
    out = drive_minutes(
        net, snap(net, [ORIGIN]), snap(net, points), connector_kmh=CONNECTOR, **kw
    )
    return out[0]


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        # B–C's middle, 100 m east: 2 + (5 to B + 3 up half of B–C) + 1 = 11
        # (the other way, 1 + 3 + 4 + 3 = 11 + 2 = 13 minutes, is slower).
        (Point(6100, 1500), 2 + 5 + 3 + 1),
        # D–C's middle, 50 m north: 2 + (1 to A + 3 to D + 2 along D–C) + 0.5
        (Point(3000, 3050), 2 + 1 + 3 + 2 + 0.5),
        # on the origin's own segment, 100 m south: straight along A–B, 3 min
        (Point(4000, -100), 2 + 3 + 1),
        # at C itself: via A and D 1 + 3 + 4 = 8, via B 5 + 6 = 11
        (Point(*C), 2 + 8),
    ],
)
def test_minutes_follow_the_shortest_path(point: Point, expected: float) -> None:
    assert minutes_to([point])[0] == pytest.approx(expected, abs=1e-6)


def test_a_road_apart_from_the_rest_is_not_reached() -> None:
    assert math.isnan(minutes_to([Point(20500, 10)])[0])


def test_a_point_beyond_the_longest_connector_is_not_reached() -> None:
    got = minutes_to([Point(3000, 1500), Point(6100, 1500)], max_connector_m=1000)
    assert math.isnan(got[0])  # 1,500 m from the nearest road
    assert got[1] == pytest.approx(11)


def test_an_origin_beyond_the_longest_connector_reaches_nothing() -> None:
    got = minutes_to([Point(6100, 1500)], max_connector_m=150)  # origin is 200 m off
    assert math.isnan(got[0])


def test_roads_meet_only_where_they_share_a_vertex() -> None:
    # a road crossing A–B at x = 3000 without a vertex there is a bridge:
    # from L the only way onto it is through its own ends, which touch nothing.
    bridge = LineString([(3000, -500), (3000, 500)])
    got = minutes_to([Point(3000, 450)], roads=[*ROADS, bridge], speeds=[*SPEEDS, 60])
    assert math.isnan(got[0])


def test_a_faster_parallel_road_wins() -> None:
    slow_first = [LineString([A, B]), LineString([A, B])]
    net = build_network(slow_first, [30, 60])
    a, b = net.seg_a[0], net.seg_b[0]
    assert net.graph[a, b] == pytest.approx(6.0)
    assert net.graph[b, a] == pytest.approx(6.0)


def test_vertices_within_a_metre_are_one_node() -> None:
    roads = [LineString([A, D]), LineString([(0.3, 3000.2), C])]
    net = build_network(roads, [60, 90])
    assert net.node_count == 3


@pytest.mark.parametrize(("speeds", "message"), [([60, 0], "> 0"), ([60], "one speed")])
def test_bad_speeds_are_refused(speeds, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_network(ROADS[:2], speeds)


def test_isochrones_hold_what_the_drive_times_reach() -> None:
    roads = densify(ROADS, 100)
    net = build_network(roads, SPEEDS)
    five, nine = isochrones(net, snap(net, [ORIGIN]), (5, 9), connector_kmh=CONNECTOR)
    # (0, 1000): 2 + 1 + 1 = 4 minutes; (0, 2900): 2 + 1 + 2.9 = 5.9 minutes
    assert five.contains(Point(0, 1000))
    assert not five.contains(Point(0, 2900))
    assert nine.contains(Point(0, 2900))
    assert nine.contains(five.buffer(-1))
    assert not nine.intersects(Point(20500, 0))


def test_isochrone_of_an_unreachable_origin_is_empty() -> None:
    net = build_network(ROADS, SPEEDS)
    (area,) = isochrones(
        net, snap(net, [ORIGIN]), (30,), connector_kmh=CONNECTOR, max_connector_m=10
    )
    assert shapely.is_empty(area)
