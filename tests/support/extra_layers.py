"""Map test data: a park whose name is HTML, and layers a GIS officer added."""

from __future__ import annotations

import textwrap
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point, box

from layers.build import build
from tests.support.data_dirs import PARK_A, PARK_B, make_dataset, write_shapefile

EVIL_NAME = (
    "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\"> 'KCN' & co"
)

WELLS_SPEC = """
name = "wells"
geometry = "Point"
id = "well_id"
source = "shapefiles/wells.shp"
[title]
vi = "Giếng"
en = "Wells"
[fields]
well_id = { type = "str", required = true }
depth_m = { type = "float" }
[style]
color = "#123456"
"""

PLOTS_SPEC = """
name = "plots"
geometry = "Polygon"
id = "plot_id"
source = "shapefiles/plots.shp"
[title]
en = "Plots"
[fields]
plot_id = { type = "str", required = true }
kind = { type = "str" }
[style]
color_by = "kind"
colors = { a = "#ff0000", b = "</script><script>bad()</script>" }
"""


def add_layers(data: Path) -> None:
    """Overwrite park 'a' with an HTML name; add a point and a polygon layer."""
    parks = gpd.GeoDataFrame(
        {"park_id": ["a", "b"], "name_vi": [EVIL_NAME, "KCN Tràng Duệ"]},
        geometry=[PARK_A, PARK_B],
        crs="EPSG:4326",
    )
    write_shapefile(parks, data / "shapefiles" / "parks.shp")
    (data / "layers" / "wells.toml").write_text(textwrap.dedent(WELLS_SPEC), "utf-8")
    (data / "layers" / "plots.toml").write_text(textwrap.dedent(PLOTS_SPEC), "utf-8")
    wells = gpd.GeoDataFrame(
        {"well_id": ["w1", "w2", "w3"], "depth_m": [10.5, 20.0, None]},
        geometry=[Point(106.595, 20.872), Point(106.615, 20.872), Point(106.6, 20.9)],
        crs="EPSG:4326",
    )
    write_shapefile(wells, data / "shapefiles" / "wells.shp")
    cells = [
        box(106.63 + i * 0.002, 20.87, 106.631 + i * 0.002, 20.871) for i in range(5)
    ]
    plots = gpd.GeoDataFrame(
        {"plot_id": [f"p{i}" for i in range(5)], "kind": ["a", "b", "a", "b", "c"]},
        geometry=cells,
        crs="EPSG:4326",
    )
    write_shapefile(plots, data / "shapefiles" / "plots.shp")


def build_extra_store(root: Path) -> tuple[Path, Path]:
    """Build the tiny data set with those changes under ``root``: (data dir, store)."""
    data = make_dataset(root)
    add_layers(data)
    store = root / "build" / "parkmap.gpkg"
    build(data, store, progress=lambda _msg: None)
    return data, store
