"""Per-address allowances kept in the accounts database (webmap/core/ratelimit.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from layers.enquiries.rules import RateLimit
from webmap.auth.database import FILENAME, Database
from webmap.core.ratelimit import TooManyRequests, spend

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
TWO_AN_HOUR = RateLimit(count=2, window_s=3600.0)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database(tmp_path / FILENAME)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_the_allowance_is_spent_then_refused_until_the_oldest_leaves(db) -> None:
    spend(db, "upload", "10.0.0.7", TWO_AN_HOUR, at(0))
    spend(db, "upload", "10.0.0.7", TWO_AN_HOUR, at(600))
    with pytest.raises(TooManyRequests) as refused:
        spend(db, "upload", "10.0.0.7", TWO_AN_HOUR, at(1200))
    assert refused.value.retry_after == 2400
    spend(db, "upload", "10.0.0.7", TWO_AN_HOUR, at(3601))  # the first one left


def test_a_refused_request_is_not_counted(db) -> None:
    for second in (0, 10):
        spend(db, "upload", "10.0.0.7", TWO_AN_HOUR, at(second))
    for second in (20, 30, 40):
        with pytest.raises(TooManyRequests):
            spend(db, "upload", "10.0.0.7", TWO_AN_HOUR, at(second))
    spend(db, "upload", "10.0.0.7", TWO_AN_HOUR, at(3601))
    with pytest.raises(TooManyRequests) as refused:
        spend(db, "upload", "10.0.0.7", TWO_AN_HOUR, at(3602))
    assert refused.value.retry_after == 8  # the one at 10 s, not those refused


def test_addresses_and_kinds_have_their_own_allowances(db) -> None:
    for client in ("10.0.0.7", "10.0.0.7", "10.0.0.8"):
        spend(db, "upload", client, TWO_AN_HOUR, at(0))
    spend(db, "other", "10.0.0.7", TWO_AN_HOUR, at(0))
    with pytest.raises(TooManyRequests):
        spend(db, "upload", "10.0.0.7", TWO_AN_HOUR, at(1))


def test_rows_older_than_the_window_are_pruned(db) -> None:
    spend(db, "upload", "10.0.0.7", TWO_AN_HOUR, at(0))
    spend(db, "upload", "10.0.0.8", TWO_AN_HOUR, at(4000))
    with db.read() as conn:
        rows = conn.execute("SELECT client FROM rate_events").fetchall()
    assert [row["client"] for row in rows] == ["10.0.0.8"]
