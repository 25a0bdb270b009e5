"""Panorama geometry: pixels ↔ bearings and elevations, the ground render, labels."""

from __future__ import annotations

import math

import numpy as np
import pyproj
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point

from geo.panorama import (
    GroundGrid,
    PanoramaError,
    Sky,
    Viewpoint,
    bearing_distance,
    bearing_to_x,
    check_size,
    elevation_to_y,
    ground_distance,
    ground_elevation,
    palette_from,
    rasterize_ground,
    render,
    to_local,
    x_to_bearing,
    y_to_elevation,
)
from geo.panorama_labels import Landmark, draw_labels, place

GEOD = pyproj.Geod(ellps="WGS84")
LON, LAT = 106.60, 20.87  # An Dương
WIDTH, HEIGHT = 1024, 512  # 1 px = 0.352°
DEG = WIDTH / 360.0  # pixels per degree
MARK = 7  # ground class painted in a test colour
MARK_RGB = (255, 0, 255)
NO_HAZE = Sky(visibility_m=1e15)


def destination(bearing: float, distance_m: float) -> tuple[float, float]:
    """The point at a geodesic bearing and distance from (LON, LAT)."""
    lon, lat, _ = GEOD.fwd(LON, LAT, bearing, distance_m)
    return lon, lat


def column_bearing_error(column: float, bearing: float, heading: float) -> float:
    """Angle (degrees) between the bearing seen at ``column`` and ``bearing``."""
    seen = x_to_bearing(column, heading, WIDTH)
    return abs((seen - bearing + 180.0) % 360.0 - 180.0)


@pytest.mark.parametrize(
    ("bearing", "heading", "x"),
    [
        (0.0, 0.0, 512.0),
        (90.0, 0.0, 768.0),
        (180.0, 0.0, 0.0),
        (270.0, 0.0, 256.0),
        (60.0, 30.0, 512.0 + 30 * DEG),
        (10.0, 350.0, 512.0 + 20 * DEG),
    ],
)
def test_bearing_to_x_known_columns(bearing, heading, x) -> None:
    assert bearing_to_x(bearing, heading, WIDTH) == pytest.approx(x)


@given(st.floats(0, 359.999), st.floats(-720, 720), st.sampled_from([64, 1024, 8192]))
def test_x_to_bearing_inverts_bearing_to_x(bearing, heading, width) -> None:
    x = bearing_to_x(bearing, heading, width)
    assert 0 <= x < width
    back = x_to_bearing(x, heading, width)
    assert abs((back - bearing + 180) % 360 - 180) < 1e-6


@pytest.mark.parametrize(
    ("elevation", "y"), [(90, 0), (0, 256), (-45, 384), (-90, 512)]
)
def test_elevation_rows(elevation, y) -> None:
    assert elevation_to_y(elevation, HEIGHT) == pytest.approx(y)
    assert y_to_elevation(y, HEIGHT) == pytest.approx(elevation)


def test_ground_point_elevation_and_back() -> None:
    assert ground_elevation(100.0, 100.0) == pytest.approx(-45.0)
    assert ground_elevation(1000.0, 100.0) == pytest.approx(
        -math.degrees(math.atan(0.1))
    )
    assert ground_distance(-45.0, 100.0) == pytest.approx(100.0)
    assert ground_distance(0.0, 100.0) == math.inf


def test_geodesic_bearing_and_distance() -> None:
    lon, lat = destination(123.0, 4_000.0)
    bearing, dist = bearing_distance(LON, LAT, [lon], [lat])
    assert bearing[0] == pytest.approx(123.0, abs=1e-6)
    assert dist[0] == pytest.approx(4_000.0, abs=1e-3)


def test_local_plane_keeps_bearing_and_distance() -> None:
    lon, lat = destination(45.0, 2_000.0)
    (local,) = to_local([Point(lon, lat)], LON, LAT)
    assert math.degrees(math.atan2(local.x, local.y)) == pytest.approx(45.0, abs=1e-6)
    assert math.hypot(local.x, local.y) == pytest.approx(2_000.0, abs=1e-3)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"lat": 95.0}, "lat"),
        ({"lon": -200.0}, "lon"),
        ({"height_m": 0.0}, "height_m"),
        ({"lat": math.nan}, "lat"),
        ({"heading_deg": math.inf}, "heading"),
    ],
)
def test_impossible_viewpoints_are_refused(kwargs, field) -> None:
    args = {"lon": LON, "lat": LAT, "height_m": 100.0} | kwargs
    with pytest.raises(PanoramaError) as info:
        Viewpoint(**args)
    assert info.value.field == field


@pytest.mark.parametrize("width", [7, 1023, 0, True])
def test_odd_or_tiny_widths_are_refused(width) -> None:
    with pytest.raises(PanoramaError, match="even"):
        check_size(width)


def marked_ground(bearing: float, distance_m: float, radius_m: float) -> GroundGrid:
    """A grid with one disc of class MARK at (bearing, distance) from the camera."""
    east = distance_m * math.sin(math.radians(bearing))
    north = distance_m * math.cos(math.radians(bearing))
    return rasterize_ground([(Point(east, north).buffer(radius_m), MARK)], 2_000.0, 2.0)


