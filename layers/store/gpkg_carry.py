"""Tables a rebuild carries over from the store it replaces.

A build writes a fresh GeoPackage and renames it over the old one. Tables that hold
what people did in the running service (clearance records and their audit, investors'
enquiries) are not in any source file, so the build copies their rows from the old
file while it holds the store's write lock (see ``gpkg_connection.write_lock``):
nothing written meanwhile can be lost.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from layers.store.gpkg_format import quote

logger = logging.getLogger(__name__)


def _columns(con: sqlite3.Connection, schema: str, table: str) -> list[str]:
    """The columns of ``schema.table`` in order (empty if there is no such table)."""
    return [r[1] for r in con.execute(f"PRAGMA {schema}.table_info({quote(table)})")]


def carry_over(
    con: sqlite3.Connection, old_store: Path | None, tables: Sequence[str]
) -> dict[str, int]:
    """Copy the rows of ``tables`` from ``old_store`` into ``con``'s database.

    Every table must already exist in ``con`` (empty). The columns both versions
    have are copied, by name, so a column added since the old build takes its
    default; a table the old store lacks is skipped. Tables are copied in the order
    given, all in one transaction.

    Args:
        con: the new store, being built (no transaction open or one to commit).
        old_store: the file being replaced; None or a missing file copies nothing.
        tables: the tables to copy.

    Returns:
        Rows copied per table found in the old store.
    """
    if old_store is None or not Path(old_store).is_file():
        return {}
    con.commit()  # ATTACH is refused inside a transaction
    con.execute("ATTACH DATABASE ? AS old", (str(old_store),))
    copied: dict[str, int] = {}
    try:
        for table in tables:
            wanted = set(_columns(con, "main", table))
            names = [c for c in _columns(con, "old", table) if c in wanted]
            if not names:
                continue
            cols = ", ".join(quote(c) for c in names)
            cursor = con.execute(
                f"INSERT INTO main.{quote(table)} ({cols}) "
                f"SELECT {cols} FROM old.{quote(table)}"
            )
            copied[table] = cursor.rowcount
        con.commit()
    except BaseException:
        con.rollback()
        raise
    finally:
        con.execute("DETACH DATABASE old")
    logger.info("carried over from %s: %s", old_store, copied)
    return copied
