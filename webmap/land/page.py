"""What the land finder's templates need: the form, the list, links, the script's setup.

The form shows what the URL asked for even when it is invalid (so the visitor can
correct it); the list shows the first page of a valid search. Everything is plain
text here: the templates escape it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import current_app, request, url_for
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from layers.land.minutes import is_drive_parameter
from layers.land.query import (
    DEFAULT_LIMIT,
    DEFAULT_STATUS,
    INTEGER,
    KM_PREFIX,
    PARAMETERS,
    LandQuery,
    LandResult,
    LandVocabulary,
    default_order,
)
from layers.land.query import MAX_LIMIT as MAX_PAGE
from layers.land.vocabulary import INDUSTRY_CODES, PARKS
from layers.store import Store
from layers.store.base import MAX_LIMIT
from webmap.core.basemap import base_map
from webmap.core.i18n import number
from webmap.core.labels import code_name, value_label
from webmap.core.lookups import Lookups
from webmap.land import labels
from webmap.land.search import (
    Row,
    Target,
    park_names,
    result_rows,
    targets,
    vocabulary,
)

PAGE_SIZES = (20, 50, 100, 200, 500)


@dataclass(frozen=True, slots=True)
class Option:
    """A checkbox or select option: value, label, whether chosen."""

    value: str
    label: str
    chosen: bool = False


@dataclass(slots=True)
class Results:
    """A valid search's first page as the list shows it."""

    rows: list[Row]
    summary: str
    showing: str
    prev_url: str | None = None
    next_url: str | None = None
    capped: str = ""
    targets: list[Target] = field(default_factory=list)


def _asked(name: str) -> list[str]:
    """The values the URL gives ``name`` (comma-separated or repeated)."""
    return [v.strip() for raw in request.args.getlist(name) for v in raw.split(",")]


def _options(known: tuple[str, ...], names: dict[str, str], asked: list[str]) -> list:
    return [Option(v, names.get(v, v), v in asked) for v in known]


def _limits(asked: str) -> list[Option]:
    """Page sizes to choose from (and the URL's own, if it is a valid other one)."""
    sizes = [str(n) for n in PAGE_SIZES]
    if asked not in sizes and _is_page_size(asked):
        sizes = sorted([*sizes, asked], key=int)
    return [Option(n, n, n == asked) for n in sizes]


def _is_page_size(text: str) -> bool:
    """Whether ``text`` is a page size the search takes: ASCII digits, ≤ MAX_PAGE.

    Not ``str.isdigit()``: it passes "²" and "٣", which ``int()`` refuses or
    reads, and the length is checked before ``int()`` meets 4,300 digits.
    """
    return (
        INTEGER.fullmatch(text) is not None
        and len(text.lstrip("0")) <= len(str(MAX_PAGE))
        and int(text) <= MAX_PAGE
    )


def form_context(store: Store, lang: str, shown: list[Target]) -> dict[str, Any]:
    """The form's fields, filled from the URL (valid or not)."""
    vocab = vocabulary(store)
    lookups = Lookups.cached(store, lang)
    statuses = _asked("status") or list(DEFAULT_STATUS)
    status_names = {s: value_label(s) for s in vocab.statuses}
    sort = request.args.get("sort") or "area"
    sorts = [Option("area", gettext("Area")), Option("price", gettext("Rent"))]
    sorts += [
        Option(t.key, gettext("Distance to %(target)s", target=t.label)) for t in shown
    ]
    sorts += _drive_sorts(shown)
    hidden = [
        (k, v)
        for k, v in request.args.items(multi=True)
        if k.startswith(KM_PREFIX) and k not in {t.key for t in shown}
    ]
    hidden += _hidden_drives(shown)
    return {
        "statuses": _options(vocab.statuses, status_names, statuses),
        "parks": _options(vocab.parks, park_names(store, lang), _asked("park")),
        "zones": _options(vocab.zones, lookups.names.get("zones", {}), _asked("zone")),
        "distances": [(t, request.args.get(t.key, "")) for t in shown],
        "drives": [
            (t, request.args.get(t.drive_key, "")) for t in shown if t.drive_fields
        ],
        "value": lambda name: request.args.get(name, ""),
        "ready": request.args.get("ready", "").lower() in ("1", "true", "yes", "on"),
        "sorts": [Option(o.value, o.label, o.value == sort) for o in sorts],
        "order": request.args.get("order") or default_order(sort),
        "hidden": hidden,
        "limits": _limits(request.args.get("limit") or str(DEFAULT_LIMIT)),
        "has_price": "price_usd" in vocab.fields,
        "has_blocks": "block_ha" in vocab.fields,
        "labels": {k: str(v) for k, v in labels.PARAM_LABELS.items()},
        "park_facts": park_fact_form(store, lang, vocab),
    }


