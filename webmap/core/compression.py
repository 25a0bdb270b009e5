"""Compressed responses, made in the app so ``make run`` and bare gunicorn get them.

``init_app`` adds two steps around every request:

- before the app sees it (a WSGI wrapper), ``Accept-Encoding`` is negotiated once
  (``encoding.negotiate``) and an ``If-None-Match`` naming the variant of that
  coding (``"abc-br"``) also names the plain tag (``"abc"``), so every view's own
  ETag check (tiles, API, ``send_file``) still answers 304;
- after the view (an ``after_request`` hook that runs just before the access log),
  a body of a text-like type of at least 512 bytes is compressed with brotli or gzip:
  ``Content-Encoding`` set, ``Accept-Encoding`` added to ``Vary``, ``Content-Length``
  of the encoded bytes, and the ETag made the variant's (``"abc-br"``/``"abc-gz"``).
  A 304 for a variant's tag names that tag again.

File responses (vendor libraries, the app's static files) are read and compressed
at high effort; like tiles and API answers with a strong ETag, their encoded bytes
are kept in an LRU of ``PARKMAP_COMPRESSION_CACHE_BYTES`` (files by URL, ETag and
coding; other bodies by a hash of their bytes, since an ETag need not cover a page's
nonce), so they are compressed once per worker. Partial (206) and empty answers,
bodies already encoded, ``Cache-Control: no-transform`` and streamed bodies of
unknown length pass unchanged. ``PARKMAP_COMPRESSION=0`` turns it all off (for a
proxy that compresses instead).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, current_app, request
from werkzeug.datastructures import ETags
from werkzeug.http import parse_etags
from werkzeug.wrappers import Response

from webmap.core.encoding import (
    ETAG_SUFFIX,
    MIN_BYTES,
    compressible,
    encode,
    level_for,
    negotiate,
    variant_etag,
)
from webmap.core.tilecache import TileCache

logger = logging.getLogger(__name__)

CACHE_KEY = "parkmap.encoded_cache"
CODING_KEY = "parkmap.coding"  # environ: the negotiated coding (None: identity)
VARIANTS_KEY = "parkmap.etag_variants"  # environ: plain tags the client named encoded
MAX_BUFFER = 16 * 1024 * 1024  # larger file bodies are sent as they are
_NO_BODY = frozenset({204, 206, 304})
_CACHE_GENERATION = ""  # entries are keyed by ETag: nothing to invalidate

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def init_app(app: Flask) -> None:
    """Negotiate, revalidate and compress every response (``PARKMAP_COMPRESSION``).

    Call it right after ``accesslog.init_app``, so the log sees encoded bytes.
    """
    app.extensions[CACHE_KEY] = TileCache(app.config["COMPRESSION_CACHE_BYTES"])
    if not app.config["COMPRESSION"]:
        return
    app.wsgi_app = Negotiation(app.wsgi_app)  # type: ignore[method-assign]
    app.after_request(compress)


def encoded_cache() -> TileCache:
    """This app's cache of encoded bodies (shown in metrics as ``encoded``)."""
    return current_app.extensions[CACHE_KEY]


