"""Running a land search for a request and shaping what the pages show.

The vocabulary (statuses, parks, zones, landmarks) is read once per store build.
``feature_collection`` joins the store's pre-rendered Feature texts into the
``/land/search.json`` answer without parsing them; ``result_rows`` parses the page's
features for the server-rendered list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import request

from layers.land.query import (
    KM_PREFIX,
    MIN_PREFIX,
    LandQuery,
    LandResult,
    LandVocabulary,
    land_vocabulary,
    parse_land_query,
)
from layers.store import Store
from layers.store.base import MAX_LIMIT
from webmap.core.cache import memo
from webmap.core.i18n import number
from webmap.core.labels import value_label
from webmap.core.lookups import Lookups
from webmap.land.labels import target_label

# The distances the form and the list show, in order (the four).
DISPLAY_TARGETS = ("lach_huyen_port", "haiphong_port", "cat_bi_airport", "junction")
PAGE_PARAMS = ("lang",)


def vocabulary(store: Store) -> LandVocabulary:
    """What a land query may name in ``store``, read once per build."""
    return memo(store, ("land-vocabulary",), lambda: land_vocabulary(store))


def parse_request(store: Store) -> LandQuery:
    """This request's land query (``lang`` belongs to the page).

    Raises:
        InvalidQuery: a bad parameter, named.
    """
    return parse_land_query(request.args, vocabulary(store), ignore=PAGE_PARAMS)


@dataclass(frozen=True, slots=True)
class Target:
    """A distance the page shows: ``km_<target>`` and the fields it reads.

    ``drive_key`` (``min_<target>``) and ``drive_fields`` are the drive time's,
    when the parcels carry one to that target (else empty).
    """

    key: str
    label: str
    fields: tuple[str, ...]
    drive_key: str = ""
    drive_fields: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """For the script's configuration."""
        return {
            "key": self.key,
            "label": self.label,
            "fields": list(self.fields),
            "driveKey": self.drive_key,
            "driveFields": list(self.drive_fields),
        }


def targets(vocab: LandVocabulary, lookups: Lookups, query: LandQuery) -> list[Target]:
    """The issue's four distances that exist, then any other the query uses."""
    names = lookups.names.get("landmarks", {})
    wanted = [t for t in DISPLAY_TARGETS if vocab.distance_fields(t)]
    extra = [d.target for d in query.within]
    if query.sort.startswith(KM_PREFIX):
        extra.append(query.sort[len(KM_PREFIX) :])
    extra += _drive_targets(vocab, query)
    wanted += [t for t in dict.fromkeys(extra) if t not in wanted]
    return [
        Target(
            KM_PREFIX + t,
            target_label(t, names),
            vocab.distance_fields(t) or (),
            MIN_PREFIX + t,
            vocab.drive_fields(t) or (),
        )
        for t in wanted
    ]


def _drive_targets(vocab: LandVocabulary, query: LandQuery) -> list[str]:
    """The targets a query's drive-time conditions and sort name (``min_<t>``)."""
    extra = [d.target for d in query.drive_within]
    if query.sort.startswith(MIN_PREFIX) and vocab.drive_fields(
        query.sort[len(MIN_PREFIX) :]
    ):
        extra.append(query.sort[len(MIN_PREFIX) :])
    return extra


def feature_collection(
    result: LandResult, query: LandQuery, extra: dict[str, Any] | None = None
) -> str:
    """The search.json answer: a GeoJSON FeatureCollection with the figures.

    Args:
        result: the store's answer.
        query: the normalised query (echoed as ``query`` and ``params``).
        extra: more top-level members (exports add a note).
    """
    head = {
        "type": "FeatureCollection",
        "numberMatched": result.number_matched,
        "numberReturned": len(result.features),
        "totalHa": result.total_ha,
        "query": query.to_dict(),
        "params": query.params(),
        **(extra or {}),
    }
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))
    return text[:-1] + ',"features":[' + ",".join(result.features) + "]}"


@dataclass(frozen=True, slots=True)
class Row:
    """One parcel of the list, as display text (escaped by the template)."""

    id: str
    park: str
    status: str
    area: str
    price: str
    block: str
    km: tuple[str, ...]
    minutes: tuple[str | None, ...] = ()  # per target; None: no drive times to it


def _km(props: dict[str, Any], fields: tuple[str, ...]) -> float | None:
    values = [props.get(f) for f in fields]
    return None if any(v is None for v in values) else min(values)


def _text(value: float | None, digits: int) -> str:
    return "–" if value is None else number(value, digits)


def result_rows(result: LandResult, shown: list[Target], lookups: Lookups) -> list[Row]:
    """The page's parcels as list rows, in the result's order."""
    rows = []
    for text in result.features:
        feature = json.loads(text)
        props = feature["properties"]
        rows.append(
            Row(
                id=str(feature["id"]),
                park=lookups.name("parks", str(props.get("park_id") or "")),
                status=value_label(str(props.get("status") or "")),
                area=_text(props.get("area_ha"), 2),
                price=_text(props.get("price_usd"), 1),
                block=_text(props.get("block_ha"), 2),
                km=tuple(_text(_km(props, t.fields), 1) for t in shown),
                minutes=tuple(
                    _text(_km(props, t.drive_fields), 0) if t.drive_fields else None
                    for t in shown
                ),
            )
        )
    return rows


def park_names(store: Store, lang: str) -> dict[str, str]:
    """Park id → display name in ``lang``, for every park the search may name."""
    names = Lookups.cached(store, lang).names.get("parks", {})
    return {p: names.get(p, p) for p in vocabulary(store).parks}


def park_zones(store: Store) -> dict[str, str | None]:
    """Park id → its economic zone's id, read once per build."""

    def load() -> dict[str, str | None]:
        if "parks" not in {info.name for info in store.layers()}:
            return {}
        page = store.query("parks", limit=MAX_LIMIT)
        return {f.id: f.properties.get("zone_id") for f in page.features}

    return memo(store, ("land-park-zones",), load)
