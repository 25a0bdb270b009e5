"""User accounts: names, roles, password hashes (werkzeug scrypt), session epochs.

Usernames are 1–64 characters of ``a-z 0-9 . _ -``, compared case-folded. A user's
*session epoch* is a random value stored with the account and copied into the
session at sign-in; changing the password, disabling or removing the account
changes it (or removes it), which ends every session signed in before. Each sign-in
also records a session of its own (``sessions``, only the id's SHA-256 is kept),
which signing out forgets, so a copy of that cookie stops working too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass

from werkzeug.security import check_password_hash, generate_password_hash

from webmap.auth.database import Database
from webmap.auth.lockout import forget

logger = logging.getLogger(__name__)

ROLES = ("planner", "admin")
USERNAME_CHARS = re.compile(r"[a-z0-9._-]+")
USERNAME_MAX = 64
PASSWORD_MIN = 10
PASSWORD_MAX = 1024


class AccountError(ValueError):
    """An account operation was refused; the message says why."""


class InvalidUsername(AccountError):
    """A username breaks the naming rules."""


class WeakPassword(AccountError):
    """A password is too short (or absurdly long)."""


class InvalidRole(AccountError):
    """A role other than ``planner`` or ``admin``."""


class UserExists(AccountError):
    """An account of that name exists already."""


class UserNotFound(AccountError):
    """No account of that name."""


@dataclass(frozen=True, slots=True)
class User:
    """A signed-in person (or an account listed by the CLI)."""

    username: str
    role: str
    created_at: str = ""
    disabled: bool = False

    def has_role(self, role: str) -> bool:
        """True if this user may act as ``role`` (an admin may act as anyone)."""
        return self.role in ("admin", role)


def normalize_username(raw: str) -> str:
    """The canonical form of a username: trimmed and lower-case.

    Raises:
        InvalidUsername: saying which rule the name breaks.
    """
    name = (raw or "").strip()
    if not name:
        raise InvalidUsername("the username is empty")
    if len(name) > USERNAME_MAX:
        raise InvalidUsername(
            f"the username must be at most {USERNAME_MAX} characters, got {len(name)}"
        )
    name = name.lower() if name.isascii() else name
    if not USERNAME_CHARS.fullmatch(name):
        raise InvalidUsername(
            "the username may contain only letters a-z, digits 0-9, '.', '_' and "
            f"'-', got {raw!r}"
        )
    return name


def check_password(password: str) -> None:
    """Raise unless ``password`` is long enough.

    Raises:
        WeakPassword: shorter than 10 or longer than 1024 characters.
    """
    if len(password) < PASSWORD_MIN:
        raise WeakPassword(
            f"the password must be at least {PASSWORD_MIN} characters long, "
            f"got {len(password)}"
        )
    if len(password) > PASSWORD_MAX:
        raise WeakPassword(f"the password must be at most {PASSWORD_MAX} characters")


def check_role(role: str) -> str:
    """``role`` if it is one of ROLES.

    Raises:
        InvalidRole: naming the roles there are.
    """
    if role not in ROLES:
        raise InvalidRole(f"the role must be planner or admin, got {role!r}")
    return role


def _now() -> str:
    """The current UTC time as ISO 8601 (seconds)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _session_hash(session_id: str) -> str:
    """What the database keeps of a session id (the cookie holds the id itself)."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def _user(row: sqlite3.Row) -> User:
    """A User from a ``users`` row."""
    return User(row["username"], row["role"], row["created_at"], bool(row["disabled"]))


class Accounts:
    """The ``users`` table.

    Args:
        db: the accounts database.
        hash_method: a werkzeug ``scrypt`` method string (``scrypt`` by default).
    """

    def __init__(self, db: Database, hash_method: str = "scrypt") -> None:
        self.db = db
        self.hash_method = hash_method
        self._dummy_hash: str | None = None

    def _hash(self, password: str) -> str:
        """A salted scrypt hash of ``password``."""
        return generate_password_hash(password, method=self.hash_method)

    def add(self, username: str, password: str, role: str) -> User:
        """Create an account.

        Raises:
            InvalidUsername, WeakPassword, InvalidRole: the input breaks a rule.
            UserExists: the name is taken.
        """
        name, role = normalize_username(username), check_role(role)
        check_password(password)
        hashed, created = self._hash(password), _now()
        try:
            with self.db.write() as conn:
                conn.execute(
                    "INSERT INTO users (username, password_hash, role, created_at,"
                    " disabled, session_epoch) VALUES (?, ?, ?, ?, 0, ?)",
                    (name, hashed, role, created, secrets.token_hex(16)),
                )
        except sqlite3.IntegrityError:
            raise UserExists(f"there is already a user {name!r}") from None
        logger.info("added %s user %s", role, name)
        return User(name, role, created, False)

    def get(self, username: str) -> User:
        """The account called ``username``.

        Raises:
            InvalidUsername: the name breaks the rules.
            UserNotFound: there is no such account.
        """
        name = normalize_username(username)
        found = self.session_info(name)
        if found is None:
            raise UserNotFound(f"there is no user {name!r}")
        return found[0]

    def all(self) -> list[User]:
        """Every account, by name."""
        with self.db.read() as conn:
            rows = conn.execute("SELECT * FROM users ORDER BY username").fetchall()
        return [_user(row) for row in rows]

    def session_info(self, username: str) -> tuple[User, str] | None:
        """The account and its session epoch, or None (``username`` is canonical)."""
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT * FROM users WHERE username = ?", (username,)
            ).fetchone()
        return None if row is None else (_user(row), row["session_epoch"])

    def session_state(
        self, username: str, session_id: str
    ) -> tuple[User, str, bool] | None:
        """The account, its session epoch, and whether session ``session_id`` is open.

        Returns:
            None if there is no account ``username`` (canonical).
        """
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT *, EXISTS (SELECT 1 FROM sessions WHERE id = ? AND "
                "username = users.username) AS is_open FROM users WHERE username = ?",
                (_session_hash(session_id), username),
            ).fetchone()
        if row is None:
            return None
        return _user(row), row["session_epoch"], bool(row["is_open"])

    def open_session(self, username: str, max_age: float) -> str:
        """Record a new session of ``username``; forget any older than ``max_age``.

        Args:
            username: the canonical name of the account signing in.
            max_age: how long a session lasts, in seconds.

        Returns:
            The new session's id, for the (signed) cookie.
        """
        session_id, now = secrets.token_urlsafe(32), time.time()
        with self.db.write() as conn:
            conn.execute("DELETE FROM sessions WHERE created < ?", (now - max_age,))
            conn.execute(
                "INSERT INTO sessions (id, username, created) VALUES (?, ?, ?)",
                (_session_hash(session_id), username, now),
            )
        return session_id

    def close_session(self, session_id: str) -> bool:
        """Forget one session, so its cookie no longer signs anyone in.

        Returns:
            True if it was open.
        """
        with self.db.write() as conn:
            return bool(
                conn.execute(
                    "DELETE FROM sessions WHERE id = ?", (_session_hash(session_id),)
                ).rowcount
            )

    def authenticate(self, username: str | None, password: str) -> User | None:
        """The account if the password is right and it is enabled, else None.

        An unknown name costs one hash check too, so timing does not reveal which
        names exist.
        """
        row = None
        if username is not None:
            with self.db.read() as conn:
                row = conn.execute(
                    "SELECT * FROM users WHERE username = ?", (username,)
                ).fetchone()
        if row is None:
            if self._dummy_hash is None:
                self._dummy_hash = self._hash(secrets.token_hex(16))
            check_password_hash(self._dummy_hash, password)
            return None
        if not check_password_hash(row["password_hash"], password):
            return None
        return None if row["disabled"] else _user(row)

    def _update(self, username: str, sql: str, params: tuple) -> str:
        """Run one UPDATE of a named account and end its sessions (a new epoch).

        Raises:
            UserNotFound: no row changed.
        """
        name = normalize_username(username)
        with self.db.write() as conn:
            changed = conn.execute(
                f"UPDATE users SET {sql}, session_epoch = ? WHERE username = ?",
                (*params, secrets.token_hex(16), name),
            ).rowcount
            conn.execute("DELETE FROM sessions WHERE username = ?", (name,))
        if not changed:
            raise UserNotFound(f"there is no user {name!r}")
        return name

    def set_password(self, username: str, password: str) -> None:
        """Change a password; the user's open sessions end.

        Raises:
            WeakPassword, InvalidUsername, UserNotFound.
        """
        check_password(password)
        name = self._update(username, "password_hash = ?", (self._hash(password),))
        logger.info("changed the password of %s", name)

    def set_disabled(self, username: str, disabled: bool) -> None:
        """Disable (ending the user's sessions) or enable an account.

        Raises:
            InvalidUsername, UserNotFound.
        """
        name = self._update(username, "disabled = ?", (int(disabled),))
        logger.info("%s user %s", "disabled" if disabled else "enabled", name)

    def remove(self, username: str) -> None:
        """Delete an account, its sessions and its failed-login record.

        Raises:
            InvalidUsername, UserNotFound.
        """
        name = normalize_username(username)
        with self.db.write() as conn:
            removed = conn.execute(
                "DELETE FROM users WHERE username = ?", (name,)
            ).rowcount
            conn.execute("DELETE FROM sessions WHERE username = ?", (name,))
            forget(conn, "user", name)
        if not removed:
            raise UserNotFound(f"there is no user {name!r}")
        logger.info("removed user %s", name)
