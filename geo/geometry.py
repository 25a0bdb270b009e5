"""Geometry checks and repair: empties, types, validity, overlaps, containment.

Functions take a GeoSeries in EPSG:4326 and report positions (0-based, in the
order of the series) or the caller's ids; they never drop rows themselves.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely.errors import GEOSException
from shapely.geometry.base import BaseGeometry

from geo.crs import UTM48N, WGS84, area_m2, reproject, require_wgs84
from geo.errors import GeometryError

logger = logging.getLogger(__name__)

#: Accepted geometry types per expected family.
FAMILIES = {
    "Polygon": ("Polygon", "MultiPolygon"),
    "LineString": ("LineString", "MultiLineString"),
    "Point": ("Point", "MultiPoint"),
}
_EMPTY = {
    "Polygon": "POLYGON EMPTY",
    "LineString": "LINESTRING EMPTY",
    "Point": "POINT EMPTY",
}
# Upper bound of square metres per square degree anywhere on WGS84 (equator
# longitude degree x polar latitude degree), with 5 % for UTM scale: a bounding
# box overlap smaller than this cannot hold an intersection above the minimum.
_MAX_M2_PER_DEG2 = 111_320.0 * 111_700.0 * 1.05
# About 100 m: parent edges are split this finely before reprojection.
_MAX_SEGMENT_DEG = 0.001


@dataclass(frozen=True)
class Repair:
    """One geometry that was invalid and has been repaired.

    Attributes:
        row: 0-based position in the series (add 1 for a data-row number).
        feature_id: The caller's id for the feature, as str, if ids were given.
        reason: ``shapely.is_valid_reason`` before repair, e.g.
            "Self-intersection[1 1]"; ends with "(repair left an empty
            geometry)" when nothing of the right kind survived.
        empty: True if the repaired geometry is empty.
    """

    row: int
    feature_id: str | None
    reason: str
    empty: bool = False


def _ids_list(ids: Sequence[Hashable], length: int) -> list[Hashable]:
    """Ids as a list, checked to match the geometries one to one."""
    ids_list = list(ids)
    if len(ids_list) != length:
        raise ValueError(f"got {len(ids_list)} ids for {length} geometries")
    return ids_list


def find_empty(geoms: gpd.GeoSeries) -> list[int]:
    """Positions of null or empty geometries.

    Args:
        geoms: The geometries.

    Returns:
        0-based positions, ascending.
    """
    values = np.asarray(geoms.values, dtype=object)
    bad = shapely.is_missing(values) | shapely.is_empty(values)
    return [int(i) for i in np.flatnonzero(bad)]


def check_type(geoms: gpd.GeoSeries, expected: str) -> list[int]:
    """Positions of geometries not of the expected family.

    ``MultiPolygon`` passes for "Polygon" (and likewise for lines and points);
    GeometryCollections never pass. Null and empty geometries are skipped:
    :func:`find_empty` reports those.

    Args:
        geoms: The geometries.
        expected: "Polygon", "LineString" or "Point".

    Returns:
        0-based positions, ascending.

    Raises:
        ValueError: If ``expected`` is not one of the three families.
    """
    if expected not in FAMILIES:
        raise ValueError(
            f"expected must be one of {', '.join(FAMILIES)}, got {expected!r}"
        )
    values = np.asarray(geoms.values, dtype=object)
    present = ~(shapely.is_missing(values) | shapely.is_empty(values))
    types = np.asarray(geoms.geom_type, dtype=object)
    wrong = present & ~np.isin(types, FAMILIES[expected])
    return [int(i) for i in np.flatnonzero(wrong)]


def _flatten(geom: BaseGeometry) -> list[BaseGeometry]:
    """Explode collections and multi-geometries into single parts."""
    if geom.geom_type in ("GeometryCollection", *(m for _, m in FAMILIES.values())):
        return [p for part in shapely.get_parts(geom) for p in _flatten(part)]
    return [] if geom.is_empty else [geom]


def _family_part(geom: BaseGeometry, family: str) -> BaseGeometry:
    """The parts of ``geom`` belonging to ``family``, or an empty geometry."""
    parts = [p for p in _flatten(geom) if p.geom_type == family]
    if not parts:
        return shapely.from_wkt(_EMPTY[family])
    if len(parts) == 1:
        return parts[0]
    if family == "Polygon":
        return shapely.union_all(parts)
    if family == "LineString":
        return shapely.multilinestrings(parts)
    return shapely.multipoints(parts)


def polygonal_part(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the polygons of a geometry (e.g. of a make_valid result).

    Args:
        geom: Any shapely geometry.

    Returns:
        A Polygon or MultiPolygon, or an empty Polygon if there is none.
    """
    return _family_part(geom, "Polygon")


