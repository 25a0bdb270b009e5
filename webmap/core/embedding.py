"""Embedding rules: allowed parent origins, Content-Security-Policy, oEmbed.

The map may be framed by this site and by the portal origins listed in
``PARKMAP_EMBED_ORIGINS``; the browser enforces it through ``frame-ancestors``, and
parkmap.js and embed.js check ``event.origin`` of every message against the same list.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from markupsafe import Markup

from webmap.core.links import site_root
from webmap.core.params import InvalidParameter
from webmap.settingtypes import parse_origins

OEMBED_MAX_WIDTH, OEMBED_MAX_HEIGHT = 1200, 900
OEMBED_WIDTH, OEMBED_HEIGHT = 800, 600


def own_origin() -> str:
    """The origin of this site's pages (``PARKMAP_PUBLIC_URL``'s, if set)."""
    parts = urlsplit(site_root())
    return f"{parts.scheme}://{parts.netloc}"


def allowed_origins() -> tuple[str, ...]:
    """This site's origin first, then the configured portal origins."""
    mine = parse_origins(own_origin())
    return tuple(dict.fromkeys((*mine, *current_app.config["EMBED_ORIGINS"])))


def tile_sources() -> tuple[str, ...]:
    """CSP sources of the configured base-map tiles (``{s}`` becomes ``*``)."""
    config = current_app.config
    return _tile_sources(config["BASEMAP_OSM_URL"], config["BASEMAP_SATELLITE_URL"])


@functools.lru_cache(maxsize=16)
def _tile_sources(*urls: str) -> tuple[str, ...]:
    """``tile_sources`` of these URLs (asked for on every response's CSP)."""
    sources = []
    for url in urls:
        if url.startswith("/"):
            continue
        parts = urlsplit(url.replace("{s}", "subdomain"))
        host = parts.netloc.replace("subdomain", "*")
        sources.append(f"{parts.scheme}://{host}")
    return tuple(dict.fromkeys(sources))


def csp(
    nonce: str,
    frame_sources: tuple[str, ...] = (),
    script_sources: tuple[str, ...] = (),
) -> str:
    """The Content-Security-Policy of a map page.

    Scripts, styles, fonts and data come from this site only; Folium's inline
    scripts run by the request's ``nonce`` (no ``'unsafe-inline'`` for scripts).
    Styles keep ``'unsafe-inline'``: Folium writes ``<style>`` blocks and the
    legends set custom properties in ``style`` attributes. Images may also come from
    the base-map tile servers; framing is limited to the allowed origins.
    """
    ancestors = " ".join(("'self'", *current_app.config["EMBED_ORIGINS"]))
    images = " ".join(("'self'", "data:", "blob:", *tile_sources()))
    frames = " ".join(("'self'", *frame_sources))
    scripts = " ".join(("'self'", f"'nonce-{nonce}'", *script_sources))
    return (
        f"default-src 'self'; script-src {scripts}; "
        "style-src 'self' 'unsafe-inline'; "
        f"img-src {images}; font-src 'self' data:; connect-src 'self'; "
        f"frame-src {frames}; frame-ancestors {ancestors}; "
        "base-uri 'self'; form-action 'self'; object-src 'none'"
    )


@dataclass(frozen=True, slots=True)
class MapLink:
    """A map URL of this site, split into the page it names and its query."""

    page: str  # "map" or "embed"
    query: str


def own_map_link(url: str) -> MapLink | None:
    """The map page a URL names, if it is one of this site's map URLs.

    Args:
        url: any URL (from the oEmbed request).

    Returns:
        The page (``map`` or ``embed``) and query, or None for other sites,
        other paths and other schemes.

    Raises:
        InvalidParameter: naming ``url``, when it cannot be parsed as a URL (an
            unclosed IPv6 bracket such as ``http://[::1``).
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        raise InvalidParameter("url", f"not a URL ({exc}): {url[:200]!r}") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    base = urlsplit(site_root())
    if parts.netloc.lower() != base.netloc.lower():
        return None
    prefix = base.path.rstrip("/")
    path = parts.path[len(prefix) :] if parts.path.startswith(prefix) else None
    pages = {"/": "map", "": "map", "/embed": "embed"}
    if path not in pages:
        return None
    return MapLink(pages[path], parts.query)


def iframe(src: str, title: str, width: int, height: int) -> Markup:
    """The iframe snippet for an embed URL (every attribute escaped)."""
    return Markup(
        '<iframe src="{}" title="{}" width="{}" height="{}" style="border:0"'
        ' loading="lazy" allowfullscreen referrerpolicy="origin"></iframe>'
    ).format(src, title, width, height)
