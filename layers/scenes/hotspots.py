"""What a 360° scene points at: landmarks, parks, free parcels, neighbours, a parcel.

Every position is a true geodesic bearing and the elevation of the ground point
as seen from the camera (see ``geo.panorama``), ready for the viewer as yaw and
pitch in radians (yaw = true bearing: the viewer is told the image's heading).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.panorama import bearing_distance, ground_elevation, to_local, yaw_pitch
from layers.scenes.ground import all_features
from layers.scenes.manifest import Manifest, Scene, SceneNotFound, nearest
from layers.store.base import Feature, Store

PARK_RADIUS_M = 12_000.0  # other parks shown within this distance
FREE_PARCELS = 12  # nearest available parcels of the scene's park shown
OUTLINE_STEP_M = 15.0  # parcel outlines are densified to follow the sphere
MIN_PITCH = -math.radians(89.0)


@dataclass(frozen=True, slots=True)
class Hotspot:
    """A feature seen from a scene.

    Attributes:
        kind: ``landmark``, ``park``, ``parcel`` or ``scene``.
        id: the feature's (or scene's) id.
        bearing_deg: true bearing from the camera.
        distance_m: geodesic distance from the camera.
        yaw: viewer yaw (radians).
        pitch: viewer pitch (radians) of the feature's ground point.
        properties: the feature's attributes (or scene fields).
    """

    kind: str
    id: str
    bearing_deg: float
    distance_m: float
    yaw: float
    pitch: float
    properties: dict[str, Any] = field(default_factory=dict)


def _anchor(geom: BaseGeometry) -> tuple[float, float]:
    """A point inside a polygon (or the point itself)."""
    point = shapely.point_on_surface(geom)
    return point.x, point.y


def seen(scene: Scene, kind: str, features: Sequence[Feature]) -> list[Hotspot]:
    """Hotspots for ``features`` as seen from ``scene`` (nearest first)."""
    if not features:
        return []
    anchors = [_anchor(f.geometry) for f in features]
    bearings, dists = bearing_distance(
        scene.lon, scene.lat, [a[0] for a in anchors], [a[1] for a in anchors]
    )
    elev = ground_elevation(dists, scene.height_m)
    out = []
    for f, b, d, e in zip(features, bearings, dists, elev, strict=True):
        yaw, pitch = yaw_pitch(float(b), float(e))
        out.append(
            Hotspot(
                kind, f.id, float(b), float(d), yaw, max(pitch, MIN_PITCH), f.properties
            )
        )
    return sorted(out, key=lambda h: h.distance_m)


def scene_hotspots(store: Store, scene: Scene) -> list[Hotspot]:
    """Landmarks, parks within 12 km and the free parcels of the scene's park."""
    spots = seen(scene, "landmark", all_features(store, "landmarks"))
    parks = seen(scene, "park", all_features(store, "parks"))
    spots += [p for p in parks if p.distance_m <= PARK_RADIUS_M or p.id == scene.park]
    if scene.park:
        wanted = {"park_id": scene.park, "status": "available"}
        free = all_features(store, "parcels", filters=wanted)
        spots += seen(scene, "parcel", free)[:FREE_PARCELS]
    return spots


def scene_links(manifest: Manifest, scene: Scene) -> list[Hotspot]:
    """The scenes linked from ``scene``, where they stand as seen from it."""
    others = [manifest.get(link) for link in scene.links if _has(manifest, link)]
    if not others:
        return []
    bearings, dists = bearing_distance(
        scene.lon, scene.lat, [o.lon for o in others], [o.lat for o in others]
    )
    out = []
    for other, b, d in zip(others, bearings, dists, strict=True):
        yaw, pitch = yaw_pitch(float(b), float(ground_elevation(d, scene.height_m)))
        out.append(
            Hotspot("scene", other.id, float(b), float(d), yaw, pitch, {"scene": other})
        )
    return out


def _has(manifest: Manifest, scene_id: str) -> bool:
    """Whether the manifest holds ``scene_id``."""
    return any(s.id == scene_id for s in manifest.scenes)


@dataclass(frozen=True, slots=True)
class Outline:
    """A parcel drawn on the panorama: its outline and where to look."""

    target: Hotspot
    rings: list[list[tuple[float, float]]]


