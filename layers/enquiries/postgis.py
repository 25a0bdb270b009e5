"""Investors' enquiries in the PostGIS store (table ``parkmap_enquiries``).

The GeoPackage's table and rules (``gpkg_enquiries``, ``layers.enquiries.rules``), made
safe for many workers on one database. Adding one is a transaction that takes the
store's lock shared (a build's swap waits for it, and it for the swap) and then an
advisory lock on the sender's address hash, so two workers serving one sender count
that sender's recent enquiries one after the other and cannot both let one too many
through; senders do not wait for each other. The table comes with migration 2
(``pg_schema._v2``); a build carries its rows over and continues its numbering
(``carry``), so numbers are never reused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
from psycopg import sql

from layers.clearance.gpkg import now
from layers.clearance.postgis import LOCK_TIMEOUT_S, take_edit_lock
from layers.enquiries.gpkg import COLUMNS
from layers.enquiries.rules import (
    Enquiry,
    EnquiryDraft,
    EnquiryPage,
    RateLimit,
    TooManyEnquiries,
)
from layers.store.base import MAX_LIMIT
from layers.store.pg_schema import ENQUIRIES, ident

TABLE = ENQUIRIES
CARRIED = (TABLE,)


def _sequence(schema: str) -> sql.Composed:
    """The id sequence of ``schema``'s table, as a regclass."""
    return sql.SQL("pg_get_serial_sequence({}, 'id')::regclass").format(
        sql.Literal(f'"{schema}".{TABLE}')
    )


def carry(con: psycopg.Connection, new: str, old: str | None) -> dict[str, int]:
    """At build time, after the rows were copied: go on numbering after the old ones.

    Args:
        con: the build's connection, holding the store's lock.
        new: the schema being built (its table holds the carried rows).
        old: the schema it replaces (None: a first build).

    Returns:
        ``{"carried": n}`` for the build report.
    """
    table = ident(new, TABLE)
    row = con.execute(
        sql.SQL("SELECT count(*), coalesce(max(id), 0) FROM {}").format(table)
    ).fetchone()
    count, last = (int(row[0]), int(row[1])) if row else (0, 0)
    if old is not None and _has_table(con, old):
        used = con.execute(
            sql.SQL("SELECT pg_sequence_last_value({})").format(_sequence(old))
        ).fetchone()
        last = max(last, int(used[0] or 0) if used else 0)
    if last:
        con.execute(sql.SQL("SELECT setval({}, %s)").format(_sequence(new)), (last,))
    return {"carried": count}


def _has_table(con: psycopg.Connection, schema: str) -> bool:
    found = con.execute(
        "SELECT to_regclass(%s) IS NOT NULL", (f'"{schema}".{TABLE}',)
    ).fetchone()
    return bool(found and found[0])


def _retry_after(
    con: psycopg.Connection, schema: str, client: str, limit: RateLimit, at: dt.datetime
) -> int | None:
    """Seconds until ``client`` may send again, or None if it may now."""
    rows = con.execute(
        sql.SQL(
            "SELECT created_at FROM {} WHERE client = %s AND created_at > %s "
            "ORDER BY created_at DESC LIMIT %s"
        ).format(ident(schema, TABLE)),
        (client, limit.since(at), limit.count),
    ).fetchall()
    return limit.retry_after([r[0] for r in rows], at)


def insert(
    con: psycopg.Connection,
    schema: str,
    draft: EnquiryDraft,
    limit: RateLimit | None = None,
    lock_timeout_s: float = LOCK_TIMEOUT_S,
) -> Enquiry:
    """Store ``draft`` in one transaction, first checking the client's allowance.

    Raises:
        TooManyEnquiries: the client used its allowance; nothing is written.
        StoreUnavailable: a build held the store's lock too long.
    """
    limited = limit is not None and limit.count > 0 and bool(draft.client)
    with con.transaction():
        take_edit_lock(con, schema, lock_timeout_s)
        if limited:  # one sender's enquiries are counted one transaction at a time
            con.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s), hashtext(%s))",
                (f"parkmap-enquiries:{schema}", draft.client),
            )
        created = now()  # after the locks: a sender's times follow its commits
        if limited and limit is not None:
            wait = _retry_after(
                con, schema, draft.client, limit, dt.datetime.fromisoformat(created)
            )
            if wait is not None:
                raise TooManyEnquiries(wait)
        values = (
            created, draft.parcel_id, draft.park_id, draft.name, draft.company,
            draft.email, draft.message, draft.lang, draft.client,
        )  # fmt: skip
        row = con.execute(
            sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING id").format(
                ident(schema, TABLE),
                sql.SQL(", ").join(sql.Identifier(c) for c in COLUMNS[1:]),
                sql.SQL(", ").join(sql.Placeholder() * len(values)),
            ),
            values,
        ).fetchone()
    return Enquiry(int(row[0]) if row else 0, *values)


def select_page(
    con: psycopg.Connection, schema: str, limit: int, offset: int
) -> EnquiryPage:
    """Enquiries newest first (``limit`` from ``offset``) and how many in all."""
    con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    table = ident(schema, TABLE)
    rows = con.execute(
        sql.SQL("SELECT {} FROM {} ORDER BY id DESC LIMIT %s OFFSET %s").format(
            sql.SQL(", ").join(sql.Identifier(c) for c in COLUMNS), table
        ),
        (limit, offset),
    ).fetchall()
    total = con.execute(sql.SQL("SELECT count(*) FROM {}").format(table)).fetchone()
    return EnquiryPage([Enquiry(*r) for r in rows], int(total[0]) if total else 0)


class PgEnquiries:
    """The enquiries half of ``PostgisStore`` (mixed in; needs its pool helpers)."""

    schema: str
    _connection: Any  # PostgisStore._connection: a pooled connection
    lock_timeout_s: float = LOCK_TIMEOUT_S

    def add_enquiry(
        self, draft: EnquiryDraft, limit: RateLimit | None = None
    ) -> Enquiry:
        """Store one enquiry (see ``insert``) as one transaction."""
        with self._connection() as con:
            return insert(con, self.schema, draft, limit, self.lock_timeout_s)

    def enquiries(self, limit: int = 50, offset: int = 0) -> EnquiryPage:
        """Enquiries newest first, one page, and how many there are in all."""
        if not 0 <= limit <= MAX_LIMIT or offset < 0:
            raise ValueError(f"limit must be 0..{MAX_LIMIT} and offset ≥ 0")
        with self._connection() as con:
            return select_page(con, self.schema, limit, offset)
