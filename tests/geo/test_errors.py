from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from geo.errors import CRSError, GeoError, GeometryError, SourceFileError


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({}, "bad value"),
        ({"path": "parks.shp"}, "parks.shp: bad value"),
        (
            {"path": Path("data/parks.shp"), "row": 3, "field": "status"},
            "data/parks.shp, row 3, field 'status': bad value",
        ),
        ({"row": 3}, "row 3: bad value"),
        ({"field": "status"}, "field 'status': bad value"),
    ],
)
def test_str_shows_only_the_parts_that_are_set(kwargs, text):
    assert str(GeoError("bad value", **kwargs)) == text


def test_attributes_are_kept():
    exc = GeoError("bad value", path="parks.shp", row=3, field="status")
    assert (exc.message, exc.path, exc.row, exc.field) == (
        "bad value",
        "parks.shp",
        3,
        "status",
    )


@pytest.mark.parametrize("cls", [SourceFileError, CRSError, GeometryError])
def test_subclasses_are_geo_errors(cls):
    assert issubclass(cls, GeoError)


def test_pickle_round_trip_keeps_location():
    exc = CRSError("no CRS", path="parks.shp", row=2, field="geometry")
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is CRSError
    assert str(back) == str(exc)