def park_fact_form(store: Store, lang: str, vocab: LandVocabulary) -> dict[str, Any]:
    """The form's conditions on the park (issue 19), those the parks allow."""
    names: dict[str, dict[str, str]] = {}
    if vocab.industries:
        names = store.layer(PARKS).vocabularies.get(INDUSTRY_CODES, {})
    industries = {c: f"{c} {code_name(names.get(c, {}), lang, c)}" for c in names}
    handovers = {h: value_label(h) for h in vocab.handovers}
    has = vocab.park_fields
    return {
        "industries": _options(vocab.industries, industries, _asked("industry")),
        "handovers": _options(vocab.handovers, handovers, _asked("handover")),
        "power": "power_mva" in has,
        "water": "water_m3_day" in has,
        "lease": "lease_end_year" in has,
    }


def _drive_sorts(shown: list[Target]) -> list[Option]:
    """Sort by the drive time to each shown target the parcels carry one to."""
    return [
        Option(t.drive_key, gettext("Drive time to %(target)s", target=t.label))
        for t in shown
        if t.drive_fields
    ]


def _hidden_drives(shown: list[Target]) -> list[tuple[str, str]]:
    """``min_<target>`` conditions the form has no field for, kept as they are."""
    fields = {t.drive_key for t in shown if t.drive_fields}
    return [
        (k, v)
        for k, v in request.args.items(multi=True)
        if is_drive_parameter(k, PARAMETERS) and k not in fields
    ]


def page_url(query: LandQuery, lang: str, **changes: Any) -> str:
    """The /land URL of ``query`` (with ``changes`` such as another offset)."""
    params = dict(query.params())
    params.update({k: str(v) for k, v in changes.items()})
    params = {k: v for k, v in params.items() if not (k == "offset" and v == "0")}
    return url_for("land.page") + "?" + urlencode({"lang": lang, **params}, safe=",")


def export_urls(query: LandQuery, lang: str) -> dict[str, str]:
    """The export links of ``query``: every match, no page."""
    qs = urlencode([*query.params(page=False), ("lang", lang)], safe=",")
    return {
        fmt: url_for("land.export", fmt=fmt) + "?" + qs
        for fmt in ("csv", "geojson", "kml")
    }


def results_context(
    store: Store, lang: str, query: LandQuery, result: LandResult, shown: list[Target]
) -> Results:
    """The first page's rows, the figures and the pager's links."""
    lookups = Lookups.cached(store, lang)
    first, last = query.offset + 1, query.offset + len(result.features)
    out = Results(
        rows=result_rows(result, shown, lookups),
        summary=gettext(
            "%(count)s parcels, %(ha)s ha in all",
            count=number(result.number_matched, 0),
            ha=number(result.total_ha, 1),
        ),
        showing=gettext("Showing %(first)s–%(last)s", first=first, last=last)
        if result.features
        else "",
        targets=shown,
    )
    if query.offset > 0:
        out.prev_url = page_url(query, lang, offset=max(0, query.offset - query.limit))
    if last < result.number_matched and query.limit:
        out.next_url = page_url(query, lang, offset=last)
    if result.number_matched > MAX_LIMIT:
        out.capped = gettext(
            "Exports hold the first %(max)s parcels only.", max=number(MAX_LIMIT, 0)
        )
    return out


def parcel_url(lang: str) -> str | None:
    """The parcel page's URL with ``__ID__`` for the id, if ``/parcels/<id>`` exists."""
    path = "/parcels/__ID__"
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return None
    return request.script_root + path + "?" + urlencode({"lang": lang})


def client_config(
    store: Store, lang: str, vocab: LandVocabulary, shown: list[Target]
) -> dict[str, Any]:
    """What ``land.js`` needs: URLs, words, names, the base map."""
    return {
        "lang": lang,
        "searchUrl": url_for("land.search_json"),
        "pageUrl": url_for("land.page"),
        "exportUrls": {
            fmt: url_for("land.export", fmt=fmt) for fmt in ("csv", "geojson", "kml")
        },
        "parcelUrl": parcel_url(lang),
        "parks": park_names(store, lang),
        "statuses": {s: value_label(s) for s in vocab.statuses},
        "targets": [t.to_dict() for t in shown],
        "exportMax": MAX_LIMIT,
        "base": base_map(),  # PARKMAP_DEFAULT_BASEMAP; None: no base map
        "texts": labels.client_texts(),
    }


def shown_targets(store: Store, lang: str, query: LandQuery | None) -> list[Target]:
    """The distances the form and the list show."""
    return targets(vocabulary(store), Lookups.cached(store, lang), query or LandQuery())
