"""A land search's query, as the routes' declarations list it.

``layers/landsearch.py`` parses it; the store's vocabulary names what a search may
ask for (statuses, parks, zones, distance targets), so those are enums here.
"""

from __future__ import annotations

from typing import Any

from layers.land.parkfacts import FIELDS, MAX_YEAR
from layers.land.query import (
    FALSE,
    KM_PREFIX,
    MAX_LIMIT,
    MAX_OFFSET,
    MIN_PREFIX,
    SORTS,
    TRUE,
)
from layers.land.vocabulary import LandVocabulary
from webmap.core.openapi import LANG, Param, choice, query

AMOUNT = {"type": "number", "minimum": 0}


def _listed(values: tuple[str, ...]) -> dict[str, Any]:
    """Several values, comma-separated (or the parameter repeated)."""
    return {"type": "array", "items": choice(values)}


def _has(vocab: LandVocabulary | None, field: str) -> bool:
    """Whether the parcels carry ``field`` (optional filters need theirs)."""
    return vocab is None or not vocab.fields or field in vocab.fields


def land_params(facts: Any) -> tuple[Param, ...]:
    """A land search's parameters; ``facts.vocabulary`` names the store's values."""
    vocab: LandVocabulary | None = facts.vocabulary
    v = vocab or LandVocabulary(statuses=(), parks=())
    sorts = [s for s in SORTS if s != "price" or _has(vocab, "price_usd")]
    params = [
        LANG,
        query("status", "Parcel statuses (default available).", _listed(v.statuses)),
        query("min_ha", "Smallest parcel area, ha.", AMOUNT),
        query("max_ha", "Largest parcel area, ha.", AMOUNT),
        query("park", "Park ids.", _listed(v.parks)),
        query("zone", "Economic-zone ids.", _listed(v.zones)),
        *(
            query(f"{KM_PREFIX}{t}", f"At most this many km from {t}.", AMOUNT)
            for t in v.targets()
        ),
        *(
            query(
                f"{MIN_PREFIX}{t}",
                f"At most this many minutes by road from {t}.",
                AMOUNT,
            )
            for t in v.drive_targets()
        ),
        query("ready", "1: cleared and ready.", choice((*TRUE, *FALSE))),
        query(
            "sort",
            "Sort key.",
            choice(
                [
                    *sorts,
                    *(KM_PREFIX + t for t in v.targets()),
                    *(MIN_PREFIX + t for t in v.drive_targets()),
                ]
            ),
        ),
        query("order", "asc or desc.", choice(("asc", "desc"))),
        query(
            "limit",
            "Page size.",
            {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT},
        ),
        query(
            "offset",
            "Matches to skip.",
            {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
        ),
    ]
    if _has(vocab, "price_usd"):
        params += [
            query("min_price", "Lowest rent, USD/m².", AMOUNT),
            query("max_price", "Highest rent, USD/m².", AMOUNT),
        ]
    if _has(vocab, "block_ha"):
        params.append(query("min_block_ha", "Smallest free block, ha.", AMOUNT))
    params += park_fact_params(vocab)
    return tuple(params)


def _park_has(vocab: LandVocabulary | None, field: str) -> bool:
    """Whether the parks carry ``field`` (the park-fact conditions need theirs)."""
    return vocab is None or not vocab.park_fields or field in vocab.park_fields


def park_fact_params(vocab: LandVocabulary | None) -> list[Param]:
    """The conditions on the parcel's park (issue 19), those the parks allow."""
    v = vocab or LandVocabulary(statuses=(), parks=())
    params = [
        query(
            "industry",
            "VSIC 2018 divisions the park accepts (all of them).",
            _listed(v.industries),
        ),
        query("min_power_mva", "The park's power available, at least (MVA).", AMOUNT),
        query("min_water_m3_day", "The park's water, at least (m³/day).", AMOUNT),
        query("handover", "The park's land handed over.", _listed(v.handovers)),
        query(
            "min_lease_end",
            "The park's lease ends in this year or later.",
            {"type": "integer", "minimum": 0, "maximum": MAX_YEAR},
        ),
    ]
    return [p for p in params if _park_has(vocab, FIELDS[p.name])]
