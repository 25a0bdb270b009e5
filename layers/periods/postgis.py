"""Reporting periods in the PostGIS store (the tables of ``records``).

The GeoPackage's tables and rules, made safe for many workers on one database.
A write is one transaction: it takes the store's lock shared (a build's swap waits
for it, and it for the swap), then an advisory lock on the period's id, so two
workers saving one period (or creating it) go one after the other; then it reads
the period's status and revision, decides with ``records`` and writes the
period's row, the revision and its figures. Reads see one snapshot (REPEATABLE
READ). The tables come with migration 4 (``_v4``); a build carries their rows over
(``swap``) and, when that leaves no period (a first build), stores the sample
periods (``seed``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import sql

from layers.periods import records
from layers.periods.records import (
    PERIOD_COLUMNS,
    PERIODS,
    REVISION_COLUMNS,
    REVISIONS,
    TABLES,
    VALUE_COLUMNS,
    VALUES,
    Current,
)
from layers.periods.rules import (
    DRAFT,
    PUBLISHED,
    Period,
    PeriodDraft,
    PeriodNotFound,
    Revision,
)
from layers.store.base import LayerInfo
from layers.store.pg_carry import carry_over
from layers.store.pg_connection import PgConnection, take_edit_lock
from layers.store.pg_schema import Migration, ident


def _v4(con: psycopg.Connection, schema: str) -> None:
    """Reporting periods, their revisions and figures (times as ISO text).

    Written to run again harmlessly, as the land index's step does.
    """
    s = sql.Identifier(schema)
    statements = [
        "CREATE TABLE IF NOT EXISTS {s}.parkmap_periods (id text PRIMARY KEY, "
        'end_date text COLLATE "C" NOT NULL, kind text COLLATE "C" NOT NULL, '
        "title text NOT NULL, illustrative boolean NOT NULL, status text NOT NULL, "
        "revision integer NOT NULL, created_by text NOT NULL, "
        "created_at text NOT NULL, updated_by text NOT NULL, "
        "updated_at text NOT NULL, published_by text NOT NULL DEFAULT '', "
        "published_at text NOT NULL DEFAULT '')",
        "CREATE INDEX IF NOT EXISTS parkmap_periods_end "
        "ON {s}.parkmap_periods (status, end_date, kind)",
        "CREATE TABLE IF NOT EXISTS {s}.parkmap_period_revisions ("
        "period_id text NOT NULL, "
        "revision integer NOT NULL, title text NOT NULL, "
        'illustrative boolean NOT NULL, "user" text NOT NULL, at text NOT NULL, '
        "reason text NOT NULL, PRIMARY KEY (period_id, revision))",
        "CREATE TABLE IF NOT EXISTS {s}.parkmap_period_values ("
        "period_id text NOT NULL, "
        "revision integer NOT NULL, park_id text NOT NULL, field text NOT NULL, "
        "value double precision NOT NULL, "
        "PRIMARY KEY (period_id, revision, park_id, field))",
    ]
    for text in statements:
        con.execute(sql.SQL(text).format(s=s))  # type: ignore[arg-type]


MIGRATIONS: tuple[Migration, ...] = ((4, "reporting periods", _v4),)


def _cols(names: Sequence[str], prefix: str = "") -> sql.Composed:
    return sql.SQL(", ").join(sql.SQL(prefix) + sql.Identifier(n) for n in names)


def _insert(
    con: psycopg.Connection, schema: str, table: str, columns: Sequence[str], rows
) -> None:
    with con.cursor() as cur:
        cur.executemany(
            sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                ident(schema, table),
                _cols(columns),
                sql.SQL(", ").join(sql.Placeholder() * len(columns)),
            ),
            rows,
        )


def swap(
    con: psycopg.Connection, new: str, old: str | None, _infos: Sequence[LayerInfo]
) -> dict[str, Any]:
    """The build's hook before the swap: copy the periods' rows over."""
    copied = carry_over(con, new, old, TABLES) if old is not None else {}
    return {"carried": copied.get(PERIODS, 0)}


def seed(
    con: psycopg.Connection, schema: str, samples: Sequence[tuple[PeriodDraft, str]]
) -> dict[str, int]:
    """At build time, after ``swap``: store ``samples`` if ``schema`` has no period.

    Returns:
        ``{"seeded": n}``: 0 when the store already held periods.
    """
    row = con.execute(
        sql.SQL("SELECT count(*) FROM {}").format(ident(schema, PERIODS))
    ).fetchone()
    if row and row[0]:
        return {"seeded": 0}
    at = records.now()
    for draft, status in samples:
        _write(con, schema, draft, 1, (records.SAMPLE_USER, at, ""))
        if status == PUBLISHED:
            _publish(con, schema, draft.period_id, records.SAMPLE_USER, at)
    return {"seeded": len(samples)}


def _current(con: psycopg.Connection, schema: str, period_id: str) -> Current | None:
    row = con.execute(
        sql.SQL("SELECT status, revision FROM {} WHERE id = %s FOR UPDATE").format(
            ident(schema, PERIODS)
        ),
        (period_id,),
    ).fetchone()
    return None if row is None else Current(row[0], int(row[1]))


def _write(
    con: psycopg.Connection,
    schema: str,
    draft: PeriodDraft,
    number: int,
    by: tuple[str, str, str],
) -> None:
    """Write revision ``number`` of ``draft``'s period (1 creates the period).

    ``by`` is (user, at, reason).
    """
    user, at, _reason = by
    pid = draft.period_id
    if number == 1:
        row = (
            pid, draft.end.isoformat(), draft.kind, draft.title,
            draft.illustrative, DRAFT, 1, user, at, user, at, "", "",
        )  # fmt: skip
        _insert(con, schema, PERIODS, PERIOD_COLUMNS, [row])
    else:
        con.execute(
            sql.SQL(
                "UPDATE {} SET title = %s, illustrative = %s, revision = %s, "
                "updated_by = %s, updated_at = %s WHERE id = %s"
            ).format(ident(schema, PERIODS)),
            (draft.title, draft.illustrative, number, user, at, pid),
        )
    revision = records.revision_row(draft, number, by)
    _insert(con, schema, REVISIONS, REVISION_COLUMNS, [revision])
    values = records.value_rows(pid, number, draft)
    _insert(con, schema, VALUES, VALUE_COLUMNS, values)


def _publish(
    con: psycopg.Connection, schema: str, period_id: str, user: str, at: str
) -> None:
    con.execute(
        sql.SQL(
            "UPDATE {} SET status = %s, published_by = %s, published_at = %s "
            "WHERE id = %s"
        ).format(ident(schema, PERIODS)),
        (PUBLISHED, user, at, period_id),
    )


def _delete(con: psycopg.Connection, schema: str, period_id: str) -> None:
    for table, key in (
        (VALUES, "period_id"),
        (REVISIONS, "period_id"),
        (PERIODS, "id"),
    ):
        con.execute(
            sql.SQL("DELETE FROM {} WHERE {} = %s").format(
                ident(schema, table), sql.Identifier(key)
            ),
            (period_id,),
        )


def _rows(
    con: psycopg.Connection, schema: str, where: sql.Composable, args: tuple
) -> list[dict[str, object]]:
    cursor = con.execute(
        sql.SQL("SELECT {} FROM {} {} ORDER BY end_date, kind").format(
            _cols(PERIOD_COLUMNS), ident(schema, PERIODS), where
        ),
        args,
    )
    return [dict(zip(PERIOD_COLUMNS, r, strict=True)) for r in cursor]


def select_periods(
    con: psycopg.Connection, schema: str, include_drafts: bool
) -> list[Period]:
    """Every (published) period at its current revision, oldest end date first."""
    where: sql.Composable = sql.SQL("")
    args: tuple = ()
    if not include_drafts:
        where, args = sql.SQL("WHERE status = %s"), (PUBLISHED,)
    join = sql.SQL(
        "JOIN {} AS p ON t.period_id = p.id AND t.revision = p.revision"
    ).format(ident(schema, PERIODS))
    rows = _rows(con, schema, where, args)
    revisions = con.execute(
        sql.SQL("SELECT {} FROM {} AS t {}").format(
            _cols(REVISION_COLUMNS, "t."), ident(schema, REVISIONS), join
        )
    ).fetchall()
    values = con.execute(
        sql.SQL(
            "SELECT t.period_id, t.park_id, t.field, t.value FROM {} AS t {}"
        ).format(ident(schema, VALUES), join)
    ).fetchall()
    return records.assemble(rows, revisions, values)


def select_period(
    con: psycopg.Connection, schema: str, period_id: str, revision: int | None = None
) -> Period:
    """One period at its current revision or at ``revision``.

    Raises:
        PeriodNotFound: no such period or revision.
    """
    rows = _rows(con, schema, sql.SQL("WHERE id = %s"), (period_id,))
    number = revision if revision is not None else rows[0]["revision"] if rows else 0
    args = (period_id, number)
    found = con.execute(
        sql.SQL("SELECT {} FROM {} WHERE period_id = %s AND revision = %s").format(
            _cols(REVISION_COLUMNS), ident(schema, REVISIONS)
        ),
        args,
    ).fetchall()
    values = con.execute(
        sql.SQL(
            "SELECT period_id, park_id, field, value FROM {} "
            "WHERE period_id = %s AND revision = %s"
        ).format(ident(schema, VALUES)),
        args,
    ).fetchall()
    return records.one(period_id, revision, rows, found, values)


def select_history(
    con: psycopg.Connection, schema: str, period_id: str
) -> list[Revision]:
    """Every revision of a period, first first; raise PeriodNotFound."""
    found = con.execute(
        sql.SQL("SELECT {} FROM {} WHERE period_id = %s ORDER BY revision").format(
            _cols(REVISION_COLUMNS), ident(schema, REVISIONS)
        ),
        (period_id,),
    ).fetchall()
    if not found:
        raise PeriodNotFound(period_id)
    return [records.revision(r) for r in found]


class PgPeriods:
    """``PeriodStore`` over a PostGIS store's connection pool."""

    def __init__(self, db: PgConnection):
        """Read and write through ``db``."""
        self._db = db

    def _begin_write(self, con: psycopg.Connection, period_id: str) -> Current | None:
        """Take the store's lock shared and the period's lock; its current state."""
        schema = self._db.schema
        take_edit_lock(con, schema, self._db.lock_timeout_s)
        con.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s), hashtext(%s))",
            (f"parkmap-periods:{schema}", period_id),
        )
        return _current(con, schema, period_id)

    def periods(self, include_drafts: bool = False) -> list[Period]:
        """Periods at their latest revision, oldest end date first."""
        with self._db.connection() as con:
            con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return select_periods(con, self._db.schema, include_drafts)

    def get(self, period_id: str, revision: int | None = None) -> Period:
        """One period, at its latest revision or at ``revision``."""
        with self._db.connection() as con:
            con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return select_period(con, self._db.schema, period_id, revision)

    def latest(self) -> Period | None:
        """The published period with the latest end date; None if none is."""
        found = self.periods()
        return found[-1] if found else None

    def save_draft(
        self, draft: PeriodDraft, user: str, base_revision: int | None = None
    ) -> Period:
        """Create a draft or save a draft's values as its next revision."""
        pid, schema = draft.period_id, self._db.schema
        with self._db.connection() as con, con.transaction():
            current = self._begin_write(con, pid)
            number = records.next_draft_revision(pid, current, base_revision)
            _write(con, schema, draft, number, (user, records.now(), ""))
            saved = select_period(con, schema, pid)
        records.audit("draft saved", pid, user, number)
        return saved

    def publish(self, period_id: str, user: str) -> Period:
        """Publish a draft as it stands."""
        schema = self._db.schema
        with self._db.connection() as con, con.transaction():
            records.check_publishable(period_id, self._begin_write(con, period_id))
            _publish(con, schema, period_id, user, records.now())
            published = select_period(con, schema, period_id)
        records.audit("published", period_id, user, published.revision)
        return published

    def correct(
        self, draft: PeriodDraft, reason: str, user: str, base_revision: int
    ) -> Period:
        """A new revision of a published period, with a reason; earlier kept."""
        pid, schema, reason = draft.period_id, self._db.schema, reason.strip()
        with self._db.connection() as con, con.transaction():
            current = self._begin_write(con, pid)
            number = records.next_correction(pid, current, base_revision, reason)
            _write(con, schema, draft, number, (user, records.now(), reason))
            corrected = select_period(con, schema, pid)
        records.audit("corrected", pid, user, number, reason)
        return corrected

    def history(self, period_id: str) -> list[Revision]:
        """Every revision of a period, first first."""
        with self._db.connection() as con:
            return select_history(con, self._db.schema, period_id)

    def delete_draft(self, period_id: str, user: str) -> None:
        """Remove a draft with its revisions (never a published period)."""
        with self._db.connection() as con, con.transaction():
            current = self._begin_write(con, period_id)
            records.check_publishable(period_id, current)
            _delete(con, self._db.schema, period_id)
        revision = current.revision if current else 0
        records.audit("draft deleted", period_id, user, revision)
