"""Tiny data sets built in code: a data directory with three layers near Hai Phong."""

from __future__ import annotations

import csv
import hashlib
import textwrap
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from geo.errors import GeoError
from layers.build import build
from layers.errors import BuildFailed
from tests.support.periods import write_periods

PARK_SPEC = """
name = "parks"
geometry = "Polygon"
id = "park_id"
source = "shapefiles/parks.shp"
[title]
vi = "Khu công nghiệp"
en = "Parks"
[[join]]
file = "attributes/parks.csv"
key = "park_id"
[fields]
park_id = { type = "str", required = true }
name_vi = { type = "str", required = true }
status = { type = "str", required = true, allowed = ["established", "planned"] }
total_ha = { type = "float" }
occupancy_pct = { type = "float" }
eco = { type = "bool" }
[derive]
distances_to = "landmarks"
[derive.occupancy]
children = "parcels"
key = "park_id"
"""

PARCEL_SPEC = """
name = "parcels"
geometry = "Polygon"
id = "parcel_id"
source = "shapefiles/parcels.shp"
[fields]
parcel_id = { type = "str", required = true }
park_id = { type = "str", required = true }
status = { type = "str", required = true, allowed = ["leased", "available", "reserved", "clearance"] }
[derive]
distances_to = "landmarks"
[parent]
layer = "parks"
key = "park_id"
tolerance_m = 5.0
check_overlaps = true
"""

LANDMARK_SPEC = """
name = "landmarks"
geometry = "Point"
id = "landmark_id"
source = "shapefiles/landmarks.shp"
[fields]
landmark_id = { type = "str", required = true, column = "landmark_i" }
name_vi = { type = "str" }
"""

# Two parks side by side near An Dương, 0.01° ≈ 1.04 km wide.
PARK_A = box(106.59, 20.87, 106.60, 20.88)
PARK_B = box(106.61, 20.87, 106.62, 20.88)


def write_shapefile(gdf: gpd.GeoDataFrame, path: Path, encoding: str = "UTF-8") -> Path:
    """Write ``gdf`` as a shapefile with a .cpg naming ``encoding``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    gdf.to_file(path, driver="ESRI Shapefile", engine="pyogrio", encoding=encoding)
    return path


def write_csv(path: Path, rows: list[dict[str, object]]) -> Path:
    """Write rows as a UTF-8 CSV with a header."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def parcels_frame() -> gpd.GeoDataFrame:
    """Four parcels filling PARK_A in quarters (two leased → 50 %), two in PARK_B."""
    cells = [
        ("a-1", "a", "leased", box(106.59, 20.87, 106.595, 20.875)),
        ("a-2", "a", "leased", box(106.595, 20.87, 106.60, 20.875)),
        ("a-3", "a", "available", box(106.59, 20.875, 106.595, 20.88)),
        ("a-4", "a", "reserved", box(106.595, 20.875, 106.60, 20.88)),
        ("b-1", "b", "leased", box(106.61, 20.87, 106.62, 20.875)),
        ("b-2", "b", "available", box(106.61, 20.875, 106.62, 20.88)),
    ]
    return gpd.GeoDataFrame(
        {
            "parcel_id": [c[0] for c in cells],
            "park_id": [c[1] for c in cells],
            "status": [c[2] for c in cells],
        },
        geometry=[c[3] for c in cells],
        crs="EPSG:4326",
    )


