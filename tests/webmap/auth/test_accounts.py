"""Accounts, their sessions and the database schema, under tmp_path (no Flask)."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from tests.support.apps import FAST_SCRYPT
from webmap.auth.accounts import (
    Accounts,
    InvalidRole,
    InvalidUsername,
    UserExists,
    UserNotFound,
    WeakPassword,
    normalize_username,
)
from webmap.auth.database import SCHEMA_VERSION, AccountsUnavailable, Database

PW = "long enough pw"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database(tmp_path / "state" / "accounts.sqlite")


@pytest.fixture
def accounts(db: Database) -> Accounts:
    return Accounts(db, FAST_SCRYPT)


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


def test_a_session_is_open_until_closed(accounts: Accounts) -> None:
    accounts.add("ana", PW, "planner")
    first, second = (accounts.open_session("ana", 3600) for _ in range(2))
    assert first != second and len(first) >= 40
    assert accounts.session_state("ana", first)[2] is True
    assert accounts.close_session(first) is True
    assert accounts.session_state("ana", first)[2] is False
    assert accounts.session_state("ana", second)[2] is True  # the other one goes on
    assert accounts.close_session(first) is False


def test_a_session_id_is_not_stored_as_it_is(accounts: Accounts, db: Database) -> None:
    accounts.add("ana", PW, "planner")
    session_id = accounts.open_session("ana", 3600)
    with db.read() as conn:
        stored = conn.execute("SELECT id FROM sessions").fetchone()[0]
    assert session_id not in stored and len(stored) == 64


def test_a_session_belongs_to_its_user(accounts: Accounts) -> None:
    accounts.add("ana", PW, "planner")
    accounts.add("bob", PW, "planner")
    session_id = accounts.open_session("ana", 3600)
    assert accounts.session_state("bob", session_id)[2] is False
    assert accounts.session_state("nobody", session_id) is None


@pytest.mark.parametrize(
    "end",
    [
        lambda a: a.set_password("ana", "another password"),
        lambda a: a.set_disabled("ana", True),
        lambda a: a.remove("ana"),
    ],
    ids=["set_password", "disable", "remove"],
)
def test_changes_to_an_account_forget_its_sessions(
    accounts: Accounts, db: Database, end
) -> None:
    accounts.add("ana", PW, "planner")
    accounts.add("bob", PW, "planner")
    for name in ("ana", "ana", "bob"):
        accounts.open_session(name, 3600)
    end(accounts)
    with db.read() as conn:
        left = [row[0] for row in conn.execute("SELECT username FROM sessions")]
    assert left == ["bob"]


def test_signing_in_forgets_expired_sessions(accounts: Accounts, db: Database) -> None:
    accounts.add("ana", PW, "planner")
    old = accounts.open_session("ana", 3600)
    with db.write() as conn:
        conn.execute("UPDATE sessions SET created = created - 3601")
    accounts.open_session("ana", 3600)
    with db.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 1
    assert accounts.session_state("ana", old)[2] is False


V1_SCHEMA = """
CREATE TABLE users (
    username TEXT PRIMARY KEY, password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('planner', 'admin')), created_at TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0, session_epoch TEXT NOT NULL
);
CREATE TABLE login_failures (
    scope TEXT NOT NULL CHECK (scope IN ('user', 'ip')), key TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE login_locks (
    scope TEXT NOT NULL CHECK (scope IN ('user', 'ip')), key TEXT NOT NULL,
    until REAL NOT NULL, PRIMARY KEY (scope, key)
);
INSERT INTO users VALUES ('ana', 'h', 'planner', '2026-01-01', 0, 'e');
INSERT INTO login_failures VALUES ('user', 'ana', 1.0);
PRAGMA user_version = 1;
"""


def write_database(path: Path, script: str) -> None:
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    conn.executescript(script)
    conn.close()


def test_a_version_1_database_is_upgraded(db: Database) -> None:
    write_database(db.path, V1_SCHEMA)
    accounts = Accounts(db, FAST_SCRYPT)
    assert [user.username for user in accounts.all()] == ["ana"]
    assert accounts.session_state("ana", accounts.open_session("ana", 60))[2]
    with db.write() as conn:  # the new scopes pass the new CHECKs
        conn.execute("INSERT INTO login_failures VALUES ('pair', 'ana 10.0.0.1', 2)")
        conn.execute("INSERT INTO login_locks VALUES ('turn', 'ana 10.0.0.1', 2)")
    with db.read() as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        failures = conn.execute("SELECT scope FROM login_failures").fetchall()
    assert [row[0] for row in failures] == ["pair"]  # the old counts were dropped


def test_a_database_of_a_newer_parkmap_is_refused(db: Database) -> None:
    write_database(db.path, f"PRAGMA user_version = {SCHEMA_VERSION + 1};")
    with pytest.raises(AccountsUnavailable, match="newer parkmap"):
        Accounts(db, FAST_SCRYPT).all()
