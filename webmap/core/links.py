"""Absolute links to this site, from configuration rather than from the client.

A link that leaves the page (TileJSON ``tiles``, OGC API ``links``, oEmbed, share
and embed URLs) is cached by browsers, nginx and portals, so it must not follow a
``Host`` or ``X-Forwarded-Host`` header a client chose: one request would poison
every reader's copy. ``site_root()`` is ``PARKMAP_PUBLIC_URL`` when it is set
(required in production). Without it — development, tests — it is the request's
own scheme, host and script root, and the host must be on the allow-list
``PARKMAP_ALLOWED_HOSTS`` (default: this machine's loopback names), which Flask
checks on every request (``TRUSTED_HOSTS``, set by ``webmap.settings``: anything
else is a 400).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for


def site_root() -> str:
    """This site's base URL without a trailing slash (path prefix included)."""
    public = current_app.config["PUBLIC_URL"]
    if public:
        return str(public)
    return f"{request.scheme}://{request.host}{request.script_root}"


def absolute(path: str) -> str:
    """``path`` (as ``url_for`` builds it, script root included) made absolute."""
    root = request.script_root
    if root and path.startswith(root):
        path = path[len(root) :]
    return site_root() + path


def external_url(endpoint: str, **values: Any) -> str:
    """``url_for(endpoint, **values)`` as an absolute link under ``site_root()``."""
    return absolute(url_for(endpoint, **values))
