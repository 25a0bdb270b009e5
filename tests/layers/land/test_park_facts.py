"""The land search's conditions on the park's facts (issue 19), both stores, against
a plain filter over the parks' own values."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from layers.errors import InvalidQuery
from layers.land.query import LandVocabulary, parse_land_query
from layers.store.base import MAX_LIMIT

# Written out here, not imported: the divisions the sample parks accept or not
# (99: a VSIC division no park lists), and the two handover conditions.
INDUSTRIES = ("10", "13", "20", "22", "24", "26", "27", "29", "52", "72", "99")
HANDOVERS = ("serviced", "raw")
VOCAB = LandVocabulary(
    statuses=("available", "leased"),
    parks=("dinh_vu", "vsip"),
    industries=("13", "26", "27"),
    handovers=HANDOVERS,
    park_fields=frozenset(
        {"industries_accepted", "power_mva", "water_m3_day", "handover"}
    ),
)


# --- parsing ---------------------------------------------------------------------


def test_the_conditions_parse_and_print_back() -> None:
    args = {
        "industry": "27,26",
        "min_power_mva": "63",
        "min_water_m3_day": "2.5e3",
        "handover": "raw",
    }
    query = parse_land_query(args, VOCAB)
    assert query.facts.industries == ("26", "27")  # the vocabulary's order
    assert query.facts.min_water_m3_day == 2500.0
    assert query.facts.conditions() == [
        ("industries_accepted", "has", "26"),
        ("industries_accepted", "has", "27"),
        ("power_mva", ">=", 63.0),
        ("water_m3_day", ">=", 2500.0),
        ("handover", "in", ("raw",)),
    ]
    assert parse_land_query(dict(query.params()), VOCAB) == query
    assert query.to_dict()["industry"] == ["26", "27"]


BAD = [
    ({"industry": "99"}, "industry", "unknown"),
    ({"industry": "26,1x"}, "industry", "unknown"),
    ({"min_power_mva": "-1"}, "min_power_mva", "negative"),
    ({"min_power_mva": "lots"}, "min_power_mva", "number"),
    ({"min_water_m3_day": "inf"}, "min_water_m3_day", "number"),
    ({"handover": "paved"}, "handover", "unknown"),
    ({"min_lease_end": "20x5"}, "min_lease_end", "unavailable"),  # no such field
]


@pytest.mark.parametrize(("args", "parameter", "reason"), BAD)
def test_bad_conditions_name_the_parameter(args, parameter, reason) -> None:
    with pytest.raises(InvalidQuery) as info:
        parse_land_query(args, VOCAB)
    assert (info.value.parameter, info.value.reason) == (parameter, reason)


@pytest.mark.parametrize(
    ("text", "reason"),
    [("20x5", "integer"), ("-2050", "integer"), ("99999", "too_large")],
)
def test_a_lease_end_is_a_year(text: str, reason: str) -> None:
    vocab = dataclasses.replace(
        VOCAB, park_fields=VOCAB.park_fields | {"lease_end_year"}
    )
    with pytest.raises(InvalidQuery) as info:
        parse_land_query({"min_lease_end": text}, vocab)
    assert (info.value.parameter, info.value.reason) == ("min_lease_end", reason)
    assert (
        parse_land_query({"min_lease_end": "2058"}, vocab).facts.min_lease_end == 2058
    )


# --- the stores against a plain filter -------------------------------------------


@pytest.fixture(scope="module")
def parks(store) -> dict[str, dict]:
    """Each park's properties by id."""
    return {f.id: f.properties for f in store.query("parks", limit=MAX_LIMIT).features}


@pytest.fixture(scope="module")
def park_of(store) -> dict[str, str]:
    """Each parcel's park."""
    parcels = store.query("parcels", limit=MAX_LIMIT).features
    return {f.id: f.properties["park_id"] for f in parcels}


def park_matches(args: dict[str, str], park: dict) -> bool:
    """The park conditions, written out plainly (a missing value never matches)."""
    accepted = (park["industries_accepted"] or "").split(",")
    if any(
        code not in accepted for code in args.get("industry", "").split(",") if code
    ):
        return False
    for name, field in (
        ("min_power_mva", "power_mva"),
        ("min_water_m3_day", "water_m3_day"),
        ("min_lease_end", "lease_end_year"),
    ):
        if name in args and (park[field] is None or park[field] < float(args[name])):
            return False
    return "handover" not in args or park["handover"] in args["handover"].split(",")


def ids(store, query) -> list[str]:
    return [json.loads(text)["id"] for text in store.land.search(query).features]


def check(store, vocab, parks, park_of, args: dict[str, str]) -> int:
    """The search with park conditions = the search without them, filtered."""
    query = parse_land_query(args, vocab)
    without = dataclasses.replace(
        query, facts=type(query.facts)(), limit=MAX_LIMIT, offset=0
    )
    expected = [i for i in ids(store, without) if park_matches(args, parks[park_of[i]])]
    assert ids(store, query) == expected[query.offset : query.offset + query.limit]
    assert store.land.search(query).number_matched == len(expected), args
    return len(expected)


def test_the_vocabulary_comes_from_the_parks(vocab) -> None:
    assert set(INDUSTRIES) <= set(vocab.industries)
    assert len(vocab.industries) == 88  # every VSIC 2018 division
    assert vocab.handovers == HANDOVERS


def test_an_industry_no_park_accepts_finds_nothing(store, vocab, parks, park_of):
    assert check(store, vocab, parks, park_of, {"industry": "99"}) == 0


def test_a_park_without_the_value_does_not_match(store, vocab, parks, park_of):
    """Planned parks have no power figure: any bound leaves their parcels out."""
    every = ",".join(vocab.statuses)
    found = check(store, vocab, parks, park_of, {"status": every, "min_power_mva": "0"})
    unknown = {p for p, props in parks.items() if props["power_mva"] is None}
    assert found and unknown
    query = parse_land_query({"status": every, "min_power_mva": "0"}, vocab)
    assert not {
        park_of[i] for i in ids(store, dataclasses.replace(query, limit=500))
    } & (unknown)


@st.composite
def fact_args(draw) -> dict[str, str]:
    """A random combination of park conditions, parcel conditions and a page."""
    args: dict[str, str] = {}
    codes = draw(st.lists(st.sampled_from(INDUSTRIES), max_size=2, unique=True))
    if codes:
        args["industry"] = ",".join(codes)
    for name, values in (
        ("min_power_mva", ("0", "40", "63", "126", "200", "250", "251")),
        ("min_water_m3_day", ("3000", "8000", "15000", "30000.5")),
        ("min_lease_end", ("2047", "2058", "2059", "2069", "2070", "2100")),
        ("handover", ("serviced", "raw", "raw,serviced")),
        ("status", ("available", "available,reserved", "leased,available")),
        ("min_ha", ("5", "10", "15")),
        ("zone", ("dinh_vu_cat_hai",)),
        ("km_port", ("10", "25")),
        ("sort", ("area", "price", "km_cat_bi_airport")),
        ("order", ("asc", "desc")),
        ("limit", ("1", "7", "50")),
        ("offset", ("0", "3", "20")),
    ):
        if draw(st.booleans()):
            args[name] = draw(st.sampled_from(values))
    return args


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_park_conditions_equal_a_plain_filter(store, vocab, parks, park_of, data):
    found = check(store, vocab, parks, park_of, data.draw(fact_args()))
    event("matches" if found else "no match")
