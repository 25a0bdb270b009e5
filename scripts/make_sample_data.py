"""Write deterministic sample GIS data for the Hai Phong Economic Zone Authority.

Usage: ``python scripts/make_sample_data.py [--out DIR]`` (default: the repo's data/).

Figures come from the HEZA report of 10/2023 (shared/seed/FACTS.md). Every position,
outline, area (total_ha) and lease price is approximate and made up for the demo.
The tables below are the source of truth; the code only turns them into shapes.
"""

from __future__ import annotations

import argparse
import csv
import functools
import itertools
import logging
import math
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely import affinity
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box

logger = logging.getLogger("make_sample_data")


class Park(NamedTuple):
    """One industrial park: approximate centre, area (ha), shape and report facts."""

    park_id: str
    name_vi: str
    name_en: str
    lon: float
    lat: float
    ha: float
    angle: float  # long axis, degrees anticlockwise from east
    aspect: float  # length / width
    phase: str
    occupancy: float | None
    zone: str
    developer: str


# fmt: off
SEED = 20231014
REPORT, MADE_UP = "HEZA report 10/2023", "illustrative"
WGS84, UTM, VN2000 = "EPSG:4326", "EPSG:32648", "EPSG:3405"
DVCH, NHP = "dinh_vu_cat_hai", "nam_hai_phong"
ROAD_M = 2.5  # each parcel is shrunk by this much, leaving ~5 m internal roads
MIN_PART_M2 = 8000.0  # a leased or free part smaller than this is not drawn
LAYERS = ("zones", "parks", "parcels", "berths", "housing", "landmarks")
CSV_LAYERS = ("zones", "parks", "berths", "housing", "landmarks")
SHAPEFILE_OPTIONS = {"driver": "ESRI Shapefile", "engine": "pyogrio",
                     "encoding": "UTF-8", "DBF_DATE_LAST_UPDATE": "2023-10-14"}
ZONE_COLUMNS = ("zone_id", "name_en", "status", "reported_ha", "target_year", "source")
PARK_COLUMNS = ("park_id", "name_en", "zone_id", "status", "phase", "developer",
                "total_ha", "occupancy_pct", "occupancy_source", "eco_candidate",
                "clearance_bottleneck", "source")
PARCEL_COLUMNS = ("parcel_id", "park_id", "status", "clr_stage", "price_usd", "source",
                  "geometry")
BERTH_COLUMNS = ("berth_id", "name_en", "status", "status_note", "source")
HOUSING_COLUMNS = ("housing_id", "name_en", "kind", "location", "park_id", "capacity",
                   "area_ha", "status", "progress", "source")
