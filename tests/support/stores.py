"""Both store backends behind one set of tests: open either, look inside either.

A test module asks for ``store`` through ``open_kind`` with ``params=KINDS``; the
PostGIS variant needs the throw-away cluster (``scripts/pgcluster.py``) and is skipped,
with the reason, only where PostgreSQL is not installed.
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from layers.build import build
from layers.store import Store, gpkg_connection
from layers.store.gpkg import GpkgStore
from layers.store.gpkg_connection import gpkg_functions
from layers.store.open import open_store
from layers.store.pg_schema import PgLocation, lock_key
from scripts.pgcluster import PgCluster

KINDS = ["gpkg", "postgis"]


def open_kind(request: pytest.FixtureRequest, gpkg: str, postgis: str) -> Store:
    """Open the store of ``request.param``'s kind from the fixture named for it.

    Args:
        request: a request parametrised over ``KINDS``.
        gpkg: the fixture giving the GeoPackage's path.
        postgis: the fixture giving the PostGIS store's URL.
    """
    name = gpkg if request.param == "gpkg" else postgis
    return open_store(request.getfixturevalue(name))


def location(store: Store) -> str:
    """The path or URL that opens ``store`` again (as another worker would)."""
    if isinstance(store, GpkgStore):
        return str(store.path)
    url = getattr(store, "location", None)
    if not isinstance(url, PgLocation):
        raise TypeError(f"not a known store: {store!r}")
    joint = "&" if "?" in url.conninfo else "?"
    return f"{url.conninfo}{joint}schema={url.schema}"


def tables(store: Store) -> tuple[list, list, list]:
    """Records, audit and the parcels' stages, as rows (to compare before/after)."""
    queries = (
        "SELECT * FROM {s}parkmap_clearance ORDER BY 1",
        "SELECT * FROM {s}parkmap_clearance_audit ORDER BY 1",
        "SELECT parcel_id, clr_stage FROM {s}parcels ORDER BY 1",
    )
    if isinstance(store, GpkgStore):
        con = sqlite3.connect(store.path)
        try:
            return tuple(  # type: ignore[return-value]
                con.execute(q.format(s="")).fetchall() for q in queries
            )
        finally:
            con.close()
    where: PgLocation = store.location  # type: ignore[attr-defined]
    with psycopg.connect(where.conninfo) as con:
        return tuple(  # type: ignore[return-value]
            con.execute(q.format(s=f'"{where.schema}".')).fetchall()  # type: ignore[arg-type]
            for q in queries
        )


@contextlib.contextmanager
def build_lock(
    store: Store, monkeypatch: pytest.MonkeyPatch, wait_s: float = 0.2
) -> Iterator[None]:
    """Hold the lock a build holds while it replaces ``store``; edits wait ``wait_s``."""
    if isinstance(store, GpkgStore):
        monkeypatch.setattr(gpkg_connection, "LOCK_TIMEOUT_S", wait_s)
        with gpkg_connection.write_lock(store.path):
            yield
        return
    where: PgLocation = store.location  # type: ignore[attr-defined]
    monkeypatch.setattr(store.db, "lock_timeout_s", wait_s)  # type: ignore[attr-defined]
    with psycopg.connect(where.conninfo) as con:
        con.execute(
            sql.SQL("SELECT pg_advisory_xact_lock({})").format(lock_key(where.schema))
        )
        yield
        con.rollback()


def run_sql(store: Store, *statements: str) -> list[tuple]:
    """Run SQL on either store's database; ``{s}`` stands for the schema prefix.

    Returns the rows of the last statement (none for a statement without rows).
    """
    rows: list[tuple] = []
    if isinstance(store, GpkgStore):
        con = sqlite3.connect(store.path)
        gpkg_functions(con)  # the layers' R-tree triggers call ST_IsEmpty
        try:
            for text in statements:
                rows = con.execute(text.format(s="")).fetchall()
            con.commit()
        finally:
            con.close()
        return rows
    where: PgLocation = store.location  # type: ignore[attr-defined]
    with psycopg.connect(where.conninfo) as con:
        for text in statements:
            cursor = con.execute(text.format(s=f'"{where.schema}".'))  # type: ignore[arg-type]
            rows = cursor.fetchall() if cursor.description else []
    return rows


# --- Building for the test's backend; PostGIS databases (scripts/pgcluster.py) ---

_databases = itertools.count()


def fresh_database(postgres: PgCluster, template: str = "postgis_template") -> str:
    """A new database copied from ``template``; returns its name."""
    name = f"db_{next(_databases)}"
    postgres.create_database(name, template=template)
    return name


def build_for(request: pytest.FixtureRequest, data: Path, gpkg: Path) -> str:
    """Build ``data`` for the requesting test's backend: into ``gpkg``, or into a
    fresh PostGIS database dropped when the request ends. Returns the location.

    The fixture calling this must itself ask for ``store_kind``.
    """
    if request.getfixturevalue("store_kind") != "postgis":
        build(data, gpkg, progress=quiet)
        return str(gpkg)
    postgres = request.getfixturevalue("postgres")
    name = fresh_database(postgres)
    request.addfinalizer(lambda: postgres.drop_database(name))
    url = postgres.url(name)
    build(data, url, progress=quiet)
    return url


def quiet(_msg: str) -> None:
    """A build progress callback that says nothing."""
