"""The checks on a period's figures that do not depend on where they came from.

Pure: a value against its field (``value_problem``) and the headline totals
against the per-park rows (``total_problems``). The spreadsheet reader says where
each problem is; a form in the browser could say it beside its input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from layers.periods.rules import PARK_TOTALS, Field

TOTAL_TOLERANCE = 0.005  # a total may differ from the parks' sum by 0.5 %


@dataclass(frozen=True, slots=True)
class Given:
    """A number as given: its value and how many decimals it was written with."""

    value: float
    decimals: int = 0

    @property
    def half_unit(self) -> float:
        """Half a unit of its last digit: how far rounding may have moved it."""
        return 0.5 * 10.0**-self.decimals


def show(value: float) -> str:
    """A number for a message: ``25,078`` or ``1,171.5`` (plain notation)."""
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def value_problem(field: Field, value: float) -> str | None:
    """What is wrong with ``value`` for ``field``, or None."""
    if value < 0:
        return f"{field.key} cannot be negative, got {show(value)}"
    if field.percent and value > 100:
        return f"{field.key} is a percentage, 0–100, got {show(value)}"
    if field.integer and not float(value).is_integer():
        return (
            f"{field.key} is a count of {field.unit}: a whole number, got {show(value)}"
        )
    return None


def total_problems(
    headline: Mapping[str, Given], parks: Mapping[str, Mapping[str, Given]]
) -> dict[str, str]:
    """Headline key → why it disagrees with the sum of the parks' values.

    A total is checked where it is given and at least one park gives the value
    it sums. It may differ from that sum by ``TOTAL_TOLERANCE`` of itself, or by
    the rounding of the digits given (half a unit of the last digit of the total
    and of every park's value), whichever is larger.
    """
    found = {}
    for total_key, park_key in PARK_TOTALS.items():
        total = headline.get(total_key)
        parts = [values[park_key] for values in parks.values() if park_key in values]
        if total is None or not parts:
            continue
        added = sum(p.value for p in parts)
        rounding = total.half_unit + sum(p.half_unit for p in parts)
        slack = max(TOTAL_TOLERANCE * abs(total.value), rounding)
        if abs(added - total.value) > slack:
            found[total_key] = (
                f"{total_key} is {show(total.value)} but the {len(parts)} park(s) "
                f"giving {park_key} add up to {show(added)} (allowed difference "
                f"{show(slack)})"
            )
    return found
