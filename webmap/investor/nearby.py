"""What lies near a parcel or a park: housing (the labour nearby) and 360° views.

Distances are geodesic (WGS84 ellipsoid) from the parcel's centroid, which is taken
in UTM 48N as the build does for the ``dist_*_km`` fields, so a parcel's figures
agree with one another.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import UTM48N, WGS84, geodesic_km, point_distances_km, reproject
from layers.store import Feature, Store
from webmap.core.cache import memo
from webmap.core.i18n import display_name
from webmap.core.labels import value_label
from webmap.investor.labels import finite
from webmap.vr.scenes import scene_list

HOUSING_LAYER = "housing"
HOUSING_KM = 10.0
SCENE_KM = 5.0
MAX_SCENES = 6


@dataclass(frozen=True, slots=True)
class Housing:
    """A housing project near a parcel."""

    id: str
    name: str
    kind: str
    status: str
    capacity: int | None
    km: float
    geometry: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Scene:
    """A 360° scene near a parcel, and the viewer's URL."""

    id: str
    name: str
    km: float
    url: str
    geometry: dict[str, Any]
    heading: float = 0.0
    generated: bool = False
    park: str | None = None


def centroid_lonlat(geom: BaseGeometry) -> tuple[float, float]:
    """The centroid of a WGS84 geometry, computed in UTM 48N, as (lon, lat)."""
    geom_utm = reproject(np.array([geom], dtype=object), WGS84, UTM48N)
    point = reproject(shapely.centroid(geom_utm), UTM48N, WGS84)[0]
    return float(point.x), float(point.y)


def geojson(geom: BaseGeometry) -> dict[str, Any]:
    """A geometry as a GeoJSON object (lon/lat)."""
    return json.loads(shapely.to_geojson(geom))


def _housing_features(store: Store) -> list[Feature]:
    """Every housing project (a small layer; none if the store has no such layer)."""
    names = {info.name: info for info in store.layers()}
    info = names.get(HOUSING_LAYER)
    if info is None:
        return []
    return memo(
        store,
        ("investor-housing",),
        lambda: store.query(HOUSING_LAYER, limit=max(info.count, 1)).features,
    )


def _capacity(value: Any) -> int | None:
    number = finite(value)
    return None if number is None else int(number)


def housing_near(
    store: Store, lon: float, lat: float, lang: str, km: float = HOUSING_KM
) -> list[Housing]:
    """Housing projects within ``km`` of (lon, lat), nearest first.

    Args:
        store: the store.
        lon: the parcel centroid's longitude.
        lat: its latitude.
        lang: UI language of names and labels.
        km: the radius (inclusive), geodesic.

    Returns:
        The projects, each with its capacity (None if unknown) and distance.
    """
    features = _housing_features(store)
    if not features:
        return []
    geoms = np.array([f.geometry for f in features], dtype=object)
    distances = point_distances_km(geoms, lon, lat)
    near = []
    for feature, dist in zip(features, distances, strict=True):
        if not dist <= km:  # NaN (no geometry) is never near
            continue
        props = feature.properties
        near.append(
            Housing(
                id=feature.id,
                name=display_name(props, lang, feature.id),
                kind=value_label(str(props.get("kind") or "")),
                status=value_label(str(props.get("status") or "")),
                capacity=_capacity(props.get("capacity")),
                km=float(dist),
                geometry=geojson(feature.geometry),
            )
        )
    return sorted(near, key=lambda h: (h.km, h.id))


def labour_nearby(projects: list[Housing]) -> int:
    """The people the projects house in all (those of unknown capacity count 0)."""
    return sum(p.capacity or 0 for p in projects)


def _scenes_by_distance(lon: float, lat: float, lang: str) -> list[Scene]:
    """Every 360° scene with its distance from (lon, lat), nearest first."""
    scenes = scene_list(lang)
    if not scenes:
        return []
    dists = np.atleast_1d(
        geodesic_km([s["lon"] for s in scenes], [s["lat"] for s in scenes], lon, lat)
    )
    found = [
        Scene(
            id=s["id"],
            name=s["name"],
            km=float(d),
            url=s["url"],
            geometry={"type": "Point", "coordinates": [s["lon"], s["lat"]]},
            heading=float(s.get("heading") or 0.0),
            generated=bool(s.get("generated")),
            park=s.get("park"),
        )
        for s, d in zip(scenes, dists, strict=True)
    ]
    return sorted(found, key=lambda s: (s.km, s.id))


def scenes_near(lon: float, lat: float, lang: str, km: float = SCENE_KM) -> list[Scene]:
    """The 360° scenes within ``km`` of (lon, lat), nearest first (at most six)."""
    return [s for s in _scenes_by_distance(lon, lat, lang) if s.km <= km][:MAX_SCENES]


def park_scenes(
    park_id: str, lon: float, lat: float, lang: str, km: float = SCENE_KM
) -> list[Scene]:
    """The park's own 360° scenes, then up to six others within ``km`` of its centre.

    Args:
        park_id: the park (a scene's ``park``).
        lon: the park centroid's longitude.
        lat: its latitude.
        lang: UI language of the names.
        km: the radius (inclusive), geodesic.

    Returns:
        Nearest first within each group.
    """
    ranked = _scenes_by_distance(lon, lat, lang)
    own = [s for s in ranked if s.park == park_id]
    near = [s for s in ranked if s.park != park_id and s.km <= km]
    return own + near[:MAX_SCENES]


def has_scenes(lang: str) -> bool:
    """Whether any 360° scene exists (the 'nearest view' link makes sense)."""
    return bool(scene_list(lang))
