"""Security headers on every response, and the per-request script nonce.

One ``after_request`` hook sets ``X-Content-Type-Options``, ``Referrer-Policy``,
``Permissions-Policy``, ``Cross-Origin-Opener-Policy`` (not on ``/embed``, which is
framed by portals), HSTS over HTTPS only, and a default Content-Security-Policy. A page
that sets its own CSP keeps it; the hook only adds the directives it lacks
(``object-src``, ``base-uri``, ``form-action``, ``frame-ancestors``).

Inline scripts carry ``nonce="{{ csp_nonce() }}"``; the nonce is made once per request
(never cached with a page) and named in ``script-src``.
"""

from __future__ import annotations

import functools
import re
import secrets

from flask import Flask, current_app, g, request
from werkzeug.wrappers import Response

from webmap.core.embedding import tile_sources

NONCE_KEY = "parkmap_csp_nonce"
EMBED_PATH = "/embed"
HSTS = "max-age=31536000; includeSubDomains"
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Opening tags of <script> elements that carry no nonce yet.
_SCRIPT_TAG = re.compile(r"<script\b(?![^>]*\snonce=)", re.IGNORECASE)


def csp_nonce() -> str:
    """This request's script nonce (made on first use)."""
    nonce = g.get(NONCE_KEY)
    if nonce is None:
        nonce = secrets.token_urlsafe(16)
        setattr(g, NONCE_KEY, nonce)
    return nonce


def add_nonce(html: str) -> str:
    """``html`` with this request's nonce on every ``<script>`` tag lacking one."""
    return _SCRIPT_TAG.sub(f'<script nonce="{csp_nonce()}"', html)


def frame_ancestors(path: str) -> str:
    """Who may frame ``path``: the embed origins for ``/embed``, nobody elsewhere."""
    if path != EMBED_PATH:
        return "'none'"
    return " ".join(("'self'", *current_app.config.get("EMBED_ORIGINS", ())))


def default_csp(path: str) -> dict[str, str]:
    """The policy of responses that set none: this site only, base-map images."""
    return _policy(frame_ancestors(path), tile_sources(), g.get(NONCE_KEY))


def _policy(
    ancestors: str, tiles: tuple[str, ...], nonce: str | None
) -> dict[str, str]:
    images = " ".join(("'self'", "data:", *tiles))
    own = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    return {
        "default-src": "'self'",
        "script-src": own,
        "style-src": own,  # a page's <style nonce> (the API pages have one)
        "img-src": images,
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": ancestors,
    }


def parse_csp(text: str) -> dict[str, str]:
    """A policy as ``{directive: sources}`` (first occurrence wins, as in browsers)."""
    policy: dict[str, str] = {}
    for part in text.split(";"):
        name, _, value = part.strip().partition(" ")
        if name and name.lower() not in policy:
            policy[name.lower()] = value.strip()
    return policy


def merge_csp(own: str, path: str) -> str:
    """A page's own policy plus the default directives it lacks.

    ``object-src``, ``base-uri`` and ``form-action`` do not fall back to
    ``default-src``, so a page that omits them would allow anything.
    """
    policy = parse_csp(own)
    defaults = default_csp(path)
    for name in ("object-src", "base-uri", "form-action", "frame-ancestors"):
        policy.setdefault(name, defaults[name])
    return "; ".join(f"{name} {value}".strip() for name, value in policy.items())


def _headers(response: Response) -> Response:
    """Set the security headers (a view's own values win, its CSP is completed)."""
    headers = response.headers
    path = request.path
    present = {name.lower() for name, _ in headers}
    for lower, name, value in _fixed_headers(path == EMBED_PATH, request.is_secure):
        if lower not in present:
            headers.add(name, value)
    # only asked when present: a missing header costs werkzeug an exception
    own = (
        headers["Content-Security-Policy"]
        if "content-security-policy" in present
        else ""
    )
    if own:
        headers["Content-Security-Policy"] = merge_csp(own, path)
    else:
        headers["Content-Security-Policy"] = _policy_text(
            frame_ancestors(path), tile_sources(), g.get(NONCE_KEY)
        )
    return response


@functools.cache
def _fixed_headers(embed: bool, secure: bool) -> tuple[tuple[str, str, str], ...]:
    """(lower-case name, name, value) of the headers every response carries.

    Unless its view set them; the same four tuples for every request.
    """
    fixed = [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", PERMISSIONS),
    ]
    if not embed:
        fixed.append(("Cross-Origin-Opener-Policy", "same-origin"))
    if secure:
        fixed.append(("Strict-Transport-Security", HSTS))
    return tuple((name.lower(), name, value) for name, value in fixed)


@functools.lru_cache(maxsize=64)
def _nonceless_policy(ancestors: str, tiles: tuple[str, ...]) -> str:
    return _join_policy(ancestors, tiles, None)


def _policy_text(ancestors: str, tiles: tuple[str, ...], nonce: str | None) -> str:
    """``default_csp`` as header text; the same text for every nonce-less answer."""
    if nonce is None:
        return _nonceless_policy(ancestors, tiles)
    return _join_policy(ancestors, tiles, nonce)


def _join_policy(ancestors: str, tiles: tuple[str, ...], nonce: str | None) -> str:
    policy = _policy(ancestors, tiles, nonce)
    return "; ".join(f"{name} {value}" for name, value in policy.items())


def init_app(app: Flask) -> None:
    """Register the headers hook and ``csp_nonce()`` for templates."""
    app.after_request(_headers)
    app.add_template_global(csp_nonce, "csp_nonce")
