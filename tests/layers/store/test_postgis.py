"""What only the PostGIS store has: its URL, layout versions, indexes, atomic swap."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from layers.build import build
from layers.errors import StoreUnavailable
from layers.land.query import INDEX as LAND_INDEX
from layers.store import pg_write
from layers.store.catalogue import FEATURES
from layers.store.feature import StoredFeature, pg_migrations
from layers.store.open import FullPostgisStore, open_store
from layers.store.pg_schema import PgLocation
from layers.store.pg_schema import latest as latest_of
from layers.store.postgis import PostgisStore
from scripts.pgcluster import PgCluster


def quiet(_msg: str) -> None:
    """No progress output."""


def latest() -> int:
    """The layout version of the store the service opens."""
    return latest_of(pg_migrations(FEATURES))


def test_url_parameters_of_the_store_are_not_passed_to_libpq() -> None:
    where = PgLocation.parse(
        "postgresql://u:secret@db:5433/gis?sslmode=require&schema=heza&pool_max=4"
        "&pool_min=2&pool_timeout=5"
    )
    assert where.conninfo == "postgresql://u:secret@db:5433/gis?sslmode=require"
    assert (where.schema, where.pool_min, where.pool_max, where.pool_timeout) == (
        "heza",
        2,
        4,
        5.0,
    )
    assert "secret" not in where.redacted()


@pytest.mark.parametrize(
    "query", ["pool_max=0", "pool_min=3&pool_max=2", "pool_max=many", "schema=A"]
)
def test_bad_store_parameters_are_refused(query: str) -> None:
    with pytest.raises(StoreUnavailable):
        PgLocation.parse(f"postgresql://u@h/db?{query}")


def test_the_pool_is_sized_by_the_url(pg_shared_store: str) -> None:
    store = PostgisStore(pg_shared_store + "&pool_max=3&pool_min=0")
    try:
        store.layers()
        pool = store.db.pool()
        assert (pool.min_size, pool.max_size) == (0, 3)
    finally:
        store.close()


def sql_rows(url: str, query: str, *args) -> list[tuple]:
    where = PgLocation.parse(url)
    with psycopg.connect(where.conninfo) as con:
        return con.execute(query, args).fetchall()


def test_a_build_records_the_layout_version(pg_shared_store: str) -> None:
    rows = sql_rows(pg_shared_store, "SELECT max(version) FROM parkmap.parkmap_schema")
    assert rows == [(latest(),)]


def test_opening_an_older_layout_applies_the_missing_migrations(
    data_dir: Path, pg_url: str
) -> None:
    build(data_dir, pg_url, progress=quiet)
    version = latest() + 1

    def add_notes(con, schema):
        con.execute(f'CREATE TABLE "{schema}".parkmap_notes (note text)')

    notes = StoredFeature("notes", pg_migrations=((version, "notes", add_notes),))
    FullPostgisStore(pg_url, (*FEATURES, notes)).close()
    assert sql_rows(pg_url, "SELECT max(version) FROM parkmap.parkmap_schema") == [
        (version,)
    ]
    assert sql_rows(pg_url, "SELECT count(*) FROM parkmap.parkmap_notes") == [(0,)]
    FullPostgisStore(pg_url, (*FEATURES, notes)).close()  # nothing left to apply


def test_a_store_built_without_the_land_index_gets_it_when_opened(
    data_dir: Path, pg_url: str
) -> None:
    """Stores built before version 3 lack the land search's index; opening adds it."""
    build(data_dir, pg_url, progress=quiet)
    index = f"parkmap.{LAND_INDEX}"
    where = PgLocation.parse(pg_url)
    with psycopg.connect(where.conninfo) as con:
        con.execute(f"DROP INDEX {index}")
        con.execute("DELETE FROM parkmap.parkmap_schema WHERE version >= 3")
    assert sql_rows(pg_url, "SELECT to_regclass(%s) IS NULL", index) == [(True,)]
    open_store(pg_url).close()
    assert sql_rows(pg_url, "SELECT to_regclass(%s) IS NULL", index) == [(False,)]
    assert sql_rows(pg_url, "SELECT max(version) FROM parkmap.parkmap_schema") == [
        (latest(),)
    ]
    open_store(pg_url).close()  # made once, not again


def test_layers_have_spatial_and_attribute_indexes(pg_shared_store: str) -> None:
    rows = sql_rows(
        pg_shared_store,
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'parkmap' "
        "AND tablename = 'parcels'",
    )
    defs = " ".join(r[0] for r in rows)
    assert "USING gist (geom)" in defs
    assert "UNIQUE INDEX" in defs and "(parcel_id)" in defs
    assert "(status)" in defs and "(park_id)" in defs


def test_a_failed_build_leaves_the_old_store_and_no_debris(
    data_dir: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(data_dir, pg_url, progress=quiet)
    store = open_store(pg_url)
    before = store.build_id()
    real = pg_write.write_layer

    def fail_on_parcels(con, schema, info, gdf):
        if info.name == "parcels":
            raise RuntimeError("disk full")
        real(con, schema, info, gdf)

    monkeypatch.setattr(pg_write, "write_layer", fail_on_parcels)
    with pytest.raises(RuntimeError, match="disk full"):
        build(data_dir, pg_url, progress=quiet)
    assert store.build_id() == before
    assert store.query("parcels").number_matched == 6
    schemas = sql_rows(pg_url, "SELECT nspname FROM pg_namespace WHERE nspname ~ '__'")
    assert schemas == []
    store.close()


def test_a_rebuild_swaps_under_an_open_store(data_dir: Path, pg_url: str) -> None:
    build(data_dir, pg_url, progress=quiet)
    store = open_store(pg_url)
    first = store.build_id()
    build(data_dir, pg_url, progress=quiet)
    assert store.build_id() != first
    assert {i.name for i in store.layers()} == {"parks", "parcels", "landmarks"}
    names = sql_rows(
        pg_url, "SELECT nspname FROM pg_namespace WHERE nspname ~ 'parkmap'"
    )
    assert names == [("parkmap",)]
    store.close()


def test_a_schema_that_is_not_a_store_is_never_replaced(
    data_dir: Path, postgres: PgCluster, pg_url: str
) -> None:
    where = PgLocation.parse(pg_url)
    with psycopg.connect(where.conninfo) as con:
        con.execute("CREATE SCHEMA theirs")
        con.execute("CREATE TABLE theirs.keep (x int)")
    with pytest.raises(StoreUnavailable, match="no parkmap store"):
        build(data_dir, pg_url.replace("schema=parkmap", "schema=theirs"), quiet)
    assert sql_rows(pg_url, "SELECT count(*) FROM theirs.keep") == [(0,)]


def test_the_build_report_names_no_password(data_dir: Path, pg_url: str) -> None:
    report = build(data_dir, pg_url, progress=quiet)
    assert report["store"].startswith("postgresql://parkmap@127.0.0.1:")
    store = PostgisStore(pg_url)
    assert store.build_report()["layers"]["parcels"]["count"] == 6
    store.close()
