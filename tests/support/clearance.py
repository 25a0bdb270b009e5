"""The tiny data set with site clearance: stages on every parcel, bottleneck flags;
planner sessions and apps over it, and a dated baseline for the sample store.

Park ``a`` is a bottleneck and its name carries HTML; park ``b``'s name starts with
``=`` as a spreadsheet formula would. The six parcels cover all six stages.
"""

from __future__ import annotations

import shutil
import sqlite3
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import psycopg
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from layers.build import build
from layers.store import Store, is_url
from layers.store.open import open_store
from layers.store.pg_schema import PgLocation
from tests.support.accounts import login, make_user
from tests.support.apps import isolated
from tests.support.data_dirs import (
    PARCEL_SPEC,
    PARK_A,
    PARK_B,
    make_dataset,
    parcels_frame,
    write_csv,
    write_shapefile,
)
from webmap import create_app
from webmap.core.store import get_store

PARK_A_NAME = 'KCN <b>An</b> & "Dương"'
PARK_B_NAME = '=HYPERLINK("http://evil.example","Tràng Duệ")'
STAGE_OF = {
    "a-1": "not_started",
    "a-2": "surveyed",
    "a-3": "compensating",
    "a-4": "cleared",
    "b-1": "handed_over",
    "b-2": "plan_approved",
}

PLANNER_PARK_SPEC = """
name = "parks"
geometry = "Polygon"
id = "park_id"
source = "shapefiles/parks.shp"
[[join]]
file = "attributes/parks.csv"
key = "park_id"
[fields]
park_id = { type = "str", required = true }
name_vi = { type = "str", required = true }
name_en = { type = "str" }
status = { type = "str", required = true, allowed = ["established", "planned"] }
clearance_bottleneck = { type = "bool", required = true }
"""

STAGE_FIELD = (
    'clr_stage = { type = "str", allowed = ["not_started", "surveyed", '
    '"plan_approved", "compensating", "cleared", "handed_over"] }\n'
)


def planner_spec() -> str:
    """The tiny parcels spec plus ``clr_stage`` and the derived ``area_ha``."""
    spec = textwrap.dedent(PARCEL_SPEC)
    spec = spec.replace("[derive]\n", "[derive]\narea = true\n", 1)
    return spec.replace("\n[derive]", "\n" + STAGE_FIELD + "[derive]", 1)


def make_planner_dataset(root: Path) -> Path:
    """The tiny data directory with clearance stages; returns the data directory."""
    data = make_dataset(root)
    (data / "layers" / "parks.toml").write_text(
        textwrap.dedent(PLANNER_PARK_SPEC), "utf-8"
    )
    (data / "layers" / "parcels.toml").write_text(planner_spec(), "utf-8")
    parks = gpd.GeoDataFrame(
        {"park_id": ["a", "b"], "name_vi": [PARK_A_NAME, PARK_B_NAME]},
        geometry=[PARK_A, PARK_B],
        crs="EPSG:4326",
    )
    write_shapefile(parks, data / "shapefiles" / "parks.shp")
    write_csv(
        data / "attributes" / "parks.csv",
        [
            {
                "park_id": "a",
                "name_en": "An Duong IP",
                "status": "established",
                "clearance_bottleneck": "true",
            },
            {
                "park_id": "b",
                "name_en": "",
                "status": "planned",
                "clearance_bottleneck": "false",
            },
        ],
    )
    parcels = parcels_frame()
    parcels["clr_stage"] = parcels["parcel_id"].map(STAGE_OF)
    write_shapefile(parcels, data / "shapefiles" / "parcels.shp")
    return data


def build_planner_store(root: Path) -> Path:
    """Build that data set under ``root``; returns the store's path."""
    data = make_planner_dataset(root)
    store = root / "build" / "parkmap.gpkg"
    build(data, store, progress=lambda _msg: None)
    return store


def copy_store(store: Path, target_dir: Path) -> Path:
    """A private copy of a built store (tests that edit must not share one)."""
    target_dir.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(store, target_dir / store.name))


@dataclass
class Planner:
    """A signed-in planner's test client over a private copy of the store."""

    app: Flask
    client: FlaskClient
    token: str
    store_path: Path | str

    def patch(self, parcel_id: str, body: object, *, csrf: bool = True) -> TestResponse:
        """PATCH a parcel's clearance (``body`` as JSON, or bytes sent as they are)."""
        headers = {"X-CSRFToken": self.token} if csrf else {}
        if isinstance(body, bytes | str):
            return self.client.patch(
                f"/planner/api/parcels/{parcel_id}",
                data=body,
                headers=headers,
                content_type="application/json",
            )
        return self.client.patch(
            f"/planner/api/parcels/{parcel_id}", json=body, headers=headers
        )

    opened: list[Store] = field(default_factory=list)

    def store(self) -> Store:
        """A fresh reader of the app's store (what another worker would see)."""
        self.opened.append(open_store(self.store_path))
        return self.opened[-1]

    def close(self) -> None:
        """Close the readers ``store`` opened and the app's own store."""
        for store in self.opened:
            store.close()
        self.opened.clear()
        found = self.app.extensions.get("parkmap.store")
        if found is not None:
            found.close()


def planner_session(
    built: Path, tmp_path: Path, role: str = "planner", store: str | None = None
) -> Planner:
    """An app over a copy of ``built`` and a client signed in with ``role``.

    ``store``: a private copy already made elsewhere (a PostGIS database).
    """
    store = store or copy_store(built, tmp_path / "build")
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(built.parents[1] / "data"),
            "STORE": str(store),
            **isolated(tmp_path),
        }
    )
    make_user(app, "ana", role)
    client = app.test_client()
    return Planner(app, client, login(client, "ana"), store)


# --- Planner apps over a store with a dated baseline (was planner_data.py) ---

BASELINE = "2023-10-14"  # the day of the HEZA report the sample stages come from


def date_baseline(store: Path | str, day: str = BASELINE) -> None:
    """Date every record's baseline ``day``, as if tracking had started then.

    A freshly built store dates its records at build time (today), so without this a
    past day on the slider could not be told from today.
    """
    if is_url(store):
        where = PgLocation.parse(str(store))
        with psycopg.connect(where.conninfo) as con:
            con.execute(
                f'UPDATE "{where.schema}".parkmap_clearance SET updated_at = %s',
                (f"{day}T08:00:00Z",),
            )
        return
    con = sqlite3.connect(store)
    try:
        with con:
            con.execute(
                "UPDATE parkmap_clearance SET updated_at = ?", (f"{day}T08:00:00Z",)
            )
    finally:
        con.close()


def parcel_at(app, park: str, stage: str) -> str:
    """The id of a tracked parcel of ``park`` at ``stage``."""
    with app.app_context():
        rows = get_store().clearance.records(park_id=park)
    return next(r.parcel_id for r in rows if r.stage == stage)


def planner_app(store: Path | str, scratch: Path, username: str = "lan") -> Flask:
    """An app over ``store`` (baseline dated ``BASELINE``) with one planner account."""
    date_baseline(store)
    root = Path(__file__).resolve().parents[2]
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(root / "data"),
            "STORE": str(store),
            **isolated(scratch),
        }
    )
    make_user(app, username, "planner")
    return app
