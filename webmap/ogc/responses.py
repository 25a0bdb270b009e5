"""Format negotiation, ETags and response objects for the API views."""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any

from flask import Response, current_app, render_template, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from webmap.core.links import site_root
from webmap.core.openapi import GEOJSON, HTML, JSON
from webmap.core.published import stamp
from webmap.core.store import get_store
from webmap.ogc.figures import NAME as FIGURES
from webmap.ogc.operations import PREFIX

CACHE_CONTROL = "public, max-age=60"
LANGUAGES = ("vi", "en", "ko", "ja")


def _shows_periods(path: str) -> bool:
    """Whether the answer at ``path`` may show the published reporting periods.

    A layer's own answers (``/collections/<layer>/...``) never do, so their ETag
    need not read the periods; ``park_figures`` and the lists do.
    """
    parts = path[len(PREFIX) :].strip("/").split("/")
    return not (len(parts) > 1 and parts[0] == "collections" and parts[1] != FIGURES)


def negotiate(fmt: str | None) -> str:
    """``json`` or ``html``: the ``f`` parameter, else the Accept header."""
    if fmt:
        return fmt
    return _format_for(request.environ.get("HTTP_ACCEPT"))


@functools.lru_cache(maxsize=256)
def _format_for(accept: str | None) -> str:
    """``negotiate`` for one Accept header (clients send a few distinct ones)."""
    offers = parse_accept_header(accept, MIMEAccept)
    best = offers.best_match([JSON, GEOJSON, HTML], default=JSON)
    return "html" if best == HTML else "json"


def language(lang: str | None) -> str:
    """The ``lang`` parameter when supported, else the configured default."""
    return lang if lang in LANGUAGES else current_app.config["DEFAULT_LANGUAGE"]


def api_base() -> str:
    """Absolute URL of the API root, without a trailing slash."""
    return site_root() + PREFIX


def etag(fmt: str, base: str | None = None) -> str | None:
    """An ETag for this request's answer: the store's build id, URL and format.

    And, for the answers that show them (``park_figures``, the collections, the
    API document), the published periods' state, which the build id does not
    follow. ``base``: ``api_base()`` when the caller has it already.
    """
    build = get_store().build_id()
    if build is None:
        return None
    query = request.environ.get("QUERY_STRING", "")
    periods = stamp() if _shows_periods(request.path) else ""
    key = "\n".join((build, periods, base or api_base(), request.path, query, fmt))
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def _cache_headers(resp: Response, tag: str | None) -> Response:
    if tag is not None:
        resp.set_etag(tag)
        resp.headers["Cache-Control"] = CACHE_CONTROL
    resp.headers["Vary"] = "Accept"
    resp.headers["Access-Control-Allow-Origin"] = "*"  # public data, any web map
    return resp


def not_modified(tag: str | None) -> Response | None:
    """A 304 answer when the client already holds ``tag``, else None."""
    sent = "HTTP_IF_NONE_MATCH" in request.environ  # parsed only when sent
    if tag is not None and sent and tag in request.if_none_match:
        return _cache_headers(Response(status=304), tag)
    return None


def send(body: str, content_type: str, tag: str | None, **headers: str) -> Response:
    """A 200 answer with caching headers."""
    resp = Response(body, content_type=content_type)
    resp.headers.update(headers)
    return _cache_headers(resp, tag)


def send_doc(
    doc: dict[str, Any],
    fmt: str,
    media_type: str,
    template: str,
    tag: str | None,
    **context: Any,
) -> Response:
    """A JSON document, or the HTML page ``template`` showing it."""
    if fmt == "html":
        html = render_template(template, doc=doc, **context)
        return send(html, "text/html; charset=utf-8", tag)
    return send(json.dumps(doc, ensure_ascii=False), media_type, tag)
