"""Coordinate reference systems: VN-2000 and WGS84, metric areas, distances.

Coordinates are stored and served in WGS84 (EPSG:4326) in lon/lat order. Areas
are computed in UTM zone 48N (EPSG:32648); distances on the WGS84 ellipsoid.

VN-2000 note: PROJ's EPSG database turns VN-2000 into WGS84 with EPSG:6960
("VN-2000 to WGS 84 (2)", the parameters of Decision 05/2007/QD-BTNMT applied
as a Coordinate Frame rotation). A hand-written ``+towgs84=`` PROJ string with
the same seven numbers is read as a Position Vector rotation, which lands about
0.75 m away in Hai Phong. A ``.prj`` whose TOWGS84 carries exactly those numbers
is recognised by PROJ and treated like EPSG:6960.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pyproj
import shapely
from numpy.typing import ArrayLike
from pyproj.transformer import TransformerGroup

from geo.errors import CRSError

if TYPE_CHECKING:
    import geopandas as gpd

logger = logging.getLogger(__name__)

WGS84 = "EPSG:4326"
UTM48N = "EPSG:32648"
WEB_MERCATOR = "EPSG:3857"
VN2000_GEOG = "EPSG:4756"
VN2000_UTM48 = "EPSG:3405"
# EPSG:9210 is "VN-2000 / TM-3 105-45": central meridian 105°45′, k 0.9999,
# false easting 500 000 m; Hai Phong's provincial zone (checked with pyproj 3.7).
VN2000_HAIPHONG_TM3 = "EPSG:9210"

_GEOD = pyproj.Geod(ellps="WGS84")
_VN2000_NAME = re.compile(r"vn[\s_-]*2000|vietnam", re.IGNORECASE)

CRSLike = str | int | pyproj.CRS


def resolve_crs(
    value: CRSLike, *, path: str | os.PathLike[str] | None = None
) -> pyproj.CRS:
    """Parse a CRS given as "EPSG:n", an EPSG integer, WKT, PROJ string or CRS.

    Args:
        value: The CRS to parse.
        path: The file the CRS belongs to, named in the error.

    Returns:
        The parsed CRS.

    Raises:
        CRSError: If pyproj cannot parse ``value``.
    """
    if isinstance(value, pyproj.CRS):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise CRSError(f"unknown CRS {value!r}", path=path)
    try:
        return pyproj.CRS.from_user_input(value)
    except pyproj.exceptions.CRSError as exc:
        raise CRSError(f"unknown CRS {value!r}", path=path) from exc


def _crs_key(value: CRSLike) -> str:
    """Turn a CRS-like value into a string usable as a cache key."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return f"EPSG:{value}"
    return resolve_crs(value).to_wkt()


@functools.lru_cache(maxsize=64)
def _cached_transformer(src: str, dst: str) -> pyproj.Transformer:
    """Build (once per pair of CRS strings) a lon/lat-ordered transformer."""
    return pyproj.Transformer.from_crs(
        resolve_crs(src), resolve_crs(dst), always_xy=True
    )


def transformer(src: CRSLike, dst: CRSLike) -> pyproj.Transformer:
    """Return a cached transformer from ``src`` to ``dst`` with ``always_xy=True``.

    pyproj transformers are thread-safe since pyproj 3.1, so sharing is fine.

    Args:
        src: Source CRS.
        dst: Target CRS.

    Returns:
        A transformer taking and returning x/lon first, y/lat second.

    Raises:
        CRSError: If either CRS is unknown.
    """
    return _cached_transformer(_crs_key(src), _crs_key(dst))


def _is_wgs84(crs: pyproj.CRS | None) -> bool:
    """True if ``crs`` is EPSG:4326 (either axis order)."""
    return crs is not None and crs.equals(WGS84, ignore_axis_order=True)


