"""Investors' enquiries, kept inside the GeoPackage (table ``parkmap_enquiries``).

One attributes table (QGIS opens it like any other), one row per enquiry, numbered
in arrival order. Adding one is a single SQLite transaction (``BEGIN IMMEDIATE``)
under the store's write lock: the client's recent enquiries are counted and the row
inserted together, so two workers cannot both let a sixth one through. A build
creates the table and copies the rows of the store it replaces (``gpkg_carry``).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from layers.enquiries.rules import (
    COLUMNS,
    TABLE,
    Enquiry,
    EnquiryDraft,
    EnquiryPage,
    RateLimit,
    TooManyEnquiries,
    now,
)
from layers.store.base import MAX_LIMIT
from layers.store.gpkg_carry import carry_over
from layers.store.gpkg_connection import GpkgConnection
from layers.store.gpkg_format import register_attributes_table

CARRIED = (TABLE,)
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL,
    parcel_id TEXT NOT NULL, park_id TEXT, name TEXT NOT NULL,
    company TEXT NOT NULL DEFAULT '', email TEXT NOT NULL, message TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT '', client TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS ix_{TABLE}_client ON {TABLE} (client, created_at);
"""


def has_table(con: sqlite3.Connection) -> bool:
    """Whether the store has the enquiries table (stores built before it do not)."""
    row = con.execute(
        "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", (TABLE,)
    ).fetchone()
    return bool(row[0])


def _ensure_table(con: sqlite3.Connection) -> None:
    """Create the table (in the open transaction) in a store built before it."""
    if not has_table(con):
        for statement in SCHEMA.split(";"):
            if statement.strip():
                con.execute(statement)
        register_attributes_table(con, TABLE)


def create(con: sqlite3.Connection, old_store: Path | None) -> dict[str, int]:
    """At build time: create the table and copy the enquiries of ``old_store``.

    Args:
        con: the new store (before its rename over ``old_store``), under the lock.
        old_store: the file being replaced, if any.

    Returns:
        ``{"carried": n}`` for the build report.
    """
    con.commit()
    con.executescript(SCHEMA)
    register_attributes_table(con, TABLE)
    con.commit()
    copied = carry_over(con, old_store, CARRIED)
    return {"carried": copied.get(TABLE, 0)}


def _retry_after(
    con: sqlite3.Connection, client: str, limit: RateLimit, at: dt.datetime
) -> int | None:
    """Seconds until ``client`` may send again, or None if it may now."""
    rows = con.execute(
        f"SELECT created_at FROM {TABLE} WHERE client = ? AND created_at > ? "
        "ORDER BY created_at DESC LIMIT ?",
        (client, limit.since(at), limit.count),
    ).fetchall()
    return limit.retry_after([r[0] for r in rows], at)


def insert(
    con: sqlite3.Connection, draft: EnquiryDraft, limit: RateLimit | None = None
) -> Enquiry:
    """Store ``draft`` in one transaction, first checking the client's allowance.

    Args:
        con: a writer connection (autocommit mode: transactions are explicit).
        draft: a checked enquiry.
        limit: the allowance per client; None (or an empty client) means no limit.

    Returns:
        The stored enquiry, with its number and time.

    Raises:
        TooManyEnquiries: the client used its allowance; nothing is written.
    """
    con.execute("BEGIN IMMEDIATE")
    try:
        _ensure_table(con)
        created = now()
        at = dt.datetime.fromisoformat(created)
        if limit is not None and limit.count > 0 and draft.client:
            wait = _retry_after(con, draft.client, limit, at)
            if wait is not None:
                raise TooManyEnquiries(wait)
        values = (
            created, draft.parcel_id, draft.park_id, draft.name, draft.company,
            draft.email, draft.message, draft.lang, draft.client,
        )  # fmt: skip
        cursor = con.execute(
            f"INSERT INTO {TABLE} ({', '.join(COLUMNS[1:])}) "
            f"VALUES ({', '.join('?' * len(values))})",
            values,
        )
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    return Enquiry(int(cursor.lastrowid or 0), *values)


def select_page(con: sqlite3.Connection, limit: int, offset: int) -> EnquiryPage:
    """Enquiries newest first (``limit`` from ``offset``) and how many in all.

    Raises:
        ValueError: limit outside 0..MAX_LIMIT or a negative offset.
    """
    if not 0 <= limit <= MAX_LIMIT or offset < 0:
        raise ValueError(f"limit must be 0..{MAX_LIMIT} and offset ≥ 0")
    if not has_table(con):
        return EnquiryPage([], 0)
    con.execute("BEGIN")  # the page and the count from one snapshot
    try:
        rows = con.execute(
            f"SELECT {', '.join(COLUMNS)} FROM {TABLE} ORDER BY id DESC "
            "LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        total = con.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]
    finally:
        con.execute("COMMIT")
    return EnquiryPage([Enquiry(*row) for row in rows], int(total))


class GpkgEnquiries:
    """``EnquiryStore`` over a GeoPackage's connections."""

    def __init__(self, db: GpkgConnection):
        """Read and write through ``db``."""
        self._db = db

    def add(self, draft: EnquiryDraft, limit: RateLimit | None = None) -> Enquiry:
        """Store one enquiry (see ``insert``) under the store's write lock."""
        with self._db.writer() as con:
            return insert(con, draft, limit)

    def page(self, limit: int = 50, offset: int = 0) -> EnquiryPage:
        """Enquiries newest first, one page, and how many there are in all."""
        return select_page(self._db.reader(), limit, offset)
