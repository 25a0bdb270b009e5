"""Geometry for Mapbox Vector Tiles: tile units, clipping, rounding, commands.

All features of one tile are processed at once with numpy: geometries are moved to
tile units (``extent`` per side, y down), clipped to the tile plus a buffer,
simplified, rounded to integers, stripped of repeated points and degenerate parts,
oriented as MVT 2.1 §4.3.4.4 wants (exterior rings positive by the surveyor's formula
in tile units, i.e. clockwise on screen; holes negative) and written as zigzag
command integers, varint-packed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from geo.wire import gather, varints, zigzag

POINT, LINESTRING, POLYGON = 1, 2, 3
_MOVE_TO, _LINE_TO, _CLOSE_PATH = 1, 2, 7
# shapely type id → MVT geometry type (LinearRing counts as a line)
FAMILY = {0: POINT, 4: POINT, 1: LINESTRING, 2: LINESTRING, 5: LINESTRING}
FAMILY |= {3: POLYGON, 6: POLYGON}
_WANTED = {POINT: (0, 4), LINESTRING: (1, 2, 5), POLYGON: (3, 6)}
_DEPTH = {POINT: 1, LINESTRING: 2, POLYGON: 3}
SIMPLIFY_MIN_COORDS = 9  # fewer coordinates: simplifying cannot gain much

Bounds = tuple[float, float, float, float]


@dataclass(slots=True)
class EncodedGeometries:
    """Encoded ``geometry`` fields of the features that survived, in input order.

    Attributes:
        index: position of each surviving feature in the input.
        data: every geometry's packed command integers, back to back.
        lengths: bytes of each geometry in ``data``.
        kind: MVT geometry type of each (POINT, LINESTRING or POLYGON).
    """

    index: np.ndarray
    data: np.ndarray
    lengths: np.ndarray
    kind: np.ndarray

    @classmethod
    def empty(cls) -> EncodedGeometries:
        """No geometry at all."""
        none = np.zeros(0, dtype=np.int64)
        return cls(none, np.zeros(0, dtype=np.uint8), none, none)


@dataclass(slots=True)
class _Parts:
    """Rounded tile coordinates grouped into parts (rings, lines or point sets)."""

    points: np.ndarray  # (N, 2) int64
    counts: np.ndarray  # points per part
    feature: np.ndarray  # feature index of each part
    kind: int


@dataclass(frozen=True, slots=True)
class Frame:
    """A tile's EPSG:3857 bounds and its grid of ``extent`` units per side."""

    bounds: Bounds
    extent: int
    buffer: int

    @property
    def scale(self) -> float:
        """Tile units per metre."""
        return self.extent / (self.bounds[2] - self.bounds[0])

    def buffered(self) -> Bounds:
        """The bounds grown by ``buffer`` units on every side, in metres."""
        pad = self.buffer / self.scale
        minx, miny, maxx, maxy = self.bounds
        return (minx - pad, miny - pad, maxx + pad, maxy + pad)

    def to_units(self, coords: np.ndarray) -> np.ndarray:
        """EPSG:3857 coordinates to tile units: origin top left, y down."""
        origin = np.array([self.bounds[0], self.bounds[3]])
        return (coords - origin) * np.array([self.scale, -self.scale])


def _dedupe(q: np.ndarray, part_of: np.ndarray, drop: np.ndarray) -> np.ndarray:
    """Indices of the points kept: no repeats within a part, none of ``drop``."""
    same = np.zeros(len(q), dtype=bool)
    same[1:] = (q[1:] == q[:-1]).all(axis=1) & (part_of[1:] == part_of[:-1])
    return np.flatnonzero(~(same | drop))


def _ring_areas(p: np.ndarray, rid: np.ndarray, nparts: int) -> np.ndarray:
    """Twice the signed area of each ring (surveyor's formula, tile units)."""
    counts = np.bincount(rid, minlength=nparts)
    start = np.cumsum(counts) - counts
    nxt = np.arange(1, len(p) + 1)
    nonempty = counts > 0
    nxt[(start + counts - 1)[nonempty]] = start[nonempty]
    cross = p[:, 0] * p[nxt, 1] - p[nxt, 0] * p[:, 1]
    return np.bincount(rid, weights=cross, minlength=nparts)


