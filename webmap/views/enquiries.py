"""The admins' list of investors' enquiries and its CSV export.

- ``GET /admin/enquiries?page=N``: newest first, ``PAGE_SIZE`` a page;
- ``GET /admin/enquiries.csv``: every enquiry (UTF-8 with a BOM; text that a
  spreadsheet would run as a formula is made inert).

Only admins: a browser without a session is sent to sign in, a planner gets 403.
Never cached, never framed.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from flask import Blueprint, Response, render_template, request
from werkzeug.exceptions import NotFound

from webmap.auth import role_required
from webmap.core import responses as r
from webmap.core.i18n import current_language
from webmap.core.lookups import Lookups
from webmap.core.openapi import LANG, Doc, documented, query
from webmap.core.store import get_store
from webmap.investor import enquiry, labels
from webmap.investor.page import common

bp = Blueprint("enquiries_admin", __name__)
PAGE_SIZE = 50
PAGE = re.compile(r"[0-9]{1,9}")  # ASCII digits, below 10**9
CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@bp.after_request
def private(response: Response) -> Response:
    """Admins' pages (leads' data, unpublished figures): never cached or framed."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = CSP
    return response


def _page_number() -> int:
    """``?page=`` as a whole number ≥ 1 (anything else is page 1)."""
    text = request.args.get("page", "1").strip()
    if not PAGE.fullmatch(text):  # str.isdigit() also passes "²", which int() refuses
        return 1
    return int(text) or 1


@bp.get("/admin/enquiries")
@documented(
    Doc(
        "getEnquiries",
        "Enquiries, newest first.",
        "Admin",
        r.merged(
            r.page(), r.problem(404, "Past the last page."), r.SIGN_IN, r.STORE_DOWN
        ),
        (
            query("page", "Page number (from 1).", {"type": "integer", "minimum": 1}),
            LANG,
        ),
        security=r.SIGNED_IN,
    )
)
@role_required("admin")
def index() -> str:
    """One page of enquiries, newest first, every field escaped by the template."""
    store = get_store()
    page_number = _page_number()
    page = store.enquiries.page(limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)
    pages = max(1, math.ceil(page.total / PAGE_SIZE))
    if page_number > pages:
        raise NotFound(f"there are only {pages} pages of enquiries")
    lookups = Lookups.cached(store, current_language())
    return render_template(
        "investor/admin_enquiries.html",
        **common(),
        page=page,
        page_number=page_number,
        pages=pages,
        park_name=lambda pid: lookups.name("parks", pid) if pid else "",
        column=labels.admin_column,
    )


@bp.get("/admin/enquiries.csv")
@documented(
    Doc(
        "exportEnquiries",
        "Every enquiry as CSV.",
        "Admin",
        r.merged(r.file("text/csv"), r.SIGN_IN, r.STORE_DOWN),
        (LANG,),
        security=r.SIGNED_IN,
    )
)
@role_required("admin")
def export_csv() -> Response:
    """Every enquiry as CSV."""
    store = get_store()
    lookups = Lookups.cached(store, current_language())
    body = enquiry.csv_bytes(enquiry.all_enquiries(store), lookups)
    day = dt.datetime.now(dt.UTC).date().isoformat()
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="parkmap-enquiries-{day}.csv"'
    )
    return response
