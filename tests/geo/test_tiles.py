"""XYZ tile math in Web Mercator: bounds, round trips, parsing of z/x/y."""

from __future__ import annotations

import math

import numpy as np
import pyproj
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo import tiles
from geo.errors import InvalidTile

LAT = st.floats(-tiles.MAX_LAT + 1e-6, tiles.MAX_LAT - 1e-6)
LON = st.floats(-180.0, 179.999999)


@st.composite
def tile_addresses(draw: st.DrawFn) -> tiles.Tile:
    z = draw(st.integers(0, tiles.MAX_ZOOM))
    n = 1 << z
    return tiles.Tile(z, draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1)))


def test_world_tile_is_the_whole_square() -> None:
    minx, miny, maxx, maxy = tiles.tile_bounds_3857(0, 0, 0)
    assert (minx, miny) == (-tiles.ORIGIN_SHIFT, -tiles.ORIGIN_SHIFT)
    assert (maxx, maxy) == (tiles.ORIGIN_SHIFT, tiles.ORIGIN_SHIFT)
    assert tiles.ORIGIN_SHIFT == pytest.approx(20_037_508.342789244)


def test_known_tile_near_hai_phong() -> None:
    # Hai Phong's opera house (106.6822 E, 20.8587 N) at z14; the figures agree
    # with the slippy-map formulas worked by hand and with mercantile 1.2.
    tile = tiles.tile_for_lonlat(106.6822, 20.8587, 14)
    assert (tile.x, tile.y) == (13047, 7221)
    west, south, east, north = tile.bounds_wgs84()
    assert west == pytest.approx(106.67724609375)
    assert south == pytest.approx(20.838277806058926)
    assert east == pytest.approx(106.69921875)
    assert north == pytest.approx(20.85881179086769)


def test_mercator_agrees_with_pyproj() -> None:
    to_3857 = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    lon, lat = np.array([106.68, -70.0, 0.0]), np.array([20.86, -60.0, 85.0])
    x, y = tiles.lonlat_to_mercator(lon, lat)
    ex, ey = to_3857.transform(lon, lat)
    np.testing.assert_allclose(x, ex, atol=1e-6)
    np.testing.assert_allclose(y, ey, atol=1e-6)


@given(LON, LAT)
def test_mercator_round_trip(lon: float, lat: float) -> None:
    x, y = tiles.lonlat_to_mercator(lon, lat)
    lon2, lat2 = tiles.mercator_to_lonlat(x, y)
    assert float(lon2) == pytest.approx(lon, abs=1e-9)
    assert float(lat2) == pytest.approx(lat, abs=1e-9)


@given(tile_addresses())
def test_tile_centre_maps_back_to_the_tile(tile: tiles.Tile) -> None:
    west, south, east, north = tile.bounds_wgs84()
    lon, lat = (west + east) / 2, (south + north) / 2
    # at high zoom the centre in degrees is not the centre in metres; still inside
    assert tiles.tile_for_lonlat(lon, lat, tile.z) == tile


@given(tile_addresses())
def test_neighbours_share_edges_exactly(tile: tiles.Tile) -> None:
    minx, miny, maxx, _ = tile.bounds_3857()
    n = 1 << tile.z
    if tile.x + 1 < n:
        assert tiles.tile_bounds_3857(tile.z, tile.x + 1, tile.y)[0] == maxx
    if tile.y + 1 < n:
        assert tiles.tile_bounds_3857(tile.z, tile.x, tile.y + 1)[3] == miny
    assert maxx - minx == pytest.approx(tiles.tile_size_3857(tile.z))


@given(tile_addresses().filter(lambda t: t.z < tiles.MAX_ZOOM))
def test_children_cover_the_parent(tile: tiles.Tile) -> None:
    minx, miny, maxx, maxy = tile.bounds_3857()
    kids = [
        tiles.tile_bounds_3857(tile.z + 1, 2 * tile.x + dx, 2 * tile.y + dy)
        for dx in (0, 1)
        for dy in (0, 1)
    ]
    assert min(k[0] for k in kids) == minx and max(k[2] for k in kids) == maxx
    assert min(k[1] for k in kids) == miny and max(k[3] for k in kids) == maxy


def test_bounds_to_wgs84_is_the_same_area() -> None:
    west, south, east, north = tiles.tile_bounds_wgs84(14, 13047, 7221)
    x, y = tiles.lonlat_to_mercator(np.array([west, east]), np.array([south, north]))
    minx, miny, maxx, maxy = tiles.tile_bounds_3857(14, 13047, 7221)
    np.testing.assert_allclose([x[0], y[0], x[1], y[1]], [minx, miny, maxx, maxy])


@pytest.mark.parametrize(
    ("z", "x", "y"),
    [("0", "0", "0"), ("22", "4194303", "4194303"), ("14", "13047", "7219"), (3, 7, 0)],
)
def test_parse_tile_accepts_the_edges(z: str, x: str, y: str) -> None:
    tile = tiles.parse_tile(z, x, y)
    assert (tile.z, tile.x, tile.y) == (int(z), int(x), int(y))


@pytest.mark.parametrize(
    ("z", "x", "y", "bad"),
    [
        ("23", "0", "0", "z"),
        ("-1", "0", "0", "z"),
        ("1.5", "0", "0", "z"),
        ("", "0", "0", "z"),
        ("1e3", "0", "0", "z"),
        (" 1", "0", "0", "z"),
        ("٣", "0", "0", "z"),  # an Arabic-Indic digit: int() takes it, we do not
        ("9" * 5000, "0", "0", "z"),
        ("1", "2", "0", "x"),
        ("0", "0", "1", "y"),
        ("14", "16384", "0", "x"),
        ("14", "0", "abc", "y"),
        ("14", "0", "0x1f", "y"),
        (True, 0, 0, "z"),
    ],
)
def test_parse_tile_names_the_bad_parameter(
    z: object, x: object, y: object, bad: str
) -> None:
    with pytest.raises(InvalidTile) as err:
        tiles.parse_tile(z, x, y)  # type: ignore[arg-type]
    assert err.value.parameter == bad
    assert bad in str(err.value)


def test_tiles_for_bbox_covers_it() -> None:
    bbox = (106.59, 20.87, 106.62, 20.88)
    found = list(tiles.tiles_for_bbox(bbox, 14))
    assert len(found) == len(set(found)) >= 2
    for lon in (106.59, 106.605, 106.6199):
        assert tiles.tile_for_lonlat(lon, 20.875, 14) in found


@pytest.mark.parametrize(
    ("count", "expected"), [(10, 0), (1500, 0), (100_000, 14), (10_000_000, 17)]
)
def test_suggested_minzoom_grows_with_density(count: int, expected: int) -> None:
    bbox = (106.54, 20.67, 106.91, 20.93)  # the synthetic parcels, ~40 km across
    assert tiles.suggested_minzoom(count, bbox) == expected


def test_fit_zoom() -> None:
    assert tiles.fit_zoom(None) == 0
    assert tiles.fit_zoom((-180.0, -85.0, 180.0, 85.0)) == 2
    span = 360 / 2**14  # one z14 tile wide: four of them fit at z16
    assert tiles.fit_zoom((106.0, 20.0, 106.0 + span, 20.0 + span / 2)) == 16


def test_max_lat_is_the_square() -> None:
    _, y = tiles.lonlat_to_mercator(0.0, tiles.MAX_LAT)
    assert float(y) == pytest.approx(tiles.ORIGIN_SHIFT)
    assert math.isclose(tiles.MAX_LAT, 85.0511287798, abs_tol=1e-9)
