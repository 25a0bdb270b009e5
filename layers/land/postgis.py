"""The land search on PostGIS: the GeoPackage's rules in PostgreSQL, one covering index.

``land_index`` runs at build time: a b-tree on the parcels table led by ``status``
and ``area_ha`` that carries (``INCLUDE``) every other column a land search reads
(park, clearance stage, price, block, id and each ``dist_<landmark>_km``), like the
GeoPackage's ``ix_parcels_land``.

``PgLand.search`` answers exactly what ``GpkgLand.search`` answers:
where SQLite and PostgreSQL differ, the SQL here follows SQLite. The minimum of
several distance fields is NULL when any of them is (SQLite's ``min(a, b)``;
PostgreSQL's ``LEAST`` would skip the NULL); ties go by parcel id in byte order
(``COLLATE "C"``, SQLite's ``BINARY``). Figures and page come from one snapshot.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import sql

from layers.land.parkfacts import ParkFacts, check_park_fields
from layers.land.query import (
    INDEX,
    INDEX_COLUMNS,
    INDEX_LEADING,
    LAYER,
    PARKS,
    READY_STAGES,
    LandQuery,
    LandResult,
    check_fields,
)
from layers.land.vocabulary import is_drive_field
from layers.store.base import MAX_LIMIT, LayerInfo
from layers.store.pg_connection import PgConnection
from layers.store.pg_schema import META_LAYERS, Migration, ident

logger = logging.getLogger(__name__)
TEXT_TYPES = ("str", "date")


def land_index(con: psycopg.Connection, schema: str, info: LayerInfo) -> None:
    """Create the land search's covering index on the parcels layer (others: no-op).

    Args:
        con: a connection inside the build's transaction.
        schema: the schema being built.
        info: a layer just written.
    """
    if info.name != LAYER:
        return
    names = {f.name for f in info.fields}
    if not set(INDEX_LEADING) <= names:
        return
    carried = [*INDEX_COLUMNS, info.id_field]
    carried += sorted(n for n in names if n.startswith("dist_") and n.endswith("_km"))
    carried += sorted(n for n in names if is_drive_field(n))
    included = [n for n in dict.fromkeys(carried) if n in names]
    con.execute(
        sql.SQL("CREATE INDEX {} ON {} ({}) INCLUDE ({})").format(
            sql.Identifier(INDEX),
            ident(schema, info.name),
            sql.SQL(", ").join(sql.Identifier(n) for n in INDEX_LEADING),
            sql.SQL(", ").join(sql.Identifier(n) for n in included),
        )
    )


def add_land_index(con: psycopg.Connection, schema: str) -> bool:
    """Give an existing store's parcels the covering index if it lacks it.

    Returns:
        True when the index was made (false: no parcels layer yet, or it has one).
    """
    row = con.execute(
        sql.SQL("SELECT info FROM {} WHERE name = %s").format(
            ident(schema, META_LAYERS)
        ),
        (LAYER,),
    ).fetchone()
    if row is None:
        return False
    found = con.execute(
        "SELECT to_regclass(%s) IS NOT NULL", (f'"{schema}"."{INDEX}"',)
    ).fetchone()
    if found and found[0]:
        return False
    info = LayerInfo.from_json(row[0])
    logger.info("indexing the parcels of schema %s for the land search", schema)
    land_index(con, schema, info)
    return True


def _v3(con: psycopg.Connection, schema: str) -> None:
    """The covering index, for stores built before builds made it.

    A new store gets it from its build (the layers come after the migrations).
    """
    add_land_index(con, schema)


MIGRATIONS: tuple[Migration, ...] = (
    (3, "the land search's covering index on parcels", _v3),
)


def _column(name: str) -> sql.Composed:
    return sql.SQL("t.{}").format(sql.Identifier(name))


def _expression(fields: tuple[str, ...]) -> sql.Composable:
    """The minimum of ``fields`` of row ``t``, NULL if any is NULL (as SQLite)."""
    cols = [_column(f) for f in fields]
    if len(cols) == 1:
        return cols[0]
    any_null = sql.SQL(" OR ").join(sql.SQL("{} IS NULL").format(c) for c in cols)
    return sql.SQL("(CASE WHEN {} THEN NULL ELSE LEAST({}) END)").format(
        any_null, sql.SQL(", ").join(cols)
    )


def where(schema: str, query: LandQuery) -> tuple[sql.Composable, list[Any]]:
    """The SQL condition on the parcels table (aliased ``t``) and its values."""
    clauses: list[sql.Composable] = [sql.SQL("t.status = ANY(%s)")]
    params: list[Any] = [list(query.status)]
    for name, op, value in query.bounds():
        clauses.append(sql.SQL("{} {} %s").format(_column(name), sql.SQL(op)))
        params.append(value)
    if query.parks:
        clauses.append(sql.SQL("t.park_id = ANY(%s)"))
        params.append(list(query.parks))
    if query.zones:
        clauses.append(
            sql.SQL(
                "t.park_id IN (SELECT park_id FROM {} WHERE zone_id = ANY(%s))"
            ).format(ident(schema, PARKS))
        )
        params.append(list(query.zones))
    for limit in query.within:
        clauses.append(sql.SQL("{} <= %s").format(_expression(limit.fields)))
        params.append(limit.km)
    for drive in query.drive_within:  # min_<target>: minutes by road
        clauses.append(sql.SQL("{} <= %s").format(_expression(drive.fields)))
        params.append(drive.minutes)
    if query.ready:
        clauses.append(
            sql.SQL(
                "t.status = 'available' AND "
                "(t.clr_stage IS NULL OR t.clr_stage = ANY(%s))"
            )
        )
        params.append(list(READY_STAGES))
    if query.facts:
        condition, values = park_fact_condition(query.facts)
        clauses.append(
            sql.SQL("t.park_id IN (SELECT park_id FROM {} WHERE {})").format(
                ident(schema, PARKS), condition
            )
        )
        params.extend(values)
    return sql.SQL(" AND ").join(clauses), params


def park_fact_condition(facts: ParkFacts) -> tuple[sql.Composable, list[Any]]:
    """The condition on the parks table for the park-fact conditions (as SQLite's)."""
    parts: list[sql.Composable] = []
    values: list[Any] = []
    for name, op, value in facts.conditions():
        column = sql.Identifier(name)
        if op == "has":  # exact item of a comma-separated list
            parts.append(sql.SQL("strpos(',' || {} || ',', %s) > 0").format(column))
            values.append(f",{value},")
        elif op == "in":
            parts.append(sql.SQL("{} = ANY(%s)").format(column))
            values.append(list(value))
        else:
            parts.append(sql.SQL("{} >= %s").format(column))
            values.append(value)
    return sql.SQL(" AND ").join(parts), values


def order_by(query: LandQuery, info: LayerInfo) -> sql.Composed:
    """The ordering: the sort value (missing last), then the parcel id (bytes)."""
    direction = sql.SQL("DESC" if query.order == "desc" else "ASC")
    key = _column(info.id_field)
    if info.field(info.id_field).type in TEXT_TYPES:
        key = sql.SQL('{} COLLATE "C"').format(key)
    return sql.SQL("{} {} NULLS LAST, {}").format(
        _expression(query.sort_fields), direction, key
    )


class PgLand:
    """``LandStore`` over a PostGIS store's connection pool."""

    def __init__(
        self,
        db: PgConnection,
        layer_info: Callable[[psycopg.Connection, str], LayerInfo],
    ):
        """Read through ``db``; ``layer_info`` reads a layer's metadata on a con."""
        self._db = db
        self._layer_info = layer_info

    def search(self, query: LandQuery) -> LandResult:
        """Parcels matching ``query``: a page of GeoJSON texts, count and hectares."""
        with self._db.connection() as con:
            # Figures and page from one snapshot, as the GeoPackage's transaction.
            con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            info = self._layer_info(con, LAYER)
            if not 0 <= query.limit <= MAX_LIMIT or query.offset < 0:
                raise ValueError(f"limit must be 0..{MAX_LIMIT} and offset ≥ 0")
            check_fields(query, info)
            if query.facts:
                parks = self._layer_info(con, PARKS).fields
                check_park_fields(query.facts.parameters(), {f.name for f in parks})
            condition, params = where(self._db.schema, query)
            table = ident(self._db.schema, info.name)
            has_area = any(f.name == "area_ha" for f in info.fields)
            area = _column("area_ha") if has_area else sql.SQL("0")
            row = con.execute(
                sql.SQL(
                    "SELECT count(*), coalesce(sum({}), 0) FROM {} t WHERE {}"
                ).format(area, table, condition),
                params,
            ).fetchone()
            count, total = (int(row[0]), float(row[1])) if row else (0, 0.0)
            features: list[str] = []
            if count > query.offset and query.limit:
                rows = con.execute(
                    sql.SQL(
                        "SELECT t.json FROM {} t WHERE {} ORDER BY {} "
                        "LIMIT %s OFFSET %s"
                    ).format(table, condition, order_by(query, info)),
                    [*params, query.limit, query.offset],
                )
                features = [r[0] for r in rows]
        return LandResult(features, count, round(total, 4))
