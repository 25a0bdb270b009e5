"""The report's HTTP answer: its language, ETag, and the PDF with its headers.

A report depends only on the stored data (the store's build id changes with a
rebuild or a clearance edit), the language, the site's public address (in the QR
code) and this code's version, so it carries an ETag made of those and answers
304 to a client that holds it, without drawing the PDF again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from flask import Response, request

from layers.store import Store
from webmap.core.i18n import LANGUAGES, current_language
from webmap.core.links import site_root
from webmap.core.params import InvalidParameter
from webmap.report.document import Site, render

VERSION = "report-1"  # change when the layout changes: old ETags go stale
MIMETYPE = "application/pdf"
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def language(asked: str | None) -> str:
    """The report's language: ``?lang=`` if given, else the request's.

    Raises:
        InvalidParameter: ``lang`` is given but is not vi, en, ko or ja (→ 400).
    """
    if asked is None:
        return current_language()
    value = asked.strip().lower()
    if value not in LANGUAGES:
        raise InvalidParameter("lang", f"expected one of {', '.join(LANGUAGES)}")
    return value


def etag(store: Store, lang: str) -> str | None:
    """The report's ETag, or None when the store cannot say when it changes."""
    build = store.build_id()
    if build is None:
        return None
    key = "\n".join((VERSION, build, site_root(), request.path, lang))
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def filename(site_id: str, lang: str) -> str:
    """A safe download name: ``site-report-<id>-<lang>.pdf``."""
    return f"site-report-{UNSAFE.sub('_', site_id)[:80]}-{lang}.pdf"


def send_report(
    store: Store, layer: str, site_id: str, make: Callable[[Store, str, str], Site]
) -> Response:
    """The PDF of ``make(store, site_id, lang)``, or 304 when the client has it.

    Raises:
        InvalidParameter: a bad ``lang``.
        FeatureNotFound: no such parcel or park in ``layer`` (checked before a 304).
    """
    lang = language(request.args.get("lang"))
    feature = store.get(layer, site_id)
    tag = etag(store, lang)
    response = Response(mimetype=MIMETYPE)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Vary"] = "Accept-Language"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = (
        f'inline; filename="{filename(feature.id, lang)}"'
    )
    if tag is not None:
        response.set_etag(tag)
        if tag in request.if_none_match:
            response.status_code = 304
            return response
    response.set_data(render(store, make(store, feature.id, lang), lang))
    return response
