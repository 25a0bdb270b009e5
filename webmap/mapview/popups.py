"""Popup and tooltip HTML for a feature, in the request's language, escaped.

Folium (and Leaflet) insert popup and tooltip HTML as it is, so every value that
comes from the data goes through ``markupsafe.escape`` here, and only the HTML built
here reaches the browser. A park named ``<script>…`` shows as text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.routing import BuildError

from layers.periods.rules import Period
from layers.store import LayerInfo
from webmap.core.i18n import as_of, display_name, number
from webmap.core.labels import FIELD_LABELS, value_label
from webmap.core.lookups import Lookups, format_value
from webmap.vr.overlay import view_in_360_url
from webmap.vr.scenes import scene_list

# The fields each known layer shows, in order; other layers show all their fields.
POPUP_FIELDS: dict[str, tuple[str, ...]] = {
    "zones": ("status", "reported_ha", "area_ha", "target_year"),
    "parks": (
        "status",
        "phase",
        "zone_id",
        "total_ha",
        "occupancy_pct",
        "occupancy_computed_pct",
        "leased_ha",
        "free_ha",
        "developer",
        "clearance_bottleneck",
        "eco_candidate",
    ),
    "parcels": ("park_id", "status", "area_ha", "clr_stage", "price_usd"),
    "berths": ("number", "status", "status_note"),
    "housing": (
        "kind",
        "status",
        "capacity",
        "area_ha",
        "location",
        "park_id",
        "progress",
    ),
    "landmarks": ("kind",),
}
HIDDEN = {"name_vi", "name_en", "name", "source", "occupancy_source", "fid_stable"}


def field_label(name: str) -> str:
    """The label of a field in the request's language (the name if unknown)."""
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else name


def _rows(info: LayerInfo, props: Mapping[str, Any], lookups: Lookups) -> Markup:
    names = POPUP_FIELDS.get(info.name) or tuple(
        f.name for f in info.fields if f.display
    )
    rows = []
    for name in names:
        if name in HIDDEN or name == info.id_field or name.startswith("dist_"):
            continue
        text = format_value(name, props.get(name), lookups)
        if text is not None:
            rows.append(
                Markup("<tr><th>{}</th><td>{}</td></tr>").format(
                    field_label(name), text
                )
            )
    return Markup("").join(rows)


NEAREST = {"port": _l("Nearest seaport"), "airport": _l("Nearest airport")}


def _distances(props: Mapping[str, Any], lookups: Lookups) -> Markup:
    """The nearest seaport and airport, then every landmark in a fold."""
    found = []
    for key, value in props.items():
        if key.startswith("dist_") and key.endswith("_km") and value is not None:
            landmark = key[len("dist_") : -len("_km")]
            found.append((float(value), landmark))
    if not found:
        return Markup("")
    found.sort()
    nearest = []
    for kind, label in NEAREST.items():
        km, landmark = next(
            ((k, i) for k, i in found if lookups.kinds.get(i) == kind), (None, None)
        )
        if landmark is not None:
            nearest.append(
                Markup("<tr><th>{}</th><td>{} · {} km</td></tr>").format(
                    str(label), lookups.name("landmarks", landmark), number(km, 1)
                )
            )
    rows = Markup("").join(
        Markup("<tr><th>{}</th><td>{} km</td></tr>").format(
            lookups.name("landmarks", landmark), number(km, 1)
        )
        for km, landmark in found
    )
    return Markup(
        '<table class="pm-near">{}</table><details class="pm-dist"><summary>{}'
        "</summary><table>{}</table></details>"
    ).format(Markup("").join(nearest), gettext("All distances (straight line)"), rows)


def _source(props: Mapping[str, Any], period: Period | None = None) -> Markup:
    if period is not None:  # the figures are the period's, not the layer's
        title = period.title
        if period.illustrative:
            title += f" ({value_label('illustrative')})"
        return Markup('<p class="pm-source">{}: {}</p>').format(
            gettext("Source"), title
        )
    source = props.get("occupancy_source") or props.get("source")
    if not source:
        return Markup("")
    return Markup('<p class="pm-source">{}: {}</p>').format(
        gettext("Source"), value_label(str(source))
    )


def _vr_link(info: LayerInfo, feature_id: str, lang: str) -> Markup:
    """'View in 360°' for a parcel when there are scenes to view it from."""
    if info.name != "parcels" or not scene_list(lang):
        return Markup("")
    return Markup('<p class="pm-vr-link"><a href="{}">{}</a></p>').format(
        view_in_360_url(feature_id, lang), gettext("View in 360°")
    )


