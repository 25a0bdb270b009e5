"""The vertices in memory accept a straddling feature only when shapely would."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from layers.store.gpkg import GpkgStore
from layers.store.gpkg_geojson import bbox_fids
from layers.store.gpkg_vertices import Vertices

# Coordinates on a grid of eighths: vertices land on the bbox's edges and corners.
coord = st.integers(-16, 96).map(lambda i: i / 8)


@st.composite
def rectangles(draw: st.DrawFn) -> Polygon:
    x, y = draw(coord), draw(coord)
    return box(x, y, x + draw(st.integers(1, 40)) / 8, y + draw(st.integers(1, 40)) / 8)


points = st.builds(Point, coord, coord)
# lines, and convex polygons of any orientation (some degenerate: lines, points)
lines = st.lists(st.tuples(coord, coord), min_size=2, max_size=6, unique=True).map(
    LineString
)
hulls = st.lists(st.tuples(coord, coord), min_size=3, max_size=8).map(
    lambda xy: shapely.MultiPoint(xy).convex_hull
)
multis = st.lists(rectangles(), min_size=2, max_size=3).map(MultiPolygon)
huge = st.just(box(-100, -100, 100, 100))  # larger than any bbox: no vertex inside


@st.composite
def holed(draw: st.DrawFn) -> Polygon:
    """A ring around a hole; the bbox may lie in the hole or in the ring."""
    outer = draw(rectangles())
    inner = outer.buffer(-draw(st.integers(1, 3)) / 64, join_style="mitre")
    return Polygon(outer.exterior.coords, [inner.exterior.coords])


geometries = st.one_of(points, lines, hulls, holed(), multis, huge)


@st.composite
def bboxes(draw: st.DrawFn) -> tuple[float, float, float, float]:
    x0, y0 = draw(coord), draw(coord)
    return (
        x0,
        y0,
        x0 + draw(st.integers(1, 48)) / 8,
        y0 + draw(st.integers(1, 48)) / 8,
    )


def vertices_of(geoms: list[shapely.Geometry], budget: int = 10**6) -> Vertices:
    fids = np.arange(1, len(geoms) + 1, dtype=np.int64) * 2  # ids need not be dense
    return Vertices.from_geometries(fids, np.array(geoms, dtype=object), budget)


def has_vertex_inside(geom: shapely.Geometry, bbox) -> bool:
    corners = shapely.points(shapely.get_coordinates(geom))
    return bool(shapely.intersects(corners, box(*bbox)).any())


@settings(max_examples=50)  # each under a second
@given(st.lists(geometries, min_size=1, max_size=12), bboxes())
def test_accepted_are_those_with_a_vertex_inside_and_all_intersect(geoms, bbox):
    held = vertices_of(geoms)
    ids = held.fids.tolist()
    accepted, rest = held.accept(ids, bbox)
    by_id = dict(zip(ids, geoms, strict=True))
    assert sorted(accepted + rest) == ids
    assert accepted == [i for i in ids if has_vertex_inside(by_id[i], bbox)]
    assert all(by_id[i].intersects(box(*bbox)) for i in accepted)


@settings(max_examples=50)  # each under a second
@given(st.lists(geometries, min_size=1, max_size=12), bboxes(), st.randoms())
def test_accept_then_the_exact_test_equals_shapely(geoms, bbox, rng):
    held = vertices_of(geoms)
    ids = held.fids.tolist()
    asked = rng.sample(ids, len(ids))  # any order, as the envelopes give them
    by_id = dict(zip(ids, geoms, strict=True))
    accepted, rest = held.accept(asked, bbox)
    exact = [i for i in rest if by_id[i].intersects(box(*bbox))]
    want = [i for i in ids if by_id[i].intersects(box(*bbox))]
    assert sorted(accepted + exact) == want


# circles of 9 to 129 vertices, and lines of up to 200
circles = st.builds(
    lambda x, y, r, q: Point(x, y).buffer(r, quad_segs=q),
    coord,
    coord,
    st.integers(1, 40).map(lambda i: i / 8),
    st.integers(2, 32),
)
long_lines = st.builds(
    lambda x, y, n: LineString(np.column_stack([np.linspace(x, x + 4, n), [y] * n])),
    coord,
    coord,
    st.integers(2, 200),
)


@settings(max_examples=50)  # each under a second
@given(
    st.lists(circles | long_lines, min_size=1, max_size=8), bboxes(), st.integers(1, 12)
)
def test_a_budget_keeps_fewer_vertices_but_never_accepts_wrongly(geoms, bbox, cap):
    held = Vertices.from_geometries(
        np.arange(1, len(geoms) + 1), np.array(geoms, dtype=object), cap * len(geoms)
    )
    counts = np.diff(held.offsets)
    whole = shapely.get_num_coordinates(geoms)
    assert (counts == np.minimum(whole, max(cap, 8))).all()
    accepted, _ = held.accept(held.fids.tolist(), bbox)
    assert all(geoms[i - 1].intersects(box(*bbox)) for i in accepted)


def test_a_bbox_inside_a_polygon_with_no_vertex_inside_goes_to_the_exact_test():
    held = vertices_of([box(0, 0, 10, 10), box(4, 4, 5, 5)])
    assert held.accept([2, 4], (3.0, 3.0, 4.5, 4.5)) == ([4], [2])


def test_a_vertex_on_the_bbox_edge_counts():
    held = vertices_of([Point(1, 1), LineString([(2, 0), (3, 0)])])
    assert held.accept([2, 4], (0.0, 0.0, 1.0, 2.0)) == ([2], [4])


def test_ids_not_held_and_empty_layers_go_to_the_exact_test():
    held = vertices_of([Point(1, 1)])
    assert held.accept([2, 3], (0, 0, 2, 2)) == ([2], [3])
    assert vertices_of([]).accept([1], (0, 0, 2, 2)) == ([], [1])


def test_read_holds_every_vertex_of_the_layer_in_fid_order(sample_store: Path):
    store = GpkgStore(sample_store)
    info = store.layer("parks")
    held = Vertices.read(store._con(), info)
    geoms = {f.id: f.geometry for f in store.query("parks", limit=1000).features}
    assert len(held.fids) == info.count == len(geoms)
    assert len(held.x) == sum(len(shapely.get_coordinates(g)) for g in geoms.values())


@pytest.mark.parametrize(
    "layer", ["zones", "parks", "parcels", "landmarks", "roads", "berths"]
)
def test_bbox_fids_equals_shapely_on_random_boxes(sample_store: Path, layer: str):
    store = GpkgStore(sample_store)
    con, info = store._con(), store.layer(layer)
    boxes, held = store._boxes(con, info), store._in_memory(con, info, Vertices)
    rows = con.execute(f'SELECT fid FROM "{layer}" ORDER BY fid').fetchall()
    features = store.query(layer, limit=10_000).features
    fids = np.array([r[0] for r in rows])
    geoms = np.array([f.geometry for f in features], dtype=object)
    x0, y0, x1, y1 = info.bbox
    rng = random.Random(layer)
    for _ in range(60):
        w, h = rng.uniform(0, x1 - x0) / 3, rng.uniform(0, y1 - y0) / 3
        bx, by = rng.uniform(x0 - w, x1), rng.uniform(y0 - h, y1)
        bbox = (bx, by, bx + w, by + h)
        found = bbox_fids(con, info, bbox, boxes=boxes, vertices=held)
        assert found == fids[shapely.intersects(geoms, box(*bbox))].tolist()
