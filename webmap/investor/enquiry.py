"""The enquiry form's side of the web: what was sent, by whom, and the CSV export.

Spam resistance: the form carries a honeypot field (``HONEYPOT``) hidden from people;
a post that fills it is answered as if it were stored, and dropped. Each client
address may send ``PARKMAP_ENQUIRY_LIMIT_PER_HOUR`` enquiries an hour; the store
counts them by a keyed hash of the address, so the address itself is never kept.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from flask import current_app, request

from layers.enquiries.rules import Enquiry, RateLimit, check_enquiry
from layers.store import Feature
from layers.store.open import FullStore
from webmap.core.lookups import Lookups
from webmap.core.ratelimit import client_key
from webmap.investor import labels
from webmap.planner.exports import csv_cell

logger = logging.getLogger(__name__)

HONEYPOT = "website"
FORM_FIELDS = ("name", "company", "email", "message")
CSV_COLUMNS = (
    "id", "created_at", "parcel_id", "park_id", "park", "name", "company", "email",
    "message", "lang",
)  # fmt: skip
CSV_PAGE = 1000


def submitted() -> tuple[dict[str, Any], bool]:
    """What the request sent (form fields or a JSON object) and whether it was JSON."""
    if request.is_json:
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # nested too deeply: as unreadable as bad JSON
            body = None
        return (body if isinstance(body, dict) else {}), True
    return {k: request.form.get(k, "") for k in (*FORM_FIELDS, HONEYPOT)}, False


def is_spam(sent: dict[str, Any]) -> bool:
    """Whether the honeypot field was filled (people never see it)."""
    value = sent.get(HONEYPOT)
    return bool(value.strip()) if isinstance(value, str) else value is not None


def receive(
    store: FullStore, parcel: Feature, sent: dict[str, Any], lang: str
) -> Enquiry:
    """Check and store an enquiry about ``parcel``.

    Raises:
        EnquiryRejected: a field breaks a rule (nothing stored).
        TooManyEnquiries: the client address used its allowance (nothing stored).
    """
    park_id = parcel.properties.get("park_id")
    draft = check_enquiry(
        sent,
        parcel_id=parcel.id,
        park_id=park_id if isinstance(park_id, str) else None,
        lang=lang,
        client=client_key(request.remote_addr),
    )
    limit = RateLimit.per_hour(current_app.config["ENQUIRY_LIMIT_PER_HOUR"])
    stored = store.enquiries.add(draft, limit)
    logger.info("enquiry %d about parcel %s stored", stored.id, parcel.id)
    return stored


def form_values(sent: dict[str, Any]) -> dict[str, str]:
    """The form's fields to show again after a refusal (text only)."""
    return {k: sent.get(k) if isinstance(sent.get(k), str) else "" for k in FORM_FIELDS}


def all_enquiries(store: FullStore) -> Iterator[Enquiry]:
    """Every stored enquiry, newest first, read a page at a time."""
    offset = 0
    while True:
        page = store.enquiries.page(limit=CSV_PAGE, offset=offset)
        yield from page.items
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return


def csv_bytes(enquiries: Iterable[Enquiry], lookups: Lookups) -> bytes:
    """The enquiries as CSV: UTF-8 with a BOM, formula-like text made inert."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([labels.admin_column(c) for c in CSV_COLUMNS])
    for item in enquiries:
        park = lookups.name("parks", item.park_id) if item.park_id else ""
        values = {**item.to_dict(), "park": park}
        writer.writerow([csv_cell(values[c]) for c in CSV_COLUMNS])
    return out.getvalue().encode("utf-8-sig")
