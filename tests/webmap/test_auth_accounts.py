"""Accounts and failed-login locks, on a database under tmp_path (no Flask)."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from tests.conftest import FAST_SCRYPT
from webmap.auth.accounts import (
    Accounts,
    InvalidRole,
    InvalidUsername,
    UserExists,
    UserNotFound,
    WeakPassword,
    normalize_username,
)
from webmap.auth.database import Database
from webmap.auth.lockout import Limiter, Limits

PW = "long enough pw"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database(tmp_path / "state" / "accounts.sqlite")


@pytest.fixture
def accounts(db: Database) -> Accounts:
    return Accounts(db, FAST_SCRYPT)


class Clock:
    """A settable clock for the limiter."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("ana", "ana"),
        ("  Ana.Nguyen ", "ana.nguyen"),
        ("p_1-x", "p_1-x"),
        ("a" * 64, "a" * 64),
    ],
)
def test_usernames_are_case_folded(raw: str, name: str) -> None:
    assert normalize_username(raw) == name


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("a" * 65, "at most 64"),
        ("ana nguyen", "only letters"),
        ("ana@heza", "only letters"),
        ("nguyễn", "only letters"),
        ("\u212aim", "only letters"),  # KELVIN SIGN, which case-folds to "k"
    ],
)
def test_bad_usernames_say_which_rule(raw: str, message: str) -> None:
    with pytest.raises(InvalidUsername, match=message):
        normalize_username(raw)


def test_add_then_get(accounts: Accounts) -> None:
    added = accounts.add("Ana", PW, "planner")
    assert added.username == "ana" and added.role == "planner"
    assert accounts.get("ANA") == added
    assert [u.username for u in accounts.all()] == ["ana"]


def test_names_are_unique_whatever_the_case(accounts: Accounts) -> None:
    accounts.add("ana", PW, "planner")
    with pytest.raises(UserExists, match="ana"):
        accounts.add("ANA", PW, "admin")


@pytest.mark.parametrize("password", ["", "123456789"])
def test_short_password_is_refused(accounts: Accounts, password: str) -> None:
    with pytest.raises(WeakPassword, match="at least 10"):
        accounts.add("ana", password, "planner")
    assert accounts.all() == []


def test_unknown_role_is_refused(accounts: Accounts) -> None:
    with pytest.raises(InvalidRole, match="planner or admin"):
        accounts.add("ana", PW, "root")


def test_database_refuses_unknown_role_too(accounts: Accounts, db: Database) -> None:
    accounts.all()  # creates the schema
    with pytest.raises(sqlite3.IntegrityError), db.write() as conn:
        conn.execute(
            "INSERT INTO users VALUES ('x', 'h', 'root', '2026-01-01', 0, 'e')"
        )


def test_password_is_stored_as_scrypt_hash(accounts: Accounts, db: Database) -> None:
    accounts.add("ana", PW, "planner")
    with db.read() as conn:
        stored = conn.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("scrypt:") and PW not in stored


def test_authenticate(accounts: Accounts) -> None:
    accounts.add("ana", PW, "admin")
    assert accounts.authenticate("ana", PW).role == "admin"
    assert accounts.authenticate("ana", PW + "x") is None
    assert accounts.authenticate("bob", PW) is None
    assert accounts.authenticate(None, PW) is None


def test_disabled_account_cannot_authenticate(accounts: Accounts) -> None:
    accounts.add("ana", PW, "planner")
    accounts.set_disabled("ana", True)
    assert accounts.authenticate("ana", PW) is None
    accounts.set_disabled("ana", False)
    assert accounts.authenticate("ana", PW) is not None


def test_new_password_replaces_old_and_session_epoch(accounts: Accounts) -> None:
    accounts.add("ana", PW, "planner")
    _, epoch = accounts.session_info("ana")
    accounts.set_password("ana", "another password")
    assert accounts.authenticate("ana", PW) is None
    assert accounts.authenticate("ana", "another password") is not None
    assert accounts.session_info("ana")[1] != epoch


def test_remove(accounts: Accounts) -> None:
    accounts.add("ana", PW, "planner")
    accounts.remove("ana")
    assert accounts.session_info("ana") is None
    with pytest.raises(UserNotFound, match="ana"):
        accounts.remove("ana")


@pytest.mark.parametrize("action", ["get", "set_password", "set_disabled"])
def test_unknown_user_is_named(accounts: Accounts, action: str) -> None:
    args = {"get": (), "set_password": (PW,), "set_disabled": (True,)}[action]
    with pytest.raises(UserNotFound, match="'bob'"):
        getattr(accounts, action)("bob", *args)


def test_database_is_private_and_in_wal_mode(accounts: Accounts, db: Database) -> None:
    accounts.all()
    assert stat.S_IMODE(db.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.path.parent.stat().st_mode) == 0o700
    with db.read() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_failed_write_rolls_back(accounts: Accounts, db: Database) -> None:
    accounts.all()
    with pytest.raises(RuntimeError), db.write() as conn:
        conn.execute("INSERT INTO users VALUES ('x', 'h', 'planner', 't', 0, 'e')")
        raise RuntimeError("half-way")
    assert accounts.all() == []


def test_account_locks_on_the_nth_failure(db: Database) -> None:
    limiter = Limiter(db, Limits(max_failures=3, window=900), Clock())
    assert [limiter.record_failure("user", "ana") for _ in range(3)] == [0, 0, 900]
    assert limiter.locked_for("user", "ana") == 900
    assert limiter.locked_for("user", "bob") == 0


def test_address_gets_four_times_the_failures(db: Database) -> None:
    limiter = Limiter(db, Limits(max_failures=2, window=60), Clock())
    results = [limiter.record_failure("ip", "10.0.0.1") for _ in range(8)]
    assert results == [0] * 7 + [60]


def test_lock_runs_out_after_the_window(db: Database) -> None:
    clock = Clock()
    limiter = Limiter(db, Limits(max_failures=2, window=900), clock)
    limiter.record_failure("user", "ana")
    limiter.record_failure("user", "ana")
    clock.now += 600
    assert limiter.locked_for("user", "ana") == 300
    clock.now += 300
    assert limiter.locked_for("user", "ana") == 0
    assert limiter.record_failure("user", "ana") == 0  # the count started again


def test_failures_older_than_the_window_do_not_count(db: Database) -> None:
    clock = Clock()
    limiter = Limiter(db, Limits(max_failures=2, window=900), clock)
    limiter.record_failure("user", "ana")
    clock.now += 901
    assert limiter.record_failure("user", "ana") == 0
    assert limiter.locked_for("user", "ana") == 0


def test_reset_clears_failures_and_lock(db: Database) -> None:
    limiter = Limiter(db, Limits(max_failures=2, window=900), Clock())
    limiter.record_failure("user", "ana")
    limiter.record_failure("user", "ana")
    assert limiter.locked_keys("user") == {"ana": 900}
    assert limiter.reset("user", "ana") is True
    assert limiter.locked_for("user", "ana") == 0
    assert limiter.record_failure("user", "ana") == 0
    assert limiter.reset("user", "nobody") is False