def to_wgs84(
    gdf: gpd.GeoDataFrame, *, path: str | os.PathLike[str] | None = None
) -> gpd.GeoDataFrame:
    """Reproject a frame to EPSG:4326; return it unchanged if already there.

    Args:
        gdf: Frame with a CRS.
        path: The file the frame came from, named in errors.

    Returns:
        The frame in EPSG:4326.

    Raises:
        CRSError: If the frame has no CRS, or reprojection gives non-finite
            coordinates (a wrong CRS for the data).
    """
    if gdf.crs is None:
        raise CRSError("no CRS (missing or empty .prj?)", path=path)
    if gdf.crs == pyproj.CRS(WGS84):
        return gdf
    out = gdf.to_crs(WGS84)
    coords = shapely.get_coordinates(out.geometry.values)
    if not np.isfinite(coords).all():
        raise CRSError(
            f"reprojecting from {gdf.crs.name!r} to {WGS84} gave non-finite "
            "coordinates; is the CRS right?",
            path=path,
        )
    return out


def reproject(
    geoms: gpd.GeoSeries | np.ndarray, src: CRSLike, dst: CRSLike
) -> np.ndarray:
    """Reproject an array of shapely geometries (nulls stay null).

    Args:
        geoms: Shapely geometries (array-like) in ``src``.
        src: Source CRS.
        dst: Target CRS.

    Returns:
        Object array of 2D shapely geometries in ``dst``.
    """
    trans = transformer(src, dst)

    def _apply(coords: np.ndarray) -> np.ndarray:
        x, y = trans.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(np.asarray(geoms, dtype=object), _apply)


def require_wgs84(geoms: gpd.GeoSeries | np.ndarray) -> np.ndarray:
    """Return the shapely geometries of a GeoSeries in EPSG:4326 as an array.

    Plain arrays carry no CRS and are assumed to be in EPSG:4326.

    Args:
        geoms: GeoSeries or array of shapely geometries.

    Returns:
        Object array of shapely geometries (or None).

    Raises:
        CRSError: If a GeoSeries has no CRS or one other than EPSG:4326.
    """
    crs = getattr(geoms, "crs", None)
    if hasattr(geoms, "crs") and not _is_wgs84(crs):
        name = "none" if crs is None else repr(crs.to_string())
        raise CRSError(f"expected geometries in {WGS84}, got CRS {name}")
    values = geoms.values if hasattr(geoms, "values") else geoms
    return np.asarray(values, dtype=object)


def area_m2(geoms: gpd.GeoSeries | np.ndarray) -> np.ndarray:
    """Areas in square metres, computed in UTM zone 48N (EPSG:32648).

    Args:
        geoms: GeoSeries in EPSG:4326, or an array of shapely geometries
            assumed to be in EPSG:4326.

    Returns:
        Float array; NaN for null geometries, 0 for lines and points.

    Raises:
        CRSError: If a GeoSeries has no CRS or one other than EPSG:4326.
    """
    geom_utm = reproject(require_wgs84(geoms), WGS84, UTM48N)
    return shapely.area(geom_utm)


def area_ha(geoms: gpd.GeoSeries | np.ndarray) -> np.ndarray:
    """Areas in hectares, computed in UTM zone 48N (EPSG:32648).

    Args:
        geoms: GeoSeries in EPSG:4326, or an array of shapely geometries
            assumed to be in EPSG:4326.

    Returns:
        Float array; NaN for null geometries.

    Raises:
        CRSError: If a GeoSeries has no CRS or one other than EPSG:4326.
    """
    return area_m2(geoms) / 10_000.0


def _check_lat(lat: np.ndarray, name: str) -> None:
    """Raise if any finite latitude lies outside [-90, 90]."""
    bad = np.isfinite(lat) & (np.abs(lat) > 90)
    if bad.any():
        raise ValueError(f"{name} must be between -90 and 90, got {lat[bad][0]!r}")


def geodesic_km(
    lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike
) -> float | np.ndarray:
    """Geodesic distance on the WGS84 ellipsoid, vectorised (pyproj.Geod).

    Args:
        lon1: Longitude(s) of the first point(s), degrees.
        lat1: Latitude(s) of the first point(s), degrees.
        lon2: Longitude(s) of the second point(s), degrees.
        lat2: Latitude(s) of the second point(s), degrees.

    Returns:
        Distance in kilometres: a float for scalar inputs, else a float array
        of the broadcast shape. NaN inputs give NaN.

    Raises:
        ValueError: If a latitude lies outside [-90, 90].
    """
    arrays = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (lon1, lat1, lon2, lat2))
    )
    _check_lat(arrays[1], "lat1")
    _check_lat(arrays[3], "lat2")
    shape = arrays[0].shape
    flat = [np.ascontiguousarray(a).ravel() for a in arrays]
    _, _, dist_m = _GEOD.inv(flat[0], flat[1], flat[2], flat[3])
    km = np.asarray(dist_m, dtype=float).reshape(shape) / 1000.0
    return float(km) if km.ndim == 0 else km


