"""``GET/POST /login`` (the sign-in form) and ``POST /logout``.

Both posts carry the CSRF token (CSRFProtect checks it before the view runs).
"""

from __future__ import annotations

import math

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from webmap.auth.lockout import LoginLocked
from webmap.auth.service import LoginFailed, check_login
from webmap.auth.session import current_user, safe_next, sign_in, sign_out
from webmap.core import responses as r
from webmap.core.i18n import current_language
from webmap.core.openapi import LANG, Doc, documented, query

bp = Blueprint("auth", __name__)

LOGIN_FORM = {
    "type": "object",
    "required": ["username", "password"],
    "properties": {
        "username": {"type": "string"},
        "password": {"type": "string", "format": "password"},
        "next": {"type": "string", "description": "A local path to go to."},
    },
}
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def _page(
    error: str = "",
    status: int = 200,
    username: str = "",
    next_url: str | None = None,
) -> Response:
    """The sign-in page, never cached and never framed."""
    html = render_template(
        "auth/login.html",
        lang=current_language(),
        error=error,
        username=username,
        next_url=next_url,
        user=current_user(),
    )
    response = Response(html, status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


def _locked_message(exc: LoginLocked) -> str:
    """The translated message: a lock in whole minutes, a slowdown in seconds."""
    if exc.scope == "user":
        return gettext(
            "Too many failed sign-ins for this account. Try again in %(seconds)s s.",
            seconds=exc.retry_after,
        )
    minutes = max(1, math.ceil(exc.retry_after / 60))
    if exc.scope == "pair":
        return gettext(
            "This account is locked after too many failed sign-ins. "
            "Try again in %(minutes)s min.",
            minutes=minutes,
        )
    return gettext(
        "Too many failed sign-ins from this address. Try again in %(minutes)s min.",
        minutes=minutes,
    )


@bp.get("/login")
@documented(
    Doc(
        "getLoginForm",
        "The sign-in form.",
        "Accounts",
        r.page(),
        (query("next", "A local path to go to after signing in."), LANG),
    )
)
def login_form() -> Response:
    """The sign-in form; ``?next=`` is where to go afterwards (a local path)."""
    return _page(next_url=safe_next(request.args.get("next")))


@bp.post("/login")
@documented(
    Doc(
        "login",
        "Sign in: a fresh session on success.",
        "Accounts",
        r.merged(
            r.page("Wrong username or password (the form again)."),
            r.empty(303, "Signed in: to next, else the map."),
            r.BAD_WRITE,
            r.TOO_LARGE,
            r.page("Locked after too many failures (Retry-After).", 429),
        ),
        (LANG,),
        {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": LOGIN_FORM}},
        },
        r.WRITE,
    )
)
def login() -> Response:
    """Check the name and password; on success start a fresh session."""
    username = request.form.get("username", "")[:200]
    password = request.form.get("password", "")[:2048]
    target = safe_next(request.form.get("next"))
    try:
        user = check_login(username, password, request.remote_addr or "unknown")
    except LoginLocked as exc:
        response = _page(_locked_message(exc), 429, username, target)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except LoginFailed:
        message = gettext("Wrong username or password.")
        return _page(message, 200, username, target)
    sign_in(user)
    return redirect(target or url_for("map.index"), 303)


@bp.post("/logout")
@documented(
    Doc(
        "logout",
        "End the session.",
        "Accounts",
        r.merged(r.empty(303, "To the sign-in form."), r.BAD_WRITE, r.TOO_LARGE),
        security=r.WRITE,
    )
)
def logout() -> Response:
    """End the session and go back to the sign-in page."""
    sign_out()
    return redirect(url_for("auth.login_form"), 303)