LANDMARK_COLUMNS = ("landmark_id", "name_en", "kind", "source")
PARKS: tuple[Park, ...] = (  # centre lon, lat; total_ha; axis angle; length/width
    Park("nomura", "KCN Nhật Bản – Hải Phòng", "Japan – Hai Phong (Nomura) IP",
         106.601, 20.875, 153, 10, 1.4, "operating", 100.0, "",
         "Nomura–Hai Phong IZ Development"),
    Park("do_son", "KCN Đồ Sơn Hải Phòng", "Do Son Hai Phong IP",
         106.756, 20.733, 150, -30, 1.4, "operating", 96.3, "",
         "Do Son Hai Phong IZ Co., Ltd"),
    Park("trang_due", "KCN Tràng Duệ", "Trang Due IP", 106.553, 20.849, 687, 30, 1.5,
         "operating", 96.7, "", "Saigon–Hai Phong IP JSC"),
    Park("dinh_vu", "KCN Đình Vũ", "Dinh Vu IP", 106.789, 20.813, 1000, -23, 1.9,
         "operating", 96.3, DVCH, "Dinh Vu Industrial Zone JSC"),
    Park("mp_dinh_vu", "KCN MP Đình Vũ", "MP Dinh Vu IP", 106.8195, 20.8105, 100, -23,
         1.4, "operating", 99.7, DVCH, "MP Dinh Vu IP JSC"),
    Park("hang_hai", "KCN và DV Hàng Hải", "Maritime Industrial and Services Park",
         106.746, 20.833, 150, -23, 1.3, "operating", 100.0, DVCH,
         "Maritime IP and Services JSC"),
    Park("an_duong", "KCN An Dương", "An Duong IP", 106.573, 20.881, 200, -15, 1.5,
         "clearance", 89.2, "", "An Duong IP Development JSC"),
    Park("vsip", "KCN VSIP Hải Phòng", "VSIP Hai Phong IP", 106.735, 20.912, 1100, 80,
         1.3, "clearance", 76.6, "", "VSIP Hai Phong Co., Ltd"),
    Park("nam_cau_kien", "KCN Nam Cầu Kiền", "Nam Cau Kien IP", 106.646, 20.905, 260,
         60, 1.4, "clearance", 77.5, "", "Shinec JSC"),
    Park("tien_thanh", "KCN Tiên Thanh", "Tien Thanh IP", 106.603, 20.683, 400, 35,
         1.6, "clearance", 0.0, "", "Tien Thanh IP JSC"),
    Park("nam_dinh_vu_1", "KCN Nam Đình Vũ (Khu I)", "Nam Dinh Vu IP (Zone I)",
         106.8081, 20.7789, 1300, -23, 1.8, "infrastructure", 25.0, DVCH,
         "Sao Do Group"),
    Park("nam_dinh_vu_2", "KCN Nam Đình Vũ (Khu II)", "Nam Dinh Vu IP (Zone II)",
         106.773, 20.7971, 500, -23, 1.5, "infrastructure", 10.0, DVCH, "Sao Do Group"),
    Park("cang_cua_ngo", "KCN Cảng cửa ngõ quốc tế Hải Phòng",
         "Hai Phong International Gateway Port IP", 106.8964, 20.7873, 600, -55, 1.6,
         "infrastructure", 10.0, DVCH, "Deep C Industrial Zones"),
    Park("xuan_cau", "KCN và Khu phi thuế quan Xuân Cầu",
         "Xuan Cau IP and Non-tariff Zone", 106.868, 20.808, 300, 30, 1.3,
         "infrastructure", 8.2, DVCH, "Xuan Cau Holdings JSC"),
    Park("trang_due_3", "KCN Tràng Duệ 3", "Trang Due 3 IP", 106.527, 20.832, 350, 30,
         1.4, "planned", None, "", "Saigon–Hai Phong IP JSC"),
    Park("giang_bien_2", "KCN Giang Biên 2", "Giang Bien 2 IP", 106.490, 20.690, 250,
         20, 1.4, "planned", None, "", "Giang Bien IP Development JSC"),
    Park("nam_trang_cat", "KCN Nam Tràng Cát", "Nam Trang Cat IP", 106.745, 20.814,
         300, -23, 1.3, "planned", None, DVCH, "Nam Trang Cat IP JSC"),
    Park("thuy_nguyen", "KCN Thủy Nguyên", "Thuy Nguyen IP", 106.672, 20.932, 400, 20,
         1.5, "planned", None, "", "Thuy Nguyen IP Development JSC"),
)
REPORTED_OCCUPANCY = {"nomura", "do_son", "trang_due", "dinh_vu", "mp_dinh_vu",
                      "hang_hai", "an_duong", "vsip", "nam_cau_kien"}
