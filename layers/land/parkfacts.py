"""The land search's conditions on the parcel's park (issue 19): its facts.

- ``industry``: VSIC 2018 division codes; the park accepts every one of them
  (its ``industries_accepted`` lists it);
- ``min_power_mva``: the park's power available (``power_mva``) at least this;
- ``min_water_m3_day``: its water supply (``water_m3_day``) at least this;
- ``handover``: its land handed over ``serviced`` or ``raw`` (several allowed);
- ``min_lease_end``: its lease ends (``lease_end_year``) in this year or later.

A park without the value does not match a condition on it. The stores turn the
conditions into one ``park_id IN (SELECT park_id FROM parks WHERE …)``, as the
zone condition; nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from layers.errors import InvalidQuery

ACCEPTED = "industries_accepted"
# parameter → the parks' field it reads
FIELDS = {
    "industry": ACCEPTED,
    "min_power_mva": "power_mva",
    "min_water_m3_day": "water_m3_day",
    "handover": "handover",
    "min_lease_end": "lease_end_year",
}
PARAMETERS = tuple(FIELDS)
MAX_YEAR = 9999


@dataclass(frozen=True, slots=True)
class ParkFacts:
    """Conditions on the parcel's park (see the module docstring)."""

    industries: tuple[str, ...] = ()
    min_power_mva: float | None = None
    min_water_m3_day: float | None = None
    handover: tuple[str, ...] = ()
    min_lease_end: int | None = None

    def __bool__(self) -> bool:
        """Whether any condition is given."""
        return bool(self.conditions())

    def conditions(self) -> list[tuple[str, str, Any]]:
        """(park field, ``has``/``>=``/``in``, value) for each condition given.

        ``has``: the comma-separated list in the field holds the value.
        """
        out: list[tuple[str, str, Any]] = [
            (ACCEPTED, "has", c) for c in self.industries
        ]
        for name in ("min_power_mva", "min_water_m3_day", "min_lease_end"):
            value = getattr(self, name)
            if value is not None:
                out.append((FIELDS[name], ">=", value))
        if self.handover:
            out.append((FIELDS["handover"], "in", self.handover))
        return out

    def params(self, number_text: Any) -> list[tuple[str, str]]:
        """The conditions as URL parameters, in ``PARAMETERS`` order."""
        out = []
        if self.industries:
            out.append(("industry", ",".join(self.industries)))
        for name in ("min_power_mva", "min_water_m3_day"):
            value = getattr(self, name)
            if value is not None:
                out.append((name, number_text(value)))
        if self.handover:
            out.append(("handover", ",".join(self.handover)))
        if self.min_lease_end is not None:
            out.append(("min_lease_end", str(self.min_lease_end)))
        return out

    def to_dict(self) -> dict[str, Any]:
        """Each parameter with its value (None or [] when not given)."""
        return {
            "industry": list(self.industries),
            "min_power_mva": self.min_power_mva,
            "min_water_m3_day": self.min_water_m3_day,
            "handover": list(self.handover),
            "min_lease_end": self.min_lease_end,
        }

    def parameters(self) -> list[str]:
        """The parameters of the conditions given."""
        return [name for name, _ in self.params(str)]


def check_park_fields(
    parameters: Iterable[str], park_fields: set[str] | frozenset[str]
) -> None:
    """Refuse conditions on fields the parks lack (an SQL error otherwise).

    Raises:
        InvalidQuery: naming the parameter, reason ``unavailable``.
    """
    for parameter in parameters:
        name = FIELDS[parameter]
        if name not in park_fields:
            raise InvalidQuery(
                parameter, f"the parks have no field {name!r}", "unavailable"
            )


def year(text: str | None, name: str) -> int | None:
    """A year ``0..MAX_YEAR`` in ASCII digits, or None when absent.

    Raises:
        InvalidQuery: not a whole number, or too large.
    """
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()):
        raise InvalidQuery(name, f"not a whole number ≥ 0: {text!r}", "integer", text)
    if len(text) > len(str(MAX_YEAR)) or int(text) > MAX_YEAR:
        raise InvalidQuery(name, f"at most {MAX_YEAR}, got {text}", "too_large", text)
    return int(text)