def point_distances_km(
    geoms_wgs84: gpd.GeoSeries | np.ndarray, lon: float, lat: float
) -> np.ndarray:
    """Geodesic distance from each geometry's centroid to (lon, lat).

    The centroid is the planar centroid computed in UTM zone 48N (EPSG:32648)
    and brought back to EPSG:4326; for concave shapes it may lie outside the
    geometry, which does not matter at kilometre scale.

    Args:
        geoms_wgs84: GeoSeries in EPSG:4326 (or array assumed in EPSG:4326).
        lon: Longitude of the target point, degrees.
        lat: Latitude of the target point, degrees.

    Returns:
        Float array of kilometres; NaN for null or empty geometries.

    Raises:
        CRSError: If a GeoSeries is not in EPSG:4326.
        ValueError: If lon/lat are out of range.
    """
    _as_coordinate(lon, "longitude", 180.0)
    _as_coordinate(lat, "latitude", 90.0)
    geom_utm = reproject(require_wgs84(geoms_wgs84), WGS84, UTM48N)
    centroid_wgs84 = reproject(shapely.centroid(geom_utm), UTM48N, WGS84)
    present = ~(shapely.is_missing(centroid_wgs84) | shapely.is_empty(centroid_wgs84))
    c_lon = np.full(len(centroid_wgs84), np.nan)
    c_lat = np.full(len(centroid_wgs84), np.nan)
    c_lon[present] = shapely.get_x(centroid_wgs84[present])
    c_lat[present] = shapely.get_y(centroid_wgs84[present])
    return np.asarray(geodesic_km(c_lon, c_lat, lon, lat), dtype=float)


def _as_coordinate(value: Any, name: str, limit: float) -> float:
    """Convert to float and check -limit <= value <= limit."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a number, got {value!r}") from exc
    if not math.isfinite(number) or abs(number) > limit:
        raise ValueError(
            f"{name} must be between -{limit:g} and {limit:g}, got {value!r}"
        )
    return number


def folium_location(lon: float, lat: float) -> list[float]:
    """Convert lon/lat to the ``[lat, lon]`` list Folium and Leaflet expect.

    This is the one place the axis order flips; everything else is lon/lat.

    Args:
        lon: Longitude in degrees, -180 to 180.
        lat: Latitude in degrees, -90 to 90.

    Returns:
        ``[lat, lon]`` as floats.

    Raises:
        ValueError: Naming the value that is not a finite number in range.
    """
    lon_f = _as_coordinate(lon, "longitude", 180.0)
    lat_f = _as_coordinate(lat, "latitude", 90.0)
    return [lat_f, lon_f]


def uses_ballpark_shift(crs: pyproj.CRS) -> bool:
    """True if PROJ knows no datum transformation from ``crs`` to WGS84.

    PROJ then applies a "ballpark" (null) datum shift, which is about 220 m
    wrong for VN-2000 data whose datum name PROJ did not recognise.

    Args:
        crs: The source CRS.

    Returns:
        Whether the best operation to EPSG:4326 is a ballpark one.
    """
    if _is_wgs84(crs):
        return False
    group = TransformerGroup(crs, pyproj.CRS(WGS84), always_xy=True)
    if not group.transformers:
        return True
    return "ballpark" in group.transformers[0].description.lower()


def looks_like_vn2000(crs: pyproj.CRS) -> bool:
    """True if the CRS or its datum is named like VN-2000."""
    names = [crs.name]
    if crs.datum is not None:
        names.append(crs.datum.name)
    return any(_VN2000_NAME.search(name or "") for name in names)


def describe(crs: pyproj.CRS) -> str:
    """Short human name for a CRS: "EPSG:3405" if identified, else its name."""
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg is not None else crs.name
