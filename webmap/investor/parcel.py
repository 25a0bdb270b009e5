"""What a parcel's page shows: its attributes, park, distances, block, surroundings.

Everything here is plain text and numbers: the template escapes it, and the map's
data goes out as JSON through Jinja's ``tojson`` (which escapes ``<``, ``>``, ``&``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import url_for

from layers.store import Feature, LayerInfo, Store
from layers.store.base import MAX_LIMIT
from webmap.core.basemap import base_map
from webmap.core.i18n import display_name
from webmap.core.labels import value_label
from webmap.core.lookups import Lookups
from webmap.investor import facts, labels, nearby
from webmap.investor.areamap import camera
from webmap.investor.labels import Row
from webmap.vr.overlay import view_in_360_url

PARCELS, PARKS = "parcels", "parks"
PARK_FIELDS = (
    "status",
    "phase",
    "zone_id",
    "developer",
    "total_ha",
    "leased_ha",
    "free_ha",
    "occupancy_pct",
    "occupancy_computed_pct",
    "eco_candidate",
)
MAP_ZOOM = 16


@dataclass(frozen=True, slots=True)
class Distance:
    """The distance to one landmark."""

    landmark: str
    name: str
    kind: str
    km: float
    minutes: float | None = None  # by road (drive_<landmark>_min); None: unknown


@dataclass(slots=True)
class Park:
    """The park around a parcel, as its summary shows it."""

    id: str
    name: str
    rows: list[Row]
    url: str
    geometry: dict[str, Any] | None = None
    facts: list[facts.Section] = field(default_factory=list)


@dataclass(slots=True)
class Block:
    """The contiguous free block a parcel belongs to, and its other parcels."""

    id: str
    ha: float | None
    count: int | None
    others: list[tuple[str, str]] = field(default_factory=list)  # (id, area text)
    geometries: list[dict[str, Any]] = field(default_factory=list)


def rows(
    info: LayerInfo,
    props: dict[str, Any],
    lookups: Lookups,
    names: tuple[str, ...] | None = None,
) -> list[Row]:
    """Labelled values of ``names`` (default: every field of the layer, in order)."""
    wanted = names if names is not None else tuple(f.name for f in info.fields)
    known = {f.name for f in info.fields}
    return [
        Row(
            n,
            labels.field_label(n, lookups),
            labels.field_value(n, props.get(n), lookups),
        )
        for n in wanted
        if n in known
    ]


def distances(props: dict[str, Any], lookups: Lookups) -> list[Distance]:
    """The ``dist_<landmark>_km`` values with the landmarks' names, nearest first.

    Each carries the drive time by road (``drive_<landmark>_min``) when the build
    computed one (None: no road network, or the roads do not reach the feature).
    """
    found = []
    for key, value in props.items():
        landmark = labels.landmark_of(key)
        km = labels.finite(value)
        if landmark is None or km is None:
            continue
        kind = lookups.kinds.get(landmark, "")
        found.append(
            Distance(
                landmark=landmark,
                name=lookups.name("landmarks", landmark),
                kind=value_label(kind) if kind else "",
                km=km,
                minutes=labels.finite(props.get(f"drive_{landmark}_min")),
            )
        )
    return sorted(found, key=lambda d: (d.km, d.landmark))


def park_of(store: Store, park_id: Any, lookups: Lookups) -> Park | None:
    """The park a parcel lies in, or None when it has none the store knows."""
    if not isinstance(park_id, str) or PARKS not in _layer_names(store):
        return None
    info = store.layer(PARKS)
    try:
        park = store.get(PARKS, park_id)
    except LookupError:
        return None
    props = park.properties
    return Park(
        id=park.id,
        name=display_name(props, lookups.lang, park.id),
        rows=rows(info, props, lookups, PARK_FIELDS),
        url=url_for("investor.park_page", park_id=park.id, lang=lookups.lang),
        geometry=nearby.geojson(park.geometry),
        facts=facts.park_facts(info, props, lookups.lang),
    )


def _layer_names(store: Store) -> set[str]:
    return {info.name for info in store.layers()}


def block_of(store: Store, parcel: Feature, lookups: Lookups) -> Block | None:
    """The free block the parcel belongs to (with its other parcels), or None."""
    block_id = parcel.properties.get("block_id")
    if not isinstance(block_id, str) or not block_id:
        return None
    page = store.query(PARCELS, filters={"block_id": block_id}, limit=MAX_LIMIT)
    others = sorted((f for f in page.features if f.id != parcel.id), key=lambda f: f.id)
    ha = parcel.properties.get("block_ha")
    count = parcel.properties.get("block_n")
    return Block(
        id=block_id,
        ha=float(ha) if isinstance(ha, int | float) else None,
        count=int(count) if isinstance(count, int | float) else None,
        others=[
            (f.id, labels.field_value("area_ha", f.properties.get("area_ha"), lookups))
            for f in others
        ],
        geometries=[nearby.geojson(f.geometry) for f in others],
    )


def map_url(parcel_id: str, lon: float, lat: float, lang: str) -> str:
    """The map page centred on the parcel with it selected."""
    query = {
        "lang": lang,
        "center": f"{lat:.5f},{lon:.5f}",
        "zoom": str(MAP_ZOOM),
        "sel": f"{PARCELS}:{parcel_id}",
    }
    return url_for("map.index") + "?" + urlencode(query, safe=",:")


def parcel_context(store: Store, parcel_id: str, lang: str) -> dict[str, Any]:
    """Everything the parcel page shows.

    Raises:
        LayerNotFound: the store has no parcels layer.
        FeatureNotFound: no parcel with that id.
    """
    info = store.layer(PARCELS)
    parcel = store.get(PARCELS, parcel_id)
    lookups = Lookups.cached(store, lang)
    props = parcel.properties
    lon, lat = nearby.centroid_lonlat(parcel.geometry)
    park = park_of(store, props.get("park_id"), lookups)
    block = block_of(store, parcel, lookups) if "block_id" in props else None
    housing = nearby.housing_near(store, lon, lat, lang)
    scenes = nearby.scenes_near(lon, lat, lang)
    shown = tuple(
        f.name
        for f in info.fields
        if labels.landmark_of(f.name) is None
        and labels.drive_landmark_of(f.name) is None
    )
    return {
        "parcel": parcel,
        "status": value_label(str(props.get("status") or "")),
        "rows": rows(info, props, lookups, shown),
        "park": park,
        "distances": distances(props, lookups),
        "block": block,
        "housing": housing,
        "housing_km": nearby.HOUSING_KM,
        "labour": nearby.labour_nearby(housing),
        "scenes": scenes,
        "scene_km": nearby.SCENE_KM,
        "nearest_view_url": (
            view_in_360_url(parcel.id, lang) if nearby.has_scenes(lang) else None
        ),
        "map_url": map_url(parcel.id, lon, lat, lang),
        "map_data": {
            "base": base_map(),
            "parcel": nearby.geojson(parcel.geometry),
            "park": park.geometry if park else None,
            "block": block.geometries if block else [],
            "housing": [{"name": h.name, "geometry": h.geometry} for h in housing],
            "cameras": [camera(s) for s in scenes],
        },
    }
