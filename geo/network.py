"""Drive times over a road network: a graph from lines, Dijkstra, isochrones.

Pure functions over metric coordinates (metres, e.g. UTM 48N); callers reproject.

- ``build_network(lines, speeds_kmh)``: every line vertex is a node (vertices
  within ``snap_m`` merge, so roads meet where they share a vertex; a road that
  crosses another without one passes over it, like a bridge); every segment is an
  edge in both directions weighted by its length at its road's speed.
- ``snap(network, points)``: the nearest segment of each point (an STRtree), the
  position along it and the straight distance to it.
- ``drive_minutes(network, origins, targets, ...)``: one Dijkstra per origin
  (``scipy.sparse.csgraph``) over the graph plus one virtual node per origin
  joined to the ends of its snapped segment; each target then takes the cheaper
  end of its own segment. A straight connector at ``connector_kmh`` joins each
  point to its snapped position. ``nan`` where the network cannot reach.
- ``isochrones(...)``: the area within each number of minutes of an origin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

M_PER_MIN_PER_KMH = 1000.0 / 60.0  # 1 km/h is 16.67 m a minute


@dataclass(frozen=True, slots=True)
class Network:
    """A routable road network in metric coordinates.

    Attributes:
        xy: node coordinates, shape (n, 2).
        seg_a: start node of each segment.
        seg_b: end node of each segment.
        seg_minutes: minutes to drive each segment.
        segments: each segment as a LineString (what points snap to).
        tree: an STRtree over ``segments``.
        graph: node → node minutes (both directions, the faster of parallel edges).
    """

    xy: np.ndarray
    seg_a: np.ndarray
    seg_b: np.ndarray
    seg_minutes: np.ndarray
    segments: np.ndarray
    tree: shapely.STRtree
    graph: csr_matrix

    @property
    def node_count(self) -> int:
        """How many nodes the graph has."""
        return len(self.xy)


@dataclass(frozen=True, slots=True)
class Snapped:
    """Points placed on their nearest segment.

    Attributes:
        seg: index of the nearest segment of each point.
        frac: position along it, 0 at ``seg_a`` and 1 at ``seg_b``.
        offset_m: straight distance from the point to that position.
    """

    seg: np.ndarray
    frac: np.ndarray
    offset_m: np.ndarray


def build_network(
    lines: Sequence[shapely.Geometry] | np.ndarray,
    speeds_kmh: Sequence[float] | np.ndarray,
    *,
    snap_m: float = 1.0,
) -> Network:
    """A network from metric (multi)lines and each line's speed in km/h.

    Args:
        lines: LineStrings or MultiLineStrings in metres.
        speeds_kmh: one speed > 0 per line.
        snap_m: vertices closer than this (on a grid of this size) are one node.

    Raises:
        ValueError: lengths differ, a speed is not > 0, or there is no segment.
    """
    geoms = np.asarray(lines, dtype=object)
    speeds = np.asarray(speeds_kmh, dtype=float)
    if len(geoms) != len(speeds):
        raise ValueError("one speed per line is needed")
    if not (speeds > 0).all():
        raise ValueError("every speed must be > 0 km/h")
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    coords, vertex_of = shapely.get_coordinates(parts, return_index=True)
    same_part = vertex_of[1:] == vertex_of[:-1]
    starts = np.flatnonzero(same_part)
    keys = np.round(coords / snap_m).astype(np.int64)
    uniq, node_of = np.unique(keys, axis=0, return_inverse=True)
    node_of = node_of.ravel()
    a, b = node_of[starts], node_of[starts + 1]
    length = np.hypot(*(coords[starts + 1] - coords[starts]).T)
    keep = a != b  # a segment shorter than snap_m joins its ends instead
    starts, a, b, length = starts[keep], a[keep], b[keep], length[keep]
    if not len(starts):
        raise ValueError("the road network has no segment")
    speed = speeds[part_of[vertex_of[starts]]]
    minutes = length / (speed * M_PER_MIN_PER_KMH)
    xy = uniq.astype(float) * snap_m
    segments = shapely.linestrings(
        np.stack([coords[starts], coords[starts + 1]], axis=1)
    )
    return Network(
        xy=xy,
        seg_a=a,
        seg_b=b,
        seg_minutes=minutes,
        segments=segments,
        tree=shapely.STRtree(segments),
        graph=_graph(len(xy), a, b, minutes),
    )


def _graph(n: int, a: np.ndarray, b: np.ndarray, w: np.ndarray) -> csr_matrix:
    """A symmetric CSR matrix keeping the smallest weight of parallel edges."""
    rows, cols, weights = np.r_[a, b], np.r_[b, a], np.r_[w, w]
    order = np.lexsort((weights, cols, rows))
    rows, cols, weights = rows[order], cols[order], weights[order]
    first = np.r_[True, (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])]
    return csr_matrix((weights[first], (rows[first], cols[first])), shape=(n, n))


def snap(network: Network, points: Sequence[shapely.Geometry] | np.ndarray) -> Snapped:
    """Each point's nearest segment, position along it and distance to it."""
    pts = np.asarray(points, dtype=object)
    if not len(pts):
        empty = np.zeros(0)
        return Snapped(empty.astype(np.int64), empty, empty)
    (src, seg), dist = network.tree.query_nearest(
        pts, return_distance=True, all_matches=False
    )
    order = np.argsort(src, kind="stable")
    seg, dist = seg[order], dist[order]
    frac = shapely.line_locate_point(network.segments[seg], pts, normalized=True)
    return Snapped(seg.astype(np.int64), np.asarray(frac, dtype=float), dist)


