"""Investors' enquiries about a parcel: what one holds and when one is acceptable.

Pure model: no SQL, no Flask. ``check_enquiry`` turns what a form or a JSON body
sent into an ``EnquiryDraft`` or raises ``EnquiryRejected`` naming every bad field
with a short reason code the web layer translates; the store keeps accepted drafts
(``EnquiryStore.add``), refusing with ``TooManyEnquiries`` a client address that
sent too many within a window.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from layers.values import has_control

TABLE = "parkmap_enquiries"  # the table both backends keep them in, these columns:
COLUMNS = (
    "id",
    "created_at",
    "parcel_id",
    "park_id",
    "name",
    "company",
    "email",
    "message",
    "lang",
    "client",
)
FIELDS = ("name", "company", "email", "message")
# (fewest, most) characters after NFC normalisation and trimming.
LENGTHS: dict[str, tuple[int, int]] = {
    "name": (1, 120),
    "company": (0, 200),
    "email": (1, 254),
    "message": (10, 5000),
}
MULTILINE = frozenset({"message"})
EMAIL_LOCAL_MAX = 64
# Reason codes of EnquiryRejected.errors.
REQUIRED, TOO_SHORT, TOO_LONG = "required", "too_short", "too_long"
CONTROL, EMAIL, NOT_TEXT = "control", "email", "not_text"

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"^{_ATOM}(\.{_ATOM})*$")
_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


class EnquiryRejected(ValueError):
    """One or more fields break a rule; nothing was stored.

    Attributes:
        errors: field → reason code (``required``, ``too_short``, ``too_long``,
            ``control``, ``email``, ``not_text``), in form order.
        field: the first bad field.
    """

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        self.field = next(iter(self.errors))
        listed = ", ".join(f"{name}: {code}" for name, code in self.errors.items())
        super().__init__(f"enquiry rejected ({listed})")


class TooManyEnquiries(Exception):
    """The client address sent its allowance within the window; nothing stored.

    Attributes:
        retry_after: whole seconds until the oldest counted enquiry leaves the window.
    """

    def __init__(self, retry_after: int):
        self.retry_after = max(1, int(retry_after))
        super().__init__(
            f"too many enquiries from this address; try again in {self.retry_after} s"
        )


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``count`` posts per client within ``window_s`` seconds.

    Enquiries use it, and so do the photo uploads (``webmap/core/ratelimit.py``).
    """

    count: int
    window_s: float = 3600.0

    @classmethod
    def per_hour(cls, count: int) -> RateLimit | None:
        """``count`` an hour (a ``PARKMAP_*_LIMIT_PER_HOUR``); None when 0: no limit."""
        return cls(count=int(count)) if count else None

    def since(self, at: dt.datetime) -> str:
        """The start of the window ending at ``at``, as stored (ISO 8601)."""
        return (at - dt.timedelta(seconds=self.window_s)).isoformat(
            timespec="microseconds"
        )

    def retry_after(self, recent: list[str], at: dt.datetime) -> int | None:
        """Seconds until a client may send again, or None if it may now.

        Args:
            recent: the client's ``created_at`` within the window, newest first,
                at most ``count`` of them.
            at: now.
        """
        if len(recent) < self.count:
            return None
        oldest = dt.datetime.fromisoformat(recent[-1])
        return max(1, math.ceil((oldest - at).total_seconds() + self.window_s))


@dataclass(frozen=True, slots=True)
class EnquiryDraft:
    """An accepted enquiry before the store numbers and dates it.

    Attributes:
        parcel_id: the parcel asked about.
        park_id: its park (kept so the list reads without the layer).
        name: the sender's name.
        company: the sender's company ('' if none given).
        email: where to answer.
        message: what they ask (line breaks kept, as LF).
        lang: the page's language when sent.
        client: a keyed hash of the sender's address (rate limit), never the address.
    """

    parcel_id: str
    park_id: str | None
    name: str
    company: str
    email: str
    message: str
    lang: str = ""
    client: str = ""


@dataclass(frozen=True, slots=True)
class Enquiry:
    """A stored enquiry: the draft plus its number and UTC time of arrival."""

    id: int
    created_at: str
    parcel_id: str
    park_id: str | None
    name: str
    company: str
    email: str
    message: str
    lang: str
    client: str

    def to_dict(self) -> dict[str, Any]:
        """The fields an admin sees (not the client hash)."""
        return {
            "id": self.id,
            "created_at": self.created_at,
            "parcel_id": self.parcel_id,
            "park_id": self.park_id,
            "name": self.name,
            "company": self.company,
            "email": self.email,
            "message": self.message,
            "lang": self.lang,
        }


@dataclass(frozen=True, slots=True)
class EnquiryPage:
    """A page of enquiries, newest first, and how many there are in all."""

    items: list[Enquiry]
    total: int


def now() -> str:
    """The current UTC time as ISO 8601 with microseconds (sortable as text)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _field(value: Any, name: str) -> tuple[str, str | None]:
    """The cleaned text of one field and its reason code (None when it is fine)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        return "", NOT_TEXT
    multiline = name in MULTILINE
    text = unicodedata.normalize("NFC", value)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip()
    return text, _problem(text, name, multiline)


def _problem(text: str, name: str, multiline: bool) -> str | None:
    """The reason code for cleaned ``text`` of field ``name``, or None."""
    fewest, most = LENGTHS[name]
    if has_control(text, multiline):
        return CONTROL
    if not text and fewest:
        return REQUIRED
    if len(text) < fewest:
        return TOO_SHORT
    if len(text) > most:
        return TOO_LONG
    if name == "email" and not valid_email(text):
        return EMAIL
    return None


def valid_email(text: str) -> bool:
    """Whether ``text`` looks like a deliverable address: ``local@domain.tld``.

    The local part is ASCII (dot-atom); the domain may be internationalised and is
    checked in its IDNA (punycode) form, label by label, with at least two labels.
    """
    local, at, domain = text.rpartition("@")
    if not at or not local or len(local) > EMAIL_LOCAL_MAX or not _LOCAL.match(local):
        return False
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_domain.split(".")
    if len(labels) < 2 or len(ascii_domain) > 253:
        return False
    return all(_LABEL.match(label) for label in labels) and not labels[-1].isdigit()


def check_enquiry(
    sent: Mapping[str, Any],
    *,
    parcel_id: str,
    park_id: str | None,
    lang: str = "",
    client: str = "",
) -> EnquiryDraft:
    """Check what a visitor sent and return the draft to store.

    Text is NFC-normalised and trimmed before lengths are counted (in characters).

    Args:
        sent: the form or JSON body (``name``, ``company``, ``email``, ``message``).
        parcel_id: the parcel the enquiry is about.
        park_id: that parcel's park.
        lang: the page's language.
        client: a keyed hash of the sender's address.

    Returns:
        The cleaned draft.

    Raises:
        EnquiryRejected: naming every bad field (nothing is stored).
    """
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in FIELDS:
        text, problem = _field(sent.get(name), name)
        cleaned[name] = text
        if problem is not None:
            errors[name] = problem
    if errors:
        raise EnquiryRejected(errors)
    return EnquiryDraft(
        parcel_id=parcel_id, park_id=park_id, lang=lang, client=client, **cleaned
    )
