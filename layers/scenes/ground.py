"""What the ground of a generated panorama shows: store features as ground classes.

Parcels are coloured by status, berths by status, parks, housing and zones as
on the map (colours come from the layers' ``[style]``), water from an optional
``data/panoramas/water.geojson`` (any vector format ``geo.io`` reads).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from geo.crs import to_wgs84
from geo.io import read_vector
from geo.panorama import GroundGrid, palette_from, rasterize_ground, to_local
from layers.errors import InvalidFilter, LayerNotFound
from layers.store.base import MAX_LIMIT, BBox, Feature, Store

logger = logging.getLogger(__name__)

LAND, WATER, PARK, PARK_PLANNED, PARK_EDGE, ZONE_EDGE, HOUSING = range(7)
PARCEL = {"leased": 10, "available": 11, "reserved": 12, "clearance": 13}
BERTH = {"operating": 20, "under_construction": 21, "approved": 22, "appraisal": 23}
BERTH_OTHER = 24
BASE_COLOURS: dict[int, str] = {
    LAND: "#dde3c4",
    WATER: "#8fb9dc",
    PARK: "#ead7cf",
    PARK_PLANNED: "#f3ead8",
    PARK_EDGE: "#b03a2e",
    ZONE_EDGE: "#1f4e79",
    HOUSING: "#8e44ad",
    BERTH_OTHER: "#34495e",
    **dict.fromkeys(PARCEL.values(), "#95a5a6"),
    **dict.fromkeys(BERTH.values(), "#34495e"),
}
# Grids from fine to coarse: (radius m, cell m). 3 × 2000² cells ≈ 12 MB.
GRIDS = ((2_500.0, 2.5), (8_000.0, 8.0), (30_000.0, 30.0))
WATER_FILE = "water.geojson"
DEG_PER_M = 1 / 100_000  # generous: 1 m < 1e-5° at these latitudes


@dataclass(frozen=True, slots=True)
class GroundFeatures:
    """WGS84 features that make up the ground, grouped by what they are."""

    water: tuple[BaseGeometry, ...]
    zones: tuple[Feature, ...]
    parks: tuple[Feature, ...]
    parcels: tuple[Feature, ...]
    berths: tuple[Feature, ...]
    housing: tuple[Feature, ...]


def palette(store: Store) -> NDArray[np.uint8]:
    """Ground colours by class, taking parcel, berth and park colours from styles."""
    colours: dict[int, str] = dict(BASE_COLOURS)
    for layer, classes in (("parcels", PARCEL), ("berths", BERTH)):
        style = _style(store, layer)
        for status, cls in classes.items():
            colours[cls] = style.get("colors", {}).get(status, colours[cls])
    colours[PARK_EDGE] = _style(store, "parks").get("color", colours[PARK_EDGE])
    colours[HOUSING] = _style(store, "housing").get("color", colours[HOUSING])
    return palette_from(colours)


def _style(store: Store, layer: str) -> dict:
    """A layer's style, or {} if the store has no such layer."""
    try:
        return dict(store.layer(layer).style)
    except LayerNotFound:
        return {}


def all_features(
    store: Store,
    layer: str,
    bbox: BBox | None = None,
    filters: dict[str, str] | None = None,
) -> list[Feature]:
    """Features of ``layer`` in ``bbox`` matching ``filters``; [] if none can."""
    out: list[Feature] = []
    try:
        while True:
            page = store.query(layer, bbox, filters, limit=MAX_LIMIT, offset=len(out))
            out.extend(page.features)
            if not page.features or len(out) >= page.number_matched:
                return out
    except (LayerNotFound, InvalidFilter):  # no such layer or field here
        return []


def read_water(folder: Path) -> tuple[BaseGeometry, ...]:
    """Water polygons from ``folder/water.geojson`` if present, in WGS84."""
    path = folder / WATER_FILE
    if not path.is_file():
        return ()
    source = read_vector(path)
    gdf = to_wgs84(source.gdf, path=path)
    return tuple(g for g in gdf.geometry if g is not None and not g.is_empty)


def load(store: Store, water_dir: Path, lon: float, lat: float) -> GroundFeatures:
    """The ground features within the coarsest grid around (lon, lat)."""
    reach = GRIDS[-1][0] * 1.5 * DEG_PER_M
    bbox = (lon - reach, lat - reach, lon + reach, lat + reach)
    return GroundFeatures(
        water=read_water(water_dir),
        zones=tuple(all_features(store, "zones", bbox)),
        parks=tuple(all_features(store, "parks", bbox)),
        parcels=tuple(all_features(store, "parcels", bbox)),
        berths=tuple(all_features(store, "berths", bbox)),
        housing=tuple(all_features(store, "housing", bbox)),
    )


def _local(features: Sequence[Feature], lon: float, lat: float) -> NDArray:
    """Feature geometries in the viewpoint's local plane."""
    return to_local([f.geometry for f in features], lon, lat)


def shapes(
    ground: GroundFeatures, lon: float, lat: float, cell_m: float
) -> Iterator[tuple[BaseGeometry, int]]:
    """(local geometry, class) in painting order for a grid of ``cell_m`` cells.

    Outlines and lines get a width of at least a cell, so they show on every grid.
    """
    edge = max(6.0, cell_m)
    for geom in to_local(ground.water, lon, lat):
        yield geom, WATER
    for geom in _local(ground.zones, lon, lat):
        yield shapely.buffer(geom.boundary, edge * 2), ZONE_EDGE
    park_geoms = _local(ground.parks, lon, lat)
    for feature, geom in zip(ground.parks, park_geoms, strict=True):
        planned = feature.properties.get("status") == "planned"
        yield geom, PARK_PLANNED if planned else PARK
    for feature, geom in zip(
        ground.parcels, _local(ground.parcels, lon, lat), strict=True
    ):
        yield (
            shapely.buffer(geom, -edge / 3),
            PARCEL.get(str(feature.properties.get("status")), PARK),
        )
    for geom in park_geoms:
        yield shapely.buffer(geom.boundary, edge), PARK_EDGE
    for feature, geom in zip(
        ground.berths, _local(ground.berths, lon, lat), strict=True
    ):
        yield (
            shapely.buffer(geom, max(25.0, cell_m)),
            BERTH.get(str(feature.properties.get("status")), BERTH_OTHER),
        )
    for feature, geom in zip(
        ground.housing, _local(ground.housing, lon, lat), strict=True
    ):
        area_ha = feature.properties.get("area_ha") or 4.0
        radius = max(float(np.sqrt(area_ha * 10_000 / np.pi)), 2 * cell_m)
        yield shapely.buffer(geom, radius), HOUSING


def grids(
    ground: GroundFeatures,
    lon: float,
    lat: float,
    levels: Sequence[tuple[float, float]] = GRIDS,
) -> list[GroundGrid]:
    """The ground rasterized on each (radius, cell) grid, finest first."""
    return [
        rasterize_ground(list(shapes(ground, lon, lat, cell)), radius, cell, fill=LAND)
        for radius, cell in levels
    ]