def _with_origins(network: Network, origins: Snapped) -> csr_matrix:
    """The graph plus one virtual node per origin, joined to its segment's ends."""
    n, k = network.node_count, len(origins.seg)
    along = origins.frac * network.seg_minutes[origins.seg]
    rest = network.seg_minutes[origins.seg] - along
    virtual = np.arange(n, n + k)
    ends = np.r_[network.seg_a[origins.seg], network.seg_b[origins.seg]]
    # a zero weight would read as "no edge": keep it a hair above 0
    weights = np.maximum(np.r_[along, rest], 1e-9)
    extra = csr_matrix((weights, (np.r_[virtual, virtual], ends)), shape=(n + k, n + k))
    base = network.graph.copy()
    base.resize((n + k, n + k))
    return (base + extra).tocsr()


def node_minutes(network: Network, origins: Snapped) -> np.ndarray:
    """Minutes from each snapped origin to every node (inf: not reachable).

    The origins' connectors are not included.

    Returns:
        Array of shape (len(origins), node count).
    """
    n = network.node_count
    if not len(origins.seg):
        return np.zeros((0, n))
    graph = _with_origins(network, origins)
    k = len(origins.seg)
    dist = dijkstra(graph, directed=True, indices=np.arange(n, n + k))
    return np.atleast_2d(dist)[:, :n]


def drive_minutes(
    network: Network,
    origins: Snapped,
    targets: Snapped,
    *,
    connector_kmh: float,
    max_connector_m: float = float("inf"),
) -> np.ndarray:
    """Minutes from each origin to each target over the network.

    Both ends join the network by a straight connector at ``connector_kmh``;
    a point farther than ``max_connector_m`` from every road is not reachable.

    Returns:
        Array (len(origins), len(targets)); ``nan`` where there is no way.
    """
    if connector_kmh <= 0:
        raise ValueError("the connector speed must be > 0 km/h")
    nodes = node_minutes(network, origins)
    seg_min = network.seg_minutes[targets.seg]
    via_a = nodes[:, network.seg_a[targets.seg]] + targets.frac * seg_min
    via_b = nodes[:, network.seg_b[targets.seg]] + (1 - targets.frac) * seg_min
    best = np.minimum(via_a, via_b)
    same = origins.seg[:, None] == targets.seg[None, :]
    direct = np.abs(origins.frac[:, None] - targets.frac[None, :]) * seg_min
    best = np.where(same, np.minimum(best, direct), best)
    speed = connector_kmh * M_PER_MIN_PER_KMH
    best = best + origins.offset_m[:, None] / speed + targets.offset_m[None, :] / speed
    far = (origins.offset_m[:, None] > max_connector_m) | (
        targets.offset_m[None, :] > max_connector_m
    )
    return np.where(far | ~np.isfinite(best), np.nan, best)


def isochrones(
    network: Network,
    origin: Snapped,
    minutes: Sequence[float],
    *,
    connector_kmh: float,
    max_connector_m: float = float("inf"),
    quad_segs: int = 4,
) -> list[shapely.Geometry]:
    """The area within each of ``minutes`` of one origin (metric polygons).

    Around every node reached within T minutes lies a disc one may cover on the
    connector in the time left (at most ``max_connector_m``), as a drive time
    counts it; the network should be densified so nodes lie close together.

    Args:
        network: the roads.
        origin: one snapped point (``snap(network, [point])``).
        minutes: the thresholds, e.g. (15, 30, 45, 60).
        connector_kmh: speed off the roads.
        max_connector_m: longest connector (disc radius).
        quad_segs: segments per quarter circle of each disc.

    Returns:
        One (possibly empty) polygon per threshold, in the order given.
    """
    if len(origin.seg) != 1:
        raise ValueError("isochrones take one origin")
    speed = connector_kmh * M_PER_MIN_PER_KMH
    start = origin.offset_m[0] / speed
    reach = node_minutes(network, origin)[0] + start
    if origin.offset_m[0] > max_connector_m:
        reach[:] = np.inf
    out = []
    for limit in minutes:
        near = np.flatnonzero(reach <= limit)
        radius = np.minimum((limit - reach[near]) * speed, max_connector_m)
        discs = shapely.buffer(
            shapely.points(network.xy[near]), radius, quad_segs=quad_segs
        )
        out.append(shapely.union_all(discs) if len(near) else shapely.Polygon())
    return out


def densify(lines: Sequence[shapely.Geometry] | np.ndarray, max_m: float) -> np.ndarray:
    """Lines with extra vertices so that no segment is longer than ``max_m``."""
    return shapely.segmentize(np.asarray(lines, dtype=object), max_m)
