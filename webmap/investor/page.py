"""What every investor page shares: its response headers and its context."""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for
from werkzeug.routing import BuildError

from webmap.auth import current_user
from webmap.core import languages
from webmap.core.embedding import tile_sources
from webmap.core.i18n import current_language, number
from webmap.investor import labels
from webmap.investor.compare import MAX_COMPARE


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


# The query parameters each investor page reads (``lang`` aside), kept by its
# language links; the enquiry form's answer links to the parcel page it sits on.
PAGE_QUERY = {"investor.compare_page": ("ids",), "enquiries_admin.index": ("page",)}
LINKED_PAGE = {"investor.enquire": "investor.parcel_page"}


def language_links() -> list[tuple[str, str, str]]:
    """(code, autonym, this page in that language) for the language switch."""
    endpoint = request.endpoint or "map.index"
    return languages.language_links(
        PAGE_QUERY.get(endpoint, ()), LINKED_PAGE.get(endpoint, endpoint)
    )


def common() -> dict[str, Any]:
    """What the base template needs."""
    lang = current_language()
    return {
        "lang": lang,
        "languages": language_links(),
        "land_url": optional_url("land.page", lang=lang),
        "compare_url": url_for("investor.compare_page", lang=lang),
        "parcel_url": url_for("investor.parcel_page", parcel_id="__ID__", lang=lang),
        "max_compare": MAX_COMPARE,
        "number": number,
        "user": current_user(),
        "enquiry_field": labels.enquiry_field,
        "enquiry_error": labels.enquiry_error,
    }
