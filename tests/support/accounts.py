"""Accounts in tests: make a user, sign a client in, read its CSRF token."""

from __future__ import annotations

import re

from webmap.auth import User
from webmap.auth.service import get_accounts

# Accounts for tests of signed-in pages (the app should come from ``isolated``).
PASSWORD = "correct horse battery"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def make_user(
    app, username: str, role: str = "planner", password: str = PASSWORD
) -> User:
    """Create an account in ``app``'s accounts database."""
    with app.app_context():
        return get_accounts().add(username, password, role)


def csrf_token(client) -> str:
    """A CSRF token valid for ``client``'s current session (from the sign-in page)."""
    page = client.get("/login").get_data(as_text=True)
    match = CSRF_META.search(page)
    if match is None:
        raise AssertionError("the sign-in page carries no csrf-token meta tag")
    return match.group(1)


def login(client, username: str, password: str = PASSWORD) -> str:
    """Sign ``client`` in; return a CSRF token for its new session.

    Send the token as the ``X-CSRFToken`` header (or the ``csrf_token`` form field)
    with every POST/PUT/PATCH/DELETE.
    """
    token = csrf_token(client)
    form = {"username": username, "password": password, "csrf_token": token}
    resp = client.post("/login", data=form)
    if resp.status_code != 303:
        raise AssertionError(f"sign-in as {username} failed: {resp.status_code}")
    return csrf_token(client)  # the session was replaced: a new token