def _open_rings(q: np.ndarray, ring_off: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kept point indices and ring ids: closing points and repeats removed."""
    nrings = len(ring_off) - 1
    rid = np.repeat(np.arange(nrings), np.diff(ring_off))
    closing = np.zeros(len(q), dtype=bool)
    closing[ring_off[1:][np.diff(ring_off) > 0] - 1] = True
    keep = _dedupe(q, rid, closing)
    # after rounding, the last point left may repeat the first one
    counts = np.bincount(rid[keep], minlength=nrings)
    start = np.cumsum(counts) - counts
    ends = (start + counts - 1)[counts > 1]
    wrap = (q[keep[ends]] == q[keep[start[counts > 1]]]).all(axis=1)
    keep = np.delete(keep, ends[wrap])
    return keep, rid[keep]


def _polygon_parts(coords: np.ndarray, offsets: tuple[np.ndarray, ...]) -> _Parts:
    ring_off, poly_off, geom_off = offsets
    nrings, npolys = len(ring_off) - 1, len(poly_off) - 1
    q = np.rint(coords).astype(np.int64)
    keep, rid = _open_rings(q, ring_off)
    p = q[keep]
    counts = np.bincount(rid, minlength=nrings)
    area = _ring_areas(p, rid, nrings)
    ring_ok = (counts >= 3) & (area != 0)
    ring_poly = np.repeat(np.arange(npolys), np.diff(poly_off))
    exterior = np.zeros(nrings, dtype=bool)
    exterior[poly_off[:-1][np.diff(poly_off) > 0]] = True
    poly_ok = np.zeros(npolys, dtype=bool)
    poly_ok[ring_poly[exterior]] = ring_ok[exterior]
    ring_ok &= poly_ok[ring_poly]  # a polygon goes with its exterior ring
    flip = np.where(exterior, area < 0, area > 0)
    start = np.cumsum(counts) - counts
    k = np.arange(len(p)) - start[rid]
    order = np.where(flip[rid], start[rid] + counts[rid] - 1 - k, start[rid] + k)
    poly_geom = np.repeat(np.arange(len(geom_off) - 1), np.diff(geom_off))
    return _Parts(
        p[order][ring_ok[rid]], counts[ring_ok], poly_geom[ring_poly][ring_ok], POLYGON
    )


def _line_parts(coords: np.ndarray, offsets: tuple[np.ndarray, ...]) -> _Parts:
    line_off, geom_off = offsets
    nlines = len(line_off) - 1
    q = np.rint(coords).astype(np.int64)
    lid = np.repeat(np.arange(nlines), np.diff(line_off))
    keep = _dedupe(q, lid, np.zeros(len(q), dtype=bool))
    counts = np.bincount(lid[keep], minlength=nlines)
    ok = counts >= 2
    line_geom = np.repeat(np.arange(len(geom_off) - 1), np.diff(geom_off))
    return _Parts(q[keep][ok[lid[keep]]], counts[ok], line_geom[ok], LINESTRING)


def _point_parts(coords: np.ndarray, offsets: tuple[np.ndarray, ...]) -> _Parts:
    (geom_off,) = offsets
    counts = np.diff(geom_off)
    ok = counts > 0
    return _Parts(
        np.rint(coords).astype(np.int64), counts[ok], np.flatnonzero(ok), POINT
    )


_PARTS = {POINT: _point_parts, LINESTRING: _line_parts, POLYGON: _polygon_parts}


def _commands(parts: _Parts) -> tuple[np.ndarray, np.ndarray]:
    """Command integers of every part; the number of integers of each part."""
    n, kind = parts.counts, parts.kind
    length = 2 * n + {POINT: 1, LINESTRING: 2, POLYGON: 3}[kind]
    ostart = np.cumsum(length) - length
    out = np.empty(int(length.sum()), dtype=np.int64)
    part = np.repeat(np.arange(len(n)), n)
    k = np.arange(len(part)) - (np.cumsum(n) - n)[part]
    if kind == POINT:
        out[ostart] = n << 3 | _MOVE_TO
        pos = ostart[part] + 1 + 2 * k
    else:
        out[ostart] = 1 << 3 | _MOVE_TO
        out[ostart + 3] = (n - 1) << 3 | _LINE_TO
        pos = ostart[part] + 1 + 2 * k + (k >= 1)
        if kind == POLYGON:
            out[ostart + length - 1] = 1 << 3 | _CLOSE_PATH
    p = parts.points
    delta = p.copy()
    delta[1:] -= p[:-1]
    feature = parts.feature[part]
    first = np.ones(len(p), dtype=bool)
    first[1:] = feature[1:] != feature[:-1]
    delta[first] = p[first]  # the cursor starts at (0, 0) in every feature
    out[pos] = zigzag(delta[:, 0])
    out[pos + 1] = zigzag(delta[:, 1])
    return out, length


def _family_part(geom: shapely.Geometry, kind: int) -> shapely.Geometry:
    """The part of a geometry collection of the family ``kind``; empty if none."""
    parts = [g for g in geom.geoms if shapely.get_type_id(g) in _WANTED[kind]]
    if not parts:
        return shapely.Point() if kind == POINT else shapely.Polygon()
    return shapely.union_all(parts)


def _prepare(geoms: np.ndarray, kind: int, frame: Frame, tolerance: float):
    """Clip what crosses the buffered tile, keep the family, simplify big ones."""
    lox, loy, hix, hiy = frame.buffered()
    box = shapely.bounds(geoms)
    crossing = (box[:, 0] < lox) | (box[:, 1] < loy)
    crossing |= (box[:, 2] > hix) | (box[:, 3] > hiy)
    if crossing.any():
        geoms = geoms.copy()
        geoms[crossing] = shapely.clip_by_rect(geoms[crossing], lox, loy, hix, hiy)
        for i in np.flatnonzero(shapely.get_type_id(geoms) == 7):
            geoms[i] = _family_part(geoms[i], kind)
    if kind != POINT and tolerance > 0:
        big = shapely.get_num_coordinates(geoms) >= SIMPLIFY_MIN_COORDS
        if big.any():
            geoms = geoms.copy()
            geoms[big] = shapely.simplify(geoms[big], tolerance / frame.scale)
    return geoms


def _ragged(geoms: np.ndarray, kind: int) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """Coordinates and offsets, always with the multi-part nesting."""
    _, coords, offsets = shapely.to_ragged_array(geoms)
    if len(offsets) < _DEPTH[kind]:  # only single parts: one part per geometry
        offsets = (*offsets, np.arange(len(geoms) + 1))
    return coords, tuple(np.asarray(o, dtype=np.int64) for o in offsets)


def _encode_family(
    geoms: np.ndarray, kind: int, frame: Frame, tolerance: float
) -> EncodedGeometries:
    """Encode geometries (EPSG:3857) of one family; empty results are dropped."""
    geoms = _prepare(geoms, kind, frame, tolerance)
    index = np.flatnonzero(~shapely.is_empty(geoms))
    if not len(index):
        return EncodedGeometries.empty()
    coords, offsets = _ragged(geoms[index], kind)
    parts = _PARTS[kind](frame.to_units(coords), offsets)
    if not len(parts.counts):
        return EncodedGeometries.empty()
    ints, length = _commands(parts)
    data, nbytes = varints(ints)
    part_bytes = np.add.reduceat(nbytes, np.cumsum(length) - length)
    per_feature = np.bincount(parts.feature, weights=part_bytes).astype(np.int64)
    found = np.unique(parts.feature)
    return EncodedGeometries(
        index[found], data, per_feature[found], np.full(len(found), kind)
    )


def encode_geometries(
    geoms: np.ndarray,
    bounds: Bounds,
    extent: int,
    buffer: int,
    tolerance: float,
) -> EncodedGeometries:
    """Encode the ``geometry`` field of every feature of a tile.

    Args:
        geoms: shapely geometries in EPSG:3857 (None or empty ones are dropped).
        bounds: the tile's EPSG:3857 bounds.
        extent: tile units per side.
        buffer: tile units kept outside the tile's edges.
        tolerance: simplification tolerance in tile units (0: none).

    Returns:
        The encoded geometries of the features left to draw, in input order.
    """
    geoms = np.asarray(geoms, dtype=object)
    if not len(geoms):
        return EncodedGeometries.empty()
    kinds = np.zeros(len(geoms), dtype=np.int64)
    type_ids = shapely.get_type_id(geoms)
    for type_id, kind in FAMILY.items():
        kinds[type_ids == type_id] = kind
    kinds[shapely.is_empty(geoms)] = 0
    frame = Frame(bounds, extent, buffer)
    results = []
    for kind in (POINT, LINESTRING, POLYGON):
        where = np.flatnonzero(kinds == kind)
        if len(where):
            found = _encode_family(geoms[where], kind, frame, tolerance)
            found.index = where[found.index]
            results.append(found)
    if len(results) == 1:
        return results[0]
    if not results:
        return EncodedGeometries.empty()
    order = np.argsort(np.concatenate([r.index for r in results]), kind="stable")
    lengths = np.concatenate([r.lengths for r in results])
    data = np.concatenate([r.data for r in results])
    starts = (np.cumsum(lengths) - lengths)[order]
    return EncodedGeometries(
        np.concatenate([r.index for r in results])[order],
        gather(data, starts, lengths[order]),
        lengths[order],
        np.concatenate([r.kind for r in results])[order],
    )
