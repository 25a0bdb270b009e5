"""Equirectangular panoramas: projection math and a renderer of the ground.

Conventions (the same as Photo Sphere Viewer's):

- An equirectangular image is ``width`` × ``width / 2`` pixels. Column ``x``
  (continuous, 0..width) looks at the true bearing
  ``heading + (x - width / 2) * 360 / width``: the image centre faces
  ``heading`` and bearings grow to the right (north → east → south). Row ``y``
  (continuous, 0..height) looks at the elevation ``90 - y * 180 / height``:
  the top edge is the zenith, the middle row the horizon.
- Pixel ``i`` covers ``[i, i + 1)``; its centre is at ``i + 0.5``.
- Bearings are geodesic azimuths on the WGS84 ellipsoid (pyproj.Geod), in
  degrees clockwise from true north.

The renderer puts the camera ``height_m`` above a **flat** ground plane. The
plane is the azimuthal equidistant projection centred on the viewpoint, in which
every point keeps its true geodesic distance and bearing from the camera (a UTM
grid would turn bearings by the grid convergence, about 0.6° at 106.7°E). Flat
earth is fine within about 20 km: from 150 m up, the earth's curvature lowers a
point 10 km away by 0.05° (half a pixel of a 4096-pixel panorama) and the
haze hides the ground long before the horizon.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyproj
import rasterio.features
import shapely
from affine import Affine
from numpy.typing import ArrayLike, NDArray
from shapely.geometry.base import BaseGeometry

from geo.errors import GeoError

_GEOD = pyproj.Geod(ellps="WGS84")

RGB = tuple[int, int, int]
FloatArray = NDArray[np.float64]


class PanoramaError(GeoError):
    """A panorama cannot be made from these inputs (size, viewpoint, image)."""


@dataclass(frozen=True, slots=True)
class Viewpoint:
    """Where the camera stands and which way the image centre faces.

    Attributes:
        lon: Longitude, degrees (WGS84).
        lat: Latitude, degrees (WGS84).
        height_m: Height of the camera above the ground, metres (> 0).
        heading_deg: True bearing of the image centre, degrees from north.
    """

    lon: float
    lat: float
    height_m: float
    heading_deg: float = 0.0

    def __post_init__(self) -> None:
        """Refuse impossible coordinates and a camera on or under the ground."""
        check_lonlat(self.lon, self.lat)
        if not (math.isfinite(self.height_m) and self.height_m > 0):
            raise PanoramaError(
                "camera height must be a positive number of metres, "
                f"got {self.height_m!r}",
                field="height_m",
            )
        if not math.isfinite(self.heading_deg):
            raise PanoramaError(
                f"heading must be a number of degrees, got {self.heading_deg!r}",
                field="heading",
            )


def check_lonlat(lon: float, lat: float) -> None:
    """Raise unless ``lon``/``lat`` are finite and within ±180/±90.

    Raises:
        PanoramaError: naming ``lon`` or ``lat``.
    """
    for name, value, limit in (("lon", lon, 180.0), ("lat", lat, 90.0)):
        if not (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and abs(value) <= limit
        ):
            raise PanoramaError(
                f"{name} must be a number between -{limit:g} and {limit:g}, "
                f"got {value!r}",
                field=name,
            )


def check_size(width: int) -> int:
    """Return the image height for ``width``; raise unless width is even and ≥ 8.

    Raises:
        PanoramaError: for an odd or tiny width.
    """
    if isinstance(width, bool) or not isinstance(width, int) or width < 8 or width % 2:
        raise PanoramaError(f"width must be an even number ≥ 8, got {width!r}")
    return width // 2


def wrap180(angle_deg: ArrayLike) -> FloatArray:
    """Angles folded into [-180, 180)."""
    return (np.asarray(angle_deg, dtype=float) + 180.0) % 360.0 - 180.0


def bearing_to_x(bearing_deg: ArrayLike, heading_deg: float, width: int) -> FloatArray:
    """Continuous column (0 ≤ x < width) at which a true bearing appears.

    Args:
        bearing_deg: true bearing(s), degrees clockwise from north.
        heading_deg: bearing of the image centre.
        width: image width in pixels.

    Returns:
        Column(s); the pixel index is ``floor(x)``.
    """
    offset = wrap180(np.asarray(bearing_deg, dtype=float) - heading_deg)
    return (width / 2.0 + offset * width / 360.0) % width


def x_to_bearing(x: ArrayLike, heading_deg: float, width: int) -> FloatArray:
    """True bearing (0 ≤ b < 360) seen at continuous column ``x``."""
    return (
        heading_deg + (np.asarray(x, dtype=float) - width / 2.0) * 360.0 / width
    ) % 360.0


def elevation_to_y(elevation_deg: ArrayLike, height: int) -> FloatArray:
    """Continuous row at which an elevation angle appears (0 = zenith)."""
    return (90.0 - np.asarray(elevation_deg, dtype=float)) * height / 180.0


def y_to_elevation(y: ArrayLike, height: int) -> FloatArray:
    """Elevation angle (degrees, + up) seen at continuous row ``y``."""
    return 90.0 - np.asarray(y, dtype=float) * 180.0 / height


def ground_elevation(distance_m: ArrayLike, height_m: float) -> FloatArray:
    """Elevation (negative, degrees) of a ground point ``distance_m`` away.

    Flat ground, camera ``height_m`` above it: ``-atan(h / d)``; the point
    straight below is at -90°.
    """
    return -np.degrees(np.arctan2(height_m, np.asarray(distance_m, dtype=float)))


def ground_distance(elevation_deg: ArrayLike, height_m: float) -> FloatArray:
    """Horizontal distance (m) to the ground seen at ``elevation_deg``; inf above."""
    depression = np.radians(-np.asarray(elevation_deg, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        dist = height_m / np.tan(depression)
    return np.where(depression > 0, dist, np.inf)


def bearing_distance(
    lon: float, lat: float, lons: ArrayLike, lats: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Geodesic bearing (0..360, degrees) and distance (m) from a point to others.

    Args:
        lon: Longitude of the viewpoint.
        lat: Latitude of the viewpoint.
        lons: Longitudes of the targets.
        lats: Latitudes of the targets.

    Returns:
        (bearings, distances) as float arrays shaped like ``lons``.
    """
    tlon, tlat = np.broadcast_arrays(
        np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    )
    az, _, dist = _GEOD.inv(
        np.full(tlon.size, lon), np.full(tlon.size, lat), tlon.ravel(), tlat.ravel()
    )
    bearing = np.asarray(az, dtype=float).reshape(tlon.shape) % 360.0
    return bearing, np.asarray(dist, dtype=float).reshape(tlon.shape)


