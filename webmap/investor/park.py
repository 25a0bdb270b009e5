"""What a park's page shows: occupancy, land by status, its map, free parcels, blocks.

The map (``areamap.park_map``) carries the park's own parcels only; the page lists
the same parcels by status, with links, for those who do not use the map.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext, ngettext
from markupsafe import Markup

from layers.store import Feature, Store
from layers.store.base import MAX_LIMIT
from webmap.core.i18n import display_name, number
from webmap.core.labels import value_label
from webmap.core.lookups import Lookups
from webmap.investor import areamap, facts, labels, nearby
from webmap.investor.parcel import PARCELS, PARKS, Row, distances, rows
from webmap.planner.charts import Bar, bar_chart

SUMMARY_FIELDS = (
    "status",
    "phase",
    "zone_id",
    "developer",
    "total_ha",
    "parcel_ha",
    "leased_ha",
    "free_ha",
    "occupancy_pct",
    "occupancy_computed_pct",
    "occupancy_source",
    "eco_candidate",
)
STATUS_ORDER = ("available", "reserved", "clearance", "leased")
FREE = "available"
TRAVEL_KINDS = ("port", "airport")


@dataclass(frozen=True, slots=True)
class FreeParcel:
    """An available parcel in the list."""

    id: str
    area: str
    area_ha: float
    block_id: str | None


@dataclass(slots=True)
class FreeBlock:
    """A contiguous free block of the park."""

    id: str
    ha: float
    parcels: list[str] = field(default_factory=list)


def park_parcels(store: Store, park_id: str) -> list[Feature]:
    """Every parcel of the park (none when the store has no such field or layer)."""
    names = {info.name: info for info in store.layers()}
    info = names.get(PARCELS)
    if info is None or "park_id" not in {f.name for f in info.fields}:
        return []
    found: list[Feature] = []
    while True:
        page = store.query(
            PARCELS, filters={"park_id": park_id}, limit=MAX_LIMIT, offset=len(found)
        )
        found.extend(page.features)
        if not page.features or len(found) >= page.number_matched:
            return found


def _area(feature: Feature) -> float:
    return labels.finite(feature.properties.get("area_ha")) or 0.0


def status_chart(store: Store, parcels: list[Feature]) -> Markup:
    """Hectares per parcel status as a server-drawn SVG (escaped, prints as shown)."""
    colors = store.layer(PARCELS).style.get("colors", {}) if parcels else {}
    totals: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for feature in parcels:
        status = str(feature.properties.get("status") or "")
        totals[status] += _area(feature)
        counts[status] += 1
    order = [s for s in STATUS_ORDER if s in counts]
    order += sorted(s for s in counts if s not in STATUS_ORDER)
    bars = [
        Bar(
            value_label(s) if s else "—",
            totals[s],
            str(colors.get(s, "")),
            ngettext("%(num)d parcel", "%(num)d parcels", counts[s]),
        )
        for s in order
    ]
    svg = bar_chart(
        bars,
        gettext("Land by status"),
        gettext("No parcel of this park has a known area."),
        number=number,
    )
    return Markup(svg)  # bar_chart escapes every text it writes


def free_land(parcels: list[Feature]) -> tuple[list[FreeParcel], list[FreeBlock]]:
    """Available parcels (largest first) and contiguous free blocks (largest first)."""
    free = [f for f in parcels if f.properties.get("status") == FREE]
    listed = [
        FreeParcel(
            id=f.id,
            area=f"{number(_area(f), 2)} ha",
            area_ha=_area(f),
            block_id=f.properties.get("block_id") or None,
        )
        for f in free
    ]
    listed.sort(key=lambda p: (-p.area_ha, p.id))
    blocks: dict[str, FreeBlock] = {}
    for f in free:
        block_id = f.properties.get("block_id")
        if not isinstance(block_id, str) or not block_id:
            continue
        ha = f.properties.get("block_ha")
        block = blocks.setdefault(
            block_id, FreeBlock(block_id, float(ha) if ha is not None else 0.0)
        )
        block.parcels.append(f.id)
    for block in blocks.values():
        block.parcels.sort()
    return listed, sorted(blocks.values(), key=lambda b: (-b.ha, b.id))


def by_status(
    parcels: list[Feature], statuses: list[areamap.StatusStyle]
) -> list[tuple[areamap.StatusStyle, list[Feature]]]:
    """The parcels grouped by status in the legend's order, each group by id."""
    groups: dict[str, list[Feature]] = defaultdict(list)
    for feature in parcels:
        groups[str(feature.properties.get("status") or "")].append(feature)
    return [
        (style, sorted(groups[style.status], key=lambda f: f.id)) for style in statuses
    ]


def surroundings(
    store: Store,
    park: Feature,
    parcels: list[Feature],
    lang: str,
    *,
    with_map: bool = True,
) -> dict[str, Any]:
    """The park's map, its parcels by status, housing within 10 km, 360° views.

    Distances are taken from the park's centroid, as a parcel page takes them
    from the parcel's. ``with_map=False`` leaves out the page's map data (the
    site report draws its own), which costs most with many parcels.
    """
    lon, lat = nearby.centroid_lonlat(park.geometry)
    housing = nearby.housing_near(store, lon, lat, lang)
    info = store.layer(PARCELS) if parcels else None
    statuses = areamap.status_styles(info, parcels) if info is not None else []
    scenes = nearby.park_scenes(park.id, lon, lat, lang)
    return {
        "housing": housing,
        "housing_km": nearby.HOUSING_KM,
        "labour": nearby.labour_nearby(housing),
        "scenes": scenes,
        "scene_km": nearby.SCENE_KM,
        "statuses": statuses,
        "by_status": by_status(parcels, statuses),
        "map_data": areamap.park_map(
            park, parcels, info=info, housing=housing, scenes=scenes, lang=lang
        )
        if with_map
        else None,
    }


def park_context(
    store: Store, park_id: str, lang: str, *, with_map: bool = True
) -> dict[str, Any]:
    """Everything the park page shows (without its map's data if not ``with_map``).

    Raises:
        LayerNotFound: the store has no parks layer.
        FeatureNotFound: no park with that id.
    """
    info = store.layer(PARKS)
    park = store.get(PARKS, park_id)
    lookups = Lookups.cached(store, lang)
    parcels = park_parcels(store, park.id)
    free, blocks = free_land(parcels)
    travel = [
        d
        for d in distances(park.properties, lookups)
        if lookups.kinds.get(d.landmark) in TRAVEL_KINDS
    ]
    summary: list[Row] = rows(info, park.properties, lookups, SUMMARY_FIELDS)
    return {
        "park": park,
        "name": display_name(park.properties, lang, park.id),
        "rows": summary,
        "chart": status_chart(store, parcels),
        "parcel_count": len(parcels),
        "free": free,
        "free_ha": sum(p.area_ha for p in free),
        "blocks": blocks,
        "travel": travel,
        "block_label": labels.field_label("block_id", lookups),
        "facts": facts.park_facts(info, park.properties, lang),
        **surroundings(store, park, parcels, lang, with_map=with_map),
    }
