"""The MVT encoder: decoded by mapbox-vector-tile, checked against the 2.1 spec."""

from __future__ import annotations

import math

import mapbox_vector_tile
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from mapbox_vector_tile.Mapbox import vector_tile_pb2
from shapely.geometry import (
    LineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
    box,
)

from geo import mvt
from geo.wire import varint, varints, zigzag

# With these bounds one metre is one tile unit: tile x = X, tile y = 4096 - Y, and
# mapbox-vector-tile's decoder (which flips y back by default) returns X, Y.
UNIT = (0.0, 0.0, 4096.0, 4096.0)


def encode(geoms, props=None, ids=None, **opts) -> bytes:
    props = props or [{} for _ in geoms]
    ids = ids or list(range(1, len(geoms) + 1))
    features = mvt.TileFeatures.from_properties(ids, geoms, props)
    return mvt.encode_tile([mvt.encode_layer("test", features, UNIT, **opts)])


def decoded(tile: bytes) -> list[dict]:
    return mapbox_vector_tile.decode(tile)["test"]["features"]


def raw(tile: bytes):
    message = vector_tile_pb2.tile()
    message.ParseFromString(tile)
    return message.layers[0]


def shoelace(ring: list[tuple[int, int]]) -> int:
    return sum(
        x0 * y1 - x1 * y0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)
    )


def rings(commands: list[int]) -> list[list[tuple[int, int]]]:
    """Rings in tile units from a polygon's command integers."""
    out, x, y, i = [], 0, 0, 0
    while i < len(commands):
        cmd, count = commands[i] & 7, commands[i] >> 3
        i += 1
        if cmd == 7:
            continue
        if cmd == 1:
            out.append([])
        for _ in range(count):
            dx, dy = commands[i], commands[i + 1]
            x += (dx >> 1) ^ -(dx & 1)
            y += (dy >> 1) ^ -(dy & 1)
            out[-1].append((x, y))
            i += 2
    return out


def test_spec_polygon_example() -> None:
    # MVT 2.1 §4.3.5.5: (3,6) (8,12) (20,34) → [9 6 12 18 10 12 24 44 15]
    tile_xy = [(3, 6), (8, 12), (20, 34)]
    polygon = Polygon([(x, 4096 - y) for x, y in tile_xy])
    feature = raw(encode([polygon], tolerance=0)).features[0]
    assert list(feature.geometry) == [9, 6, 12, 18, 10, 12, 24, 44, 15]
    assert feature.type == 3


def test_wrong_winding_is_turned_around() -> None:
    clockwise_on_map = Polygon([(0, 0), (0, 100), (100, 100), (100, 0)])
    counter = Polygon(list(clockwise_on_map.exterior.coords)[::-1])
    for polygon in (clockwise_on_map, counter):
        (ring,) = rings(list(raw(encode([polygon])).features[0].geometry))
        assert shoelace(ring) > 0  # exterior: positive in tile units


def test_holes_wind_the_other_way() -> None:
    outer, hole = box(100, 100, 900, 900), box(300, 300, 500, 500)
    for hole_ring in (hole.exterior.coords, list(hole.exterior.coords)[::-1]):
        polygon = Polygon(outer.exterior.coords, [hole_ring])
        exterior, interior = rings(list(raw(encode([polygon])).features[0].geometry))
        assert shoelace(exterior) > 0 > shoelace(interior)
        (feature,) = decoded(encode([polygon]))
        assert len(feature["geometry"]["coordinates"]) == 2


@st.composite
def polygons(draw: st.DrawFn) -> Polygon:
    cx = draw(st.floats(-200, 4300))
    cy = draw(st.floats(-200, 4300))
    w = draw(st.floats(20, 2000))
    h = draw(st.floats(20, 2000))
    angle = draw(st.floats(0, 180))
    return shapely.affinity.rotate(
        box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), angle
    )


@settings(deadline=None)  # decoding is slow-ish under load; no flaky deadlines
@given(polygons())
def test_polygons_round_trip_within_a_unit(polygon: Polygon) -> None:
    tile = encode([polygon], tolerance=0)
    expected = shapely.clip_by_rect(polygon, -64, -64, 4160, 4160)
    if tile == b"":  # only a sliver thinner than a unit reached into the buffer
        assert expected.buffer(-1).is_empty
        return
    (feature,) = decoded(tile)
    got = shapely.geometry.shape(feature["geometry"])
    assert got.hausdorff_distance(expected) <= math.sqrt(0.5) + 1e-9


def test_clipping_keeps_the_buffer_only() -> None:
    (feature,) = decoded(encode([box(-5000, -5000, 9000, 9000)]))
    xs, ys = zip(*feature["geometry"]["coordinates"][0], strict=True)
    assert (min(xs), max(xs), min(ys), max(ys)) == (-64, 4160, -64, 4160)


def test_lines_are_clipped_and_points_outside_dropped() -> None:
    line = LineString([(-1000, 2000), (5000, 2000)])
    features = decoded(encode([line, Point(5000, 5000), Point(10, 20)]))
    assert [f["geometry"]["type"] for f in features] == ["LineString", "Point"]
    assert features[0]["geometry"]["coordinates"] == [[-64, 2000], [4160, 2000]]
    assert features[1]["geometry"]["coordinates"] == [10, 20]
    assert [f["id"] for f in features] == [1, 3]


