"""Accounts, sign-in, roles and CSRF protection for the planner pages.

For other code::

    from webmap.auth import current_user, role_required

    @bp.get("/planner")
    @role_required("planner")          # admins pass too
    def dashboard(): ...

    current_user()                     # -> User(username, role, ...) or None

Accounts are kept in ``STATE_DIR/accounts.sqlite`` and managed with
``flask --app webmap users ...``. Every POST/PUT/PATCH/DELETE must carry the CSRF
token (form field ``csrf_token`` or header ``X-CSRFToken``; templates call
``csrf_token()``).
"""

from __future__ import annotations

from flask import Flask

from webmap.auth import csrfprotect, views
from webmap.auth.accounts import ROLES, User
from webmap.auth.csrfprotect import csrf
from webmap.auth.session import (
    LazyCookieSessions,
    current_user,
    require,
    role_required,
)

__all__ = [
    "ROLES",
    "User",
    "csrf",
    "current_user",
    "init_app",
    "require",
    "role_required",
]


def init_app(app: Flask) -> None:
    """Add the session cookies, CSRF protection and ``/login``, ``/logout``."""
    app.session_interface = LazyCookieSessions()
    csrfprotect.init_app(app)
    app.register_blueprint(views.bp)
