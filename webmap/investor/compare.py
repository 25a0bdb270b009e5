"""Parcels side by side: which ids were asked for, and one row per attribute.

A row is marked when the parcels' values differ, as shown (so 5.0 ha and 5 ha
agree). Too many ids, unknown ids or none give a message instead of an error page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext

from layers.errors import FeatureNotFound, LayerNotFound
from layers.store import Feature, Store
from webmap.core.lookups import Lookups
from webmap.investor import labels
from webmap.investor.facts import compared_facts
from webmap.investor.parcel import PARCELS, PARKS

MAX_COMPARE = 4
MAX_ID_CHARS = 200


@dataclass(frozen=True, slots=True)
class CompareRow:
    """One attribute across the parcels."""

    name: str
    label: str
    values: list[str]
    differs: bool


@dataclass(slots=True)
class Comparison:
    """What the compare page shows, and the status it answers with."""

    ids: list[str]
    parcels: list[Feature] = field(default_factory=list)
    rows: list[CompareRow] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    message: str = ""
    status: int = 200


def parse_ids(text: str | None) -> list[str]:
    """The distinct non-empty ids of a comma-separated list, in order."""
    ids = [part.strip() for part in (text or "").split(",")]
    return list(dict.fromkeys(i for i in ids if i))


def _rows(store: Store, parcels: list[Feature], lookups: Lookups) -> list[CompareRow]:
    info = store.layer(PARCELS)
    out = []
    for f in info.fields:
        values = [
            labels.field_value(f.name, p.properties.get(f.name), lookups)
            for p in parcels
        ]
        out.append(
            CompareRow(
                name=f.name,
                label=labels.field_label(f.name, lookups),
                values=values,
                differs=len(set(values)) > 1,
            )
        )
    return out


def _find(store: Store, ids: list[str]) -> tuple[list[Feature], list[str]]:
    """The parcels found, in the order asked, and the ids that name none."""
    found, unknown = [], []
    for parcel_id in ids:
        try:
            if len(parcel_id) > MAX_ID_CHARS:
                raise FeatureNotFound(PARCELS, parcel_id)
            found.append(store.get(PARCELS, parcel_id))
        except FeatureNotFound:
            unknown.append(parcel_id)
    return found, unknown


def compare(store: Store, text: str | None, lang: str) -> Comparison:
    """The comparison ``?ids=`` asks for.

    Returns:
        The parcels and rows; with a message and status 200 when no id was
        given, 400 for more than ``MAX_COMPARE`` ids (nothing looked up), 404
        when some id names no parcel (the others are still compared).

    Raises:
        LayerNotFound: the store has no parcels layer.
    """
    store.layer(PARCELS)
    ids = parse_ids(text)
    result = Comparison(ids)
    if not ids:
        result.message = gettext(
            "No parcel to compare yet: add parcels to your shortlist from their pages."
        )
        return result
    if len(ids) > MAX_COMPARE:
        result.message = gettext(
            "Up to %(max)s parcels can be compared side by side; "
            "%(count)s were asked for.",
            max=MAX_COMPARE,
            count=len(ids),
        )
        result.status = 400
        return result
    result.parcels, result.unknown = _find(store, ids)
    if result.unknown:
        result.message = gettext(
            "No parcel has the id %(ids)s.",
            ids=", ".join(_short(i) for i in result.unknown),
        )
        result.status = 404
    if result.parcels:
        result.rows = _rows(store, result.parcels, Lookups.cached(store, lang))
        result.rows += park_fact_rows(store, result.parcels, lang)
    return result


def park_fact_rows(store: Store, parcels: list[Feature], lang: str) -> list[CompareRow]:
    """The facts of the parcels' parks side by side (issue 19).

    A parcel without a park the store knows shows ``—``; no rows when the parks
    layer has none of the facts.
    """
    try:
        info = store.layer(PARKS)
    except LayerNotFound:
        return []
    columns = []
    for parcel in parcels:
        try:
            park = store.get(PARKS, str(parcel.properties.get("park_id") or ""))
        except FeatureNotFound:
            columns.append({})
            continue
        columns.append({r.name: r for r in compared_facts(info, park.properties, lang)})
    names = list(dict.fromkeys(n for column in columns for n in column))
    rows = []
    for name in names:
        fact = next(c[name].label for c in columns if name in c)
        label = gettext("%(fact)s (the park)", fact=fact)
        values = [c[name].value if name in c else "—" for c in columns]
        rows.append(CompareRow(f"park.{name}", label, values, len(set(values)) > 1))
    return rows


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def without(ids: list[str], parcel_id: str) -> str:
    """``ids`` minus one, as the ``ids`` parameter."""
    return ",".join(i for i in ids if i != parcel_id)


def context(result: Comparison) -> dict[str, Any]:
    """The template's view of a comparison."""
    return {"comparison": result, "without": without}
