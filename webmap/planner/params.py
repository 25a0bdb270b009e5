"""Planner requests parsed at the edge: ``?at=`` and the PATCH body of an edit."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from webmap.core.openapi import Param
from webmap.core.params import InvalidParameter

DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_AT_CHARS = 64
# ?at= as the routes declare it (``parse_at`` parses it and names it when it refuses).
AT = Param(
    "at",
    "As it stood then: YYYY-MM-DD (end of that day, UTC) or an ISO 8601 date-time "
    "with offset; now when absent.",
    {"type": "string", "maxLength": MAX_AT_CHARS},
    str,
)
MAX_NUMBER_DIGITS = 1000  # a JSON number with more is refused before int() sees it


class InvalidBody(ValueError):
    """A request body is not what the route expects; ``field`` names what is wrong.

    Answered with 400 (``webmap/core/errors.py``); a body that parses but breaks a
    clearance rule is ``EditRejected`` (422) instead.
    """

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True, slots=True)
class Edit:
    """One parsed PATCH of a parcel's clearance."""

    version: int
    changes: dict[str, Any]
    reason: str


def parse_at(text: str | None) -> dt.datetime | None:
    """The instant named by ``?at=``, or None when absent or empty.

    ``YYYY-MM-DD`` means the end of that day in UTC; a full ISO 8601 date-time must
    carry its offset (``Z`` or ``+07:00``).

    Raises:
        InvalidParameter: naming ``at``, when the text is neither.
    """
    if text is None or not text.strip():
        return None
    text = text.strip()
    expected = "expected YYYY-MM-DD or an ISO 8601 date-time with offset"
    if len(text) > MAX_AT_CHARS:
        raise InvalidParameter("at", f"{expected}, got {len(text)} characters")
    try:
        if DAY.fullmatch(text):
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidParameter("at", f"{expected}, got {text!r}") from None
    if "T" not in text.upper() or when.tzinfo is None:
        raise InvalidParameter("at", f"{expected}, got {text!r} (no offset)")
    return when.astimezone(dt.UTC)


def parse_edit(raw: bytes) -> Edit:
    """The PATCH body ``{"version": int, "changes": {...}, "reason": str}``.

    Args:
        raw: the request body as sent.

    Raises:
        InvalidBody: naming ``body`` (not a JSON object), ``version``, ``changes``
            or ``reason``.
    """
    try:
        body = json.loads(raw.decode("utf-8"), parse_int=_json_int)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidBody("body", f"expected a JSON object: {exc}") from None
    except RecursionError:
        raise InvalidBody("body", "expected a JSON object: nested too deeply") from None
    if not isinstance(body, dict):
        raise InvalidBody("body", f"expected a JSON object, got {type(body).__name__}")
    unknown = sorted(set(body) - {"version", "changes", "reason"})
    if unknown:
        raise InvalidBody(unknown[0], "unknown member (version, changes, reason)")
    version = body.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise InvalidBody("version", f"expected the row's version, got {version!r}")
    changes = body.get("changes", {})
    if not isinstance(changes, dict):
        raise InvalidBody("changes", "expected an object of field: new value")
    reason = body.get("reason") or ""
    if not isinstance(reason, str):
        raise InvalidBody("reason", f"expected text, got {type(reason).__name__}")
    return Edit(version, changes, reason)


def _json_int(text: str) -> int:
    """A JSON whole number, refused past ``MAX_NUMBER_DIGITS`` digits.

    ``int()`` itself refuses over 4,300 digits with a ValueError that would
    otherwise escape as a 500; a too-large value that does parse is left to the
    field's own check (e.g. ``cleared_ha``: 422).

    Raises:
        InvalidBody: naming ``body``.
    """
    digits = len(text) - text.startswith("-")
    if digits > MAX_NUMBER_DIGITS:
        raise InvalidBody(
            "body",
            f"a number of {digits:,} digits: at most {MAX_NUMBER_DIGITS:,} are read",
        )
    return int(text)