def parcel_outline(scene: Scene, parcel: Feature) -> Outline:
    """The parcel's outline as (yaw, pitch) rings and the view that faces it.

    The outline is densified every 15 m in the scene's local plane, so its
    straight edges bend as they do on the sphere.
    """
    local = to_local([parcel.geometry], scene.lon, scene.lat)[0]
    dense = shapely.segmentize(local, OUTLINE_STEP_M)
    polygons = getattr(dense, "geoms", [dense])
    rings = []
    for polygon in polygons:
        xy = np.asarray(polygon.exterior.coords)[:-1]
        bearing = np.degrees(np.arctan2(xy[:, 0], xy[:, 1])) % 360.0
        elev = ground_elevation(np.hypot(xy[:, 0], xy[:, 1]), scene.height_m)
        rings.append(
            [yaw_pitch(float(b), float(e)) for b, e in zip(bearing, elev, strict=True)]
        )
    target = seen(scene, "parcel", [parcel])[0]
    return Outline(target, rings)


def nearest_scene(manifest: Manifest, geom: BaseGeometry) -> Scene:
    """The scene nearest to a feature (its inside point).

    Raises:
        SceneNotFound: when there are no scenes.
    """
    if not manifest.scenes:
        raise SceneNotFound("(any)")
    lon, lat = _anchor(geom)
    return nearest(manifest.scenes, lon, lat)[0]


def spread_bearings(bearings_deg: Sequence[float], min_gap_deg: float) -> list[float]:
    """Bearings moved apart as little as possible so that none is within the gap.

    Walk-to arrows of neighbouring scenes in nearly the same direction would
    overlap; each run of arrows closer than ``min_gap_deg`` is fanned out around
    its mean bearing, ``min_gap_deg`` apart, keeping their order (on a circle cut
    at its widest gap). With too many bearings for the gap, they share the
    circle evenly.

    Args:
        bearings_deg: true bearings, degrees.
        min_gap_deg: the least angle between two shown bearings.

    Returns:
        The bearings to show, in [0, 360), in the order given.
    """
    n = len(bearings_deg)
    if n < 2:
        return [_fold(b) for b in bearings_deg]
    gap = min(min_gap_deg, 360.0 / n)
    order = sorted(range(n), key=lambda i: bearings_deg[i] % 360.0)
    angles = [bearings_deg[i] % 360.0 for i in order]
    gaps = [(angles[(k + 1) % n] - angles[k]) % 360.0 for k in range(n)]
    start = (int(np.argmax(gaps)) + 1) % n  # cut the circle at its widest gap
    order = order[start:] + order[:start]
    unwrapped = [bearings_deg[order[0]] % 360.0]
    for i in order[1:]:
        unwrapped.append(unwrapped[-1] + (bearings_deg[i] - unwrapped[-1]) % 360.0)
    shown = _fan_out(unwrapped, gap)
    if shown[0] + 360.0 - shown[-1] < gap - 1e-9:  # the fans met across the cut
        step = 360.0 / n
        first = float(np.mean(unwrapped)) - step * (n - 1) / 2.0
        shown = [first + k * step for k in range(n)]
    out = [0.0] * n
    for i, angle in zip(order, shown, strict=True):
        out[i] = _fold(angle)
    return out


def _fold(angle_deg: float) -> float:
    """An angle in [0, 360) (``%`` alone gives 360.0 for tiny negative ones)."""
    folded = angle_deg % 360.0
    return 0.0 if folded >= 360.0 else folded


def _fan_out(angles: Sequence[float], gap: float) -> list[float]:
    """Increasing ``angles`` moved apart, ``gap`` at least, in least-squares runs."""
    runs: list[list[float]] = []  # the original angles of each run
    starts: list[float] = []
    for angle in angles:
        runs.append([angle])
        starts.append(angle)
        while len(runs) > 1 and starts[-1] < starts[-2] + gap * len(runs[-2]):
            merged = runs[-2] + runs.pop()
            starts.pop()
            runs[-1] = merged
            starts[-1] = float(np.mean(merged)) - gap * (len(merged) - 1) / 2.0
    return [
        s + k * gap
        for s, run in zip(starts, runs, strict=True)
        for k in range(len(run))
    ]
