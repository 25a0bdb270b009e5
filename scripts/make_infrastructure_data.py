"""Write the sample infrastructure layers around Hai Phong (deterministic).

Usage: ``python scripts/make_infrastructure_data.py [--out DIR]`` (default: data/).

Roads (expressways, national and ring roads with their interchanges), rail,
substations, water and wastewater plants and river ports, as shapefiles under
``DIR/shapefiles``. Every position and line is APPROXIMATE: drawn by hand from
rounded positions to follow the real main routes (Hà Nội – Hải Phòng expressway
CT.04, Tân Vũ – Lạch Huyện, the coastal expressway, QL5, QL10, QL353, ring road 3),
not surveyed; capacities and voltages are illustrative. The tables below are the
source of truth; the code only writes them.
"""

from __future__ import annotations

import argparse
import logging
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely.geometry import LineString, Point

logger = logging.getLogger("make_infrastructure_data")

MADE_UP = "illustrative"
OPTIONS = {
    "driver": "ESRI Shapefile",
    "engine": "pyogrio",
    "encoding": "UTF-8",
    "DBF_DATE_LAST_UPDATE": "2023-10-14",
}
# Shared vertices join roads: the junctions named here are where they meet.
AN_DUONG, DINH_VU, TAN_VU = (106.600, 20.860), (106.768, 20.838), (106.800, 20.835)
CENTRE, DUONG_KINH = (106.685, 20.860), (106.711, 20.782)
DO_SON, TIEN_LANG = (106.770, 20.720), (106.650, 20.670)
QL10_AN_DUONG, QL10_NORTH = (106.600, 20.880), (106.640, 20.905)
KIEN_AN, CAT_BI_ROAD, BINH = (106.620, 20.830), (106.720, 20.850), (106.690, 20.885)

