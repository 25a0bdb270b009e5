"""Failed sign-ins, counted three ways over the last ``window`` seconds.

* An account from one address (``pair``): ``max_failures`` failures lock that pair
  for ``window`` seconds, so one address cannot go on guessing one password.
* A client address (``ip``): four times as many failures, over all accounts, lock
  the address, so it cannot try a few passwords on each of many accounts.
* An account from anywhere (``user``): from its ``max_failures``-th failure on the
  account is *slowed*, never locked: each failure makes the next attempt wait 1 s,
  2 s, 4 s … at most ``max_delay`` (60 s). An address told to wait keeps its *turn*:
  once that time is up it gets its attempt, whatever failures others add meanwhile.
  Guessing from many addresses is slowed, yet nobody can keep the owner, at an
  address of their own, out for longer than ``max_delay``.

A successful sign-in clears the account's count and that pair's, never the
address's; ``flask users unlock`` clears everything of an account or an address.
"""

from __future__ import annotations

import logging
import math
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

from webmap.auth.database import Database

logger = logging.getLogger(__name__)

SCOPES = ("pair", "ip", "user")
IP_FACTOR = 4
MAX_DELAY = 60.0
# The account and the address part of a pair (or turn) key "name address".
_ACCOUNT_PART = "substr(key, 1, instr(key, ' ') - 1)"
_ADDRESS_PART = "substr(key, instr(key, ' ') + 1)"
_PARTS = {"user": _ACCOUNT_PART, "ip": _ADDRESS_PART}


class LoginLocked(Exception):
    """Too many failures: the answer is 429 with ``Retry-After``.

    Attributes:
        scope: ``pair`` (this account from this address is locked), ``ip`` (the
            address is locked) or ``user`` (the account is slowed).
        retry_after: whole seconds to wait.
    """

    def __init__(self, scope: str, retry_after: int) -> None:
        super().__init__(f"{scope} locked for {retry_after} s")
        self.scope = scope
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Limits:
    """How many failures lock or slow, and for how long.

    Attributes:
        max_failures: failures of one account from one address within ``window``
            that lock the pair; from all addresses, that start slowing the account.
        window: seconds over which failures count, and how long a lock lasts.
        max_delay: the longest an account is slowed after one failure, in seconds.
    """

    max_failures: int
    window: float
    max_delay: float = MAX_DELAY

    def allowed(self, scope: str) -> int:
        """The number of failures that locks ``scope`` (``pair`` or ``ip``)."""
        return self.max_failures * (IP_FACTOR if scope == "ip" else 1)

    def delay(self, count: int) -> int:
        """Seconds an account is slowed after its ``count``-th failure (0 before)."""
        extra = count - self.max_failures
        if extra < 0:
            return 0
        return math.ceil(min(self.max_delay, 2.0 ** min(extra, 32)))


def pair_key(account: str, address: str) -> str:
    """The key of ``account`` tried from ``address`` (usernames hold no spaces)."""
    return f"{account} {address}"


def split_pair(key: str) -> tuple[str, str]:
    """The account and the address of a ``pair_key``."""
    account, _, address = key.partition(" ")
    return account, address


def forget(conn: sqlite3.Connection, scope: str, key: str) -> int:
    """Delete the failures, lock and turns of ``key`` (inside a write).

    For an account (``user``) or an address (``ip``) the pairs and turns it is part
    of go too.

    Returns:
        The number of rows deleted.
    """
    deleted = conn.execute(
        "DELETE FROM login_failures WHERE scope = ? AND key = ?", (scope, key)
    ).rowcount
    deleted += conn.execute(
        "DELETE FROM login_locks WHERE scope = ? AND key = ?", (scope, key)
    ).rowcount
    part = _PARTS.get(scope)
    if part is not None:
        deleted += conn.execute(
            f"DELETE FROM login_failures WHERE scope = 'pair' AND {part} = ?", (key,)
        ).rowcount
        deleted += conn.execute(
            f"DELETE FROM login_locks WHERE scope IN ('pair', 'turn') AND {part} = ?",
            (key,),
        ).rowcount
    return deleted


def _until(conn: sqlite3.Connection, scope: str, key: str) -> float | None:
    """When the lock (or slowdown, or turn) of ``key`` ends, if it has one."""
    row = conn.execute(
        "SELECT until FROM login_locks WHERE scope = ? AND key = ?", (scope, key)
    ).fetchone()
    return None if row is None else float(row["until"])


def _keys(account: str | None, address: str) -> list[tuple[str, str]]:
    """The locked scopes an attempt on ``account`` from ``address`` counts against."""
    pair = [("pair", pair_key(account, address))] if account else []
    return [*pair, ("ip", address)]


