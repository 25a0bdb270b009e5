"""Failed sign-ins: pair locks, the address limit, the account's slowdown and turns.

On a database under tmp_path with a fake clock (no Flask).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from webmap.auth.database import Database
from webmap.auth.lockout import Limiter, Limits, LoginLocked, pair_key

OWNER = "192.0.2.7"


class Clock:
    """A settable clock for the limiter."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database(tmp_path / "state" / "accounts.sqlite")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limiter(db: Database, clock: Clock) -> Limiter:
    return Limiter(db, Limits(max_failures=3, window=900), clock)


def guess(limiter: Limiter, clock: Clock, address: str, account: str = "ana") -> None:
    """One wrong password at ``account`` from ``address``, after waiting its turn."""
    try:
        limiter.admit(account, address)
    except LoginLocked as exc:
        clock.now += exc.retry_after
        limiter.admit(account, address)
    with contextlib.suppress(LoginLocked):
        limiter.failed(account, address)


def refused(limiter: Limiter, account: str, address: str) -> LoginLocked:
    """The refusal ``admit`` gives ``address`` (the test fails if it is let in)."""
    with pytest.raises(LoginLocked) as caught:
        limiter.admit(account, address)
    return caught.value


def test_pair_locks_on_the_nth_failure(limiter: Limiter) -> None:
    key = pair_key("ana", "10.0.0.1")
    assert [limiter.record_failure("pair", key) for _ in range(3)] == [0, 0, 900]
    assert limiter.locked_for("pair", key) == 900
    assert limiter.locked_for("pair", pair_key("ana", "10.0.0.2")) == 0


def test_address_gets_four_times_the_failures(db: Database) -> None:
    limiter = Limiter(db, Limits(max_failures=2, window=60), Clock())
    results = [limiter.record_failure("ip", "10.0.0.1") for _ in range(8)]
    assert results == [0] * 7 + [60]


def test_lock_runs_out_after_the_window(limiter: Limiter, clock: Clock) -> None:
    key = pair_key("ana", "10.0.0.1")
    for _ in range(3):
        limiter.record_failure("pair", key)
    clock.now += 600
    assert limiter.locked_for("pair", key) == 300
    clock.now += 300
    assert limiter.locked_for("pair", key) == 0
    assert limiter.record_failure("pair", key) == 0  # the count started again


def test_failures_older_than_the_window_do_not_count(
    limiter: Limiter, clock: Clock
) -> None:
    key = pair_key("ana", "10.0.0.1")
    for _ in range(2):
        limiter.record_failure("pair", key)
    clock.now += 901
    assert limiter.record_failure("pair", key) == 0
    assert limiter.locked_for("pair", key) == 0


def test_account_delay_doubles_and_is_capped(limiter: Limiter) -> None:
    delays = [limiter.record_failure("user", "ana") for _ in range(11)]
    assert delays == [0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert limiter.locked_for("user", "ana") == 60


def test_account_delay_starts_again_after_a_quiet_window(
    limiter: Limiter, clock: Clock
) -> None:
    for _ in range(6):
        limiter.record_failure("user", "ana")
    clock.now += 901
    assert limiter.locked_for("user", "ana") == 0
    assert limiter.record_failure("user", "ana") == 0


def test_max_failures_lock_the_pair_and_only_slow_the_account(
    limiter: Limiter,
) -> None:
    for _ in range(2):
        limiter.failed("ana", "10.6.6.6")
    with pytest.raises(LoginLocked) as caught:
        limiter.failed("ana", "10.6.6.6")
    assert (caught.value.scope, caught.value.retry_after) == ("pair", 900)
    assert refused(limiter, "ana", "10.6.6.6").scope == "pair"
    elsewhere = refused(limiter, "ana", OWNER)
    assert (elsewhere.scope, elsewhere.retry_after) == ("user", 1)
    limiter.admit("bob", "10.6.6.6")  # other accounts from that address go on


def test_the_owner_gets_in_after_one_delay_while_others_fail(
    limiter: Limiter, clock: Clock
) -> None:
    for i in range(9):  # nine addresses: the account is slowed for the longest
        guess(limiter, clock, f"10.6.6.{i}")
    assert limiter.locked_for("user", "ana") == 60
    owner = refused(limiter, "ana", OWNER)
    attacker = refused(limiter, "ana", "10.6.6.99")
    assert owner.retry_after == attacker.retry_after == 60
    clock.now += 60
    limiter.admit("ana", "10.6.6.99")  # the attacker's turn comes first…
    with pytest.raises(LoginLocked, match="user"):
        limiter.failed("ana", "10.6.6.99")
    assert limiter.locked_for("user", "ana") == 60
    limiter.admit("ana", OWNER)  # …yet the owner's turn stands
    limiter.succeeded("ana", OWNER)
    assert limiter.locked_for("user", "ana") == 0
    limiter.admit("ana", "10.6.6.100")


def test_a_turn_is_used_once(limiter: Limiter, clock: Clock) -> None:
    for i in range(5):
        guess(limiter, clock, f"10.6.6.{i}")
    wait = refused(limiter, "ana", OWNER).retry_after
    assert refused(limiter, "ana", OWNER).retry_after == wait  # not pushed back
    clock.now += wait
    limiter.admit("ana", OWNER)
    with pytest.raises(LoginLocked):
        limiter.failed("ana", OWNER)
    assert refused(limiter, "ana", OWNER).scope == "user"


def test_success_clears_the_account_and_pair_not_the_address(
    limiter: Limiter,
) -> None:
    for _ in range(2):
        limiter.failed("ana", OWNER)
    limiter.succeeded("ana", OWNER)
    for _ in range(2):
        limiter.failed("ana", OWNER)  # the pair's count started again
    for i in range(7):
        limiter.failed(f"user{i}", OWNER)
    with pytest.raises(LoginLocked) as caught:  # 2 + 2 + 8 = 12 from one address
        limiter.failed("user7", OWNER)
    assert caught.value.scope == "ip"


def test_reset_of_an_account_clears_its_locks_slowdown_and_turns(
    limiter: Limiter, clock: Clock
) -> None:
    for _ in range(3):
        guess(limiter, clock, "10.6.6.6")
    for i in range(4):
        guess(limiter, clock, f"10.6.6.{i}")
    refused(limiter, "ana", OWNER)
    assert limiter.reset("user", "ana") is True
    assert limiter.locked_keys("pair") == limiter.locked_keys("user") == {}
    limiter.admit("ana", "10.6.6.6")
    limiter.admit("ana", OWNER)
    assert limiter.reset("user", "ana") is False


def test_reset_of_an_address_clears_its_pairs(limiter: Limiter) -> None:
    for key in ("ana 10.0.0.1", "bob 10.0.0.1", "ana 10.0.0.2"):
        for _ in range(3):
            limiter.record_failure("pair", key)
    assert limiter.reset("ip", "10.0.0.1") is True
    assert list(limiter.locked_keys("pair")) == ["ana 10.0.0.2"]
    assert limiter.reset("ip", "10.0.0.1") is False


def test_a_name_that_cannot_exist_counts_the_address_only(limiter: Limiter) -> None:
    for _ in range(11):
        limiter.failed(None, "10.6.6.6")
    assert limiter.locked_keys("pair") == limiter.locked_keys("user") == {}
    with pytest.raises(LoginLocked, match="ip"):
        limiter.failed(None, "10.6.6.6")
