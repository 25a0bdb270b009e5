"""What every investor page shares: its context (headers: ``core.page.respond``)."""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from webmap.auth import current_user
from webmap.core import languages
from webmap.core.i18n import current_language, number
from webmap.core.page import optional_url
from webmap.investor import labels
from webmap.investor.compare import MAX_COMPARE

# The query parameters each investor page reads (``lang`` aside), kept by its
# language links; the enquiry form's answer links to the parcel page it sits on.
PAGE_QUERY = {
    "investor.compare_page": ("ids",),
    "enquiries_admin.index": ("page",),
    "investor.park_page": ("period",),
    "figures.page": ("period",),
}
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
        "figures_url": optional_url("figures.page", lang=lang),
        "compare_url": url_for("investor.compare_page", lang=lang),
        "parcel_url": url_for("investor.parcel_page", parcel_id="__ID__", lang=lang),
        "max_compare": MAX_COMPARE,
        "number": number,
        "user": current_user(),
        "enquiry_field": labels.enquiry_field,
        "enquiry_error": labels.enquiry_error,
    }
