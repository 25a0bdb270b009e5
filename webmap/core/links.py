"""Absolute links to this site, from configuration rather than from the client.

A link that leaves the page (TileJSON ``tiles``, OGC API ``links``, oEmbed, share
and embed URLs) is cached by browsers, nginx and portals, so it must not follow a
``Host`` or ``X-Forwarded-Host`` header a client chose: one request would poison
every reader's copy. ``site_root()`` is ``PARKMAP_PUBLIC_URL`` when it is set
(required in production). Without it — development, tests — it is the request's
own scheme, host and script root, and the host must be on the allow-list
``PARKMAP_ALLOWED_HOSTS`` (default: this machine's loopback names), which Flask
checks on every request (``TRUSTED_HOSTS``: anything else is a 400).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app, request, url_for

from webmap.config import ConfigError

LOOPBACK_HOSTS = ("localhost", "127.0.0.1")
HOST_RE = re.compile(
    r"\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*"
)


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


def allowed_hosts(config: dict[str, Any]) -> list[str]:
    """The hosts the app answers for, from ``ALLOWED_HOSTS`` (space/comma list).

    An empty list means any host: only when ``PUBLIC_URL`` is set and no list is
    given, because then no link depends on the ``Host`` header.

    Raises:
        ConfigError: naming ``PARKMAP_ALLOWED_HOSTS`` for an entry with a scheme,
            port or path (the list holds names: ``map.example.org``, or
            ``.example.org`` for it and every subdomain).
    """
    value = config.get("ALLOWED_HOSTS") or ""
    if not value:
        return [] if config["PUBLIC_URL"] else list(LOOPBACK_HOSTS)
    items = value.replace(",", " ").split() if isinstance(value, str) else value
    hosts = [str(item).strip().lower() for item in items]
    for host in hosts:
        if not HOST_RE.fullmatch(host):
            raise ConfigError(
                "PARKMAP_ALLOWED_HOSTS lists host names (map.example.org,"
                f" .example.org) without scheme, port or path; got {host!r}"
            )
    return hosts


def init_app(app: Flask) -> None:
    """Check the link settings and make Flask refuse hosts off the allow-list.

    Raises:
        ConfigError: ``PARKMAP_PUBLIC_URL`` is missing in production, or
            ``PARKMAP_ALLOWED_HOSTS`` is malformed.
    """
    if app.config["ENV_NAME"] == "production" and not app.config["PUBLIC_URL"]:
        raise ConfigError(
            "PARKMAP_PUBLIC_URL is required when PARKMAP_ENV_NAME=production: "
            "absolute links (tiles, API, embeds) come from it, never from the "
            "request's Host header"
        )
    app.config["ALLOWED_HOSTS"] = allowed_hosts(app.config)
    app.config["TRUSTED_HOSTS"] = app.config["ALLOWED_HOSTS"] or None