class Negotiation:
    """WSGI step: pick the coding once; let variant ETags revalidate as plain ones."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """Record the coding and widen ``If-None-Match``, then call the app."""
        coding = negotiate(environ.get("HTTP_ACCEPT_ENCODING"))
        environ[CODING_KEY] = coding
        condition = environ.get("HTTP_IF_NONE_MATCH")
        if coding is not None and condition:
            header, plain = widen_if_none_match(condition, ETAG_SUFFIX[coding])
            environ["HTTP_IF_NONE_MATCH"] = header
            environ[VARIANTS_KEY] = plain
        return self.app(environ, start_response)


def widen_if_none_match(header: str, suffix: str) -> tuple[str, frozenset[str]]:
    """``If-None-Match`` naming also the plain tag of every variant tag in it.

    Args:
        header: the client's ``If-None-Match``.
        suffix: the negotiated coding's ETag suffix (``-br``).

    Returns:
        The header to hand the views, and the plain tags added.
    """
    etags = parse_etags(header)
    if etags.star_tag:
        return header, frozenset()
    strong = set(etags.as_set(include_weak=False))
    weak = etags.as_set(include_weak=True) - strong
    plain = {tag[: -len(suffix)] for tag in strong | weak if tag.endswith(suffix)}
    if not plain:
        return header, frozenset()
    strong |= {tag[: -len(suffix)] for tag in strong if tag.endswith(suffix)}
    weak |= {tag[: -len(suffix)] for tag in weak if tag.endswith(suffix)}
    return ETags(strong, weak).to_header(), frozenset(plain)


def compress(response: Response) -> Response:
    """Encode ``response`` for this request's coding, when it is worth it."""
    coding = request.environ.get(CODING_KEY)
    if response.status_code == 304:
        _name_variant(response, coding)
        return response
    size = _plain_size(response)
    if size is None:
        return response
    add_vary(response, "Accept-Encoding")  # from here on, the answer depends on it
    if coding is None:
        return response
    is_file = response.direct_passthrough
    etag, weak = response.get_etag()
    reusable = etag is not None and not weak  # a strong ETag: worth keeping
    plain = None if is_file else response.get_data()
    key = _cache_key(response, coding, etag, size, plain) if reusable else None
    cache = encoded_cache()
    body = cache.get(_CACHE_GENERATION, key) if key is not None else None
    if body is None:
        if plain is None:
            plain = _read_body(response)
        body = encode(plain, coding, level_for(size, cached=is_file))
        if key is not None:
            cache.put(_CACHE_GENERATION, key, body)
    elif is_file:
        _close_body(response)
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = coding
    response.headers.pop("Accept-Ranges", None)  # ranges would be of the plain bytes
    if etag is not None:
        response.set_etag(variant_etag(etag, coding), weak)
    return response


def add_vary(response: Response, name: str) -> None:
    """Name ``name`` in ``Vary`` unless it is there (without parsing a header set)."""
    current = response.headers.get("Vary")
    if not current:
        response.headers["Vary"] = name
    elif name.lower() not in {v.strip().lower() for v in current.split(",")}:
        response.headers["Vary"] = f"{current}, {name}"


def _plain_size(response: Response) -> int | None:
    """The body's size if this response may be compressed, else None.

    ``Content-Encoding`` (mostly absent) is looked for by walking the headers:
    werkzeug's ``in`` raises and catches an exception for a missing one, which costs
    more than the walk.
    """
    if (
        response.status_code in _NO_BODY
        or response.status_code < 200
        or any(name.lower() == "content-encoding" for name, _ in response.headers)
        or not compressible(response.mimetype)
        or "no-transform" in response.headers.get("Cache-Control", "")
    ):
        return None
    if response.direct_passthrough:  # a file: its length is known, its bytes not read
        size = response.content_length
        if size is None or size > MAX_BUFFER:
            return None
    elif response.is_streamed:
        return None  # a generator: buffering would defeat it
    else:
        size = response.calculate_content_length()
    if size is None or size < MIN_BYTES:
        return None
    return size


def _cache_key(
    response: Response, coding: str, etag: str | None, size: int, plain: bytes | None
) -> tuple[str, ...]:
    """What identifies one encoded body.

    A file: its URL, strong ETag (its mtime and size), type and size. Any other
    body: a hash of the bytes themselves, because a view's ETag need not cover all
    of them (an HTML page's CSP nonce changes on every request under one ETag).
    """
    if plain is not None:
        digest = hashlib.blake2b(plain, digest_size=16).hexdigest()
        return (coding, "body", digest, response.mimetype or "")
    query = request.query_string.decode("latin-1")
    return (coding, request.path, query, str(etag), response.mimetype or "", str(size))


def _read_body(response: Response) -> bytes:
    """The whole plain body (a file's is read and closed)."""
    if not response.direct_passthrough:
        return response.get_data()
    try:
        return b"".join(response.response)
    finally:
        _close_body(response)


def _close_body(response: Response) -> None:
    close = getattr(response.response, "close", None)
    if close is not None:
        close()


def _name_variant(response: Response, coding: str | None) -> None:
    """A 304 for a variant's tag names that variant, as the client stored it."""
    plain = request.environ.get(VARIANTS_KEY)
    etag, weak = response.get_etag()
    if coding is None or not plain or etag is None or etag not in plain:
        return
    response.set_etag(variant_etag(etag, coding), weak)
    add_vary(response, "Accept-Encoding")
