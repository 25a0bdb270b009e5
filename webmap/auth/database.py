"""The accounts database: one SQLite file in ``STATE_DIR`` (WAL, busy timeout).

Each call opens its own short-lived connection, so the database is safe to use from
several threads and several gunicorn workers at once. Every write runs inside
``BEGIN IMMEDIATE`` … ``COMMIT`` (rolled back on any error).
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
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 5000

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username      TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('planner', 'admin')),
    created_at    TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    session_epoch TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
    scope TEXT NOT NULL CHECK (scope IN ('user', 'ip')),
    key   TEXT NOT NULL,
    at    REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_by_key ON login_failures (scope, key, at);
CREATE TABLE IF NOT EXISTS login_locks (
    scope TEXT NOT NULL CHECK (scope IN ('user', 'ip')),
    key   TEXT NOT NULL,
    until REAL NOT NULL,
    PRIMARY KEY (scope, key)
);
-- Requests counted against per-address allowances (webmap/ratelimit.py).
CREATE TABLE IF NOT EXISTS rate_events (
    kind   TEXT NOT NULL,
    client TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rate_events_by_client ON rate_events (kind, client, at);
"""


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
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise AccountsUnavailable(
                        f"{self.path} was made by a newer parkmap "
                        f"(schema {version}, this one knows {SCHEMA_VERSION})"
                    )
                conn.executescript(SCHEMA)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            finally:
                conn.close()
            self._ready = True

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
