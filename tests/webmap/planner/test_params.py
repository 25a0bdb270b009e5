"""Parsing ``?at=`` and the PATCH body at the edge."""

from __future__ import annotations

import datetime as dt

import pytest

from webmap.core.params import InvalidParameter
from webmap.planner.params import InvalidBody, parse_at, parse_edit

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, None),
        ("", None),
        ("2026-03-01", dt.datetime(2026, 3, 1, 23, 59, 59, 999999, tzinfo=dt.UTC)),
        ("2026-03-01T10:00:00Z", dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)),
        ("2026-03-01T10:00:00+07:00", dt.datetime(2026, 3, 1, 3, tzinfo=dt.UTC)),
    ],
)
def test_parse_at(text, expected):
    assert parse_at(text) == expected


@pytest.mark.parametrize(
    "text", ["soon", "2026-3-1", "2026-03-01T10:00", "20260301", "2026-03-01 x"]
)
def test_bad_at_names_the_parameter(text):
    with pytest.raises(InvalidParameter) as info:
        parse_at(text)
    assert info.value.parameter == "at"


def test_parse_edit():
    edit = parse_edit(b'{"version": 3, "changes": {"note": "x"}, "reason": "r"}')
    assert (edit.version, edit.changes, edit.reason) == (3, {"note": "x"}, "r")


def test_parse_edit_defaults():
    edit = parse_edit(b'{"version": 0}')
    assert (edit.changes, edit.reason) == ({}, "")


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"", "body"),
        (b"null", "body"),
        (b'{"version": null}', "version"),
        (b'{"version": 1, "reason": ["a"]}', "reason"),
    ],
)
def test_parse_edit_names_the_bad_part(raw, field):
    with pytest.raises(InvalidBody) as info:
        parse_edit(raw)
    assert info.value.field == field