def _family_of(geom: BaseGeometry) -> str | None:
    """Family name of a geometry, or None for collections."""
    for family, types in FAMILIES.items():
        if geom.geom_type in types:
            return family
    return None


def repair(
    geoms: gpd.GeoSeries, ids: Sequence[Hashable] | None = None
) -> tuple[gpd.GeoSeries, list[Repair]]:
    """Repair invalid geometries with ``shapely.make_valid``.

    A repaired geometry keeps only the parts of its original family: a
    self-intersecting polygon stays polygonal (lines and points that
    make_valid splits off are dropped). Null geometries are left alone.

    Args:
        geoms: The geometries.
        ids: Feature ids, one per geometry, used in the reports.

    Returns:
        The geometries with invalid ones replaced (same index and CRS), and
        one :class:`Repair` per replaced geometry.

    Raises:
        ValueError: If ``ids`` does not match ``geoms`` in length.
    """
    ids_list = None if ids is None else _ids_list(ids, len(geoms))
    values = np.asarray(geoms.values, dtype=object)
    bad = np.flatnonzero(~shapely.is_valid(values) & ~shapely.is_missing(values))
    reasons = shapely.is_valid_reason(values[bad])
    fixed = shapely.make_valid(values[bad])
    out = values.copy()
    reports = []
    for pos, invalid_reason, made_valid in zip(bad, reasons, fixed, strict=True):
        family = _family_of(values[pos])
        geom = made_valid if family is None else _family_part(made_valid, family)
        empty = bool(geom.is_empty)
        reason = str(invalid_reason)
        if empty:
            reason = f"{reason} (repair left an empty geometry)"
        out[pos] = geom
        feature_id = None if ids_list is None else _id_text(ids_list[pos])
        reports.append(Repair(int(pos), feature_id, reason, empty))
    if reports:
        logger.info("repaired %d invalid geometries", len(reports))
    series = gpd.GeoSeries(out, index=geoms.index, crs=geoms.crs, name=geoms.name)
    return series, reports


def _id_text(value: Hashable) -> str | None:
    """An id as text; None for missing ids."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def _candidate_pairs(
    geoms: gpd.GeoSeries, values: np.ndarray, min_area_m2: float
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) whose geometries intersect with room for min_area_m2."""
    left, right = geoms.sindex.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    bounds = shapely.bounds(values)
    width = np.minimum(bounds[left, 2], bounds[right, 2]) - np.maximum(
        bounds[left, 0], bounds[right, 0]
    )
    height = np.minimum(bounds[left, 3], bounds[right, 3]) - np.maximum(
        bounds[left, 1], bounds[right, 1]
    )
    roomy = width * height * _MAX_M2_PER_DEG2 > min_area_m2
    order = np.lexsort((right[roomy], left[roomy]))
    return left[roomy][order], right[roomy][order]


def overlaps(
    geoms: gpd.GeoSeries, ids: Sequence[Hashable], *, min_area_m2: float = 1.0
) -> list[tuple[Hashable, Hashable]]:
    """Pairs of polygons whose intersection is larger than ``min_area_m2``.

    Candidates come from the spatial index; pairs whose bounding boxes overlap
    too little, and pairs that only touch, are dropped before any intersection
    is computed. Areas are measured in UTM zone 48N.

    Args:
        geoms: Valid polygons in EPSG:4326 (run :func:`repair` first).
        ids: Feature ids, one per geometry.
        min_area_m2: Smallest intersection area reported, in square metres.

    Returns:
        ``(id_a, id_b)`` pairs with ``a`` before ``b`` in the series, sorted
        by position.

    Raises:
        CRSError: If ``geoms`` is not in EPSG:4326.
        GeometryError: If GEOS cannot intersect (invalid geometries).
        ValueError: If ``ids`` does not match, or ``min_area_m2`` is negative.
    """
    if not min_area_m2 >= 0:
        raise ValueError(f"min_area_m2 must be >= 0, got {min_area_m2!r}")
    values = require_wgs84(geoms)
    ids_list = _ids_list(ids, len(values))
    left, right = _candidate_pairs(geoms, values, min_area_m2)
    try:
        touching = shapely.touches(values[left], values[right])
        left, right = left[~touching], right[~touching]
        shared = shapely.intersection(values[left], values[right])
    except GEOSException as exc:
        raise GeometryError(
            f"cannot intersect geometries ({exc}); repair them first"
        ) from exc
    big = area_m2(shared) > min_area_m2
    return [
        (ids_list[a], ids_list[b]) for a, b in zip(left[big], right[big], strict=True)
    ]


