"""Query parameters of the OGC API parsed at the edge (pure, no app)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layers.store.base import FieldInfo
from webmap.ogc.params import (
    BBOX,
    DATETIME_PATTERN,
    LIMIT,
    NOT_BLANK,
    OFFSET,
    BBox,
    InvalidParameter,
    Limit,
    Offset,
    parse_bbox,
    parse_datetime,
    parse_query,
    queryables,
)

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("106.5,20.8,106.7,20.9", BBox(106.5, 20.8, 106.7, 20.9)),
        ("106.5, 20.8, 106.7, 20.9", BBox(106.5, 20.8, 106.7, 20.9)),
        ("106.5,20.8,0,106.7,20.9,100", BBox(106.5, 20.8, 106.7, 20.9)),
        ("-180,-90,180,90", BBox(-180, -90, 180, 90)),
        ("1e2,2E1,1.07e2,.21e2", BBox(100, 20, 107, 21)),
        ("170,-10,-170,10", BBox(170, -10, -170, 10)),
    ],
)
def test_bbox_parses(raw: str, expected: BBox) -> None:
    assert parse_bbox(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1,2,3", "4 or 6"),
        ("1,2,3,4,5", "4 or 6"),
        ("", "4 or 6"),
        ("a,b,c,d", "number"),
        ("1,2,3,nan", "number"),
        ("1,2,3,inf", "number"),
        ("1,2,3,1_0", "number"),
        ("1,2,3,٤", "number"),
        ("-181,0,0,1", "longitudes"),
        ("0,-91,1,1", "latitudes"),
        ("0,5,1,4", "above maximum latitude"),
    ],
)
def test_bad_bbox_says_why(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_bbox(raw)


def test_bbox_splits_at_antimeridian() -> None:
    assert BBox(170, -10, -170, 10).boxes() == (
        (170, -10, 180.0, 10),
        (-180.0, -10, -170, 10),
    )


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", Limit(1)), ("100", Limit(100)), ("10000", Limit(10000))]
)
def test_limit_parses(raw: str, expected: Limit) -> None:
    assert LIMIT.parse(raw) == expected


@pytest.mark.parametrize("raw", ["0", "10001", "-1", "1.0", "+5", " 5", "", "٥", "ten"])
def test_bad_limit(raw: str) -> None:
    with pytest.raises(ValueError):
        LIMIT.parse(raw)


def test_offset_parses() -> None:
    assert OFFSET.parse("250") == Offset(250)


@pytest.mark.parametrize("raw", ["-1", "1000000001", "99999999999999999999999", "x"])
def test_bad_offset(raw: str) -> None:
    with pytest.raises(ValueError):
        OFFSET.parse(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "2023-10-14",
        "2023-10-14T08:30:00Z",
        "2023-10-14T08:30:00.123+07:00",
        "2023-01-01T00:00:00Z/2023-12-31T23:59:59Z",
        "../2023-12-31",
        "2023-01-01/..",
    ],
)
def test_datetime_accepts_rfc3339(raw: str) -> None:
    assert parse_datetime(raw) == raw


@pytest.mark.parametrize("raw", ["yesterday", "2023-13-01", "2023-10-14T25:00:00Z", ""])
def test_bad_datetime(raw: str) -> None:
    with pytest.raises(ValueError, match="RFC 3339"):
        parse_datetime(raw)


@given(st.from_regex(DATETIME_PATTERN))
def test_every_datetime_the_schema_allows_parses(raw: str) -> None:
    assert parse_datetime(raw) == raw


@given(
    st.lists(st.floats(-180, 180, allow_nan=False), min_size=4, max_size=4).filter(
        lambda v: -90 <= v[1] <= v[3] <= 90
    )
)
def test_bbox_round_trips_any_sound_box(values: list[float]) -> None:
    box = parse_bbox(",".join(repr(v) for v in values))
    assert (box.minx, box.miny, box.maxx, box.maxy) == tuple(values)


FIELDS = (
    FieldInfo("parcel_id"),
    FieldInfo("status", "str", ("leased", "available")),
    FieldInfo("area_ha", "float"),
    FieldInfo("floors", "int"),
    FieldInfo("eco", "bool"),
    FieldInfo("opened", "date"),
    FieldInfo("limit", "int"),
)


def test_queryables_skip_reserved_names() -> None:
    names = [p.name for p in queryables(FIELDS)]
    assert names == ["parcel_id", "status", "area_ha", "floors", "eco", "opened"]


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("status", "leased"),
        ("area_ha", "12.5"),
        ("floors", "-3"),
        ("eco", "true"),
        ("opened", "2023-10-14"),
        ("parcel_id", "DV-01"),
    ],
)
def test_filter_values_of_the_right_type_pass(name: str, raw: str) -> None:
    assert parse_query({name: [raw]}, queryables(FIELDS)) == {name: raw}


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("status", "sold"),
        ("area_ha", "big"),
        ("floors", "1.5"),
        ("floors", "99999999999999999999"),
        ("floors", "9223372036854775806"),  # int64, but not exact as a double
        ("eco", "yes"),
        ("opened", "2023-02-30"),
        ("parcel_id", "  "),
    ],
)
def test_filter_values_of_the_wrong_type_name_the_field(name: str, raw: str) -> None:
    with pytest.raises(InvalidParameter) as err:
        parse_query({name: [raw]}, queryables(FIELDS))
    assert err.value.parameter == name


def test_unknown_parameters_are_named_together() -> None:
    with pytest.raises(InvalidParameter) as err:
        parse_query({"zoom": ["3"], "colour": ["red"], "limit": ["5"]}, (LIMIT,))
    assert err.value.parameter == "colour,zoom"


def test_repeated_parameter_is_refused() -> None:
    with pytest.raises(InvalidParameter, match="more than once") as err:
        parse_query({"limit": ["5", "6"]}, (LIMIT,))
    assert err.value.parameter == "limit"


def test_parse_query_returns_parsed_values() -> None:
    values = parse_query({"bbox": ["0,0,1,1"], "limit": ["5"]}, (BBOX, LIMIT))
    assert values == {"bbox": BBox(0, 0, 1, 1), "limit": Limit(5)}


def test_bbox_schema_allows_4_or_6_numbers() -> None:
    counts = [(o["minItems"], o["maxItems"]) for o in BBOX.schema["oneOf"]]
    assert counts == [(4, 4), (6, 6)]


def test_datetime_pattern_is_anchored() -> None:
    assert not re.search(DATETIME_PATTERN, "x2023-10-14")


@pytest.mark.parametrize("char", ["\x1c", "\x1d", "\x1f", "\x85", "\ufeff", " ", "\t"])
def test_blank_pattern_excludes_both_dialects_whitespace(char: str) -> None:
    """Python's \\s and ECMA-262's differ; the published pattern names the
    difference, so a client generating from the schema agrees with the server."""
    assert re.search(NOT_BLANK, char) is None
    assert re.search(NOT_BLANK, char + "a")
