"""Helpers for the investor pages' tests: apps, form tokens, independent figures."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pyproj

from tests.support.apps import close_store, isolated
from webmap import create_app

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
GEOD = pyproj.Geod(ellps="WGS84")


def investor_app(
    store: Path | str, scratch: Path, data_dir: Path | None = None, **config
):
    """An app over ``store`` with its own state and media directories."""
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir or ROOT / "data"),
            "STORE": str(store),
            **isolated(scratch),
            **config,
        }
    )


@contextmanager
def investor_client(store: Path | str, scratch: Path) -> Iterator:
    """A test client of ``investor_app`` over ``store``; its store closed after."""
    app = investor_app(store, scratch)
    try:
        yield app.test_client()
    finally:
        close_store(app)


def form_token(client, parcel_id: str) -> str:
    """The CSRF token of the enquiry form on a parcel's page."""
    page = client.get(f"/parcels/{parcel_id}").get_data(as_text=True)
    match = TOKEN.search(page)
    if match is None:
        raise AssertionError("the parcel page carries no enquiry form token")
    return match.group(1)


def housing_within(store: Path, parcel_id: str, km: float) -> dict[str, int | None]:
    """Housing ids within ``km`` of the parcel's centroid and their capacities.

    Computed apart from the app: GeoPandas for the UTM 48N centroid, pyproj's
    geodesic on WGS84 for the distance.
    """
    parcels = gpd.read_file(store, layer="parcels", engine="pyogrio")
    parcel = parcels[parcels["parcel_id"] == parcel_id]
    centroid = parcel.to_crs("EPSG:32648").centroid.to_crs("EPSG:4326").iloc[0]
    housing = gpd.read_file(store, layer="housing", engine="pyogrio")
    found = {}
    for row in housing.itertuples():
        _, _, metres = GEOD.inv(centroid.x, centroid.y, row.geometry.x, row.geometry.y)
        if metres <= km * 1000:
            cap = row.capacity
            found[row.housing_id] = None if math.isnan(cap) else int(cap)
    return found
