"""The land finder's words: parameter labels, error messages, the script's texts.

Every function answers in the request's language (Flask-Babel); nothing here is
HTML, so templates and ``textContent`` escape it.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from layers.errors import InvalidQuery
from layers.land.query import KM_PREFIX, MIN_PREFIX, PARAMETERS
from webmap.core.labels import value_label

PARAM_LABELS = {
    "status": _l("Status"),
    "min_ha": _l("Area from (ha)"),
    "max_ha": _l("Area up to (ha)"),
    "park": _l("Industrial park"),
    "zone": _l("Economic zone"),
    "min_price": _l("Rent from (USD/m²)"),
    "max_price": _l("Rent up to (USD/m²)"),
    "ready": _l("Cleared and ready only"),
    "min_block_ha": _l("Contiguous land of at least (ha)"),
    "sort": _l("Sort by"),
    "order": _l("Order"),
    "limit": _l("Results per page"),
    "offset": _l("First result"),
    # conditions on the park (issue 19)
    "industry": _l("Industry the park accepts"),
    "min_power_mva": _l("Power available, at least (MVA)"),
    "min_water_m3_day": _l("Water supply, at least (m³/day)"),
    "handover": _l("Land handed over"),
    "min_lease_end": _l("Lease ends in or after (year)"),
}
KIND_LABELS = {
    "port": _l("nearest seaport"),
    "airport": _l("nearest airport"),
    "city": _l("city centre"),
    "junction": _l("nearest expressway junction"),
}
REASONS = {
    "number": _l("not a number: %(value)s"),
    "negative": _l("must not be negative"),
    "range": _l("the lower bound is above the upper bound"),
    "unknown": _l("unknown value: %(value)s"),
    "unknown_parameter": _l("unknown search parameter"),
    "integer": _l("not a whole number: %(value)s"),
    "too_large": _l("too large"),
    "too_long": _l("too long"),
    "flag": _l("expected 1 or 0"),
    "order": _l("expected asc or desc"),
    "unavailable": _l("not available for these data"),
}


def target_label(target: str, names: dict[str, str]) -> str:
    """A distance target's label: the landmark's name, or "nearest <kind>".

    Args:
        target: a landmark id or kind (``km_<target>``).
        names: landmark id → display name.
    """
    if target in names:
        return names[target]
    label = KIND_LABELS.get(target)
    return str(label) if label is not None else value_label(target)


def param_label(name: str, names: dict[str, str]) -> str:
    """A parameter's label (``km_<target>``: "Within … km of <target>")."""
    if name.startswith(KM_PREFIX):
        target = target_label(name[len(KM_PREFIX) :], names)
        return gettext("Distance to %(target)s (km)", target=target)
    if name.startswith(MIN_PREFIX) and name not in PARAMETERS:
        target = target_label(name[len(MIN_PREFIX) :], names)
        return gettext("Drive time to %(target)s (min)", target=target)
    label = PARAM_LABELS.get(name)
    return str(label) if label is not None else name


def error_message(exc: InvalidQuery, names: dict[str, str]) -> str:
    """What went wrong, for the page: "<parameter label>: <problem>"."""
    reason = REASONS.get(exc.reason)
    problem = str(reason) % {"value": exc.value} if reason is not None else str(exc)
    return gettext(
        "%(parameter)s: %(problem)s",
        parameter=param_label(exc.parameter, names),
        problem=problem,
    )


def client_texts() -> dict[str, str]:
    """The words ``land.js`` shows (plain text; ``%(…)s`` filled in by the script)."""
    return {
        "loading": gettext("Searching…"),
        "failed": gettext("The search could not be run. Try again."),
        "none": gettext("No parcel matches this search."),
        "summary": gettext("%(count)s parcels, %(ha)s ha in all"),
        "showing": gettext("Showing %(first)s–%(last)s"),
        "range": gettext("%(parameter)s: the lower bound is above the upper bound"),
        "invalid": gettext("%(parameter)s: not a number ≥ 0"),
        "open": gettext("Find land"),
        "close": gettext("Close"),
        "capped": gettext("Exports hold the first %(max)s parcels only."),
        "zoomIn": gettext("Zoom in"),
        "zoomOut": gettext("Zoom out"),
        "ha": gettext("ha"),
        "km": gettext("km"),
        "min": gettext("min"),
        "usd": gettext("USD/m²"),
    }