class Limiter:
    """Counts failures and keeps locks, slowdowns and turns in the accounts database.

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

    def admit(self, account: str | None, address: str) -> None:
        """Check ``address`` may try ``account`` now (before the password check).

        Args:
            account: the canonical username; None for a name that cannot exist.
            address: the client's address.

        Raises:
            LoginLocked: the pair or the address is locked, or the account is
                slowed and this address's turn has not come (it is given one).
        """
        now = self.clock()
        with self.db.write() as conn:
            for scope, key in _keys(account, address):
                until = _until(conn, scope, key)
                if until is not None and until > now:
                    raise LoginLocked(scope, math.ceil(until - now))
            wait = self._turn(conn, account, address, now) if account else 0.0
        if wait > 0:
            raise LoginLocked("user", math.ceil(wait))

    def _turn(
        self, conn: sqlite3.Connection, account: str, address: str, now: float
    ) -> float:
        """Seconds until the turn of ``address`` at slowed ``account``; 0 to go now."""
        key = pair_key(account, address)
        turn = _until(conn, "turn", key)
        if turn is not None:
            if turn <= now:  # its turn has come: used up by this attempt
                conn.execute(
                    "DELETE FROM login_locks WHERE scope = 'turn' AND key = ?", (key,)
                )
            return max(0.0, turn - now)
        slowed = _until(conn, "user", account)
        if slowed is None or slowed <= now:
            return 0.0
        self._give_turn(conn, key, slowed)
        return slowed - now

    @staticmethod
    def _give_turn(conn: sqlite3.Connection, key: str, at: float) -> None:
        """Let pair ``key`` try its slowed account at ``at``, whatever happens."""
        conn.execute(
            "INSERT OR REPLACE INTO login_locks (scope, key, until) "
            "VALUES ('turn', ?, ?)",
            (key, at),
        )

    def failed(self, account: str | None, address: str) -> None:
        """Count a wrong password for ``account`` from ``address``.

        Every failure counts against the address, and against the account and the
        pair unless the name cannot exist (``account`` None).

        Raises:
            LoginLocked: this failure locked the pair or the address, or the account
                is slowed (the address keeps its turn at the end of the delay).
        """
        now = self.clock()
        keys = _keys(account, address) + ([("user", account)] if account else [])
        with self.db.write() as conn:
            self._prune(conn, now)
            held = {scope: self._count(conn, scope, key, now) for scope, key in keys}
            if account and held.get("user") and not held.get("pair"):
                self._give_turn(conn, pair_key(account, address), now + held["user"])
        for scope in ("pair", "ip", "user"):
            if held.get(scope):
                what = "slowed" if scope == "user" else "locked"
                key = dict(keys)[scope]
                logger.warning("%s %s %r for %d s", what, scope, key, held[scope])
                raise LoginLocked(scope, held[scope])

    def succeeded(self, account: str, address: str) -> None:
        """Clear the count and slowdown of ``account`` and its pair with ``address``."""
        pair = pair_key(account, address)
        with self.db.write() as conn:
            for scope, key in (("user", account), ("pair", pair), ("turn", pair)):
                for table in ("login_failures", "login_locks"):
                    conn.execute(
                        f"DELETE FROM {table} WHERE scope = ? AND key = ?", (scope, key)
                    )

    def record_failure(self, scope: str, key: str) -> int:
        """Count one failure of ``key``; lock it, or slow it, if that makes too many.

        Returns:
            Whole seconds ``key`` is now locked (``pair``, ``ip``) or slowed
            (``user``) for; 0 if neither.
        """
        now = self.clock()
        with self.db.write() as conn:
            self._prune(conn, now)
            return self._count(conn, scope, key, now)

    def _prune(self, conn: sqlite3.Connection, now: float) -> None:
        """Delete failures older than the window and locks that ran out.

        A turn stays for a window after it comes: its holder may be slow to return.
        """
        window = self.limits.window
        conn.execute("DELETE FROM login_failures WHERE at < ?", (now - window,))
        conn.execute(
            "DELETE FROM login_locks WHERE until <= ? AND scope != 'turn'", (now,)
        )
        conn.execute(
            "DELETE FROM login_locks WHERE until <= ? AND scope = 'turn'",
            (now - window,),
        )

    def _count(self, conn: sqlite3.Connection, scope: str, key: str, now: float) -> int:
        """Count one failure of ``key``; the seconds it is now held for, or 0."""
        if scope not in SCOPES:
            raise ValueError(f"scope must be one of {SCOPES}, got {scope!r}")
        conn.execute(
            "INSERT INTO login_failures (scope, key, at) VALUES (?, ?, ?)",
            (scope, key, now),
        )
        count = conn.execute(
            "SELECT COUNT(*) FROM login_failures WHERE scope = ? AND key = ?",
            (scope, key),
        ).fetchone()[0]
        if scope == "user":
            held: float = self.limits.delay(count)
        elif count >= self.limits.allowed(scope):
            held = self.limits.window
            # A locked key's count starts again from zero once the lock runs out.
            conn.execute(
                "DELETE FROM login_failures WHERE scope = ? AND key = ?", (scope, key)
            )
        else:
            held = 0
        if held:
            conn.execute(
                "INSERT OR REPLACE INTO login_locks (scope, key, until) "
                "VALUES (?, ?, ?)",
                (scope, key, now + held),
            )
        return math.ceil(held)

    def locked_for(self, scope: str, key: str) -> int:
        """Whole seconds left on the lock (or slowdown) of ``key``; 0 if none."""
        with self.db.read() as conn:
            until = _until(conn, scope, key)
        return max(0, math.ceil(until - self.clock())) if until is not None else 0

    def reset(self, scope: str, key: str) -> bool:
        """Forget the failures, lock and slowdown of ``key`` (see ``forget``).

        Returns:
            True if there was anything to forget.
        """
        with self.db.write() as conn:
            return bool(forget(conn, scope, key))

    def locked_keys(self, scope: str) -> dict[str, int]:
        """Every key of ``scope`` locked (or slowed) now, with the seconds left."""
        now = self.clock()
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT key, until FROM login_locks WHERE scope = ? AND until > ?",
                (scope, now),
            ).fetchall()
        return {row["key"]: math.ceil(row["until"] - now) for row in rows}
