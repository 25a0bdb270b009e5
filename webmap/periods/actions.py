"""The admins' changes to reporting periods, shared by their pages and their API.

Each takes the store, the signed-in user's name and what the request carried;
each writes one audit line (``logger``) besides the store's own history. A
spreadsheet is read and checked in full before anything is stored
(``read_workbook``); a problem anywhere raises ``PeriodRejected`` and nothing is
written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from flask import current_app, request
from werkzeug.datastructures import FileStorage

from layers.periods.importcli import vietnam_today
from layers.periods.rules import (
    PUBLISHED,
    Period,
    PeriodDraft,
    PeriodPublished,
    PeriodRejected,
    Problem,
    StalePeriod,
)
from layers.periods.spreadsheet import read_workbook
from layers.store.base import MAX_LIMIT
from layers.store.open import FullStore
from webmap.core.params import InvalidParameter
from webmap.periods.edits import form_draft

logger = logging.getLogger(__name__)

FILE = "file"  # the multipart field of the spreadsheet
MULTIPART, FORM = "multipart/form-data", "application/x-www-form-urlencoded"
MAX_REASON = 500
UPLOAD_SETTING = "PERIOD_UPLOAD_MAX_BYTES"
REVISION_TEXT = re.compile(r"[0-9]{1,6}")


def park_names(store: FullStore, names: Mapping[str, str]) -> list[tuple[str, str]]:
    """``(park_id, name)`` of every park in the store's parks layer, in its order.

    Args:
        store: the store with the parks layer.
        names: park id → display name in the request's language.
    """
    page = store.query("parks", limit=MAX_LIMIT)
    return [(f.id, names.get(f.id, f.id)) for f in page.features]


def asked_revision() -> int | None:
    """``?revision=`` as a number; None (the latest) when absent or malformed."""
    text = request.args.get("revision", "").strip()
    return int(text) if REVISION_TEXT.fullmatch(text) else None


def upload_limit() -> int:
    """The spreadsheet's limit (``PERIOD_UPLOAD_MAX_BYTES``).

    Its routes are marked ``body_limit(UPLOAD_SETTING)``, so the body may hold the
    file and the form's few fields besides.
    """
    return int(current_app.config[UPLOAD_SETTING])


def base_revision(text: str | None) -> int | None:
    """The ``base_revision`` a form or client sent; None when it sent none.

    Raises:
        InvalidParameter: not a whole number ≥ 1.
    """
    text = (text or "").strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise InvalidParameter("base_revision", "expected a revision number (1, 2 …)")
    return int(text)


def reason_given(text: str | None) -> str:
    """A correction's reason, stripped.

    Raises:
        InvalidParameter: none given, or longer than ``MAX_REASON`` characters.
    """
    reason = (text or "").strip()
    if not reason:
        raise InvalidParameter("reason", "a correction needs a reason")
    if len(reason) > MAX_REASON:
        raise InvalidParameter("reason", f"at most {MAX_REASON} characters")
    return reason


def upload_draft(
    store: FullStore, upload: FileStorage | None, max_bytes: int
) -> PeriodDraft:
    """The checked period of an uploaded spreadsheet.

    The content decides, not the name: ``read_workbook`` opens it as a zip holding
    a workbook and refuses anything else.

    Raises:
        PeriodRejected: no file, a file over ``max_bytes``, or any problem in it.
    """
    if upload is None or not upload.filename:
        raise PeriodRejected([Problem("", 0, FILE, "choose a spreadsheet to upload")])
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        message = f"the file is larger than {max_bytes:,} bytes"
        raise PeriodRejected([Problem("", 0, FILE, message)])
    park_ids = [pid for pid, _ in park_names(store, {})]
    return read_workbook(data, park_ids, vietnam_today())


def save_upload(
    store: FullStore, draft: PeriodDraft, user: str, base: int | None, into: str = ""
) -> Period:
    """Store an uploaded period as a new draft, or as a draft's next revision.

    Args:
        store: where it goes.
        draft: the checked spreadsheet.
        user: who uploads it.
        base: the draft's revision the upload replaces; None for a new period.
        into: the draft whose page the upload came from ("" for a new period);
            the spreadsheet must be for that period.

    Raises:
        PeriodRejected: the spreadsheet is for another period than ``into``.
        StalePeriod, PeriodPublished: as ``PeriodStore.save_draft``.
    """
    if into and draft.period_id != into:
        raise PeriodRejected([_other_period(draft, into)])
    period = store.periods.save_draft(draft, user, base_revision=base)
    logger.info("period %s uploaded by %s (revision %d)", period.id, user, base or 0)
    return period


def edit_draft(
    store: FullStore, period_id: str, form: Mapping[str, str], user: str
) -> Period:
    """Save a draft's edit form as its next revision.

    A changed end date or kind is another period: the draft is saved under its new
    id (refused if that exists) and the old one removed.

    Raises:
        PeriodRejected, StalePeriod, PeriodPublished, PeriodNotFound,
        InvalidParameter (``base_revision``).
    """
    current = store.periods.get(period_id)
    if current.status == PUBLISHED:  # before the form: its problems do not matter
        raise PeriodPublished(period_id)
    base = base_revision(form.get("base_revision"))
    draft = form_draft(form, form_parks(store, current), vietnam_today())
    if draft.period_id == period_id:
        period = store.periods.save_draft(draft, user, base_revision=base)
    else:
        if base != current.revision:  # the store checks it only under the old id
            raise StalePeriod(period_id, current.revision, base or 0)
        period = store.periods.save_draft(draft, user, base_revision=None)
        store.periods.delete_draft(period_id, user)
        logger.info("period %s moved to %s by %s", period_id, period.id, user)
    logger.info("period %s edited by %s (rev. %d)", period.id, user, period.revision)
    return period


def correct(
    store: FullStore,
    period_id: str,
    *,
    form: Mapping[str, str],
    upload: FileStorage | None,
    user: str,
    max_bytes: int,
) -> Period:
    """A correction of a published period: a spreadsheet or the edit form.

    Raises:
        InvalidParameter: no reason or no ``base_revision``;
        PeriodRejected, PeriodNotFound, PeriodNotPublished, StalePeriod.
    """
    reason = reason_given(form.get("reason"))
    base = base_revision(form.get("base_revision"))
    if base is None:
        raise InvalidParameter("base_revision", "send the revision you corrected")
    current = store.periods.get(period_id)
    if upload is not None and upload.filename:
        draft = upload_draft(store, upload, max_bytes)
    else:
        draft = form_draft(form, form_parks(store, current), vietnam_today())
    if draft.period_id != period_id:
        raise PeriodRejected([_other_period(draft, period_id)])
    period = store.periods.correct(draft, reason, user, base)
    logger.info(
        "period %s corrected by %s (revision %d): %s",
        period.id,
        user,
        period.revision,
        reason,
    )
    return period


def form_parks(store: FullStore, period: Period) -> list[str]:
    """The parks the edit form has inputs for: the store's, then the period's."""
    ids = [pid for pid, _ in park_names(store, {})]
    return ids + [pid for pid in period.parks if pid not in ids]


def _other_period(draft: PeriodDraft, period_id: str) -> Problem:
    message = (
        f"the spreadsheet is for period {draft.period_id}, not {period_id}: "
        "correct its end date and kind, or upload it as a new period"
    )
    return Problem("period", 0, "", message)


def as_draft(period: Period) -> PeriodDraft:
    """A stored period's values as a draft (the template's prefill)."""
    return PeriodDraft(
        end=period.end,
        kind=period.kind,
        title=period.title,
        illustrative=period.illustrative,
        headline=period.headline,
        parks=period.parks,
    )


BINARY = {"type": "string", "format": "binary"}
REVISION = {"type": "integer", "minimum": 1}


def upload_body() -> dict[str, Any]:
    """The Request Body Object of an upload: the file, and a draft's revision."""
    fields = {FILE: BINARY, "base_revision": REVISION, "period": {"type": "string"}}
    schema = {"type": "object", "required": [FILE], "properties": fields}
    return {"required": True, "content": {MULTIPART: {"schema": schema}}}


def correction_body() -> dict[str, Any]:
    """A correction: a reason, the revision corrected, and a file or form values."""
    fields = {
        "reason": {"type": "string", "maxLength": MAX_REASON},
        "base_revision": REVISION,
        FILE: BINARY,
    }
    schema = {
        "type": "object",
        "required": ["reason", "base_revision"],
        "properties": fields,
        "description": "Without a file: the edit form's fields (title, end, kind, "
        "illustrative, h:<key>, p:<park_id>:<key>).",
    }
    content = {media: {"schema": schema} for media in (MULTIPART, FORM)}
    return {"required": True, "content": content}
