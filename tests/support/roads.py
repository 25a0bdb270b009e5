"""A data directory with a small hand-made road network, in UTM 48N metres.

Around (E0, N0) near Hai Phong; 60 km/h covers 1 km a minute, the connector
(6 km/h) 100 m a minute:

    D(0,3000) ——— class "fast" (90 km/h in the spec), 4 min ——— C(6000,3000)
      |                                                            |
    60 km/h, 3 min                                 class "street" (30 km/h), 6 min
      |                                                            |
    A(0,0) ——————————————— 60 km/h, 6 min ——————————————————— B(6000,0)
                                          E(20000,0) — F(21000,0): apart, 60 km/h

The landmark "port" stands at (1000, -200): 2 min of connector onto A–B, then
1 min to A or 5 min to B. Sites are 40 m squares around the points in ``SITES``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import geopandas as gpd
from shapely.geometry import LineString, Point, box

from tests.support.data_dirs import write_shapefile

E0, N0 = 670_000.0, 2_305_000.0
UTM = "EPSG:32648"

ROADS_SPEC = """
name = "roads"
geometry = "LineString"
id = "road_id"
source = "shapefiles/roads.shp"
[title]
en = "Roads"
[fields]
road_id = { type = "str", required = true }
road_class = { type = "str" }
speed_kmh = { type = "float" }
[network]
speed = "speed_kmh"
class = "road_class"
speeds = { fast = 90 }
connector_kmh = 6
max_connector_km = 1
[network.isochrones]
layer = "isochrones"
from = "landmarks"
minutes = [5, 9]
title = { en = "Drive-time areas" }
"""

SITES_SPEC = """
name = "sites"
geometry = "Polygon"
id = "site_id"
source = "shapefiles/sites.shp"
[fields]
site_id = { type = "str", required = true }
[derive]
distances_to = "landmarks"
drive_times = { to = "landmarks", roads = "roads" }
"""

LANDMARKS_SPEC = """
name = "landmarks"
geometry = "Point"
id = "landmark_id"
source = "shapefiles/landmarks.shp"
[fields]
landmark_id = { type = "str", required = true, column = "landmark_i" }
"""

# road_id, class, speed (0: from the class), vertices (metres from E0, N0)
ROADS = [
    ("ab", "", 60.0, [(0, 0), (6000, 0)]),
    ("bc", "street", 0.0, [(6000, 0), (6000, 3000)]),
    ("ad", "", 60.0, [(0, 0), (0, 3000)]),
    ("dc", "fast", 0.0, [(0, 3000), (6000, 3000)]),
    ("ef", "", 60.0, [(20000, 0), (21000, 0)]),
]
# site id → (centre in metres, expected minutes to "port", worked out by hand)
SITES = {
    # 2 connector + 5 to B + 3 up half of B–C (street, 30 km/h) + 1 connector
    "east": ((6100, 1500), 11.0),
    # 2 + (1 to A + 3 up A–D + 2 along half of D–C at 90 km/h) + 0.5
    "north": ((3000, 3050), 8.5),
    # on the port's own segment: 2 + 3 straight along A–B + 1
    "south": ((4000, -100), 6.0),
    # on the road apart from the rest: no way
    "island": ((20500, 100), None),
    # 1,500 m from the nearest road, beyond max_connector_km = 1: no way
    "middle": ((3000, 1500), None),
}


def at(x: float, y: float) -> tuple[float, float]:
    """Metres from the corner to UTM 48N coordinates."""
    return E0 + x, N0 + y


def write_roads(data: Path, rows: list[tuple] | None = None) -> None:
    """Write the roads shapefile (``rows`` like ``ROADS``)."""
    rows = ROADS if rows is None else rows
    roads = gpd.GeoDataFrame(
        {
            "road_id": [r[0] for r in rows],
            "road_class": [r[1] or None for r in rows],
            "speed_kmh": [r[2] for r in rows],
        },
        geometry=[LineString([at(*v) for v in r[3]]) for r in rows],
        crs=UTM,
    )
    write_shapefile(roads, data / "shapefiles" / "roads.shp")


def make_road_dataset(root: Path) -> Path:
    """A data directory with roads, one landmark and the sites; return it."""
    data = root / "data"
    (data / "layers").mkdir(parents=True)
    for name, text in (
        ("roads", ROADS_SPEC),
        ("sites", SITES_SPEC),
        ("landmarks", LANDMARKS_SPEC),
    ):
        spec = data / "layers" / f"{name}.toml"
        spec.write_text(textwrap.dedent(text), encoding="utf-8")
    write_roads(data)
    sites = gpd.GeoDataFrame(
        {"site_id": list(SITES)},
        geometry=[
            box(*at(x - 20, y - 20), *at(x + 20, y + 20))
            for (x, y), _ in SITES.values()
        ],
        crs=UTM,
    )
    write_shapefile(sites, data / "shapefiles" / "sites.shp")
    landmarks = gpd.GeoDataFrame(
        {"landmark_i": ["port"]}, geometry=[Point(at(1000, -200))], crs=UTM
    )
    write_shapefile(landmarks, data / "shapefiles" / "landmarks.shp")
    return data