# The investor pages of a parcel or a park (webmap/views/parcels.py), if installed,
# and their site reports (PDF).
DETAIL_PAGES = {
    "parcels": ("investor.parcel_page", "parcel_id", _l("Parcel details and enquiry")),
    "parks": ("investor.park_page", "park_id", _l("Park details and free land")),
}
REPORTS = {"parcels": "investor.parcel_report", "parks": "investor.park_report"}


def _page_link(info: LayerInfo, feature_id: str, lang: str) -> Markup:
    """Links to the feature's own page and its site report, for those that have one."""
    page = DETAIL_PAGES.get(info.name)
    if page is None:
        return Markup("")
    endpoint, key, label = page
    try:
        href = url_for(endpoint, **{key: feature_id}, lang=lang)
        report = url_for(REPORTS[info.name], **{key: feature_id}, lang=lang)
    except BuildError:
        return Markup("")
    return Markup(
        '<p class="pm-page-link"><a href="{}">{}</a></p>'
        '<p class="pm-report-link">'
        '<a href="{}" type="application/pdf" download>{}</a></p>'
    ).format(href, str(label), report, gettext("Site report (PDF)"))


def _period_line(
    info: LayerInfo, feature_id: str, props: Mapping[str, Any], period: Period | None
) -> Markup:
    """A park's occupancy as of the period (or "no figure"); nothing otherwise."""
    if info.name != "parks" or period is None or props.get("status") == "planned":
        return Markup("")
    value = park_occupancy(feature_id, props, period)
    text = gettext("no figure") if value is None else f"{number(value, 1)} %"
    return Markup(
        '<p class="pm-period-figure" data-period="{}">{}: <strong>{}</strong></p>'
    ).format(
        period.id,
        gettext("Occupancy as of %(date)s", date=as_of(period.end.isoformat())),
        text,
    )


def popup_html(
    info: LayerInfo,
    feature_id: str,
    props: Mapping[str, Any],
    lookups: Lookups,
    period: Period | None = None,
) -> Markup:
    """The popup of one feature: its name, joined figures, distances and source.

    Args:
        info: the feature's layer.
        feature_id: its id.
        props: its properties, as the store holds them (not trusted).
        lookups: names of parks, zones and landmarks, in the UI language.
        period: the reporting period the map shows; a park's occupancy is then
            that period's (the layer's reported figure is left out).

    Returns:
        HTML in which every value from the data is escaped.
    """
    title = display_name(dict(props), lookups.lang, feature_id)
    if period is not None and info.name == "parks":
        props = {k: v for k, v in props.items() if k != "occupancy_pct"}
    return Markup(
        '<div class="pm-popup" data-layer="{}" data-id="{}" data-status="{}">'
        '<p class="pm-popup-layer">{}</p><h3>{}</h3>{}<table>{}</table>{}{}{}{}</div>'
    ).format(
        info.name,
        feature_id,
        str(props.get("status") or ""),
        info.label(lookups.lang),
        title,
        _period_line(info, feature_id, props, period),
        _rows(info, props, lookups),
        _distances(props, lookups),
        _source(props, period if info.name == "parks" else None),
        _vr_link(info, feature_id, lookups.lang),
        _page_link(info, feature_id, lookups.lang),
    )


def tooltip_html(
    info: LayerInfo,
    feature_id: str,
    props: Mapping[str, Any],
    lang: str,
    period: Period | None = None,
) -> Markup:
    """The hover text of one feature: its name (and occupancy for parks)."""
    name = escape(display_name(dict(props), lang, feature_id))
    if info.name != "parks" or props.get("status") == "planned":
        return name
    occupancy = park_occupancy(feature_id, props, period)
    if occupancy is not None:
        return Markup("{} · {} %").format(name, number(occupancy, 1))
    if period is not None:
        return Markup("{} · {}").format(name, gettext("no figure"))
    return name


def park_occupancy(
    park_id: str, props: Mapping[str, Any], period: Period | None
) -> float | None:
    """A park's occupancy to show: the period's when one is shown, else the layer's.

    A period that gives no occupancy for the park leaves it without a figure: the
    layer's occupancy (reported as of the layer's source, or recomputed from today's
    parcels) describes another date, so it is not a fallback for a period.
    """
    if period is None:
        return occupancy_of(props)
    value = period.parks.get(park_id, {}).get("occupancy_pct")
    return float(value) if isinstance(value, int | float) else None


def occupancy_of(props: Mapping[str, Any]) -> float | None:
    """The occupancy to colour a park by: reported, else recomputed from parcels."""
    for key in ("occupancy_pct", "occupancy_computed_pct"):
        value = props.get(key)
        if isinstance(value, int | float) and not math.isnan(value):
            return float(value)
    return None
