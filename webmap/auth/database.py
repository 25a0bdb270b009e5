"""The accounts database: one SQLite file in ``STATE_DIR`` (WAL, busy timeout).

Each call opens its own short-lived connection, so the database is safe to use from
several threads and several gunicorn workers at once. Every write runs inside
``BEGIN IMMEDIATE`` … ``COMMIT`` (rolled back on any error).

``PRAGMA user_version`` holds the schema version. A new table needs only its
``CREATE … IF NOT EXISTS`` in ``SCHEMA``; a change to an existing table bumps
``SCHEMA_VERSION`` and adds the statements that bring the previous version up to it
to ``MIGRATIONS``. Both run in one transaction when the file is first used.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from layers.errors import StoreUnavailable

logger = logging.getLogger(__name__)

FILENAME = "accounts.sqlite"
SCHEMA_VERSION = 2
BUSY_TIMEOUT_MS = 5000

# Statements that bring a database of version N - 1 up to N, run before SCHEMA.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    # The failure counts and locks gained scopes (their CHECKs changed). What they
    # hold matters for minutes only, so SCHEMA makes them afresh, empty.
    2: ("DROP TABLE IF EXISTS login_failures", "DROP TABLE IF EXISTS login_locks"),
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username      TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('planner', 'admin')),
    created_at    TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    session_epoch TEXT NOT NULL
);
-- Failed sign-ins and their locks (webmap/auth/lockout.py): per account from one
-- address ('pair', key "name address"), per address ('ip'), per account ('user').
CREATE TABLE IF NOT EXISTS login_failures (
    scope TEXT NOT NULL CHECK (scope IN ('pair', 'ip', 'user')),
    key   TEXT NOT NULL,
    at    REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_by_key ON login_failures (scope, key, at);
-- 'pair' and 'ip' are locked until ``until``, a 'user' is slowed until then, and a
-- 'turn' is when an address told to wait may try a slowed account again.
CREATE TABLE IF NOT EXISTS login_locks (
    scope TEXT NOT NULL CHECK (scope IN ('pair', 'ip', 'user', 'turn')),
    key   TEXT NOT NULL,
    until REAL NOT NULL,
    PRIMARY KEY (scope, key)
);
-- Open sessions (webmap/auth/session.py): the SHA-256 of the id in the cookie.
CREATE TABLE IF NOT EXISTS sessions (
    id       TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    created  REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (username);
-- Requests counted against per-address allowances (webmap/core/ratelimit.py).
CREATE TABLE IF NOT EXISTS rate_events (
    kind   TEXT NOT NULL,
    client TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rate_events_by_client ON rate_events (kind, client, at);
"""


def _statements(script: str) -> list[str]:
    """The statements of ``script``, one each (``executescript`` would commit)."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return statements


class AccountsUnavailable(StoreUnavailable):
    """The accounts database cannot be opened or written (answers 503)."""


class Database:
    """The accounts database file; the schema is made on first use."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._ready = False
        self._lock = threading.Lock()

    def _prepare(self) -> None:
        """Create the folder (0700), the file (0600), WAL mode and the tables."""
        with self._lock:
            if self._ready:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Password hashes live here: private from the first byte (SQLite gives
            # its -wal and -shm files the same mode).
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
            conn = self._open()
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                # One transaction, so two workers starting at once migrate once.
                conn.execute("BEGIN IMMEDIATE")
                try:
                    self._migrate(conn)
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            finally:
                conn.close()
            self._ready = True

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Bring the schema up to SCHEMA_VERSION (inside the caller's transaction)."""
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise AccountsUnavailable(
                f"{self.path} was made by a newer parkmap "
                f"(schema {version}, this one knows {SCHEMA_VERSION})"
            )
        if 0 < version < SCHEMA_VERSION:  # 0: a new file, SCHEMA makes it all
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS.get(step, ()):
                    conn.execute(statement)
            logger.info(
                "upgraded %s from schema %d to %d", self.path, version, SCHEMA_VERSION
            )
        for statement in _statements(SCHEMA):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _open(self) -> sqlite3.Connection:
        """A connection in autocommit mode (transactions are explicit)."""
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.row_factory = sqlite3.Row
        return conn

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads.

        Raises:
            AccountsUnavailable: the file cannot be opened.
        """
        with self._guard():
            self._prepare()
            conn = self._open()
            try:
                yield conn
            finally:
                conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A connection inside one write transaction, committed at the end.

        Raises:
            AccountsUnavailable: the file cannot be opened or written.
        """
        with self.read() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn OS and SQLite failures (not integrity errors) into one error type."""
        try:
            yield
        except sqlite3.IntegrityError:
            raise
        except (OSError, sqlite3.Error) as exc:
            logger.error("accounts database %s: %s", self.path, exc)
            raise AccountsUnavailable(
                "the accounts database cannot be used (the server log says why)"
            ) from exc
