"""Failed sign-ins, counted per account and per client address, and the locks.

After ``max_failures`` failures within ``window`` seconds an account is locked for
``window`` seconds; a client address gets four times as many failures (so one
address cannot try a few passwords on each of many accounts). A successful sign-in
clears the account's count, never the address's; ``flask users unlock`` clears both.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from webmap.auth.database import Database

SCOPES = ("user", "ip")
IP_FACTOR = 4


@dataclass(frozen=True, slots=True)
class Limits:
    """How many failures lock, and for how long.

    Attributes:
        max_failures: failures of one account within ``window`` that lock it.
        window: seconds over which failures count, and how long a lock lasts.
    """

    max_failures: int
    window: float

    def allowed(self, scope: str) -> int:
        """The number of failures that locks ``scope`` (``user`` or ``ip``)."""
        return self.max_failures * (IP_FACTOR if scope == "ip" else 1)


class Limiter:
    """Counts failures and keeps locks in the accounts database.

    Args:
        db: the accounts database.
        limits: the thresholds.
        clock: seconds since the epoch (tests pass a fake one).
    """

    def __init__(
        self, db: Database, limits: Limits, clock: Callable[[], float] = time.time
    ) -> None:
        self.db = db
        self.limits = limits
        self.clock = clock

    def locked_for(self, scope: str, key: str) -> int:
        """Whole seconds left on the lock of ``key``, 0 if it is not locked."""
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT until FROM login_locks WHERE scope = ? AND key = ?",
                (scope, key),
            ).fetchone()
        left = row["until"] - self.clock() if row else 0.0
        return max(0, math.ceil(left))

    def record_failure(self, scope: str, key: str) -> int:
        """Count one failure; lock ``key`` if that makes too many.

        Returns:
            Whole seconds the key is now locked for, 0 if it is not locked.
        """
        now, window = self.clock(), self.limits.window
        with self.db.write() as conn:
            # Old rows are of no use to anyone: prune them as we go.
            conn.execute("DELETE FROM login_failures WHERE at < ?", (now - window,))
            conn.execute("DELETE FROM login_locks WHERE until <= ?", (now,))
            conn.execute(
                "INSERT INTO login_failures (scope, key, at) VALUES (?, ?, ?)",
                (scope, key, now),
            )
            count = conn.execute(
                "SELECT COUNT(*) FROM login_failures WHERE scope = ? AND key = ?",
                (scope, key),
            ).fetchone()[0]
            if count < self.limits.allowed(scope):
                return 0
            conn.execute(
                "INSERT OR REPLACE INTO login_locks (scope, key, until) "
                "VALUES (?, ?, ?)",
                (scope, key, now + window),
            )
            # The count starts again from zero once the lock runs out.
            conn.execute(
                "DELETE FROM login_failures WHERE scope = ? AND key = ?", (scope, key)
            )
        return math.ceil(window)

    def reset(self, scope: str, key: str) -> bool:
        """Forget the failures and any lock of ``key``.

        Returns:
            True if there was anything to forget.
        """
        with self.db.write() as conn:
            failures = conn.execute(
                "DELETE FROM login_failures WHERE scope = ? AND key = ?", (scope, key)
            ).rowcount
            locks = conn.execute(
                "DELETE FROM login_locks WHERE scope = ? AND key = ?", (scope, key)
            ).rowcount
        return bool(failures or locks)

    def locked_keys(self, scope: str) -> dict[str, int]:
        """Every key of ``scope`` locked now, with the seconds left."""
        now = self.clock()
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT key, until FROM login_locks WHERE scope = ? AND until > ?",
                (scope, now),
            ).fetchall()
        return {row["key"]: math.ceil(row["until"] - now) for row in rows}
