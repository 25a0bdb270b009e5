"""The periods' words on the site's pages, in the request's language (gettext).

The periodic report has its own two-language table (``labels``); the pages speak
the site's four languages, so their words go through the catalogue.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

# The figures a page charts over the periods, per park and for all parks.
TREND_FIELDS = ("occupancy_pct", "leased_ha", "fdi_capital_musd", "workers")

FIELD_LABELS: dict[str, Any] = {
    "occupancy_pct": _l("Occupancy"),
    "leased_ha": _l("Leased land"),
    "projects": _l("Projects"),
    "fdi_capital_musd": _l("Registered FDI capital"),
    "ddi_capital_bn_vnd": _l("Registered domestic capital"),
    "workers": _l("Workers"),
    "revenue_musd": _l("Revenue"),
    "exports_musd": _l("Exports"),
    # headline figures
    "fdi_new_projects": _l("New FDI projects"),
    "fdi_new_musd": _l("New FDI capital"),
    "fdi_total_musd": _l("FDI attracted in all"),
    "fdi_cumulative_musd": _l("Cumulative FDI capital"),
    "ddi_new_projects": _l("New domestic projects"),
    "ddi_total_bn_vnd": _l("Domestic investment attracted in all"),
    "ddi_cumulative_bn_vnd": _l("Cumulative domestic capital"),
    "workers_vietnamese": _l("Vietnamese workers"),
    "workers_foreign": _l("Foreign workers"),
    "income_m_vnd_month": _l("Average income"),
    "imports_musd": _l("Imports"),
    "state_budget_bn_vnd": _l("State budget paid"),
    "occupancy_avg_pct": _l("Average occupancy of all parks"),
}
HEADLINE_SHOWN = (
    "fdi_total_musd",
    "fdi_new_projects",
    "fdi_new_musd",
    "fdi_cumulative_musd",
    "ddi_total_bn_vnd",
    "ddi_new_projects",
    "ddi_cumulative_bn_vnd",
    "workers_vietnamese",
    "workers_foreign",
    "income_m_vnd_month",
    "revenue_musd",
    "exports_musd",
    "imports_musd",
    "state_budget_bn_vnd",
    "occupancy_avg_pct",
)
UNITS: dict[str, Any] = {
    "ha": _l("ha"),
    "projects": _l("projects"),
    "people": _l("people"),
    "M USD": _l("M USD"),
    "bn VND": _l("bn VND"),
    "M VND/month": _l("M VND/month"),
}
KINDS: dict[str, Any] = {
    "month": _l("month"),
    "quarter": _l("quarter"),
    "year": _l("year"),
}


def field_label(key: str) -> str:
    """A field's name on the page (the key if unknown)."""
    return str(FIELD_LABELS.get(key, key))


def unit_label(unit: str) -> str:
    """A unit on the page (as given if unknown)."""
    return str(UNITS.get(unit, unit))


def kind_label(kind: str) -> str:
    """A period's kind on the page."""
    return str(KINDS.get(kind, kind))
