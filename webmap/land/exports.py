"""The current land search's matches as CSV, GeoJSON and KML files.

An export holds every match up to ``EXPORT_MAX`` (the store's page limit), in the
search's order; a larger result is cut there and says so (a GeoJSON member, a KML
description, an HTTP header for CSV, whose rows must stay plain data).

CSV is UTF-8 with a BOM (Excel then reads the accents), and text that a spreadsheet
would take for a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) gets a leading
apostrophe. KML is 2.2, built with ElementTree, so every name is escaped; its
coordinates are ``lon,lat``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from typing import Any
from xml.etree import ElementTree as ET

import shapely

from layers.land.query import LandResult
from layers.land.vocabulary import is_drive_field

KML_NS = "http://www.opengis.net/kml/2.2"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
BASE_COLUMNS = (
    "parcel_id", "park_id", "park", "zone_id", "status", "clr_stage", "area_ha",
    "price_usd", "block_id", "block_ha", "block_n",
)  # fmt: skip
STATUS_COLORS = {  # the parcels layer's style (data/layers/parcels.toml)
    "leased": "#7f8c8d",
    "available": "#27ae60",
    "reserved": "#f39c12",
    "clearance": "#c0392b",
}


def safe_cell(value: Any) -> Any:
    """A CSV cell: formula-like text gets an apostrophe, floats lose float noise.

    Seven decimals keep every stored value (coordinates have seven).
    """
    if isinstance(value, float):
        return round(value, 7)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _features(result: LandResult) -> list[dict[str, Any]]:
    return [json.loads(text) for text in result.features]


def csv_bytes(
    result: LandResult, parks: dict[str, str], zones: dict[str, str | None]
) -> bytes:
    """One row per parcel: ids, park, zone, figures, km, minutes by road, lon/lat.

    Args:
        result: the matches (as many as exported).
        parks: park id → display name.
        zones: park id → zone id.
    """
    features = _features(result)
    dist = sorted(  # km, then minutes by road (drive_<landmark>_min)
        {k for f in features for k in f["properties"] if k.startswith("dist_")}
    )
    dist += sorted({k for f in features for k in f["properties"] if is_drive_field(k)})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*BASE_COLUMNS, *dist, "lon", "lat"])
    points = _points(features)
    for feature, (lon, lat) in zip(features, points, strict=True):
        props = feature["properties"]
        park_id = props.get("park_id") or ""
        extra = {"park": parks.get(park_id, park_id), "zone_id": zones.get(park_id)}
        row = [extra[c] if c in extra else props.get(c) for c in BASE_COLUMNS]
        row += [props.get(c) for c in dist] + [round(lon, 7), round(lat, 7)]
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig", errors="replace")


def _points(features: list[dict[str, Any]]) -> list[tuple[float, float]]:
    """A point inside each feature (lon, lat)."""
    if not features:
        return []
    geoms = shapely.from_geojson([json.dumps(f["geometry"]) for f in features])
    pts = shapely.point_on_surface(geoms)
    return list(
        zip(shapely.get_x(pts).tolist(), shapely.get_y(pts).tolist(), strict=True)
    )


def xml_text(value: object) -> str:
    """Text with the characters XML 1.0 cannot hold removed (escaping is ET's)."""
    return NOT_XML.sub("", str(value))


def _kml_color(hex_rgb: str, alpha: str) -> str:
    """``#rrggbb`` → KML's ``aabbggrr``."""
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"{alpha}{b}{g}{r}"


def _styles(doc: ET.Element) -> None:
    for status, color in STATUS_COLORS.items():
        style = ET.SubElement(doc, "Style", id=f"status-{status}")
        line = ET.SubElement(style, "LineStyle")
        ET.SubElement(line, "color").text = _kml_color(color, "ff")
        ET.SubElement(line, "width").text = "1.5"
        poly = ET.SubElement(style, "PolyStyle")
        ET.SubElement(poly, "color").text = _kml_color(color, "99")


def _ring(parent: ET.Element, tag: str, ring: list[list[float]]) -> None:
    boundary = ET.SubElement(parent, tag)
    linear = ET.SubElement(boundary, "LinearRing")
    coords = ET.SubElement(linear, "coordinates")
    coords.text = " ".join(f"{pt[0]!r},{pt[1]!r}" for pt in ring)


def _polygon(parent: ET.Element, rings: list[list[list[float]]]) -> None:
    poly = ET.SubElement(parent, "Polygon")
    _ring(poly, "outerBoundaryIs", rings[0])
    for hole in rings[1:]:
        _ring(poly, "innerBoundaryIs", hole)


def _geometry(parent: ET.Element, geometry: dict[str, Any]) -> None:
    if geometry["type"] == "Polygon":
        _polygon(parent, geometry["coordinates"])
    elif geometry["type"] == "MultiPolygon":
        multi = ET.SubElement(parent, "MultiGeometry")
        for rings in geometry["coordinates"]:
            _polygon(multi, rings)


def _placemark(
    doc: ET.Element, feature: dict[str, Any], park: str, fields: Iterable[str]
) -> None:
    props = feature["properties"]
    mark = ET.SubElement(doc, "Placemark")
    ET.SubElement(mark, "name").text = xml_text(f"{feature['id']} – {park}")
    if props.get("status") in STATUS_COLORS:
        ET.SubElement(mark, "styleUrl").text = f"#status-{props['status']}"
    data = ET.SubElement(mark, "ExtendedData")
    for name in fields:
        value = props.get(name)
        if value is not None:
            item = ET.SubElement(data, "Data", name=name)
            ET.SubElement(item, "value").text = xml_text(value)
    _geometry(mark, feature["geometry"])


def kml_bytes(
    result: LandResult, parks: dict[str, str], title: str, note: str = ""
) -> bytes:
    """A KML 2.2 document: one styled Placemark per parcel, in the search's order.

    Args:
        result: the matches (as many as exported).
        parks: park id → display name.
        title: the document's name.
        note: the document's description (e.g. that the export was cut).
    """
    root = ET.Element("kml", xmlns=KML_NS)
    doc = ET.SubElement(root, "Document")
    ET.SubElement(doc, "name").text = xml_text(title)
    if note:
        ET.SubElement(doc, "description").text = xml_text(note)
    _styles(doc)
    for feature in _features(result):
        props = feature["properties"]
        park_id = props.get("park_id") or ""
        fields = [k for k in props if k != "source"]
        _placemark(doc, feature, parks.get(park_id, park_id), fields)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")
