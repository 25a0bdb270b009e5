"""Helpers of the pages that are not maps: their response headers, optional links.

The investor pages, the enquiries list and the 360° gallery answer through
``respond``; a page links to another surface only when it is installed
(``optional_url``).
"""

from __future__ import annotations

from typing import Any

from flask import Response, url_for
from werkzeug.routing import BuildError

from webmap.core.embedding import tile_sources


def csp() -> str:
    """Same-site scripts and styles only (no inline code); base-map tiles as images."""
    images = " ".join(("'self'", "data:", *tile_sources()))
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src {images}; font-src 'self'; connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'self'; base-uri 'self'; "
        "object-src 'none'"
    )


def respond(html: str, status: int = 200, private: bool = False) -> Response:
    """An HTML response with the investor pages' security headers.

    Args:
        html: the page.
        status: the HTTP status.
        private: the page holds per-visitor content (a form's token, a message).
    """
    response = Response(html, status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = csp()
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Cache-Control"] = "private, no-store" if private else "no-cache"
    return response


def optional_url(endpoint: str, **values: Any) -> str | None:
    """The URL of ``endpoint`` if that page is installed, else None."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None
