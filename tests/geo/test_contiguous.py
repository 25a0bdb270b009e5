"""Connected groups of nearby geometries (the land blocks' building block)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from geo.geometry import contiguous_groups


def squares(cells: list[tuple[int, int]], size: float = 100.0, road: float = 0.0):
    return np.array(
        [
            shapely.box(x * size + road / 2, y * size + road / 2,
                        (x + 1) * size - road / 2, (y + 1) * size - road / 2)
            for x, y in cells
        ]
    )  # fmt: skip


def test_a_chain_is_one_group_and_a_far_square_another():
    geoms = squares([(0, 0), (1, 0), (2, 0), (9, 9)])
    assert contiguous_groups(geoms, 0.0).tolist() == [0, 0, 0, 1]


def test_a_road_narrower_than_the_gap_joins_wider_one_splits():
    geoms = squares([(0, 0), (1, 0)], road=5.0)
    assert contiguous_groups(geoms, 6.0).tolist() == [0, 0]
    assert contiguous_groups(geoms, 4.0).tolist() == [0, 1]


def test_corner_touch_counts_as_adjacent():
    assert contiguous_groups(squares([(0, 0), (1, 1)]), 0.0).tolist() == [0, 0]


def test_no_geometries_no_labels():
    assert contiguous_groups(np.array([], dtype=object), 1.0).tolist() == []


@pytest.mark.parametrize("gap", [-1.0, float("nan"), float("inf")])
def test_a_bad_gap_is_refused(gap):
    with pytest.raises(ValueError, match="gap_m"):
        contiguous_groups(squares([(0, 0)]), gap)


@given(
    st.sets(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=1, max_size=20)
)
def test_labels_equal_grid_connected_components(cells):
    cells = sorted(cells)
    labels = contiguous_groups(squares(cells, road=2.0), 3.0)
    # brute force: flood fill over 8-neighbours on the grid
    seen: dict[tuple[int, int], int] = {}
    for start in cells:
        if start in seen:
            continue
        stack, seen[start] = [start], len(set(seen.values()))
        while stack:
            x, y = stack.pop()
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    nxt = (x + dx, y + dy)
                    if nxt in cells and nxt not in seen:
                        seen[nxt] = seen[start]
                        stack.append(nxt)
    same = [
        [labels[i] == labels[j] for j in range(len(cells))] for i in range(len(cells))
    ]
    want = [[seen[a] == seen[b] for b in cells] for a in cells]
    assert same == want
