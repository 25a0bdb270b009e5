"""The investor pages' words: field labels beyond the map's, enquiry messages."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from layers.enquiries.rules import LENGTHS
from webmap.core.i18n import number
from webmap.core.labels import FIELD_LABELS
from webmap.core.lookups import Lookups, format_value


@dataclass(frozen=True, slots=True)
class Row:
    """One attribute: field name, label and value as text."""

    name: str
    label: str
    value: str


# Fields of the parcels and parks layers the map's popups never label.
EXTRA_FIELDS = {
    "parcel_id": _l("Parcel"),
    "source": _l("Source"),
    "block_id": _l("Contiguous free block"),
    "block_ha": _l("Area of the free block"),
    "block_n": _l("Parcels in the free block"),
    "name_vi": _l("Name (Vietnamese)"),
    "name_en": _l("Name (English)"),
    "occupancy_source": _l("Source of the reported occupancy"),
}
EXTRA_UNITS = {"block_ha": "ha"}
ENQUIRY_FIELDS = {
    "name": _l("Your name"),
    "company": _l("Company"),
    "email": _l("Email"),
    "message": _l("Message"),
}
ADMIN_COLUMNS = {
    "id": _l("No."),
    "created_at": _l("Received (UTC)"),
    "parcel_id": _l("Parcel"),
    "park_id": _l("Industrial park"),
    "name": _l("Name"),
    "company": _l("Company"),
    "email": _l("Email"),
    "message": _l("Message"),
    "lang": _l("Language"),
}


def landmark_of(name: str) -> str | None:
    """The landmark id of a ``dist_<id>_km`` field, else None."""
    if name.startswith("dist_") and name.endswith("_km") and len(name) > 8:
        return name[len("dist_") : -len("_km")]
    return None


def drive_landmark_of(name: str) -> str | None:
    """The landmark id of a ``drive_<id>_min`` field (minutes by road), else None."""
    if name.startswith("drive_") and name.endswith("_min") and len(name) > 10:
        return name[len("drive_") : -len("_min")]
    return None


def field_label(name: str, lookups: Lookups) -> str:
    """A field's label in the request's language (its name if unknown).

    Args:
        name: the field.
        lookups: landmark names, for ``dist_<landmark>_km``.
    """
    landmark = landmark_of(name)
    if landmark is not None:
        target = lookups.name("landmarks", landmark)
        return gettext("Distance to %(target)s", target=target)
    driven = drive_landmark_of(name)
    if driven is not None:
        target = lookups.name("landmarks", driven)
        return gettext("Drive time to %(target)s", target=target)
    label = EXTRA_FIELDS.get(name) or FIELD_LABELS.get(name)
    return str(label) if label is not None else name


def _empty(value: Any) -> bool:
    return (
        value is None or value == "" or (isinstance(value, float) and math.isnan(value))
    )


def finite(value: Any) -> float | None:
    """``value`` as a float if it is a finite number (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def field_value(name: str, value: Any, lookups: Lookups) -> str:
    """A field's value as display text (not yet escaped); ``—`` when empty."""
    if _empty(value):
        return "—"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if landmark_of(name) is not None:
            return f"{number(value, 1)} km"
        if drive_landmark_of(name) is not None:
            return gettext("%(minutes)s min", minutes=number(value, 0))
        if name in EXTRA_UNITS:
            return f"{number(value, 2)} {EXTRA_UNITS[name]}"
    text = format_value(name, value, lookups)
    return "—" if text is None else text


def enquiry_error(field: str, code: str) -> str:
    """The message shown next to an enquiry field that broke a rule."""
    fewest, most = LENGTHS.get(field, (0, 0))
    messages = {
        "required": gettext("Please fill in this field."),
        "too_short": gettext(
            "Please write at least %(count)s characters.", count=fewest
        ),
        "too_long": gettext("Please keep to %(count)s characters.", count=most),
        "control": gettext("Please remove the invisible control characters."),
        "email": gettext("Please give an email address like name@company.com."),
        "not_text": gettext("Please send this field as text."),
    }
    return messages.get(code, gettext("Please check this field."))


def enquiry_field(field: str) -> str:
    """An enquiry field's label in the request's language."""
    label = ENQUIRY_FIELDS.get(field)
    return str(label) if label is not None else field


def admin_column(name: str) -> str:
    """A column heading of the admins' list and its CSV export."""
    label = ADMIN_COLUMNS.get(name)
    return str(label) if label is not None else name
