"""Content codings: which one a client accepts, which bodies gain, and the coders.

Pure functions, no Flask: ``webmap.core.compression`` applies them to responses.

- ``negotiate`` reads ``Accept-Encoding`` (RFC 9110 §12.5.3) with its q-values and
  answers ``br``, ``gzip`` or None for identity; brotli wins a tie.
- ``compressible`` says which media types are text-like (HTML, JSON and GeoJSON,
  vector tiles, JS, CSS, SVG, CSV, XML/KML); images such as PNG, JPEG and WebP, and
  fonts already compressed (WOFF2), never are.
- ``encode`` compresses: brotli quality 5 and gzip level 6 for answers made per
  request, quality 11 and level 9 for files whose result is cached.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass

import brotli

BR = "br"
GZIP = "gzip"
CODINGS = (BR, GZIP)  # in order of preference when the client likes them equally
ETAG_SUFFIX = {BR: "-br", GZIP: "-gz"}
MIN_BYTES = 512  # smaller bodies gain less than the header costs
LARGE_FILE = 256 * 1024  # brotli 11 takes ~0.8 s on a 400 KB file: use 9 above this

_ALIASES = {"x-gzip": GZIP}
_TYPES = frozenset(
    {
        "application/json",
        "application/javascript",
        "application/x-javascript",
        "application/ecmascript",
        "application/xml",
        "application/vnd.mapbox-vector-tile",
        "application/x-protobuf",
        "application/wasm",
        "image/svg+xml",
        "image/x-icon",
        "image/vnd.microsoft.icon",
        "font/ttf",
        "font/otf",
        "application/vnd.ms-fontobject",
    }
)
_SUFFIXES = ("+json", "+xml")  # geo+json, problem+json, vnd.google-earth.kml+xml…


@dataclass(frozen=True, slots=True)
class Level:
    """How hard to compress: brotli quality and gzip level."""

    brotli: int
    gzip: int


DYNAMIC = Level(brotli=5, gzip=6)
STATIC = Level(brotli=11, gzip=9)
STATIC_LARGE = Level(brotli=9, gzip=9)


def _qvalue(params: list[str]) -> float | None:
    """The ``q`` parameter (1 when absent), or None when it is not a valid qvalue."""
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() != "q":
            continue
        try:
            q = float(value.strip())
        except ValueError:
            return None
        return q if 0.0 <= q <= 1.0 else None
    return 1.0


def parse_accept_encoding(header: str) -> dict[str, float]:
    """``Accept-Encoding`` as ``{coding: q}`` (lower case; malformed entries dropped).

    Args:
        header: the header's value, e.g. ``"br;q=1.0, gzip;q=0.8, *;q=0"``.

    Returns:
        Each coding named, with its q-value; the first mention of a coding wins.
    """
    weights: dict[str, float] = {}
    for item in header.split(","):
        name, *params = item.split(";")
        coding = name.strip().lower()
        coding = _ALIASES.get(coding, coding)
        q = _qvalue(params)
        if coding and q is not None:
            weights.setdefault(coding, q)
    return weights


def negotiate(header: str | None) -> str | None:
    """The coding to answer with: ``br``, ``gzip`` or None (identity).

    No header means identity (clients that decompress say so). A coding is
    acceptable when named with q > 0, or when ``*`` has q > 0 and it is not named.
    Brotli is chosen over gzip unless gzip has the higher q; identity is kept when
    the client names it with a higher q than either. When nothing is acceptable,
    not even identity (``identity;q=0`` or ``*;q=0``), the answer is still
    identity: a readable body rather than a 406.

    Args:
        header: the ``Accept-Encoding`` value, or None when the request had none.

    Returns:
        ``"br"``, ``"gzip"`` or None.
    """
    if not header:
        return None
    weights = parse_accept_encoding(header)
    star = weights.get("*", 0.0)
    best, best_q = None, 0.0
    for coding in CODINGS:
        q = weights.get(coding, star)
        if q > best_q:
            best, best_q = coding, q
    if best is None or weights.get("identity", 0.0) > best_q:
        return None
    return best


def compressible(mimetype: str | None) -> bool:
    """Whether a body of this media type (no parameters, any case) gains from it."""
    if not mimetype:
        return False
    kind = mimetype.split(";", 1)[0].strip().lower()
    if kind.startswith("text/"):
        return kind != "text/event-stream"
    return kind in _TYPES or kind.endswith(_SUFFIXES)


def level_for(size: int, *, cached: bool) -> Level:
    """The effort worth spending: high when the result is kept, unless it is big."""
    if not cached:
        return DYNAMIC
    return STATIC if size <= LARGE_FILE else STATIC_LARGE


def encode(data: bytes, coding: str, level: Level = DYNAMIC) -> bytes:
    """``data`` compressed with ``coding`` (``br`` or ``gzip``).

    The gzip header carries no time, so equal inputs give equal bytes in every
    worker.

    Raises:
        ValueError: ``coding`` is not one of ``CODINGS``.
    """
    if coding == BR:
        return bytes(brotli.compress(data, quality=level.brotli))
    if coding == GZIP:
        return gzip.compress(data, compresslevel=level.gzip, mtime=0)
    raise ValueError(f"unknown content coding {coding!r}; expected br or gzip")


def variant_etag(etag: str, coding: str) -> str:
    """The entity tag of ``coding``'s variant: ``abc`` → ``abc-br`` / ``abc-gz``."""
    return etag + ETAG_SUFFIX[coding]
