"""The land search's drive-time conditions: ``min_<target>``, minutes by road.

``min_<target>=N`` keeps parcels at most N minutes' drive from a landmark
(``min_lach_huyen_port=30``) or from the nearest landmark of a kind
(``min_port=20``: the minimum over every port's ``drive_<id>_min``), as
``km_<target>`` does with straight-line km. A parcel the road network does not
reach (no drive time) never matches. The search's own parameters that start with
``min_`` (``min_ha``, ``min_price``, …) keep their meaning; a landmark cannot be
named by one of them. ``sort=min_<target>`` sorts by the drive time.

Pure: the parsers take the query's raw values and the vocabulary.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from layers.land.vocabulary import LandVocabulary, resolve_target

MIN_PREFIX = "min_"


@dataclass(frozen=True, slots=True)
class DriveLimit:
    """At most ``minutes`` by road from ``target``: the minimum of ``fields``."""

    target: str
    fields: tuple[str, ...]
    minutes: float


def is_drive_parameter(name: str, parameters: Collection[str]) -> bool:
    """Whether ``name`` is a ``min_<target>`` condition, not a fixed parameter."""
    return name.startswith(MIN_PREFIX) and name not in parameters


def drive_target(name: str, vocabulary: LandVocabulary) -> tuple[str, tuple[str, ...]]:
    """``min_<target>`` → (target, its drive-time fields); unknown names refused."""
    return resolve_target(
        name,
        MIN_PREFIX,
        vocabulary.drive_fields,
        vocabulary.drive_targets(),
        "no drive times to",
    )


def drive_limits(
    raw: dict[str, str],
    vocabulary: LandVocabulary,
    parameters: Collection[str],
    number: Callable[[dict[str, str], str], float | None],
) -> tuple[DriveLimit, ...]:
    """Every ``min_<target>`` condition, in the vocabulary's order of targets.

    Args:
        raw: the query's non-empty values by name.
        vocabulary: what the store's parcels carry.
        parameters: the search's fixed parameters (``min_ha`` is not a target).
        number: parses a finite number ≥ 0 or raises ``InvalidQuery``.
    """
    limits = []
    for name in raw:
        if is_drive_parameter(name, parameters):
            target, fields = drive_target(name, vocabulary)
            limits.append(DriveLimit(target, fields, number(raw, name) or 0.0))
    order = {t: i for i, t in enumerate(vocabulary.drive_targets())}
    return tuple(sorted(limits, key=lambda d: order[d.target]))


def drive_sort(text: str, vocabulary: LandVocabulary) -> tuple[str, ...] | None:
    """The fields ``sort=min_<target>`` sorts by, or None if it names none."""
    if not text.startswith(MIN_PREFIX):
        return None
    return vocabulary.drive_fields(text[len(MIN_PREFIX) :])


def drive_fields_used(limits: tuple[DriveLimit, ...]) -> list[tuple[str, str]]:
    """(parameter, field) of every drive-time condition, for ``check_fields``."""
    return [(MIN_PREFIX + d.target, f) for d in limits for f in d.fields]