def yaw_pitch(bearing_deg: float, elevation_deg: float) -> tuple[float, float]:
    """Photo Sphere Viewer position in radians for a true bearing and elevation.

    The viewer is told the image's heading (``panoData.poseHeading``), so its yaw
    is the true bearing, folded into [-π, π).
    """
    return (
        math.radians(float(wrap180(bearing_deg))),
        math.radians(elevation_deg),
    )


def local_crs(lon: float, lat: float) -> pyproj.CRS:
    """Azimuthal equidistant CRS (metres, x east, y north) centred on a point."""
    check_lonlat(lon, lat)
    return pyproj.CRS.from_proj4(
        f"+proj=aeqd +lat_0={lat!r} +lon_0={lon!r} +x_0=0 +y_0=0 "
        "+ellps=WGS84 +units=m +no_defs"
    )


def to_local(geoms: Iterable[BaseGeometry], lon: float, lat: float) -> NDArray:
    """WGS84 geometries in the viewpoint's azimuthal equidistant plane (metres)."""
    trans = pyproj.Transformer.from_crs(
        "EPSG:4326", local_crs(lon, lat), always_xy=True
    )

    def _apply(coords: np.ndarray) -> np.ndarray:
        x, y = trans.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(np.asarray(list(geoms), dtype=object), _apply)


@dataclass(frozen=True, slots=True)
class GroundGrid:
    """Ground classes rasterized on a square grid around the viewpoint.

    Attributes:
        classes: uint8 class per cell, row 0 to the north.
        radius_m: half the grid's side; the grid spans -radius..radius.
        cell_m: cell size in metres.
    """

    classes: NDArray[np.uint8]
    radius_m: float
    cell_m: float

    def lookup(self, east: FloatArray, north: FloatArray) -> tuple[NDArray, NDArray]:
        """Class at each (east, north) and whether the point lies on the grid."""
        n = self.classes.shape[0]
        col = np.floor((east + self.radius_m) / self.cell_m)
        row = np.floor((self.radius_m - north) / self.cell_m)
        inside = (col >= 0) & (col < n) & (row >= 0) & (row < n)
        col_i = np.where(inside, col, 0).astype(np.intp)
        row_i = np.where(inside, row, 0).astype(np.intp)
        return self.classes[row_i, col_i], inside


def rasterize_ground(
    shapes: Sequence[tuple[BaseGeometry, int]],
    radius_m: float,
    cell_m: float,
    fill: int = 0,
) -> GroundGrid:
    """Burn (geometry, class) pairs, given in local metres, into a ground grid.

    Later shapes paint over earlier ones; lines and points are burnt as thin as
    the cells, so buffer them first to give them a width.

    Args:
        shapes: geometries in the viewpoint's local plane (see ``to_local``) and
            their class (0..255).
        radius_m: half the side of the square grid.
        cell_m: cell size.
        fill: class of cells no shape covers.

    Returns:
        The grid.

    Raises:
        PanoramaError: for a non-positive size or a grid above 4096² cells.
    """
    if not (radius_m > 0 and cell_m > 0):
        raise PanoramaError("ground grid radius and cell size must be positive")
    n = math.ceil(2 * radius_m / cell_m)
    if n > 4096:
        raise PanoramaError(f"ground grid of {n}² cells is too large (max 4096²)")
    transform = Affine(cell_m, 0.0, -radius_m, 0.0, -cell_m, radius_m)
    burn = [(g, int(c)) for g, c in shapes if g is not None and not g.is_empty]
    if burn:
        classes = rasterio.features.rasterize(
            burn, out_shape=(n, n), transform=transform, fill=fill, dtype="uint8"
        )
    else:
        classes = np.full((n, n), fill, dtype=np.uint8)
    return GroundGrid(classes, float(radius_m), float(cell_m))