ECO_CANDIDATES = {"dinh_vu", "nam_cau_kien"}  # their developers are named in the report
BOTTLENECK = {"an_duong", "vsip", "nam_cau_kien", "cang_cua_ngo", "tien_thanh"}
CLEARANCE_SHARE = {"tien_thanh": 1.0}  # share of free parcels under clearance, else 0.6
CLR_STAGES = ("not_started", "surveyed", "plan_approved", "compensating", "cleared")
ZONES = (  # zone_id, name_vi, name_en, status, reported_ha, target_year, source
    (DVCH, "Khu kinh tế Đình Vũ – Cát Hải", "Dinh Vu – Cat Hai Economic Zone",
     "existing", None, None, REPORT),
    (NHP, "Khu kinh tế Nam Hải Phòng", "South Hai Phong Economic Zone",
     "proposed", 20000, 2025, REPORT),
)
DVCH_EXTRA = ((106.875, 20.830), (106.905, 20.812))  # Cát Hải / Cái Tráp north shore
NAM_DO_SON_PORT = (106.798, 20.629)  # the rough outline below is scaled about it
NHP_OUTLINE = ((106.700, 20.700), (106.745, 20.705), (106.790, 20.672),
               (106.840, 20.640), (106.840, 20.605), (106.780, 20.600),
               (106.700, 20.620), (106.650, 20.640), (106.640, 20.665),
               (106.665, 20.690))
BERTH_78, BERTH_910, BERTH_M = (106.919, 20.778), (106.925, 20.770), 450.0
BERTH_STATUS = (  # last berth number of the group, status, status_note
    (2, "operating", "operating since 2018"),
    (6, "under_construction",
     "under construction since 2022; aim to operate from end of 2024"),
    (8, "approved", "investment policy and investor approved by the Prime Minister; "
     "preparing construction"),
    (12, "appraisal",
     "investment policy under appraisal by the Ministry of Planning and Investment"),
)
HOUSING = (  # housing_id, name_vi, name_en, kind, location, park_id, capacity,
    # area_ha, status, progress, lon, lat
    ("pegatron", "Nhà ở công nhân Pegatron Việt Nam", "Pegatron Vietnam worker housing",
     "worker", "Đông Hải 2 ward (Đình Vũ), Hải An district", "dinh_vu", 10000, None,
     "under_construction", "construction started 30/5/2023; to finish before "
     "31/10/2024", 106.741, 20.843),
    ("nos_dong_hai_2", "Nhà ở xã hội Đông Hải 2", "Dong Hai 2 social housing", "social",
     "Đông Hải 2 ward, Hải An district", "dinh_vu", 12000, None, "permitted",
     "investor selected; land, environment and building permits; construction to "
     "start Q1/2024", 106.736, 20.837),
    ("nos_trang_cat_1", "Nhà ở xã hội Tràng Cát (giai đoạn 1)",
     "Trang Cat social housing, phase 1", "social",
     "Tràng Cát ward, Hải An district (Đình Vũ – Cát Hải EZ)", "", 9500, None,
     "permitted", "investor selected; permits; construction to start in 2023",
     106.732, 20.823),
    ("nos_vsip", "Nhà ở xã hội VSIP Hải Phòng", "VSIP Hai Phong social housing",
     "social", "VSIP Hải Phòng, Thủy Nguyên district", "vsip", None, 16.05, "proposed",
     "proposed: 4.33 ha in 2023 and 11.72 ha in 2026–2030", 106.744, 20.890),
    ("regina_miracle", "Nhà ở công nhân Regina Miracle",
     "Regina Miracle worker housing", "worker",
     "near VSIP Hải Phòng, Thủy Nguyên district", "vsip", 15000, 12.5, "proposed",
     "proposed: 10–15 ha for about 15,000 workers", 106.712, 20.912),
    ("nos_an_duong", "Nhà ở xã hội An Dương", "An Duong social housing", "social",
     "An Dương town, Đông Thái and An Đông communes, An Dương district", "an_duong",
     12413, 56.0, "preparing", "investment policy being prepared", 106.588, 20.864),
    ("ktx_lg_display", "Ký túc xá LG Display", "LG Display dormitory", "dormitory",
     "Tràng Duệ IP, An Dương district", "trang_due", 10800, None, "in_use",
     "12 five-storey buildings; phases 1, 2 and part of 3 in use: 6 buildings "
     "(4 for workers), ~37,000 m² floor, 3,600 people", 106.553, 20.849),
    ("trang_due_urban", "Khu đô thị, dịch vụ và nhà ở công nhân Tràng Duệ",
     "Trang Due urban–service area and worker housing", "urban",
     "Lê Lợi commune, An Dương district", "trang_due", 12600, 42.08,
     "under_construction", "social housing part (3.14 ha, 4 towers up to 20 floors, "
     "~3,600 apartments) started 28/5/2023", 106.566, 20.833),
)
LANDMARKS = (  # landmark_id, name_vi, name_en, kind, lon, lat (positions illustrative)
    ("lach_huyen_port", "Cảng cửa ngõ quốc tế Lạch Huyện",
     "Lach Huyen international gateway port", "port", 106.912, 20.789),
    ("haiphong_port", "Cảng Hải Phòng (khu Hoàng Diệu)", "Hai Phong port (Hoang Dieu)",
     "port", 106.690, 20.868),
    ("cat_bi_airport", "Cảng hàng không quốc tế Cát Bi", "Cat Bi international airport",
     "airport", 106.725, 20.819),
    ("city_centre", "Trung tâm thành phố Hải Phòng", "Hai Phong city centre", "city",
     106.685, 20.860),
    ("jct_an_duong", "Nút giao An Dương (cao tốc Hà Nội – Hải Phòng)",
     "An Duong junction, Ha Noi – Hai Phong expressway", "junction", 106.600, 20.860),
    ("jct_dinh_vu", "Nút giao Đình Vũ (cao tốc Hà Nội – Hải Phòng)",
     "Dinh Vu end, Ha Noi – Hai Phong expressway", "junction", 106.768, 20.838),
    ("jct_do_son", "Nút giao Đồ Sơn (cao tốc ven biển)",
     "Do Son junction, coastal expressway", "junction", 106.770, 20.720),
    ("jct_tien_lang", "Nút giao Tiên Lãng (cao tốc ven biển)",
     "Tien Lang junction (Van Uc river), coastal expressway", "junction",
     106.650, 20.670),
)
# fmt: on