def make_dataset(root: Path) -> Path:
    """Create a complete data directory under ``root`` and return it."""
    data = root / "data"
    specs = data / "layers"
    specs.mkdir(parents=True)
    for name, text in (
        ("parks", PARK_SPEC),
        ("parcels", PARCEL_SPEC),
        ("landmarks", LANDMARK_SPEC),
    ):
        (specs / f"{name}.toml").write_text(textwrap.dedent(text), encoding="utf-8")
    parks = gpd.GeoDataFrame(
        {"park_id": ["a", "b"], "name_vi": ["KCN An Dương", "KCN Tràng Duệ"]},
        geometry=[PARK_A, PARK_B],
        crs="EPSG:4326",
    )
    write_shapefile(parks, data / "shapefiles" / "parks.shp")
    write_csv(
        data / "attributes" / "parks.csv",
        [
            {
                "park_id": "a",
                "status": "established",
                "total_ha": "120,5",
                "occupancy_pct": "50",
                "eco": "true",
            },
            {
                "park_id": "b",
                "status": "planned",
                "total_ha": "1.200",
                "occupancy_pct": "",
                "eco": "false",
            },
        ],
    )
    write_shapefile(parcels_frame(), data / "shapefiles" / "parcels.shp")
    landmarks = gpd.GeoDataFrame(
        {
            "landmark_i": ["port", "airport"],
            "name_vi": ["Cảng Hải Phòng", "Sân bay Cát Bi"],
        },
        geometry=[Point(106.690, 20.868), Point(106.725, 20.819)],
        crs="EPSG:4326",
    )
    write_shapefile(landmarks, data / "shapefiles" / "landmarks.shp")
    write_periods(data)
    return data


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fails_with(data_dir: Path, store: Path, *needles: str) -> str:
    """Build must fail, mention every needle, and not touch the store."""
    before = digest(store)
    with pytest.raises((BuildFailed, GeoError)) as info:
        build(data_dir, store, progress=lambda _m: None)
    message = str(info.value)
    for needle in needles:
        assert needle in message, message
    assert digest(store) == before
    assert not list(store.parent.glob("*.tmp*")), "temporary file left behind"
    return message


FACT_SPEC = """
[[join]]
file = "attributes/facts.csv"
key = "park_id"

[vocabularies]
vsic = "vocabularies/vsic.csv"
"""
FACT_FIELDS = """
industries_accepted = { type = "str", multiple = true, vocabulary = "vsic" }
industries_excluded = { type = "str", multiple = true, vocabulary = "vsic", disjoint = "industries_accepted" }
power_mva = { type = "float", min = 0 }
lease_end_year = { type = "int", min = 1990, max = 2100 }
rent_min_usd = { type = "float", min = 0 }
rent_max_usd = { type = "float", min = 0, not_below = "rent_min_usd" }
handover = { type = "str", allowed = ["serviced", "raw"] }
telecoms = { type = "str", multiple = true, allowed = ["fibre", "4g", "5g"] }
office_name = { type = "str" }
"""
VSIC = {"13": "division 13", "26": "division 26", "27": "division 27"}
GOOD = {
    "a": {
        "industries_accepted": "26, 27;26",
        "industries_excluded": "13",
        "power_mva": "63",
        "lease_end_year": "2058",
        "rent_min_usd": "95",
        "rent_max_usd": "125",
        "handover": "serviced",
        "telecoms": "fibre,5g",
        "office_name": "Investment office A",
    },
    "b": {
        "industries_accepted": "",
        "industries_excluded": "",
        "power_mva": "",
        "lease_end_year": "",
        "rent_min_usd": "100",
        "rent_max_usd": "100",
        "handover": "raw",
        "telecoms": "",
        "office_name": "",
    },
}


def with_facts(
    data_dir: Path, vsic: dict[str, str] | None = None, **changes: dict[str, str]
) -> Path:
    """Give the tiny parks layer fact fields (issue 19), a VSIC table and facts.csv.

    Args:
        data_dir: a data directory from ``make_dataset``.
        vsic: code → English name of the VSIC table (default three divisions).
        changes: park id → the columns of its facts.csv row to change.
    """
    spec = data_dir / "layers" / "parks.toml"
    text = spec.read_text(encoding="utf-8")
    text = text.replace("[fields]\n", FACT_SPEC + "\n[fields]\n" + FACT_FIELDS, 1)
    spec.write_text(text, encoding="utf-8")
    write_csv(
        data_dir / "vocabularies" / "vsic.csv",
        [
            {"code": c, "name_vi": f"ngành {c}", "name_en": name}
            for c, name in (vsic or VSIC).items()
        ],
    )
    rows = [{"park_id": p, **GOOD[p], **changes.get(p, {})} for p in ("a", "b")]
    write_csv(data_dir / "attributes" / "facts.csv", rows)
    return data_dir
