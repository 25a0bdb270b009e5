"""Allowances per client address on write routes, counted in the state database.

The rule is the enquiries' (``layers.enquiries.RateLimit``): at most ``count``
requests of a kind per client address within a window; over it, a 429 problem with
``Retry-After``. A refused request is not counted, so a client that keeps trying
gets in again as soon as its oldest counted request leaves the window. The counts
live in the accounts database (``STATE_DIR/accounts.sqlite``, table
``rate_events``), so every gunicorn worker on the machine sees the same ones; an
address is kept only as ``client_key``'s keyed hash, as the enquiries keep it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import sqlite3
from contextlib import AbstractContextManager
from typing import Protocol

from flask import Flask, current_app

from layers.enquiries.rules import RateLimit
from webmap.core.errors import register_errors


class Database(Protocol):
    """Where the counts live: the accounts database (``webmap.auth.database``)."""

    def write(self) -> AbstractContextManager[sqlite3.Connection]:
        """A connection inside one write transaction, committed at the end."""
        ...


def init_app(app: Flask) -> None:
    """Answer a used-up allowance with 429 (``TooManyRequests``)."""
    register_errors(app, {TooManyRequests: 429})


def client_key(address: str | None) -> str:
    """A keyed hash of the client's address: enough to count its requests, no more."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, (address or "unknown").encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


class TooManyRequests(Exception):
    """The client address used its allowance of ``kind`` (answers 429).

    Attributes:
        retry_after: whole seconds until the oldest counted request leaves the
            window.
    """

    def __init__(self, kind: str, retry_after: int):
        self.retry_after = max(1, int(retry_after))
        super().__init__(
            f"too many {kind} requests from this address; "
            f"try again in {self.retry_after} s"
        )


def spend(
    db: Database,
    kind: str,
    client: str,
    limit: RateLimit,
    at: dt.datetime | None = None,
) -> None:
    """Count one request of ``kind`` from ``client``, or refuse it.

    Args:
        db: the accounts database.
        kind: what is counted (``upload``); each kind has its own allowance.
        client: the client's address.
        limit: the allowance.
        at: now (tests pass another time), timezone-aware.

    Raises:
        TooManyRequests: the allowance is used up; nothing is counted.
    """
    at = at or dt.datetime.now(dt.UTC)
    since = limit.since(at)
    with db.write() as conn:
        # Rows older than the window are of no use to anyone: prune as we go.
        conn.execute(
            "DELETE FROM rate_events WHERE kind = ? AND at <= ?", (kind, since)
        )
        rows = conn.execute(
            "SELECT at FROM rate_events WHERE kind = ? AND client = ? AND at > ? "
            "ORDER BY at DESC LIMIT ?",
            (kind, client, since, limit.count),
        ).fetchall()
        wait = limit.retry_after([row["at"] for row in rows], at)
        if wait is None:
            conn.execute(
                "INSERT INTO rate_events (kind, client, at) VALUES (?, ?, ?)",
                (kind, client, at.isoformat(timespec="microseconds")),
            )
    if wait is not None:
        raise TooManyRequests(kind, wait)
