"""Tiny geometries and files near Hai Phong, built in code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.crs import UTM48N, WGS84, reproject

# A spot inside Hai Phong, in UTM 48N metres (about 106.68 E, 20.86 N).
HAIPHONG_UTM = (674_000.0, 2_307_000.0)

# The seven parameters of Decision 05/2007/QD-BTNMT, as written in .prj files.
VN2000_TOWGS84 = (
    "-191.90441429,-39.30318279,-111.45032835,"
    "-0.00928836,0.01975479,-0.00427372,0.252906278"
)


def square_utm(x: float, y: float, size: float) -> BaseGeometry:
    """Axis-aligned square in UTM 48N metres, lower-left corner at (x, y)."""
    return shapely.box(x, y, x + size, y + size)


def square_wgs84(dx: float, dy: float, size: float) -> BaseGeometry:
    """A square of ``size`` metres, offset (dx, dy) metres from HAIPHONG_UTM."""
    x0, y0 = HAIPHONG_UTM
    return reproject([square_utm(x0 + dx, y0 + dy, size)], UTM48N, WGS84)[0]


@pytest.fixture
def write_shapefile(tmp_path: Path) -> Callable[..., Path]:
    """Factory: write a frame as tmp_path/NAME.shp (UTF-8 unless told) and return it."""

    def _write(
        gdf: gpd.GeoDataFrame | None = None, name: str = "parks", **kwargs: object
    ) -> Path:
        if gdf is None:
            gdf = gpd.GeoDataFrame(
                {"ten": ["Hải Phòng"]}, geometry=[Point(106.68, 20.86)], crs=WGS84
            )
        path = tmp_path / f"{name}.shp"
        pyogrio.write_dataframe(gdf, path, **kwargs)
        return path

    return _write