def marked_pixels(heading: float, height_m: float, grid: GroundGrid) -> np.ndarray:
    """(rows, columns) of the MARK colour in a rendered panorama."""
    palette = palette_from({0: "#808080", MARK: MARK_RGB})
    view = Viewpoint(LON, LAT, height_m, heading)
    image = render(view, [grid], palette, WIDTH, sky=NO_HAZE)
    return np.nonzero(np.all(image == MARK_RGB, axis=-1))


@pytest.mark.parametrize(
    ("bearing", "heading"), [(120.0, 0.0), (300.0, 45.0), (5.0, 350.0)]
)
def test_ground_point_at_known_distance_lands_on_expected_row(bearing, heading) -> None:
    distance_m, height_m = 1_000.0, 100.0
    rows, cols = marked_pixels(
        heading, height_m, marked_ground(bearing, distance_m, 40.0)
    )
    assert rows.size > 0
    # expected: elevation -atan(100 / 1000) = -5.71°, i.e. row 272.2 of 512
    expected_row = (
        (90.0 + math.degrees(math.atan(height_m / distance_m))) * HEIGHT / 180
    )
    assert abs(rows.mean() + 0.5 - expected_row) <= HEIGHT / 180  # ±1°
    centre = float(np.median(cols)) + 0.5
    assert column_bearing_error(centre, bearing, heading) <= 1.0


def test_horizon_separates_sky_from_ground() -> None:
    grid = rasterize_ground([], 1_000.0, 10.0, fill=1)
    palette = palette_from({1: "#00ff00"})
    image = render(Viewpoint(LON, LAT, 50.0), [grid], palette, 64, sky=NO_HAZE)
    assert np.abs(image[0, 0].astype(int) - NO_HAZE.zenith).max() <= 4
    assert tuple(image[-1, 0]) == (0, 255, 0)
    assert (image[:16] != (0, 255, 0)).any(axis=-1).all()  # nothing green above


def test_beyond_every_grid_is_the_far_class() -> None:
    grid = rasterize_ground([], 100.0, 10.0, fill=1)
    palette = palette_from({0: "#0000ff", 1: "#00ff00"})
    image = render(Viewpoint(LON, LAT, 10.0), [grid], palette, 64, sky=NO_HAZE)
    just_below_horizon = image[16, :]  # ~1 km away from 10 m up: off the grid
    assert (just_below_horizon == (0, 0, 255)).all()


def test_oversized_ground_grid_is_refused() -> None:
    with pytest.raises(PanoramaError, match="too large"):
        rasterize_ground([], 50_000.0, 1.0)


def test_landmark_at_known_bearing_appears_at_expected_column() -> None:
    heading, bearing = 30.0, 60.0
    lon, lat = destination(bearing, 5_000.0)
    view = Viewpoint(LON, LAT, 300.0, heading)
    (placed,) = place(view, [Landmark("port", ("Port",), lon, lat)], WIDTH)
    # independent of the code: 60° is 30° right of the centre column 512
    assert abs(placed.x - (512 + 30 * DEG)) <= DEG  # ±1°
    assert placed.distance_m == pytest.approx(5_000.0, abs=0.01)
    assert placed.elevation_deg == pytest.approx(-math.degrees(math.atan(300 / 5000)))


def test_drawn_label_leader_stands_at_the_landmark_bearing() -> None:
    heading, bearing = 350.0, 100.0
    lon, lat = destination(bearing, 8_000.0)
    view = Viewpoint(LON, LAT, 300.0, heading)
    placed = place(view, [Landmark("airport", ("Airport",), lon, lat)], WIDTH)
    blank = np.full((HEIGHT, WIDTH, 3), 255, dtype=np.uint8)
    image = draw_labels(blank, placed, [("Airport", "8.0 km")], colour=(0, 0, 0))
    row = image[HEIGHT // 2 - 3]  # between the label box and the ground point
    (dark,) = np.nonzero(row.sum(axis=-1) < 100)
    assert dark.size > 0
    assert column_bearing_error(dark.mean() + 0.5, bearing, heading) <= 1.0


def test_labels_that_would_overlap_are_stacked() -> None:
    view = Viewpoint(LON, LAT, 300.0)
    marks = [
        Landmark("a", ("Hai Phong port (Hoang Dieu)",), *destination(200.0, 5_000.0)),
        Landmark("b", ("Hai Phong city centre",), *destination(201.0, 6_000.0)),
    ]
    blank = np.full((HEIGHT, WIDTH, 3), 255, dtype=np.uint8)
    placed = place(view, marks, WIDTH)
    image = draw_labels(blank, placed, [m.lines for m in marks], colour=(0, 0, 0))
    column = int(placed[1].x) + 1
    dark_rows = np.nonzero(image[: HEIGHT // 2, column].sum(axis=-1) < 100)[0]
    assert dark_rows.max() - dark_rows.min() > 30  # two boxes, one above the other