def nfc(text: str) -> str:
    """Return text in Unicode NFC."""
    return unicodedata.normalize("NFC", text)


@functools.cache
def _tr(src: str, dst: str) -> Transformer:
    """Return a cached lon/lat-ordered transformer."""
    return Transformer.from_crs(src, dst, always_xy=True)


def reproject(geom: Any, src: str, dst: str, decimals: int = 9) -> Any:
    """Reproject shapely geometries and round their coordinates."""
    out = shapely.transform(geom, _tr(src, dst).transform, interleaved=False)
    return shapely.transform(out, lambda xy: xy.round(decimals))


def park_outline(park: Park, rng: np.random.Generator) -> Polygon:
    """Return a convex, jittered octagon of exactly park.ha, in UTM metres."""
    hl, hw, cut = park.aspect / 2, 0.5, 0.18
    half = [(hl - cut, -hw), (hl, -hw + cut), (hl, hw - cut), (hl - cut, hw)]
    jitter = rng.uniform(-0.06, 0.06, (8, 2))
    pts = np.array(half + [(-x, -y) for x, y in half]) + jitter
    shape = affinity.rotate(MultiPoint(pts).convex_hull, park.angle, origin=(0, 0))
    scale = math.sqrt(park.ha * 1e4 / shape.area)
    shape = affinity.scale(shape, scale, scale, origin=(0, 0))
    return affinity.translate(shape, *_tr(WGS84, UTM).transform(park.lon, park.lat))


