"""The map pages' HTML response: the page with its Content-Security-Policy."""

from __future__ import annotations

from flask import Response

from webmap.core import embedding
from webmap.core.security import csp_nonce


def page(
    html: str, frame_sources: tuple[str, ...] = (), scripts: tuple[str, ...] = ()
) -> Response:
    """An HTML response with the map pages' security headers.

    Args:
        html: the page.
        frame_sources: origins the page may frame (besides its own).
        scripts: origins the page may load scripts from (besides its own).

    Returns:
        The response, with Content-Security-Policy and friends.
    """
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = embedding.csp(
        csp_nonce(), frame_sources, scripts
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["Vary"] = "Accept-Language"
    return response
