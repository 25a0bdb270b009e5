"""Who is signed in, and the role checks views use.

The (signed) session cookie holds the username, the account's session epoch, the
session's id and the time of sign-in. Each request checks them against the accounts
database, so a removed or disabled account, a changed password, a session signed out
(its id forgotten, even if someone kept a copy of the cookie) or one older than
``PERMANENT_SESSION_LIFETIME`` ends at once. Signing out ends only that session: the
user's others, in other browsers, go on.
"""

from __future__ import annotations

import functools
import hmac
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Request, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from werkzeug.exceptions import Forbidden, Unauthorized
from werkzeug.wrappers import Response

from webmap.auth.accounts import ROLES, User
from webmap.auth.service import get_accounts

logger = logging.getLogger(__name__)

USER, EPOCH, SINCE, SID = "auth_user", "auth_epoch", "auth_since", "auth_sid"
_CACHE = "parkmap_user"
F = TypeVar("F", bound=Callable[..., Any])


def current_user() -> User | None:
    """The signed-in user of this request, or None.

    A session whose account is gone or disabled, whose password changed, which was
    signed out, or which is older than ``PERMANENT_SESSION_LIFETIME`` is cleared here.
    """
    if _CACHE not in g:
        setattr(g, _CACHE, _session_user())
    return getattr(g, _CACHE)


def _session_user() -> User | None:
    """Check the session against the accounts database."""
    name = session.get(USER)
    if not name:
        return None
    found = get_accounts().session_state(str(name), str(session.get(SID, "")))
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    since = session.get(SINCE)
    if found is None or found[0].disabled:
        why = "the account is gone or disabled"
    elif not hmac.compare_digest(str(session.get(EPOCH, "")), found[1]):
        why = "the password changed"
    elif not found[2]:
        why = "it was signed out"
    elif not isinstance(since, int | float) or time.time() - since > lifetime:
        why = "it expired"
    else:
        return found[0]
    logger.info("ended the session of %s: %s", name, why)
    session.clear()
    return None


def sign_in(user: User) -> None:
    """Start a fresh session for ``user`` (anything in the old one is dropped)."""
    accounts = get_accounts()
    found = accounts.session_info(user.username)
    if found is None:  # removed between the password check and now
        raise Unauthorized("the account no longer exists")
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    if session.get(SID):  # signing in again: the session it replaces ends
        accounts.close_session(str(session[SID]))
    session.clear()  # no session fixation: nothing from before survives
    session[USER] = user.username
    session[EPOCH] = found[1]
    session[SID] = accounts.open_session(user.username, lifetime)
    session[SINCE] = int(time.time())
    session.permanent = True
    setattr(g, _CACHE, found[0])


def sign_out() -> None:
    """End this session, for a copy of its cookie too; the user's others go on."""
    user = current_user()
    session_id = session.get(SID)
    if session_id:  # before the cookie: if this fails, both stay as they were
        get_accounts().close_session(str(session_id))
    session.clear()
    setattr(g, _CACHE, None)
    if user:
        logger.info("user %s signed out", user.username)


def safe_next(target: str | None) -> str | None:
    r"""``target`` if it is a path on this site, else None (no open redirects).

    Accepts ``/planner?park=a``; refuses ``https://evil.example``, ``//evil``,
    ``/\evil``, ``javascript:…`` and anything with control characters.
    """
    if not target or len(target) > 2048 or not target.startswith("/"):
        return None
    if target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _wants_html() -> bool:
    """True for a browser page load (GET asking for HTML, outside any ``/api/``)."""
    if request.method not in ("GET", "HEAD") or "/api/" in f"{request.path}/":
        return False
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html"


def _here() -> str:
    """This request's path and query, for ``?next=``."""
    query = request.query_string.decode("latin-1")
    return request.script_root + request.path + (f"?{query}" if query else "")


def require(role: str) -> Response | None:
    """Check the signed-in user may act as ``role``; usable as ``before_request``.

    Returns:
        None if allowed; a redirect to the sign-in page for a browser page load
        without a session.

    Raises:
        Unauthorized: no session, and not a page load (API call, form post).
        Forbidden: signed in, but without the role.
    """
    user = current_user()
    if user is None:
        if _wants_html():
            return redirect(url_for("auth.login_form", next=_here()))
        raise Unauthorized("sign in first: this needs a signed-in user")
    if not user.has_role(role):
        raise Forbidden(f"this needs the {role} role; {user.username} is {user.role}")
    return None


def role_required(role: str) -> Callable[[F], F]:
    """Decorate a view so only users with ``role`` (or admins) reach it.

    Args:
        role: ``planner`` or ``admin``.

    Raises:
        ValueError: at decoration time, for an unknown role.
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, got {role!r}")

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            refused = require(role)
            return refused if refused is not None else view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


class LazyCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, minus the work for requests without a cookie.

    Flask builds its signing serializer (key derivation included) on every request,
    ~80 µs; tiles, API and map requests from the public carry no session cookie, so
    they get an empty session without it. A request with the cookie is read as usual.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """An empty session when there is no cookie; else Flask's."""
        if app.secret_key and (
            "HTTP_COOKIE" not in request.environ  # no cookie at all: nothing to parse
            or self.get_cookie_name(app) not in request.cookies
        ):
            return self.session_class()
        return super().open_session(app, request)