@dataclass(frozen=True, slots=True)
class Sky:
    """Colours of the sky and of the haze that hides the distant ground.

    Attributes:
        zenith: colour straight up.
        horizon: colour at the horizon, and of the haze.
        visibility_m: distance at which the haze covers 63 % of the ground.
        far_class: ground class beyond every grid.
    """

    zenith: RGB = (58, 112, 186)
    horizon: RGB = (214, 228, 240)
    visibility_m: float = 25_000.0
    far_class: int = 0


def _sky_rows(elevation_deg: FloatArray, sky: Sky, width: int) -> NDArray[np.uint8]:
    """Sky colour for rows at the given (positive) elevations."""
    t = np.sqrt(np.clip(elevation_deg / 90.0, 0.0, 1.0))[:, None]
    colour = (1 - t) * np.array(sky.horizon, float) + t * np.array(sky.zenith, float)
    return np.repeat(colour[:, None, :], width, axis=1).round().astype(np.uint8)


def _ground_rows(
    distance_m: FloatArray,
    sin_cos: tuple[FloatArray, FloatArray],
    grids: Sequence[GroundGrid],
    palette: NDArray[np.uint8],
    sky: Sky,
) -> NDArray[np.uint8]:
    """Ground colour for rows at the given distances, one column per bearing."""
    sin_b, cos_b = sin_cos
    east = distance_m[:, None] * sin_b[None, :]
    north = distance_m[:, None] * cos_b[None, :]
    classes = np.full(east.shape, sky.far_class, dtype=np.uint8)
    todo = np.ones(east.shape, dtype=bool)
    for grid in grids:  # finest first
        found, inside = grid.lookup(east, north)
        take = todo & inside
        classes[take] = found[take]
        todo &= ~inside
    colour = palette[classes].astype(float)
    haze = 1.0 - np.exp(-distance_m / sky.visibility_m)
    colour += haze[:, None, None] * (np.array(sky.horizon, float) - colour)
    return colour.round().astype(np.uint8)


def render(
    view: Viewpoint,
    grids: Sequence[GroundGrid],
    palette: ArrayLike,
    width: int,
    *,
    sky: Sky | None = None,
    rows_per_chunk: int = 128,
) -> NDArray[np.uint8]:
    """Render the equirectangular view from ``view`` over the ground grids.

    Each pixel below the horizon casts its centre ray onto the flat ground
    plane; the class found there (finest grid first) is coloured by ``palette``
    and faded into haze with distance. Above the horizon: a sky gradient.

    Args:
        view: camera position, height and image-centre heading.
        grids: ground grids in the viewpoint's local plane, finest first.
        palette: (256, 3) uint8 colours indexed by class.
        width: image width (even); the height is ``width / 2``.
        sky: sky and haze colours.
        rows_per_chunk: rows computed at once (bounds the memory used).

    Returns:
        An (height, width, 3) uint8 RGB array.

    Raises:
        PanoramaError: for a bad width or palette.
    """
    height = check_size(width)
    sky = sky or Sky()
    colours = np.asarray(palette, dtype=np.uint8)
    if colours.shape != (256, 3):
        raise PanoramaError(f"palette must be 256 RGB colours, got {colours.shape}")
    bearing = np.radians(x_to_bearing(np.arange(width) + 0.5, view.heading_deg, width))
    sin_b, cos_b = np.sin(bearing), np.cos(bearing)
    elevation = y_to_elevation(np.arange(height) + 0.5, height)
    image = np.empty((height, width, 3), dtype=np.uint8)
    for start in range(0, height, rows_per_chunk):
        rows = slice(start, min(start + rows_per_chunk, height))
        elev = elevation[rows]
        above = elev >= 0
        block = np.empty((len(elev), width, 3), dtype=np.uint8)
        if above.any():
            block[above] = _sky_rows(elev[above], sky, width)
        if (~above).any():
            dist = ground_distance(elev[~above], view.height_m)
            block[~above] = _ground_rows(dist, (sin_b, cos_b), grids, colours, sky)
        image[rows] = block
    return image


def palette_from(colours: Mapping[int, str | RGB], default: RGB = (0, 0, 0)) -> NDArray:
    """A (256, 3) palette from ``{class: "#rrggbb" or (r, g, b)}``."""
    out = np.tile(np.array(default, dtype=np.uint8), (256, 1))
    for cls, colour in colours.items():
        out[cls] = hex_rgb(colour) if isinstance(colour, str) else colour
    return out


def hex_rgb(text: str) -> RGB:
    """``"#rrggbb"`` → (r, g, b).

    Raises:
        PanoramaError: for anything else.
    """
    value = text.strip().lstrip("#")
    if len(value) != 6:
        raise PanoramaError(f"expected a colour like #1e8449, got {text!r}")
    try:
        return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))
    except ValueError:
        raise PanoramaError(f"expected a colour like #1e8449, got {text!r}") from None
