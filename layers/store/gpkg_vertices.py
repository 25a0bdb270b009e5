"""A layer's vertices in memory: most straddling features accepted without SQL.

A feature whose envelope straddles the bbox edge used to be fetched (its WKB from
SQLite), decoded and tested with GEOS: about a seventh of an ``items?bbox``
request at 100,000 parcels. A vertex of a geometry lies on the geometry (on a
polygon's boundary, a line or a point), so a feature with a vertex inside the
closed bbox intersects it. ``Vertices`` keeps every feature's coordinates as
float64 (the values stored, so the comparison is exact) in flat numpy arrays with
offsets per feature, and ``accept`` splits straddling ids into those proven by a
vertex and the rest, which still go to the exact test. A feature larger than the
bbox, or one crossing it with no vertex inside, is among the rest.

Memory: 16 bytes a vertex plus 16 a feature; the 106,232 synthetic parcels (five
vertices each, the ring closed) take 10.2 MB per worker process. A layer with more
than ``MAX_VERTICES`` keeps an evenly spaced subset of each large feature's
vertices (at least ``MIN_PER_FEATURE``, so a layer of more than 500,000 features
may hold more): fewer quick accepts, never a wrong one. Geometries change only with
a build, so one copy serves until the store file is replaced.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import shapely

from layers.store.base import BBox, LayerInfo
from layers.store.gpkg_format import GEOM, quote, wkb_part

MAX_VERTICES = 4_000_000  # per layer: 64 MB of coordinates (up to 500,000 features)
MIN_PER_FEATURE = 8  # what a feature keeps however many the layer has
BATCH = 10_000  # rows decoded at a time while reading


class Vertices:
    """Feature ids (ascending), each feature's vertices, and ``accept``."""

    def __init__(self, fids: np.ndarray, offsets: np.ndarray, xy: np.ndarray):
        """``fids`` ascending; feature i's are ``xy[offsets[i] : offsets[i + 1]]``."""
        self.fids = fids
        self.offsets = offsets
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        self.x, self.y = np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1])
        # fids 1..n without gaps (as a build writes them): positions by subtraction
        self._first = int(fids[0]) if len(fids) else 0
        self._dense = len(fids) > 0 and int(fids[-1]) - self._first == len(fids) - 1
        self._nonempty = bool((np.diff(offsets) > 0).all())

    @property
    def nbytes(self) -> int:
        """The memory the arrays hold."""
        return sum(a.nbytes for a in (self.fids, self.offsets, self.x, self.y))

    @classmethod
    def from_geometries(
        cls, fids: np.ndarray, geoms: np.ndarray, budget: int = MAX_VERTICES
    ) -> Vertices:
        """The vertices of ``geoms`` (one per fid, ascending), within ``budget``."""
        cap = max(MIN_PER_FEATURE, budget // max(len(fids), 1))
        return cls(fids, *_kept_vertices(geoms, cap))

    @classmethod
    def read(
        cls, con: sqlite3.Connection, info: LayerInfo, budget: int = MAX_VERTICES
    ) -> Vertices:
        """Every feature's vertices, read from the layer's table in fid order."""
        cap = max(MIN_PER_FEATURE, budget // max(info.count, 1))
        cursor = con.execute(f"SELECT fid, {GEOM} FROM {quote(info.name)} ORDER BY fid")
        fids, counts, coords = [], [], []
        while rows := cursor.fetchmany(BATCH):
            geoms = shapely.from_wkb([wkb_part(r[1]) if r[1] else None for r in rows])
            offsets, xy = _kept_vertices(geoms, cap)
            fids.append(np.fromiter((r[0] for r in rows), np.int64, len(rows)))
            counts.append(np.diff(offsets))
            coords.append(xy)
        if not fids:
            return cls(np.zeros(0, np.int64), np.zeros(1, np.int64), np.zeros((0, 2)))
        offsets = np.concatenate(([0], np.cumsum(np.concatenate(counts))))
        return cls(np.concatenate(fids), offsets, np.concatenate(coords))

    def accept(self, ids: list[int], bbox: BBox) -> tuple[list[int], list[int]]:
        """``ids`` split into those with a vertex inside ``bbox`` and the rest.

        The first intersect ``bbox`` for certain; the rest need the exact test.
        Ids not held here (none, in a store read once per build) are in the rest.
        """
        if not ids or not len(self.fids):
            return [], list(ids)
        want = np.asarray(ids, dtype=np.int64)
        pos, known = self._positions(ids, want)
        starts = self.offsets[pos]
        lengths = self.offsets[pos + 1] - starts
        if not known:
            lengths[self.fids[pos] != want] = 0
        ends = np.cumsum(lengths)
        index = np.arange(ends[-1]) + np.repeat(starts - ends + lengths, lengths)
        x, y = self.x[index], self.y[index]
        x0, y0, x1, y1 = bbox
        inside = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
        if known and self._nonempty:
            hit = np.logical_or.reduceat(inside, ends - lengths)
        else:
            seen = np.concatenate(([0], np.cumsum(inside)))
            hit = seen[ends] > seen[ends - lengths]
        return want[hit].tolist(), want[~hit].tolist()

    def _positions(self, ids: list[int], want: np.ndarray) -> tuple[np.ndarray, bool]:
        """Where ``want`` (``ids``) are in ``fids``, and whether all of them are."""
        first = self._first
        if self._dense and min(ids) >= first and max(ids) - first < len(self.fids):
            return want - first, True
        pos = np.minimum(np.searchsorted(self.fids, want), len(self.fids) - 1)
        return pos, False


def _kept_vertices(geoms: np.ndarray, cap: int) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, xy) of ``geoms``' vertices, at most ``cap`` evenly spaced each."""
    counts = shapely.get_num_coordinates(geoms)
    xy = shapely.get_coordinates(geoms)
    if counts.max(initial=0) > cap:
        n = np.repeat(counts, counts)
        local = np.arange(len(xy)) - np.repeat(np.cumsum(counts) - counts, counts)
        keep = (n <= cap) | ((local + 1) * cap // n != local * cap // n)
        xy = xy[keep]
        counts = np.minimum(counts, cap)
    return np.concatenate(([0], np.cumsum(counts))).astype(np.int64), xy
