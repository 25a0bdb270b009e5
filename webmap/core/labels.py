"""Translatable labels of the layers' fields and coded values.

Values not listed here (text a GIS officer typed, fields of added layers) are shown
as they are.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FIELD_LABELS = {
    "status": _l("Status"),
    "phase": _l("Stage"),
    "zone_id": _l("Economic zone"),
    "park_id": _l("Industrial park"),
    "total_ha": _l("Total area"),
    "area_ha": _l("Area"),
    "reported_ha": _l("Reported area"),
    "target_year": _l("Target year"),
    "occupancy_pct": _l("Occupancy (reported)"),
    "occupancy_computed_pct": _l("Occupancy (from parcels)"),
    "parcel_ha": _l("Parcel area"),
    "leased_ha": _l("Leased land"),
    "free_ha": _l("Land available"),
    "developer": _l("Developer"),
    "clearance_bottleneck": _l("Site clearance is the bottleneck"),
    "eco_candidate": _l("Eco-industrial park candidate"),
    "clr_stage": _l("Site clearance stage"),
    "price_usd": _l("Asking rent"),
    "number": _l("Berth number"),
    "status_note": _l("Note"),
    "kind": _l("Type"),
    "capacity": _l("Capacity (people)"),
    "location": _l("Location"),
    "progress": _l("Progress"),
    # infrastructure layers and isochrones (issue 19)
    "road_class": _l("Road class"),
    "ref": _l("Road number"),
    "speed_kmh": _l("Speed (km/h)"),
    "kv": _l("Voltage (kV)"),
    "mva": _l("Capacity (MVA)"),
    "m3_day": _l("Capacity (m³/day)"),
    "river": _l("River"),
    "roads": _l("Roads"),
    "origin_id": _l("From"),
    "minutes": _l("Minutes by road"),
}

UNITS = {
    "total_ha": "ha",
    "area_ha": "ha",
    "reported_ha": "ha",
    "parcel_ha": "ha",
    "leased_ha": "ha",
    "free_ha": "ha",
    "occupancy_pct": "%",
    "occupancy_computed_pct": "%",
    "price_usd": "USD/m²",
}

VALUE_LABELS = {
    # parks
    "established": _l("established"),
    "planned": _l("planned"),
    "operating": _l("operating"),
    "clearance": _l("site clearance under way"),
    "infrastructure": _l("building infrastructure"),
    # parcels
    "leased": _l("leased"),
    "available": _l("available"),
    "reserved": _l("reserved"),
    "not_started": _l("not started"),
    "surveyed": _l("surveyed"),
    "plan_approved": _l("compensation plan approved"),
    "compensating": _l("compensating"),
    "cleared": _l("cleared"),
    "handed_over": _l("handed over"),
    # berths
    "under_construction": _l("under construction"),
    "approved": _l("approved, preparing construction"),
    "appraisal": _l("investment policy under appraisal"),
    # zones
    "existing": _l("existing"),
    "proposed": _l("proposed"),
    # housing
    "preparing": _l("investment being prepared"),
    "permitted": _l("permitted"),
    "in_use": _l("in use"),
    "worker": _l("worker housing"),
    "social": _l("social housing"),
    "dormitory": _l("dormitory"),
    "urban": _l("urban–service area"),
    # landmarks
    "port": _l("seaport"),
    "airport": _l("airport"),
    "city": _l("city centre"),
    "junction": _l("expressway junction"),
    # parks' facts (issue 19)
    "serviced": _l("serviced (roads and utilities to the plot)"),
    "raw": _l("raw land"),
    "fibre": _l("optical fibre"),
    "4g": "4G",
    "5g": "5G",
    # sources
    "HEZA report 10/2023": _l("HEZA report 10/2023"),
    "illustrative": _l("illustrative (made up for the demonstration)"),
    # road classes and water plants (issue 19)
    "expressway": _l("expressway"),
    "national": _l("national road"),
    "ring": _l("ring road"),
    "provincial": _l("provincial road"),
    "street": _l("city street"),
    "local": _l("local road"),
    "ramp": _l("interchange ramp"),
    "bridge": _l("bridge"),
    "ferry": _l("ferry"),
    "water": _l("water supply"),
    "wastewater": _l("wastewater treatment"),
}


def value_label(value: str) -> str:
    """A coded value's label in the request's language, or the value itself."""
    label = VALUE_LABELS.get(value)
    return str(label) if label is not None else value


def code_name(row: dict[str, str], lang: str, default: str, key: str = "name") -> str:
    """A code table's text in ``lang`` (``<key>_<lang>``), else English, else default.

    Args:
        row: the code's columns, from a layer's ``vocabularies``.
        lang: the request's language.
        default: what to show when the table has neither.
        key: the column family (``name``, ``rules``).
    """
    return row.get(f"{key}_{lang}") or row.get(f"{key}_en") or default