def outside(
    inner: gpd.GeoSeries,
    inner_parent_ids: Sequence[Hashable],
    parents: dict[Hashable, BaseGeometry],
    *,
    tolerance_m: float,
) -> list[int]:
    """Positions of geometries not within their parent (plus a tolerance).

    Each parent is buffered by ``tolerance_m`` in UTM zone 48N, and an inner
    geometry passes if that buffer covers it. Null and empty inner geometries
    are skipped (:func:`find_empty` reports them).

    Args:
        inner: Geometries in EPSG:4326, e.g. parcels.
        inner_parent_ids: The parent id of each inner geometry.
        parents: Parent geometries in EPSG:4326 by id, e.g. parks.
        tolerance_m: How far outside its parent an inner geometry may reach.

    Returns:
        0-based positions of inner geometries outside their parent or whose
        parent id is not in ``parents``, ascending.

    Raises:
        CRSError: If ``inner`` is not in EPSG:4326.
        ValueError: If the ids do not match or ``tolerance_m`` is negative.
    """
    if not (math.isfinite(tolerance_m) and tolerance_m >= 0):
        raise ValueError(
            f"tolerance_m must be a finite number >= 0, got {tolerance_m!r}"
        )
    values = require_wgs84(inner)
    parent_ids = _ids_list(inner_parent_ids, len(values))
    slots = {pid: i for i, pid in enumerate(parents)}
    # Densify first: a long straight edge in lon/lat is a curve in UTM.
    parent_wgs84 = shapely.segmentize(
        np.asarray(list(parents.values()), dtype=object), _MAX_SEGMENT_DEG
    )
    parent_utm = reproject(parent_wgs84, WGS84, UTM48N)
    zones = shapely.buffer(parent_utm, tolerance_m)
    shapely.prepare(zones)
    slot = np.array([slots.get(pid, -1) for pid in parent_ids], dtype=np.intp)
    present = ~(shapely.is_missing(values) | shapely.is_empty(values))
    check = present & (slot >= 0)
    inside = np.zeros(len(values), dtype=bool)
    inner_utm = reproject(values[check], WGS84, UTM48N)
    inside[check] = shapely.covered_by(inner_utm, zones[slot[check]])
    return [int(i) for i in np.flatnonzero(present & ~inside)]


def contiguous_groups(
    geoms_m: Sequence[BaseGeometry] | np.ndarray, gap_m: float
) -> np.ndarray:
    """Label geometries so that any two within ``gap_m`` share a label.

    The labels are the connected components of the "within ``gap_m``" graph, so a
    chain of adjacent parcels is one group even when its ends are far apart.

    Args:
        geoms_m: geometries in a metric CRS (metres).
        gap_m: how far apart two geometries may be and still count as adjacent
            (absorbs slivers between parcels drawn edge to edge).

    Returns:
        One integer label per geometry, 0..k-1, in order of first appearance.

    Raises:
        ValueError: ``gap_m`` is negative or not finite.
    """
    if not math.isfinite(gap_m) or gap_m < 0:
        raise ValueError(f"gap_m must be a distance ≥ 0 in metres, got {gap_m!r}")
    geoms = np.asarray(geoms_m, dtype=object)
    parent = np.arange(len(geoms))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    if len(geoms):
        tree = shapely.STRtree(geoms)
        left, right = tree.query(geoms, predicate="dwithin", distance=gap_m)
        for a, b in zip(left.tolist(), right.tolist(), strict=True):
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    roots = [root(i) for i in range(len(geoms))]
    first: dict[int, int] = {}
    return np.array([first.setdefault(r, len(first)) for r in roots], dtype=np.int64)
