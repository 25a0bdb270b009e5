"""Synthetic data sets of any size for the benchmarks.

``make_synthetic(out_dir, n_parcels)`` copies the sample data directory (specs,
shapefiles, tables) and replaces the parcels with about ``n_parcels`` grid cells cut
from the established parks, written in UTM 48N so the build reprojects them as it
would real cadastral files. Deterministic for a given ``n_parcels``.

Run ``python scripts/synthetic.py OUT_DIR N`` to make one by hand.
"""

from __future__ import annotations

import argparse
import logging
import math
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
logger = logging.getLogger("synthetic")
STATUSES = np.array(["leased", "available", "reserved", "clearance"])


def _cells(park: shapely.Geometry, cell_m: float) -> np.ndarray:
    """Grid cells of ``cell_m`` metres clipped to ``park`` (UTM), road gaps of 6 m.

    Cells under 24 m keep an eighth of their width on each side instead, so that a
    million parcels (cells of about 8 m) are not all road.
    """
    minx, miny, maxx, maxy = park.bounds
    xs = np.arange(minx, maxx, cell_m)
    ys = np.arange(miny, maxy, cell_m)
    gx, gy = np.meshgrid(xs, ys)
    gap = min(3.0, cell_m / 8)
    boxes = shapely.box(
        gx.ravel() + gap,
        gy.ravel() + gap,
        gx.ravel() + cell_m - gap,
        gy.ravel() + cell_m - gap,
    )
    clipped = shapely.intersection(boxes, park)
    keep = shapely.area(clipped) > 0.3 * cell_m * cell_m
    parts = clipped[keep]
    polys = np.array(
        [
            p if p.geom_type == "Polygon" else max(p.geoms, key=lambda g: g.area)
            for p in parts
            if p.geom_type in ("Polygon", "MultiPolygon")
        ],
        dtype=object,
    )
    return polys


def make_parcels(
    parks: gpd.GeoDataFrame, n_parcels: int, seed: int = 7
) -> gpd.GeoDataFrame:
    """About ``n_parcels`` parcels inside the established parks, in EPSG:32648."""
    parks = parks.to_crs("EPSG:32648")
    total_m2 = float(parks.area.sum())
    cell_m = math.sqrt(total_m2 / n_parcels) * 0.97
    rng = np.random.default_rng(seed)
    frames = []
    for park_id, geom in zip(parks["park_id"], parks.geometry, strict=True):
        cells = _cells(geom, cell_m)
        n = len(cells)
        if not n:
            continue
        status = STATUSES[rng.choice(4, size=n, p=[0.6, 0.25, 0.1, 0.05])]
        frames.append(
            gpd.GeoDataFrame(
                {
                    "parcel_id": [f"{park_id}-{i:06d}" for i in range(n)],
                    "park_id": park_id,
                    "status": status,
                    "clr_stage": np.where(status == "clearance", "surveyed", ""),
                    "price_usd": np.where(
                        status == "leased", np.nan, rng.uniform(60, 180, n).round(1)
                    ),
                    "source": "illustrative",
                },
                geometry=list(cells),
                crs="EPSG:32648",
            )
        )
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:32648")


def make_synthetic(out_dir: Path, n_parcels: int, source: Path = ROOT / "data") -> Path:
    """Copy ``source`` to ``out_dir`` with about ``n_parcels`` synthetic parcels.

    Returns:
        ``out_dir``, a data directory ready for ``layers.build.build``.
    """
    if out_dir.exists():
        shutil.rmtree(out_dir)
    shutil.copytree(
        source, out_dir, ignore=shutil.ignore_patterns("build", "rasters", "panoramas")
    )
    parks = gpd.read_file(out_dir / "shapefiles" / "parks.shp")
    table = pd.read_csv(
        out_dir / "attributes" / "parks.csv", dtype=str, keep_default_na=False
    )
    established = set(table.loc[table["status"] == "established", "park_id"])
    parcels = make_parcels(parks[parks["park_id"].isin(established)], n_parcels)
    for old in (out_dir / "shapefiles").glob("parcels.*"):
        old.unlink()
    parcels.to_file(
        out_dir / "shapefiles" / "parcels.shp", engine="pyogrio", encoding="UTF-8"
    )
    logger.info("wrote %d synthetic parcels to %s", len(parcels), out_dir)
    return out_dir


def main() -> None:
    """Command line: OUT_DIR N."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("n_parcels", type=int)
    args = parser.parse_args()
    make_synthetic(args.out_dir, args.n_parcels)


if __name__ == "__main__":
    main()
