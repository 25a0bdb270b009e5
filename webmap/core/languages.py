"""The language switch: this page's URL in each language, from what the page knows.

A link is the page's endpoint and view arguments (``/parcels/<parcel_id>``) plus the
query parameters the page itself reads, listed by the caller, and ``lang``. Nothing
else of the request's query is copied: a name Werkzeug's ``url_for`` reserves
(``_external``, ``_anchor``, ``_method``, ``_scheme``) would make the link absolute,
add a fragment or fail to build (a 500), and a name equal to a view argument
(``?parcel_id=…``) would replace the page's own id.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from flask import request, url_for

from webmap.core.i18n import AUTONYMS, LANGUAGES


def language_links(
    keep: Iterable[str] = (), endpoint: str | None = None
) -> list[tuple[str, str, str]]:
    """(code, autonym, URL) of this page in every language, for the switch.

    Args:
        keep: the page's own query parameters to carry over (``lang`` is always
            set); every other query parameter is dropped.
        endpoint: the page to link to; default the request's endpoint.

    Returns:
        One entry per language, in ``LANGUAGES`` order.
    """
    view_args = dict(request.view_args or {})
    path = url_for(endpoint or request.endpoint or "map.index", **view_args)
    wanted = set(keep) - set(view_args) - {"lang"}
    query = [(k, v) for k, v in request.args.items(multi=True) if k in wanted]
    return [
        (code, AUTONYMS[code], f"{path}?{urlencode([*query, ('lang', code)])}")
        for code in LANGUAGES
    ]
