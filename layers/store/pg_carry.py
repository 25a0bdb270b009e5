"""Tables a PostGIS rebuild carries over from the schema it replaces.

A build fills a new schema and swaps it in (``pg_write``). Tables that hold what
people did in the running service are not in any source file, so the features
that own them copy their rows from the old schema in the build's transaction,
holding the store's lock alone (``StoredFeature.pg_swap``): nothing written
meanwhile can be lost. The GeoPackage's counterpart is ``gpkg_carry``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import psycopg
from psycopg import sql

from layers.store.pg_schema import ident

logger = logging.getLogger(__name__)


def _columns(con: psycopg.Connection, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
        (schema, table),
    ).fetchall()
    return [r[0] for r in rows]


def carry_over(
    con: psycopg.Connection, new: str, old: str, tables: Sequence[str]
) -> dict[str, int]:
    """Copy the rows of ``tables`` from schema ``old`` to ``new``, common columns only.

    A column added since the old build takes its default; a table the old store
    lacks is skipped (as ``gpkg_carry.carry_over`` does).
    """
    copied: dict[str, int] = {}
    for table in tables:
        wanted = set(_columns(con, new, table))
        names = [c for c in _columns(con, old, table) if c in wanted]
        if not names:
            continue
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in names)
        cursor = con.execute(
            sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {}").format(
                ident(new, table), cols, cols, ident(old, table)
            )
        )
        copied[table] = cursor.rowcount
    logger.info("carried over from schema %s: %s", old, copied)
    return copied