def test_families_keep_their_input_order() -> None:
    geoms = [
        box(0, 0, 10, 10),
        MultiPoint([(1, 1), (5, 7)]),
        LineString([(0, 0), (9, 9)]),
        MultiPolygon([box(20, 20, 30, 30), box(40, 40, 50, 50)]),
    ]
    features = decoded(encode(geoms))
    assert [f["id"] for f in features] == [1, 2, 3, 4]
    types = [f["geometry"]["type"] for f in features]
    assert types == ["Polygon", "MultiPoint", "LineString", "MultiPolygon"]


def test_degenerate_parts_are_dropped() -> None:
    sliver = box(100, 100, 100.2, 900)  # collapses to a line when rounded
    hole = box(300.1, 300.1, 300.3, 300.3)
    with_tiny_hole = Polygon(
        box(200, 200, 400, 400).exterior.coords, [hole.exterior.coords]
    )
    short_line = LineString([(10, 10), (10.2, 10.1)])
    features = decoded(encode([sliver, with_tiny_hole, short_line]))
    assert [f["id"] for f in features] == [2]
    assert len(features[0]["geometry"]["coordinates"]) == 1  # the hole is gone


def test_nothing_to_draw_is_empty() -> None:
    assert encode([]) == b""
    assert encode([box(100, 100, 100.1, 100.1)]) == b""
    assert mvt.encode_tile([b"", b""]) == b""


def test_repeated_points_are_removed() -> None:
    ring = [(0, 0), (0.1, 0), (0, 100), (0, 100.2), (100, 100), (100, 0)]
    (ring_out,) = rings(list(raw(encode([Polygon(ring)])).features[0].geometry))
    assert len(ring_out) == 4 and len(set(ring_out)) == 4


def test_simplification_follows_the_tolerance() -> None:
    circle = Point(2000, 2000).buffer(1000, quad_segs=64)
    full = raw(encode([circle], tolerance=0)).features[0].geometry
    simple = raw(encode([circle], tolerance=8)).features[0].geometry
    assert len(simple) < len(full) / 2
    got = shapely.geometry.shape(decoded(encode([circle], tolerance=8))[0]["geometry"])
    assert got.hausdorff_distance(circle) <= 8 + 1


def test_properties_round_trip_with_their_types() -> None:
    props = [
        {"name": "Lô A-1", "n": 3, "neg": -7, "ha": 1.5, "ok": True, "none": None},
        {"name": "Lô A-2", "n": 1, "neg": None, "ha": float("nan"), "ok": False},
    ]
    features = decoded(encode([box(0, 0, 9, 9), box(10, 10, 19, 19)], props))
    assert features[0]["properties"] == {
        "name": "Lô A-1",
        "n": 3,
        "neg": -7,
        "ha": 1.5,
        "ok": True,
    }
    assert features[1]["properties"] == {"name": "Lô A-2", "n": 1, "ok": False}


def test_values_are_shared_and_kept_apart_by_type() -> None:
    props = [{"a": "leased", "b": "leased", "c": 1}, {"a": "leased", "c": 1.0}]
    props.append({"c": True})
    layer = raw(encode([box(0, 0, 9, 9)] * 3, props))
    kinds = [v.ListFields()[0][0].name for v in layer.values]
    assert sorted(kinds) == ["bool_value", "double_value", "string_value", "uint_value"]
    assert list(layer.keys) == ["a", "b", "c"]


def test_feature_ids_are_kept() -> None:
    big = 2**53 - 1
    features = decoded(encode([box(0, 0, 9, 9), Point(5, 5)], ids=[big, 0]))
    assert [f["id"] for f in features] == [big, 0]


def test_stable_id() -> None:
    assert mvt.stable_id("a-1") == mvt.stable_id("a-1") != mvt.stable_id("a-2")
    assert 0 <= mvt.stable_id("lô") < 2**53
    assert mvt.stable_id("a-1") == 6025940143871338  # never changes: clients keep ids


def test_two_layers_in_one_tile() -> None:
    one = mvt.TileFeatures.from_properties([1], [box(0, 0, 9, 9)], [{}])
    tile = mvt.encode_tile(
        [mvt.encode_layer("a", one, UNIT), mvt.encode_layer("b", one, UNIT)]
    )
    assert set(mapbox_vector_tile.decode(tile)) == {"a", "b"}


@settings(deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), max_size=50))
def test_varints_match_the_one_by_one_encoder(values: list[int]) -> None:
    data, nbytes = varints(np.array(values, dtype=np.uint64))
    assert data.tobytes() == b"".join(varint(v) for v in values)
    assert nbytes.tolist() == [len(varint(v)) for v in values]


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 0), (-1, 1), (1, 2), (-2, 3), (2**31 - 1, 2**32 - 2)]
)
def test_zigzag(value: int, expected: int) -> None:
    assert int(zigzag(np.array([value]))[0]) == expected


def test_long_and_unicode_strings_round_trip() -> None:
    long_text = "Khu công nghiệp Nam Đình Vũ " * 10  # > 127 bytes: 2-byte length
    props = [{"t": long_text}, {"t": "ký"}, {"t": long_text}]
    features = decoded(encode([box(0, 0, 9, 9)] * 3, props))
    assert [f["properties"]["t"] for f in features] == [long_text, "ký", long_text]
