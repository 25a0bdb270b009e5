"""Reporting periods kept inside the GeoPackage (tables in ``records``).

Three attribute tables QGIS opens like any other. Every write (a draft's save, a
publication, a correction, a draft's removal) is one SQLite transaction
(``BEGIN IMMEDIATE``) under the store's write lock: it reads the period's status
and revision, decides with ``records`` whether the write may go ahead, and writes
the period's row, the revision and its figures together. A build creates the
tables, copies the rows of the store it replaces (``gpkg_carry``) and, when that
leaves no period (a first build), stores the sample periods (``seed``).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

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
from layers.store.gpkg_carry import carry_over
from layers.store.gpkg_connection import GpkgConnection
from layers.store.gpkg_format import register_attributes_table

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {PERIODS} (
    id TEXT PRIMARY KEY, end_date TEXT NOT NULL, kind TEXT NOT NULL,
    title TEXT NOT NULL, illustrative INTEGER NOT NULL, status TEXT NOT NULL,
    revision INTEGER NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_by TEXT NOT NULL, updated_at TEXT NOT NULL,
    published_by TEXT NOT NULL DEFAULT '', published_at TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS ix_{PERIODS}_end ON {PERIODS} (status, end_date, kind);
CREATE TABLE IF NOT EXISTS {REVISIONS} (
    fid INTEGER PRIMARY KEY AUTOINCREMENT, period_id TEXT NOT NULL,
    revision INTEGER NOT NULL, title TEXT NOT NULL, illustrative INTEGER NOT NULL,
    "user" TEXT NOT NULL, at TEXT NOT NULL, reason TEXT NOT NULL,
    UNIQUE (period_id, revision));
CREATE TABLE IF NOT EXISTS {VALUES} (
    fid INTEGER PRIMARY KEY AUTOINCREMENT, period_id TEXT NOT NULL,
    revision INTEGER NOT NULL, park_id TEXT NOT NULL, field TEXT NOT NULL,
    value REAL NOT NULL, UNIQUE (period_id, revision, park_id, field));
"""


def _cols(names: Sequence[str], prefix: str = "") -> str:
    return ", ".join(f'{prefix}"{n}"' for n in names)


def has_tables(con: sqlite3.Connection) -> bool:
    """Whether the store has the periods' tables (stores built before it do not)."""
    row = con.execute(
        "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", (PERIODS,)
    ).fetchone()
    return bool(row[0])