# fmt: off
# road_id, name_vi, name_en, ref, class, speed km/h (0: from the class), vertices
ROADS: tuple[tuple[Any, ...], ...] = (
    ("ct04", "Cao tốc Hà Nội – Hải Phòng", "Ha Noi – Hai Phong expressway", "CT.04",
     "expressway", 100, [(106.400, 20.875), (106.500, 20.868), AN_DUONG,
                         (106.660, 20.842), (106.720, 20.835), DINH_VU]),
    ("tvlh", "Đường và cầu Tân Vũ – Lạch Huyện", "Tan Vu – Lach Huyen road and bridge",
     "TV-LH", "expressway", 80, [DINH_VU, TAN_VU, (106.850, 20.815), (106.890, 20.800),
                                 (106.912, 20.789)]),
    ("ct08", "Cao tốc ven biển", "Coastal expressway", "CT.08", "expressway", 0,
     [(106.500, 20.630), TIEN_LANG, (106.720, 20.690), DO_SON, (106.780, 20.770),
      (106.790, 20.810), TAN_VU]),
    ("ql5", "Quốc lộ 5", "National road 5", "QL5", "national", 0,
     [(106.400, 20.935), (106.500, 20.915), (106.580, 20.895), QL10_AN_DUONG,
      (106.630, 20.880), CENTRE, CAT_BI_ROAD, DINH_VU]),
    ("ql10", "Quốc lộ 10", "National road 10", "QL10", "national", 0,
     [(106.720, 21.000), (106.675, 20.948), QL10_NORTH, QL10_AN_DUONG, AN_DUONG,
      (106.575, 20.840), (106.560, 20.803), (106.575, 20.750), (106.589, 20.700),
      (106.494, 20.675)]),
    ("ql353", "Quốc lộ 353", "National road 353", "QL353", "national", 0,
     [CENTRE, (106.700, 20.820), DUONG_KINH, (106.740, 20.750), (106.761, 20.724),
      DO_SON]),
    ("vd3", "Đường vành đai 3", "Ring road 3", "VĐ3", "ring", 0,
     [AN_DUONG, KIEN_AN, (106.660, 20.800), DUONG_KINH, (106.750, 20.800), DINH_VU]),
    ("dt359", "Cầu Bính – đường Bạch Đằng (ĐT.359)", "Binh bridge – Bach Dang road",
     "ĐT.359", "provincial", 0, [CENTRE, BINH, (106.735, 20.905), (106.780, 20.930)]),
    ("tn_link", "Đường Thủy Nguyên – cầu Bính", "Thuy Nguyen link road", "",
     "street", 0, [BINH, (106.675, 20.948)]),
    ("catbi", "Đường vào sân bay Cát Bi", "Cat Bi airport road", "", "street", 0,
     [CAT_BI_ROAD, (106.725, 20.819)]),
    ("dinhvu", "Đường Đình Vũ", "Dinh Vu road", "", "street", 0,
     [DINH_VU, (106.794, 20.829), (106.818, 20.822)]),
    ("tl_link", "Đường Tiên Lãng – QL10", "Tien Lang link road", "ĐT.354", "provincial",
     0, [TIEN_LANG, (106.589, 20.700)]),
)
# interchange_id, name_vi, name_en, roads, lon, lat
INTERCHANGES = (
    ("ic_an_duong", "Nút giao An Dương (CT.04 – QL10)", "An Duong interchange",
     "CT.04, QL10, VĐ3", *AN_DUONG),
    ("ic_dinh_vu", "Nút giao Đình Vũ", "Dinh Vu interchange", "CT.04, QL5, TV-LH",
     *DINH_VU),
    ("ic_tan_vu", "Nút giao Tân Vũ", "Tan Vu interchange", "TV-LH, CT.08", *TAN_VU),
    ("ic_do_son", "Nút giao Đồ Sơn", "Do Son interchange", "CT.08, QL353", *DO_SON),
    ("ic_tien_lang", "Nút giao Tiên Lãng", "Tien Lang interchange", "CT.08, ĐT.354",
     *TIEN_LANG),
    ("ic_duong_kinh", "Nút giao Dương Kinh", "Duong Kinh interchange", "VĐ3, QL353",
     *DUONG_KINH),
)
# rail_id, name_vi, name_en, status, vertices
RAIL = (
    ("hn_hp", "Đường sắt Hà Nội – Hải Phòng", "Ha Noi – Hai Phong railway", "operating",
     [(106.400, 20.930), (106.500, 20.910), (106.600, 20.885), (106.686, 20.862)]),
    ("dinh_vu_branch", "Nhánh đường sắt Đình Vũ", "Dinh Vu branch line", "planned",
     [(106.686, 20.862), (106.720, 20.848), (106.770, 20.836), (106.800, 20.830)]),
)
# substation_id, name_vi, name_en, kv, mva, lon, lat
SUBSTATIONS = (
    ("ss_vat_cach", "Trạm biến áp 220 kV Vật Cách", "Vat Cach 220 kV substation",
     220, 500, 106.620, 20.885),
    ("ss_dong_hoa", "Trạm biến áp 220 kV Đồng Hòa", "Dong Hoa 220 kV substation",
     220, 500, 106.640, 20.825),
    ("ss_dinh_vu", "Trạm biến áp 220 kV Đình Vũ", "Dinh Vu 220 kV substation",
     220, 375, 106.780, 20.832),
    ("ss_thuy_nguyen", "Trạm biến áp 220 kV Thủy Nguyên",
     "Thuy Nguyen 220 kV substation", 220, 250, 106.690, 20.935),
    ("ss_trang_due", "Trạm biến áp 110 kV Tràng Duệ", "Trang Due 110 kV substation",
     110, 126, 106.560, 20.842),
    ("ss_do_son", "Trạm biến áp 110 kV Đồ Sơn", "Do Son 110 kV substation",
     110, 80, 106.752, 20.738),
    ("ss_cat_hai", "Trạm biến áp 110 kV Cát Hải", "Cat Hai 110 kV substation",
     110, 63, 106.875, 20.800),
)
# plant_id, name_vi, name_en, kind, m³/day, lon, lat
WATER = (
    ("w_an_duong", "Nhà máy nước An Dương", "An Duong water plant", "water", 200000,
     106.625, 20.872),
    ("w_vat_cach", "Nhà máy nước Vật Cách", "Vat Cach water plant", "water", 50000,
     106.612, 20.878),
    ("w_cau_nguyet", "Nhà máy nước Cầu Nguyệt", "Cau Nguyet water plant", "water",
     60000, 106.700, 20.945),
    ("w_cat_hai", "Nhà máy nước Cát Hải", "Cat Hai water plant", "water", 10000,
     106.880, 20.812),
    ("ww_dinh_vu", "Trạm xử lý nước thải KCN Đình Vũ", "Dinh Vu IP wastewater plant",
     "wastewater", 12000, 106.792, 20.818),
    ("ww_vsip", "Trạm xử lý nước thải VSIP Hải Phòng", "VSIP wastewater plant",
     "wastewater", 10000, 106.728, 20.905),
    ("ww_trang_due", "Trạm xử lý nước thải KCN Tràng Duệ",
     "Trang Due IP wastewater plant", "wastewater", 8000, 106.548, 20.845),
)
# port_id, name_vi, name_en, river, lon, lat
RIVER_PORTS = (
    ("rp_thuong_ly", "Cảng sông Thượng Lý", "Thuong Ly river port", "Cấm",
     106.660, 20.872),
    ("rp_cam", "Cảng sông Cửa Cấm", "Cua Cam river port", "Cấm", 106.705, 20.878),
    ("rp_kien", "Cảng sông Nam Cầu Kiền", "Nam Cau Kien river port", "Cấm",
     106.655, 20.918),
    ("rp_van_uc", "Cảng sông Văn Úc (Tiên Lãng)", "Van Uc river port (Tien Lang)",
     "Văn Úc", 106.640, 20.690),
)
# fmt: on


