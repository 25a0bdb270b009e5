"""The periods' words on the admins' pages, in the request's language (gettext).

The periodic report (``labels``) is written in Vietnamese or English only; the
admins' pages speak all four of the site's languages, so their field, kind and
status names go through the translations.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

FIELD_NAMES = {
    # per park
    "occupancy_pct": _l("Occupancy (reported)"),
    "leased_ha": _l("Leased land"),
    "projects": _l("Projects"),
    "fdi_capital_musd": _l("Registered FDI capital"),
    "ddi_capital_bn_vnd": _l("Registered DDI capital"),
    "workers": _l("Workers"),
    "revenue_musd": _l("Revenue"),
    "exports_musd": _l("Exports"),
    # headline
    "fdi_new_projects": _l("FDI: new projects"),
    "fdi_new_musd": _l("FDI: new capital"),
    "fdi_added_projects": _l("FDI: projects adding capital"),
    "fdi_added_musd": _l("FDI: capital added"),
    "fdi_total_musd": _l("FDI: total capital"),
    "fdi_plan_musd": _l("FDI: the year's plan"),
    "fdi_cumulative_projects": _l("FDI: projects, cumulative"),
    "fdi_cumulative_musd": _l("FDI: capital, cumulative"),
    "ddi_new_projects": _l("DDI: new projects"),
    "ddi_new_bn_vnd": _l("DDI: new capital"),
    "ddi_added_projects": _l("DDI: projects adding capital"),
    "ddi_added_bn_vnd": _l("DDI: capital added"),
    "ddi_total_bn_vnd": _l("DDI: total capital"),
    "ddi_plan_bn_vnd": _l("DDI: the year's plan"),
    "ddi_cumulative_projects": _l("DDI: projects, cumulative"),
    "ddi_cumulative_bn_vnd": _l("DDI: capital, cumulative"),
    "workers_vietnamese": _l("Vietnamese workers"),
    "workers_foreign": _l("Foreign workers"),
    "income_m_vnd_month": _l("Average income"),
    "imports_musd": _l("Imports"),
    "state_budget_bn_vnd": _l("State budget paid"),
    "occupancy_avg_pct": _l("Average occupancy"),
    # the period itself
    "end": _l("Figures as of"),
    "kind": _l("Kind of period"),
    "title": _l("Title"),
    "illustrative": _l("Illustrative figures"),
}

UNIT_NAMES = {
    "%": "%",
    "ha": "ha",
    "projects": _l("projects"),
    "people": _l("people"),
    "M USD": _l("million USD"),
    "bn VND": _l("billion VND"),
    "M VND/month": _l("million VND a month"),
}

KIND_NAMES = {"month": _l("month"), "quarter": _l("quarter"), "year": _l("year")}
STATUS_NAMES = {"draft": _l("draft"), "published": _l("published")}


def _named(table: Mapping[str, Any], key: str) -> str:
    """``key``'s name from ``table`` in the request's language, or ``key``."""
    name = table.get(key)
    return str(name) if name is not None else key


def field_name(key: str) -> str:
    """A field's name in the request's language (the key if unknown)."""
    return _named(FIELD_NAMES, key)


def unit_name(unit: str) -> str:
    """A unit's name in the request's language."""
    return _named(UNIT_NAMES, unit)


def kind_name(kind: str) -> str:
    """``month``, ``quarter`` or ``year`` in the request's language."""
    return _named(KIND_NAMES, kind)


def status_name(status: str) -> str:
    """``draft`` or ``published`` in the request's language."""
    return _named(STATUS_NAMES, status)