def slice_by_area(poly: Polygon, angle: float, fracs: Sequence[float]) -> list[Polygon]:
    """Cut a convex polygon across the angle axis into pieces of the given shares."""
    rot = affinity.rotate(poly, -angle, origin=poly.centroid)
    x0, y0, x1, y1 = rot.bounds
    cuts = [x0]
    for target in np.cumsum(fracs)[:-1] * rot.area:
        lo, hi = cuts[-1], x1
        for _ in range(45):  # bisection to well under a millimetre
            mid = (lo + hi) / 2
            below = rot.intersection(box(x0, y0, mid, y1)).area < target
            lo, hi = (mid, hi) if below else (lo, mid)
        cuts.append(lo)
    pieces = [box(a, y0, b, y1) for a, b in itertools.pairwise([*cuts, x1])]
    return [affinity.rotate(rot & p, angle, origin=poly.centroid) for p in pieces]


def lay_out(park: Park, outline: Polygon, share: float) -> list[tuple[Polygon, bool]]:
    """Cut a park at the leased share along its long axis, then grid each part."""
    total, count = outline.area, int(np.clip(round(park.ha / 20), 24, 56))
    share = 0.0 if share * total < MIN_PART_M2 else share
    share = 1.0 if (1 - share) * total < MIN_PART_M2 else share
    parts, parcels = [(outline, share == 1)], []
    if 0 < share < 1:
        leased_part, free_part = slice_by_area(outline, park.angle, [share, 1 - share])
        parts = [(leased_part, True), (free_part, False)]
    for part, leased in parts:
        x0, y0, x1, y1 = affinity.rotate(part, -park.angle, origin=part.centroid).bounds
        n = max(1, round(count * part.area / total))
        rows = max(1, round(math.sqrt(n * (y1 - y0) / (x1 - x0))))
        cols = max(1, round(n / rows))
        for row in slice_by_area(part, park.angle + 90, [1 / rows] * rows):
            for cell in slice_by_area(row, park.angle, [1 / cols] * cols):
                parcels.append((cell.buffer(-ROAD_M, join_style="mitre"), leased))
    return parcels


def park_parcels(park: Park, outline: Polygon) -> list[tuple[Polygon, bool]]:
    """Lay out parcels so that the leased share of their area matches occupancy."""
    target = (park.occupancy or 0.0) / 100
    share, best, best_err = target, [], math.inf
    for _ in range(4):  # road gaps shift the share a little: correct, keep the best
        parcels = lay_out(park, outline, share)
        areas = np.array([(p.area, p.area * leased) for p, leased in parcels]).sum(0)
        err = target - areas[1] / areas[0]
        if abs(err) < best_err:
            best, best_err = parcels, abs(err)
        share = float(np.clip(share + err, 0.0, 1.0))
    return best


