"""XYZ tile math in Web Mercator (EPSG:3857) on the spherical formulas.

A tile address ``z/x/y`` counts x from the antimeridian eastwards and y from the
north edge southwards (the "XYZ" or Google scheme that Leaflet, MapLibre and QGIS
use). EPSG:3857 is the sphere of radius 6 378 137 m, so lon ↔ x is linear and
lat ↔ y depends on lat alone: a WGS84 bbox maps to a 3857 bbox exactly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from geo.errors import InvalidTile

EARTH_RADIUS = 6_378_137.0
ORIGIN_SHIFT = math.pi * EARTH_RADIUS  # half the width of the world in metres
MAX_LAT = math.degrees(2 * math.atan(math.exp(math.pi)) - math.pi / 2)  # ≈ 85.0511
MAX_ZOOM = 22
_DIGITS = re.compile(r"[0-9]+")

Bounds = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Tile:
    """One XYZ tile address, already checked to be in range."""

    z: int
    x: int
    y: int

    def bounds_3857(self) -> Bounds:
        """(min x, min y, max x, max y) in EPSG:3857 metres."""
        return tile_bounds_3857(self.z, self.x, self.y)

    def bounds_wgs84(self) -> Bounds:
        """(min lon, min lat, max lon, max lat) in EPSG:4326 degrees."""
        return tile_bounds_wgs84(self.z, self.x, self.y)


def _integer(name: str, value: str | int) -> int:
    """Parse one decimal digit string (or int) without sign, spaces or exponent."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidTile(name, f"{name} must be an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if not _DIGITS.fullmatch(value):
        raise InvalidTile(
            name, f"{name} must be an integer like 0 or 12, got {value!r}"
        )
    if len(value) > 10:  # far out of range; int() of huge strings is slow
        raise InvalidTile(name, f"{name} is out of range, got {value[:12]}…")
    return int(value)


def parse_tile(z: str | int, x: str | int, y: str | int) -> Tile:
    """Check a tile address taken from a URL.

    Args:
        z: zoom, 0 ≤ z ≤ MAX_ZOOM.
        x: column, 0 ≤ x < 2**z.
        y: row from the north, 0 ≤ y < 2**z.

    Returns:
        The tile.

    Raises:
        InvalidTile: naming the first bad parameter (``z``, ``x`` or ``y``).
    """
    zoom = _integer("z", z)
    if not 0 <= zoom <= MAX_ZOOM:
        raise InvalidTile("z", f"z must be 0..{MAX_ZOOM}, got {zoom}")
    n = 1 << zoom
    col, row = _integer("x", x), _integer("y", y)
    for name, value in (("x", col), ("y", row)):
        if not 0 <= value < n:
            raise InvalidTile(name, f"{name} must be 0..{n - 1} at zoom {zoom}")
    return Tile(zoom, col, row)


def tile_size_3857(z: int) -> float:
    """Width (= height) of a tile at zoom ``z`` in EPSG:3857 metres."""
    return 2 * ORIGIN_SHIFT / (1 << z)


def tile_bounds_3857(z: int, x: int, y: int) -> Bounds:
    """Bounds of tile z/x/y in EPSG:3857 metres: (min x, min y, max x, max y).

    Neighbouring tiles share their edges exactly (same float expression).
    """
    n = 1 << z
    world = 2 * ORIGIN_SHIFT
    minx = world * x / n - ORIGIN_SHIFT
    maxx = world * (x + 1) / n - ORIGIN_SHIFT
    maxy = ORIGIN_SHIFT - world * y / n
    miny = ORIGIN_SHIFT - world * (y + 1) / n
    return (minx, miny, maxx, maxy)


def tile_bounds_wgs84(z: int, x: int, y: int) -> Bounds:
    """Bounds of tile z/x/y in WGS84 degrees: (min lon, min lat, max lon, max lat)."""
    return bounds_to_wgs84(tile_bounds_3857(z, x, y))