def _create_tables(con: sqlite3.Connection) -> None:
    """Create the tables (in the open transaction, if any) and register them."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            con.execute(statement)
    for table in TABLES:
        register_attributes_table(con, table)


def create(con: sqlite3.Connection, old_store: Path | None) -> dict[str, int]:
    """At build time: create the tables and copy the periods of ``old_store``.

    Returns:
        ``{"carried": n}`` (periods) for the build report.
    """
    con.commit()
    _create_tables(con)
    con.commit()
    copied = carry_over(con, old_store, (PERIODS, REVISIONS, VALUES))
    return {"carried": copied.get(PERIODS, 0)}


def seed(
    con: sqlite3.Connection, samples: Sequence[tuple[PeriodDraft, str]]
) -> dict[str, int]:
    """At build time, after ``create``: store ``samples`` if the store has no period.

    Args:
        con: the new store, its tables created and carried over.
        samples: (draft, status) per sample period (``sample.read_seed``).

    Returns:
        ``{"seeded": n}``: 0 when the store already held periods.
    """
    if con.execute(f"SELECT count(*) FROM {PERIODS}").fetchone()[0]:
        return {"seeded": 0}
    at = records.now()
    for draft, status in samples:
        _write(con, draft, 1, (records.SAMPLE_USER, at, ""))
        if status == PUBLISHED:
            _publish(con, draft.period_id, records.SAMPLE_USER, at)
    con.commit()
    return {"seeded": len(samples)}


def _current(con: sqlite3.Connection, period_id: str) -> Current | None:
    row = con.execute(
        f"SELECT status, revision FROM {PERIODS} WHERE id = ?", (period_id,)
    ).fetchone()
    return None if row is None else Current(row[0], int(row[1]))


def _insert(con: sqlite3.Connection, table: str, columns: Sequence[str], rows) -> None:
    con.executemany(
        f"INSERT INTO {table} ({_cols(columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})",
        rows,
    )


def _write(
    con: sqlite3.Connection, draft: PeriodDraft, number: int, by: tuple[str, str, str]
) -> None:
    """Write revision ``number`` of ``draft``'s period (1 creates the period).

    ``by`` is (user, at, reason).
    """
    user, at, _reason = by
    pid = draft.period_id
    if number == 1:
        row = (
            pid, draft.end.isoformat(), draft.kind, draft.title,
            int(draft.illustrative), DRAFT, 1, user, at, user, at, "", "",
        )  # fmt: skip
        _insert(con, PERIODS, PERIOD_COLUMNS, [row])
    else:
        con.execute(
            f"UPDATE {PERIODS} SET title = ?, illustrative = ?, revision = ?, "
            "updated_by = ?, updated_at = ? WHERE id = ?",
            (draft.title, int(draft.illustrative), number, user, at, pid),
        )
    _insert(con, REVISIONS, REVISION_COLUMNS, [records.revision_row(draft, number, by)])
    _insert(con, VALUES, VALUE_COLUMNS, records.value_rows(pid, number, draft))


def _publish(con: sqlite3.Connection, period_id: str, user: str, at: str) -> None:
    con.execute(
        f"UPDATE {PERIODS} SET status = ?, published_by = ?, published_at = ? "
        "WHERE id = ?",
        (PUBLISHED, user, at, period_id),
    )


def _delete(con: sqlite3.Connection, period_id: str) -> None:
    for table, key in (
        (VALUES, "period_id"),
        (REVISIONS, "period_id"),
        (PERIODS, "id"),
    ):
        con.execute(f"DELETE FROM {table} WHERE {key} = ?", (period_id,))


@contextlib.contextmanager
def _snapshot(con: sqlite3.Connection) -> Iterator[None]:
    """Reads in one transaction: the one open (a write's) or a new one."""
    if con.in_transaction:
        yield
        return
    con.execute("BEGIN")
    try:
        yield
    finally:
        con.execute("COMMIT")


def _rows(con: sqlite3.Connection, where: str, args: tuple) -> list[dict[str, object]]:
    cursor = con.execute(
        f"SELECT {_cols(PERIOD_COLUMNS)} FROM {PERIODS} {where} "
        "ORDER BY end_date, kind",
        args,
    )
    return [dict(zip(PERIOD_COLUMNS, r, strict=True)) for r in cursor]


def select_periods(con: sqlite3.Connection, include_drafts: bool) -> list[Period]:
    """Every (published) period at its current revision, oldest end date first."""
    if not has_tables(con):
        return []
    where, args = ("", ()) if include_drafts else ("WHERE status = ?", (PUBLISHED,))
    join = f"JOIN {PERIODS} AS p ON t.period_id = p.id AND t.revision = p.revision"
    with _snapshot(con):  # the rows, revisions and figures from one snapshot
        rows = _rows(con, where, args)
        revisions = con.execute(
            f"SELECT {_cols(REVISION_COLUMNS, 't.')} FROM {REVISIONS} AS t {join}"
        ).fetchall()
        values = con.execute(
            f"SELECT t.period_id, t.park_id, t.field, t.value FROM {VALUES} AS t {join}"
        ).fetchall()
    return records.assemble(rows, revisions, values)


def select_period(
    con: sqlite3.Connection, period_id: str, revision: int | None = None
) -> Period:
    """One period at its current revision or at ``revision``.

    Raises:
        PeriodNotFound: no such period or revision.
    """
    if not has_tables(con):
        raise PeriodNotFound(period_id)
    with _snapshot(con):
        rows = _rows(con, "WHERE id = ?", (period_id,))
        number = (
            revision if revision is not None else rows[0]["revision"] if rows else 0
        )
        found = con.execute(
            f"SELECT {_cols(REVISION_COLUMNS)} FROM {REVISIONS} "
            "WHERE period_id = ? AND revision = ?",
            (period_id, number),
        ).fetchall()
        values = con.execute(
            f"SELECT period_id, park_id, field, value FROM {VALUES} "
            "WHERE period_id = ? AND revision = ?",
            (period_id, number),
        ).fetchall()
    return records.one(period_id, revision, rows, found, values)


def select_history(con: sqlite3.Connection, period_id: str) -> list[Revision]:
    """Every revision of a period, first first; raise PeriodNotFound."""
    found = []
    if has_tables(con):
        found = con.execute(
            f"SELECT {_cols(REVISION_COLUMNS)} FROM {REVISIONS} WHERE period_id = ? "
            "ORDER BY revision",
            (period_id,),
        ).fetchall()
    if not found:
        raise PeriodNotFound(period_id)
    return [records.revision(r) for r in found]


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` on a writer, rolled back on any error."""

    def __init__(self, con: sqlite3.Connection):
        self.con = con

    def __enter__(self) -> sqlite3.Connection:
        self.con.execute("BEGIN IMMEDIATE")
        if not has_tables(self.con):  # a store built before periods existed
            _create_tables(self.con)
        return self.con

    def __exit__(self, kind: object, *_rest: object) -> None:
        if kind is None:
            self.con.execute("COMMIT")
        elif self.con.in_transaction:
            self.con.execute("ROLLBACK")


class GpkgPeriods:
    """``PeriodStore`` over a GeoPackage's connections."""

    def __init__(self, db: GpkgConnection):
        """Read and write through ``db``."""
        self._db = db

    def periods(self, include_drafts: bool = False) -> list[Period]:
        """Periods at their latest revision, oldest end date first."""
        return select_periods(self._db.reader(), include_drafts)

    def get(self, period_id: str, revision: int | None = None) -> Period:
        """One period, at its latest revision or at ``revision``."""
        return select_period(self._db.reader(), period_id, revision)

    def latest(self) -> Period | None:
        """The published period with the latest end date; None if none is."""
        found = self.periods()
        return found[-1] if found else None

    def save_draft(
        self, draft: PeriodDraft, user: str, base_revision: int | None = None
    ) -> Period:
        """Create a draft or save a draft's values as its next revision."""
        pid = draft.period_id
        with self._db.writer() as writer, _Transaction(writer) as con:
            number = records.next_draft_revision(pid, _current(con, pid), base_revision)
            _write(con, draft, number, (user, records.now(), ""))
            saved = select_period(con, pid)
        records.audit("draft saved", pid, user, number)
        return saved

    def publish(self, period_id: str, user: str) -> Period:
        """Publish a draft as it stands."""
        with self._db.writer() as writer, _Transaction(writer) as con:
            records.check_publishable(period_id, _current(con, period_id))
            _publish(con, period_id, user, records.now())
            published = select_period(con, period_id)
        records.audit("published", period_id, user, published.revision)
        return published

    def correct(
        self, draft: PeriodDraft, reason: str, user: str, base_revision: int
    ) -> Period:
        """A new revision of a published period, with a reason; earlier kept."""
        pid, reason = draft.period_id, reason.strip()
        with self._db.writer() as writer, _Transaction(writer) as con:
            number = records.next_correction(
                pid, _current(con, pid), base_revision, reason
            )
            _write(con, draft, number, (user, records.now(), reason))
            corrected = select_period(con, pid)
        records.audit("corrected", pid, user, number, reason)
        return corrected

    def history(self, period_id: str) -> list[Revision]:
        """Every revision of a period, first first."""
        return select_history(self._db.reader(), period_id)

    def delete_draft(self, period_id: str, user: str) -> None:
        """Remove a draft with its revisions (never a published period)."""
        with self._db.writer() as writer, _Transaction(writer) as con:
            current = _current(con, period_id)
            records.check_publishable(period_id, current)
            _delete(con, period_id)
        revision = current.revision if current else 0
        records.audit("draft deleted", period_id, user, revision)
