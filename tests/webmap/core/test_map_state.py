"""The view state parsed from a map URL: every part falls back when malformed."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webmap.core.state import (
    ViewState,
    parse_bbox,
    parse_center,
    parse_layers,
    parse_selected,
    parse_view,
    parse_zoom,
)

KNOWN = ("zones", "parks", "parcels")


def view(**args: str) -> ViewState:
    return parse_view(args, lang="vi", known_layers=KNOWN, default_base="osm")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20.85,106.7", (20.85, 106.7)),
        ("-85,180", (-85.0, 180.0)),
        ("91,0", None),
        ("0,181", None),
        ("abc,1", None),
        ("1", None),
        ("1,2,3", None),
        ("nan,1", None),
        ("inf,1", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_center(text, expected) -> None:
    assert parse_center(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("0", 0),
        ("22", 22),
        ("12.0", 12),
        ("12.5", None),
        ("23", None),
        ("-1", None),
        ("x", None),
        ("", None),
        (None, None),
        ("1e400", None),
    ],
)
def test_parse_zoom(text, expected) -> None:
    assert parse_zoom(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("106.4,20.6,107.05,21", (106.4, 20.6, 107.05, 21.0)),
        ("107,20.6,106,21", None),  # min > max
        ("106,21,107,21", None),  # empty
        ("106,20,107", None),
        ("-200,0,0,1", None),
        ("a,b,c,d", None),
        (None, None),
    ],
)
def test_parse_bbox(text, expected) -> None:
    assert parse_bbox(text) == expected


def test_parse_layers_keeps_known_in_map_order() -> None:
    assert parse_layers("parcels,nope,zones", KNOWN) == ("zones", "parcels")
    assert parse_layers("nope,<script>", KNOWN) is None
    assert parse_layers("", KNOWN) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("parks:a", ("parks", "a")),
        ("parks:a:b", ("parks", "a:b")),
        ("roads:a", None),
        ("parks:", None),
        ("parks", None),
        (None, None),
        ("parks:" + "x" * 300, None),
    ],
)
def test_parse_selected(text, expected) -> None:
    assert parse_selected(text, KNOWN) == expected


def test_defaults_when_nothing_asked() -> None:
    state = view()
    assert state == ViewState(lang="vi", layers=KNOWN, base="osm")


def test_centre_without_zoom_is_dropped() -> None:
    state = view(center="20.8,106.7")
    assert state.center is None and state.zoom is None


def test_bad_parts_fall_back_independently() -> None:
    state = view(
        center="x",
        zoom="99",
        bbox="1,2",
        layers="nope",
        base="mars",
        sel="nope:1",
        legend="0",
    )
    assert state.layers == KNOWN and state.base == "osm" and state.bbox is None
    assert state.selected is None and state.legend is False


def test_query_round_trip() -> None:
    state = ViewState(
        lang="en",
        layers=("parks",),
        base="none",
        center=(20.8, 106.7),
        zoom=13,
        selected=("parks", "vsip"),
        legend=False,
    )
    again = view(**dict(parse_qsl(state.query())))
    assert again == ViewState(
        lang="vi",
        layers=("parks",),
        base="none",
        center=(20.8, 106.7),
        zoom=13,
        selected=("parks", "vsip"),
        legend=False,
    )


def test_query_changes_language_only() -> None:
    state = view(layers="parks")
    assert dict(parse_qsl(state.query(lang="ja")))["lang"] == "ja"


@given(st.text(max_size=60))
def test_parse_view_never_raises(text: str) -> None:
    state = view(
        center=text,
        zoom=text,
        bbox=text,
        layers=text,
        base=text,
        sel=text,
        park=text,
        legend=text,
    )
    assert state.layers and state.base in ("osm", "satellite", "none")


PERIODS = ("2023-06-30-quarter", "2023-10-14-month")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-06-30-quarter", "2023-06-30-quarter"),
        (" 2023-10-14-month ", "2023-10-14-month"),
        ("2023-12-31-year", None),  # a draft's id: not among the published
        ("2099-01-01-month", None),
        ("not a period", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_period_keeps_only_published_ids(text, expected) -> None:
    state = parse_view(
        {} if text is None else {"period": text},
        lang="vi",
        known_layers=KNOWN,
        default_base="osm",
        known_periods=PERIODS,
    )
    assert state.period == expected


def test_query_carries_a_chosen_period_only() -> None:
    state = view(layers="parks")
    assert "period" not in dict(parse_qsl(state.query()))
    chosen = dict(parse_qsl(state.query(period="2023-06-30-quarter")))
    assert chosen["period"] == "2023-06-30-quarter"
