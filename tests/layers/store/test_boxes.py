"""The in-memory envelopes answer a bbox as the R-tree's comparisons would."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from layers.build import build
from layers.store.gpkg import GpkgStore
from layers.store.gpkg_boxes import Boxes
from layers.store.gpkg_vertices import Vertices


def brute_split(rows: list[tuple[int, float, float, float, float]], bbox):
    """Inside ids (ascending) and straddling ids, one envelope at a time."""
    x0, y0, x1, y1 = bbox
    inside, edge = [], []
    for fid, minx, maxx, miny, maxy in rows:
        if minx <= x1 and maxx >= x0 and miny <= y1 and maxy >= y0:
            if minx >= x0 and maxx <= x1 and miny >= y0 and maxy <= y1:
                inside.append(fid)
            else:
                edge.append(fid)
    return sorted(inside), sorted(edge)


def random_rows(rng: random.Random, n: int, wide: int):
    rows = []
    for fid in range(1, n + 1):
        x, y = rng.uniform(0, 10), rng.uniform(0, 10)
        w = rng.uniform(2, 8) if fid <= wide else rng.uniform(0.01, 0.2)
        h = rng.uniform(0.01, 0.2)
        rows.append((fid * 3, x, x + w, y, y + h))  # ids need not be dense
    rng.shuffle(rows)
    return rows


@pytest.mark.parametrize("wide", [0, 1, 40])
def test_split_equals_the_comparisons_one_by_one(wide: int) -> None:
    rng = random.Random(wide)
    rows = random_rows(rng, 2000, wide)
    arr = np.array(rows, dtype=np.float64)
    boxes = Boxes(arr[:, 0].astype(np.int64), arr[:, 1:])
    for _ in range(300):
        x, y = rng.uniform(-1, 10), rng.uniform(-1, 10)
        bbox = (x, y, x + rng.uniform(0, 3), y + rng.uniform(0, 3))
        inside, edge = boxes.split(bbox)
        want_inside, want_edge = brute_split(rows, bbox)
        assert inside == want_inside
        assert sorted(edge) == want_edge


def test_an_envelope_touching_the_bbox_edge_counts() -> None:
    arr = np.array([(1, 0.0, 1.0, 0.0, 1.0), (2, 1.0, 2.0, 0.0, 1.0)])
    boxes = Boxes(arr[:, 0].astype(np.int64), arr[:, 1:])
    assert boxes.split((1.0, 0.0, 2.0, 1.0)) == ([2], [1])


def test_an_empty_layer_matches_nothing() -> None:
    boxes = Boxes(np.zeros(0, dtype=np.int64), np.zeros((0, 4)))
    assert boxes.split((0, 0, 1, 1)) == ([], [])


def test_read_takes_the_rtree_rows_as_stored(built: Path) -> None:
    store = GpkgStore(built)
    info = store.layer("parcels")
    with sqlite3.connect(built) as con:
        rows = con.execute("SELECT * FROM rtree_parcels_geom").fetchall()
        boxes = Boxes.read(con, info)
    assert boxes.count == len(rows) == info.count
    x0 = min(r[1] for r in rows)
    y0 = min(r[3] for r in rows)
    x1 = max(r[2] for r in rows)
    y1 = max(r[4] for r in rows)
    for bbox in [(x0, y0, x1, y1), (x0, y0, (x0 + x1) / 2, (y0 + y1) / 2)]:
        inside, edge = boxes.split(bbox)
        assert (inside, sorted(edge)) == brute_split(rows, bbox)


@pytest.mark.parametrize("kind", [Boxes, Vertices])
def test_a_rebuilt_store_reads_its_envelopes_and_vertices_again(
    data_dir: Path, built: Path, kind: type
) -> None:
    store = GpkgStore(built)
    first = store._in_memory(store._con(), store.layer("parcels"), kind)
    assert store._in_memory(store._con(), store.layer("parcels"), kind) is first
    build(data_dir, built, progress=lambda _msg: None)
    assert store._in_memory(store._con(), store.layer("parcels"), kind) is not first