def parcel_rows(park: Park, parcels: list, rng: np.random.Generator) -> list[tuple]:
    """Give each parcel an id, status, clearance stage and asking price."""
    rad = math.radians(park.angle)
    axis = np.array([math.cos(rad), math.sin(rad)])
    order = sorted(parcels, key=lambda p: (not p[1], axis @ p[0].centroid.coords[0]))
    pid, slow = park.park_id, park.park_id in BOTTLENECK  # leased first, free near→far
    n_free = sum(not leased for _, leased in order)
    n_clear = round(n_free * CLEARANCE_SHARE.get(pid, 0.6)) if slow else 0
    base, rows = rng.uniform(75, 150), []
    for i, (geom, leased) in enumerate(order, start=1):
        free = "reserved" if not leased and rng.random() < 0.2 else "available"
        status, stage = ("leased" if leased else free), ("handed_over" if slow else "")
        if (k := i - 1 - (len(order) - n_clear)) >= 0:  # the far ones: not yet cleared
            status, stage = "clearance", CLR_STAGES[-1 - k * len(CLR_STAGES) // n_clear]
        price = np.clip(base + rng.normal(0, 12), 60, 180)
        price = None if leased else round(float(price), 1)
        rows.append((f"{pid}-{i:03d}", pid, status, stage, price, MADE_UP, geom))
    return rows


def park_row(p: Park) -> tuple:
    """Return one parks.csv row, in PARK_COLUMNS order."""
    occ_source = REPORT if p.park_id in REPORTED_OCCUPANCY else MADE_UP
    occ_source = "" if p.occupancy is None else occ_source
    status = "planned" if p.phase == "planned" else "established"
    eco, slow = p.park_id in ECO_CANDIDATES, p.park_id in BOTTLENECK
    head = (p.park_id, p.name_en, p.zone, status, p.phase, p.developer, p.ha)
    return (*head, p.occupancy, occ_source, eco, slow, REPORT if eco else MADE_UP)


def layer(key: str, rows: Sequence[Sequence[Any]], geoms: Any, *extra: str) -> Any:
    """Build a WGS84 GeoDataFrame from rows of (id, name_vi, *extra values)."""
    cols = zip([key, "name_vi", *extra], zip(*rows, strict=False), strict=False)
    data = {c: [nfc(v) if isinstance(v, str) else v for v in vs] for c, vs in cols}
    return gpd.GeoDataFrame(data, geometry=list(geoms), crs=WGS84)


def build_parks(rng: np.random.Generator) -> tuple[Any, Any]:
    """Return the park outlines (WGS84) and their parcels (VN-2000 / UTM 48N)."""
    outlines = [reproject(park_outline(p, rng), UTM, WGS84, 7) for p in PARKS]
    rows = []
    for park, outline in zip(PARKS, outlines, strict=True):
        if park.occupancy is not None:
            layout = park_parcels(park, reproject(outline, WGS84, UTM))
            rows += parcel_rows(park, layout, rng)
    parcels = gpd.GeoDataFrame(rows, columns=PARCEL_COLUMNS, crs=UTM).to_crs(VN2000)
    parcels.geometry = reproject(parcels.geometry.values, VN2000, VN2000, 2)
    return layer("park_id", PARKS, outlines), parcels


def build_zones(parks: Any, berths: Any) -> Any:
    """Hull the Đình Vũ – Cát Hải members; scale Nam Hải Phòng to 20,000 ha."""
    members = parks[parks.park_id.isin([p.park_id for p in PARKS if p.zone == DVCH])]
    parts = [*members.geometry, *berths.geometry, MultiPoint(DVCH_EXTRA)]
    hull = reproject(shapely.unary_union(parts).convex_hull, WGS84, UTM)
    dvch = hull.buffer(700, quad_segs=2).simplify(50)
    nhp = reproject(Polygon(NHP_OUTLINE), WGS84, UTM)
    scale = math.sqrt(20000e4 / nhp.area)
    port = reproject(Point(NAM_DO_SON_PORT), WGS84, UTM)
    nhp = affinity.scale(nhp, scale, scale, origin=port)
    return layer("zone_id", ZONES, [reproject(g, UTM, WGS84, 7) for g in (dvch, nhp)])


def build_berths() -> tuple[Any, list[tuple]]:
    """Lay twelve 450 m quay segments along the Lạch Huyện NW→SE line."""
    p78, p910 = (np.array(_tr(WGS84, UTM).transform(*p)) for p in (BERTH_78, BERTH_910))
    step = BERTH_M * (p910 - p78) / np.linalg.norm(p910 - p78)  # berth 7|8 end at p78
    rows, csv_rows = [], []
    for n in range(1, 13):
        status, note = next((s, t) for last, s, t in BERTH_STATUS if n <= last)
        quay = LineString([p78 + step * (n - 8), p78 + step * (n - 7)])
        rows.append((f"lh-{n:02d}", f"Bến số {n} – cảng Lạch Huyện", n, quay))
        csv_rows.append((f"lh-{n:02d}", f"Lach Huyen berth {n}", status, note, REPORT))
    quays = reproject([r[3] for r in rows], UTM, WGS84, 7)
    return layer("berth_id", rows, quays, "number"), csv_rows


def csv_text(value: Any) -> str:
    """Format one CSV cell: empty for None, true/false, compact numbers, NFC text."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value).lower()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, "g")
    return nfc(str(value))


def write_all(tmp: Path) -> None:
    """Build every layer and write it under tmp/shapefiles and tmp/attributes."""
    parks, parcels = build_parks(np.random.default_rng(SEED))
    berths, berth_rows = build_berths()
    spots = {t: [Point(r[-2], r[-1]) for r in t] for t in (HOUSING, LANDMARKS)}
    shapes = {"zones": build_zones(parks, berths), "parks": parks, "parcels": parcels}
    shapes["berths"] = berths
    shapes["housing"] = layer("housing_id", HOUSING, spots[HOUSING])
    shapes["landmarks"] = layer("landmark_i", LANDMARKS, spots[LANDMARKS])  # 10 chars
    tables = {
        "zones": (ZONE_COLUMNS, [(z[0], *z[2:]) for z in ZONES]),
        "parks": (PARK_COLUMNS, [park_row(p) for p in PARKS]),
        "berths": (BERTH_COLUMNS, berth_rows),
        "housing": (HOUSING_COLUMNS, [(h[0], *h[2:10], REPORT) for h in HOUSING]),
        "landmarks": (LANDMARK_COLUMNS, [(m[0], *m[2:4], MADE_UP) for m in LANDMARKS]),
    }
    for sub in ("shapefiles", "attributes"):
        (tmp / sub).mkdir(exist_ok=True)
    for name, gdf in shapes.items():
        path = tmp / "shapefiles" / f"{name}.shp"
        gdf.to_file(path, index=False, **SHAPEFILE_OPTIONS)
        logger.info("wrote %-9s %3d features, %s", name, len(gdf), gdf.crs.to_string())
    for name, (columns, rows) in tables.items():
        path = tmp / "attributes" / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerows([columns, *([csv_text(v) for v in row] for row in rows)])
        logger.info("wrote %-9s %3d rows", f"{name}.csv", len(rows))


def _require(ok: Any, message: str) -> None:
    """Raise ValueError with message unless ok."""
    if not ok:
        raise ValueError(message)


def _overlaps(geoms: gpd.GeoSeries, ids: Sequence[str]) -> list[tuple[str, str]]:
    """Return id pairs whose shapes (in metres) overlap by 1 m² or more."""
    left, right = shapely.STRtree(geoms.values).query(geoms.values, "intersects")
    pairs = [(i, j) for i, j in zip(left, right, strict=True) if i < j]
    big = [geoms.iloc[i].intersection(geoms.iloc[j]).area >= 1 for i, j in pairs]
    return [(ids[i], ids[j]) for (i, j), b in zip(pairs, big, strict=True) if b]


def _verify_parks(shp: dict[str, Any], table: pd.DataFrame) -> None:
    """Check park outlines: overlaps, total_ha against area, zone membership."""
    parks = shp["parks"].merge(table, on="park_id", validate="1:1")
    utm = parks.geometry.to_crs(UTM)
    pairs = _overlaps(utm, list(parks.park_id))
    _require(not pairs, f"parks overlap: {pairs}")
    ratio = utm.area / 1e4 / parks.total_ha.astype(float)
    bad = parks.park_id[(ratio - 1).abs() > 0.02].tolist()
    _require(not bad, f"total_ha is off the polygon area by more than 2%: {bad}")
    zones = shp["zones"].set_index("zone_id").geometry
    _require(zones[DVCH].intersection(zones[NHP]).area == 0, "the two zones overlap")
    for zone_id, zone in zones.items():
        wrong = parks.park_id[parks.intersects(zone) != (parks.zone_id == zone_id)]
        _require(wrong.empty, f"zone_id disagrees with {zone_id}: {wrong.tolist()}")


def _verify_parcels(shp: dict[str, Any], table: pd.DataFrame) -> None:
    """Check parcels: CRS, counts, containment, overlaps, size, leased share."""
    _require(shp["parcels"].crs.to_epsg() == 3405, "parcels must be in EPSG:3405")
    parcels = shp["parcels"].to_crs(WGS84).to_crs(UTM)  # as the build will
    parks = shp["parks"].to_crs(UTM).set_index("park_id").geometry
    occupancy = table[table.status == "established"].set_index("park_id").occupancy_pct
    counts = parcels.park_id.value_counts()
    wanted = set(counts.index) == set(occupancy.index) and counts.min() >= 20
    _require(wanted, f"want >= 20 parcels in established parks only: {counts}")
    inside = shapely.within(parcels.geometry.values, parks[parcels.park_id].values)
    _require(inside.all(), f"outside: {parcels.parcel_id[~inside].tolist()}")
    pairs = _overlaps(parcels.geometry, list(parcels.parcel_id))
    _require(not pairs, f"parcels overlap: {pairs[:5]}")
    _require((parcels.area >= 5000).all(), "some parcels are under 0.5 ha")
    leased = parcels.area.where(parcels.status == "leased", 0.0)
    by_park = parcels.park_id
    share = 100 * leased.groupby(by_park).sum() / parcels.area.groupby(by_park).sum()
    gap = (share - occupancy.astype(float)).abs()
    _require((gap <= 0.5).all(), f"leased share is off occupancy: {gap[gap > 0.5]}")


def verify(out_dir: Path) -> None:
    """Re-read the written files and check counts, geometry and figures.

    Args:
        out_dir: folder holding shapefiles/ and attributes/.

    Raises:
        ValueError: when a check fails; the message says which.
    """
    shp = {n: gpd.read_file(out_dir / "shapefiles" / f"{n}.shp") for n in LAYERS}
    read = functools.partial(pd.read_csv, dtype=str, keep_default_na=False)
    tables = {n: read(out_dir / "attributes" / f"{n}.csv") for n in CSV_LAYERS}
    sizes = {n: len(g) for n, g in shp.items()}
    want = {"zones": 2, "parks": 18, "berths": 12, "housing": 8}
    counted = all(sizes[n] == k for n, k in want.items()) and sizes["landmarks"] >= 7
    _require(counted, f"unexpected feature counts: {sizes}")
    for name, gdf in shp.items():
        _require(gdf.is_valid.all(), f"invalid geometry in {name}")
    for name, table in tables.items():
        key = table.columns[0]
        _require(set(shp[name][key[:10]]) == set(table[key]), f"{name}: ids differ")
        _require(set(table.source) <= {REPORT, MADE_UP}, f"{name}: bad source")
        text = table.to_numpy().ravel()
        _require(all(nfc(v) == v for v in text), f"{name}: text is not NFC")
    _verify_parks(shp, tables["parks"])
    _verify_parcels(shp, tables["parks"])
    parks = shp["parks"].set_index("park_id").geometry
    homes = shp["housing"].merge(tables["housing"], on="housing_id")
    for home in homes.itertuples():
        hits = set(parks.index[parks.contains(home.geometry)])
        _require(hits <= {home.park_id}, f"{home.housing_id} lies inside {hits}")


def main(argv: Sequence[str] | None = None) -> int:
    """Write the data to a temporary folder, verify it, then move it into place."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[1] / "data"
    parser.add_argument("--out", type=Path, default=default, help="output folder")
    out = parser.parse_args(argv).out.resolve()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    logging.getLogger("pyogrio").setLevel(logging.WARNING)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".sample-data-", dir=out))
    try:
        write_all(tmp)
        verify(tmp)
        for path in sorted(tmp.glob("*/*")):
            (out / path.parent.name).mkdir(exist_ok=True)
            os.replace(path, out / path.parent.name / path.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    logger.info("verified; files are in %s", out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