def nfc(text: str) -> str:
    """Text in Unicode NFC."""
    return unicodedata.normalize("NFC", text)


def frame(columns: Sequence[str], rows: Sequence[Sequence[Any]], geoms: list) -> Any:
    """A WGS84 GeoDataFrame of ``rows`` (text in NFC), every row illustrative."""
    data: dict[str, list[Any]] = {c: [] for c in columns}
    for row in rows:
        for column, value in zip(columns, row, strict=True):
            data[column].append(nfc(value) if isinstance(value, str) else value)
    data["source"] = [MADE_UP] * len(rows)
    return gpd.GeoDataFrame(data, geometry=geoms, crs="EPSG:4326")


def layers() -> dict[str, Any]:
    """Every infrastructure layer, by file name."""
    points = lambda rows: [Point(r[-2], r[-1]) for r in rows]  # noqa: E731
    road_cols = ("road_id", "name_vi", "name_en", "ref", "road_class", "speed_kmh")
    return {
        "roads": frame(
            road_cols, [r[:6] for r in ROADS], [LineString(r[6]) for r in ROADS]
        ),
        "interchanges": frame(
            ("ic_id", "name_vi", "name_en", "roads"),
            [r[:4] for r in INTERCHANGES],
            points(INTERCHANGES),
        ),
        "rail": frame(
            ("rail_id", "name_vi", "name_en", "status"),
            [r[:4] for r in RAIL],
            [LineString(r[4]) for r in RAIL],
        ),
        "substations": frame(
            ("sub_id", "name_vi", "name_en", "kv", "mva"),
            [r[:5] for r in SUBSTATIONS],
            points(SUBSTATIONS),
        ),
        "water_plants": frame(
            ("plant_id", "name_vi", "name_en", "kind", "m3_day"),
            [r[:5] for r in WATER],
            points(WATER),
        ),
        "river_ports": frame(
            ("port_id", "name_vi", "name_en", "river"),
            [r[:4] for r in RIVER_PORTS],
            points(RIVER_PORTS),
        ),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Write every layer under ``--out``/shapefiles."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[1] / "data"
    parser.add_argument("--out", type=Path, default=default, help="output folder")
    out = parser.parse_args(argv).out.resolve() / "shapefiles"
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    logging.getLogger("pyogrio").setLevel(logging.WARNING)
    out.mkdir(parents=True, exist_ok=True)
    for name, gdf in layers().items():
        gdf.to_file(out / f"{name}.shp", index=False, **OPTIONS)
        logger.info("wrote %-13s %3d features", name, len(gdf))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
