"""Clearance records for the planner tests: a dated baseline, parcels by stage."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
from flask import Flask

from layers.store import is_url
from layers.store.pg_schema import PgLocation
from tests.conftest import isolated
from tests.factories import make_user
from webmap import create_app
from webmap.core.store import get_store

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
    root = Path(__file__).resolve().parents[1]
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
