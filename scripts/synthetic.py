"""Synthetic data sets of any size for the benchmarks.

``make_synthetic(out_dir, n_parcels)`` copies the sample data directory (specs,
shapefiles, tables) and replaces the parcels with about ``n_parcels`` grid cells,
written in UTM 48N so the build reprojects them as it would real cadastral files.
Deterministic for a given ``n_parcels`` and layout. Two layouts:

- ``hai_phong`` (the default): every cell inside Hai Phong's established parks
  (8,200 ha), so cells shrink as ``n_parcels`` grows: 100,000 parcels are cadastral
  plots of about 800 m², a million are 8 m squares, 30,000 to a z14 tile — a stress
  case, not land anyone allocates.
- ``national``: what an authority with a million parcels holds — economic zones
  across a country. The parks are repeated as sites 50 km × 40 km apart (site 0 is
  Hai Phong itself), each park of each site cut into cells of its own size (median
  100 m, 40 m to 250 m: parcels of 0.1 ha to 6 ha, most under 1 ha, the smallest
  parks' cells the most numerous), until ``n_parcels`` are made. Parcel ids
  carry the site (``<park>-s012-000345``); park ids stay the original's so the
  parks' figures still join.

Run ``python scripts/synthetic.py OUT_DIR N [--layout national]`` by hand.
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
import shapely.affinity

ROOT = Path(__file__).resolve().parents[1]
logger = logging.getLogger("synthetic")
STATUSES = np.array(["leased", "available", "reserved", "clearance"])
LAYOUTS = ("hai_phong", "national")
SITE_PITCH_M = (50_000.0, 40_000.0)  # between repeated sites; the parks span 45 × 30 km
SITE_COLUMNS = 10
CELL_MEDIAN_M, CELL_SIGMA, CELL_RANGE_M = 100.0, 0.5, (40.0, 250.0)


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


def _park_frame(
    park_id: str, cells: np.ndarray, rng: np.random.Generator, id_prefix: str
) -> gpd.GeoDataFrame:
    """The parcels of one park's cells, with random status and rent."""
    n = len(cells)
    status = STATUSES[rng.choice(4, size=n, p=[0.6, 0.25, 0.1, 0.05])]
    return gpd.GeoDataFrame(
        {
            "parcel_id": [f"{id_prefix}-{i:06d}" for i in range(n)],
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


def make_parcels(
    parks: gpd.GeoDataFrame, n_parcels: int, seed: int = 7
) -> gpd.GeoDataFrame:
    """About ``n_parcels`` parcels inside the established parks, in EPSG:32648."""
    parks = parks.to_crs("EPSG:32648")
    total_m2 = float(parks.area.sum())
    cell_m = math.sqrt(total_m2 / n_parcels) * 0.97
    rng = np.random.default_rng(seed)
    frames = [
        _park_frame(park_id, cells, rng, park_id)
        for park_id, geom in zip(parks["park_id"], parks.geometry, strict=True)
        if len(cells := _cells(geom, cell_m))
    ]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:32648")


def site_offset(site: int) -> tuple[float, float]:
    """Where site ``site`` goes, in metres east and north of Hai Phong (site 0: 0, 0).

    Rows of ``SITE_COLUMNS`` sites run south from Hai Phong's latitude, each row
    reaching further west than east of it so the sites stay within UTM zone 48.
    """
    dx, dy = SITE_PITCH_M
    first = SITE_COLUMNS * 6 // 10
    row, col = divmod(site, SITE_COLUMNS)
    col = (col + first) % SITE_COLUMNS
    return (col - first) * dx, -row * dy


def make_national_parcels(
    parks: gpd.GeoDataFrame, n_parcels: int, seed: int = 7
) -> gpd.GeoDataFrame:
    """Exactly ``n_parcels`` parcels of industrial size at repeated sites (EPSG:32648).

    Each park of each site gets its own cell size, drawn log-normally around
    ``CELL_MEDIAN_M``; sites are added until the count is reached and the last
    site's parcels are cut off there.
    """
    parks = parks.to_crs("EPSG:32648")
    rng = np.random.default_rng(seed)
    frames: list[gpd.GeoDataFrame] = []
    made = site = 0
    while made < n_parcels:
        dx, dy = site_offset(site)
        for park_id, geom in zip(parks["park_id"], parks.geometry, strict=True):
            size = float(
                np.clip(
                    rng.lognormal(math.log(CELL_MEDIAN_M), CELL_SIGMA), *CELL_RANGE_M
                )
            )
            cells = _cells(shapely.affinity.translate(geom, dx, dy), size)
            cells = cells[: n_parcels - made]
            if not len(cells):
                continue
            frames.append(_park_frame(park_id, cells, rng, f"{park_id}-s{site:03d}"))
            made += len(cells)
            if made >= n_parcels:
                break
        logger.info("site %d: %d of %d parcels", site, made, n_parcels)
        site += 1
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:32648")


def make_synthetic(
    out_dir: Path,
    n_parcels: int,
    source: Path = ROOT / "data",
    layout: str = "hai_phong",
) -> Path:
    """Copy ``source`` to ``out_dir`` with about ``n_parcels`` synthetic parcels.

    ``layout`` is one of ``LAYOUTS`` (see the module's docstring).

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
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    make = make_national_parcels if layout == "national" else make_parcels
    parcels = make(parks[parks["park_id"].isin(established)], n_parcels)
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
    parser.add_argument("--layout", choices=LAYOUTS, default="hai_phong")
    args = parser.parse_args()
    make_synthetic(args.out_dir, args.n_parcels, layout=args.layout)


if __name__ == "__main__":
    main()
