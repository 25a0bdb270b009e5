"""The app's accounts and limiter (opened lazily) and the sign-in check itself."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app

from webmap.auth.accounts import (
    Accounts,
    InvalidUsername,
    User,
    normalize_username,
)
from webmap.auth.database import FILENAME, Database
from webmap.auth.lockout import Limiter, Limits

logger = logging.getLogger(__name__)

KEY = "parkmap.auth"


class LoginFailed(Exception):
    """Wrong username or password (deliberately not saying which)."""


def _services() -> tuple[Accounts, Limiter]:
    """This app's accounts and limiter, made on first use."""
    found = current_app.extensions.get(KEY)
    if found is None:
        config = current_app.config
        db = Database(Path(config["STATE_DIR"]) / FILENAME)
        limits = Limits(
            max_failures=config["LOGIN_MAX_FAILURES"],
            window=config["LOGIN_WINDOW_MINUTES"] * 60.0,
        )
        found = (Accounts(db, config["PASSWORD_HASH_METHOD"]), Limiter(db, limits))
        current_app.extensions[KEY] = found
    return found


def get_accounts() -> Accounts:
    """The accounts of the current app."""
    return _services()[0]


def get_limiter() -> Limiter:
    """The failed-login limiter of the current app."""
    return _services()[1]


def get_database() -> Database:
    """The accounts database of the current app (also holds rate-limit counts)."""
    return _services()[1].db


def check_login(username: str, password: str, address: str) -> User:
    """The user whose name and password these are, unless locked out or slowed.

    Every failure counts against the (case-folded) name, whether or not such an
    account exists, against that name from this address, and against the address
    (see ``webmap.auth.lockout``).

    Args:
        username: as typed.
        password: as typed.
        address: the client's IP address.

    Raises:
        LoginLocked: the account from this address, or the address, is locked, or
            the account is slowed (now or by this failure).
        LoginFailed: wrong username or password, or a disabled account.
    """
    accounts, limiter = _services()
    try:
        name: str | None = normalize_username(username)
    except InvalidUsername:
        name = None  # cannot exist: count the address only
    limiter.admit(name, address)
    user = accounts.authenticate(name, password)
    if user is not None and name is not None:
        limiter.succeeded(name, address)
        logger.info("user %s signed in from %s", name, address)
        return user
    logger.warning("failed sign-in as %r from %s", username[:80], address)
    limiter.failed(name, address)
    raise LoginFailed("wrong username or password")