def bounds_to_wgs84(bounds: Bounds) -> Bounds:
    """An EPSG:3857 bbox as the WGS84 bbox of the same area (exact on the sphere)."""
    minx, miny, maxx, maxy = bounds
    lon, lat = mercator_to_lonlat(np.array([minx, maxx]), np.array([miny, maxy]))
    return (float(lon[0]), float(lat[0]), float(lon[1]), float(lat[1]))


def lonlat_to_mercator(
    lon: np.ndarray | float, lat: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 degrees to EPSG:3857 metres; latitudes beyond ±MAX_LAT are clamped."""
    lon = np.asarray(lon, dtype=float)
    lat = np.clip(np.asarray(lat, dtype=float), -MAX_LAT, MAX_LAT)
    x = np.radians(lon) * EARTH_RADIUS
    y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) * EARTH_RADIUS
    return x, y


def mercator_to_lonlat(
    x: np.ndarray | float, y: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:3857 metres to WGS84 degrees."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    lon = np.degrees(x / EARTH_RADIUS)
    lat = np.degrees(2 * np.arctan(np.exp(y / EARTH_RADIUS)) - np.pi / 2)
    return lon, lat


def lonlat_to_mercator_coords(coords: np.ndarray) -> np.ndarray:
    """An (N, 2) array of lon/lat to EPSG:3857 (for ``shapely.transform``)."""
    x, y = lonlat_to_mercator(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])


def tile_for_lonlat(lon: float, lat: float, z: int) -> Tile:
    """The tile at zoom ``z`` that holds a WGS84 point (edges belong east/south)."""
    if not 0 <= z <= MAX_ZOOM:
        raise InvalidTile("z", f"z must be 0..{MAX_ZOOM}, got {z}")
    mx, my = lonlat_to_mercator(lon, lat)
    n = 1 << z
    size = tile_size_3857(z)
    x = min(max(math.floor((float(mx) + ORIGIN_SHIFT) / size), 0), n - 1)
    y = min(max(math.floor((ORIGIN_SHIFT - float(my)) / size), 0), n - 1)
    return Tile(z, x, y)


def tiles_for_bbox(bbox: Bounds, z: int) -> Iterator[Tile]:
    """Every tile at zoom ``z`` that overlaps a WGS84 bbox, row by row."""
    west, south, east, north = bbox
    top_left = tile_for_lonlat(west, north, z)
    bottom_right = tile_for_lonlat(east, south, z)
    for y in range(top_left.y, bottom_right.y + 1):
        for x in range(top_left.x, bottom_right.x + 1):
            yield Tile(z, x, y)


def suggested_minzoom(count: int, bbox: Bounds | None, max_features: int = 1500) -> int:
    """The lowest zoom at which a tile holds about ``max_features`` or fewer.

    Assumes the features are spread evenly over ``bbox``: a hint for TileJSON
    ``minzoom``, so that clients do not ask for tiles that would hold most of a
    large layer.
    """
    if bbox is None or count <= max_features:
        return 0
    minx, miny = lonlat_to_mercator(bbox[0], bbox[1])
    maxx, maxy = lonlat_to_mercator(bbox[2], bbox[3])
    area = max(float(maxx - minx), 1.0) * max(float(maxy - miny), 1.0)
    for z in range(MAX_ZOOM + 1):
        share = min(1.0, tile_size_3857(z) ** 2 / area)
        if count * share <= max_features:
            return z
    return MAX_ZOOM


def fit_zoom(bbox: Bounds | None, tiles_across: int = 4) -> int:
    """The highest zoom at which a WGS84 bbox fits in ``tiles_across`` tiles."""
    if bbox is None:
        return 0
    minx, miny = lonlat_to_mercator(bbox[0], bbox[1])
    maxx, maxy = lonlat_to_mercator(bbox[2], bbox[3])
    span = max(float(maxx - minx), float(maxy - miny), 1.0)
    zoom = math.floor(math.log2(tiles_across * 2 * ORIGIN_SHIFT / span))
    return min(max(zoom, 0), MAX_ZOOM)
