"""What a land search may name: statuses, parks, zones and landmarks of a store.

``land_vocabulary(store)`` reads them from the (small) parks, zones and landmarks
layers and the parcels layer's fields; ``layers.land.query`` checks a
query against them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from layers.errors import InvalidQuery, LayerNotFound
from layers.store.base import Store

LAYER = "parcels"
PARKS = "parks"  # the layer whose zone_id and facts the park conditions read
INDUSTRY_CODES = "vsic"  # the parks' code table of industries (VSIC 2018)


@dataclass(frozen=True, slots=True)
class LandVocabulary:
    """What a land query may name, read from the store (``land_vocabulary``).

    Attributes:
        statuses: the parcels' status values, in the layer's order.
        parks: park ids.
        zones: economic-zone ids.
        landmarks: (landmark id, kind) of each landmark the parcels carry a
            ``dist_<id>_km`` field for.
        fields: the parcels layer's field names (optional filters need theirs).
        drives: (landmark id, kind) of each landmark the parcels carry a
            ``drive_<id>_min`` field for (drive times by road).
        industries: the VSIC division codes a park's accepted industries may list.
        handovers: the handover conditions a park may have.
        park_fields: the parks layer's field names (the park-fact conditions need
            theirs).
    """

    statuses: tuple[str, ...]
    parks: tuple[str, ...]
    zones: tuple[str, ...] = ()
    landmarks: tuple[tuple[str, str], ...] = ()
    fields: frozenset[str] = frozenset()
    drives: tuple[tuple[str, str], ...] = ()
    industries: tuple[str, ...] = ()
    handovers: tuple[str, ...] = ()
    park_fields: frozenset[str] = frozenset()

    def kinds(self) -> tuple[str, ...]:
        """The landmark kinds, in order of first appearance."""
        return tuple(dict.fromkeys(kind for _, kind in self.landmarks))

    def targets(self) -> tuple[str, ...]:
        """What ``km_<target>`` may name: landmark ids, then kinds."""
        return _targets(self.landmarks)

    def distance_fields(self, target: str) -> tuple[str, ...] | None:
        """The ``dist_<id>_km`` fields a target stands for, or None if unknown."""
        return _fields(self.landmarks, target, distance_field)

    # Drive times (``min_<target>``): the same targets, over ``drives``.
    def drive_targets(self) -> tuple[str, ...]:
        """What ``min_<target>`` may name: landmark ids, then kinds."""
        return _targets(self.drives)

    def drive_fields(self, target: str) -> tuple[str, ...] | None:
        """The ``drive_<id>_min`` fields a target stands for, or None if unknown."""
        return _fields(self.drives, target, drive_field)


def _targets(pairs: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    ids = tuple(lm for lm, _ in pairs)
    kinds = dict.fromkeys(kind for _, kind in pairs)
    return ids + tuple(k for k in kinds if k not in ids)


def _fields(
    pairs: tuple[tuple[str, str], ...], target: str, field: Callable[[str], str]
) -> tuple[str, ...] | None:
    """A landmark id's field, or those of every landmark of a kind; None if unknown."""
    for lm, _ in pairs:
        if lm == target:
            return (field(lm),)
    found = tuple(field(lm) for lm, kind in pairs if kind == target)
    return found or None


def resolve_target(
    name: str,
    prefix: str,
    fields_of: Callable[[str], tuple[str, ...] | None],
    known: tuple[str, ...],
    what: str,
) -> tuple[str, tuple[str, ...]]:
    """``<prefix><target>`` → (target, its fields); an unknown target refused.

    Raises:
        InvalidQuery: naming the parameter, ``what`` the target and the known ones.
    """
    target = name[len(prefix) :]
    fields = fields_of(target)
    if fields is None:
        listed = ", ".join(known) or "none"
        raise InvalidQuery(
            name, f"{what} {target!r}; known: {listed}", "unknown", target
        )
    return target, fields


def distance_field(landmark_id: str) -> str:
    """The parcels' field holding the km to a landmark."""
    return f"dist_{landmark_id}_km"


def drive_field(landmark_id: str) -> str:
    """The parcels' field holding the minutes by road to a landmark."""
    return f"drive_{landmark_id}_min"


def is_drive_field(name: str) -> bool:
    """Whether a parcels' field holds minutes by road (``drive_<id>_min``)."""
    return name.startswith("drive_") and name.endswith("_min")


def land_vocabulary(store: Store) -> LandVocabulary:
    """What land queries over ``store`` may name.

    Raises:
        LayerNotFound: the store has no parcels layer.
    """
    info = store.layer(LAYER)
    fields = frozenset(f.name for f in info.fields)
    statuses = next((f.allowed for f in info.fields if f.name == "status"), ())
    parks = _rows(store, "parks", ("park_id", "zone_id"))
    zone_rows = _rows(store, "zones", ("zone_id",))
    zones = {z["zone_id"] for z in zone_rows} | {p["zone_id"] for p in parks}
    every = [
        (str(lm["landmark_id"]), str(lm.get("kind") or lm["landmark_id"]))
        for lm in _rows(store, "landmarks", ("landmark_id", "kind"))
    ]
    landmarks = [(lm, kind) for lm, kind in every if distance_field(lm) in fields]
    drives = [(lm, kind) for lm, kind in every if drive_field(lm) in fields]
    return LandVocabulary(
        statuses=tuple(statuses),
        parks=tuple(sorted(str(p["park_id"]) for p in parks if p["park_id"])),
        zones=tuple(sorted(str(z) for z in zones if z)),
        landmarks=tuple(landmarks),
        fields=fields,
        drives=tuple(drives),
        **_park_facts(store),
    )


def _park_facts(store: Store) -> dict[str, Any]:
    """What the park-fact conditions may name: VSIC codes, handover conditions."""
    try:
        info = store.layer(PARKS)
    except LayerNotFound:
        return {}
    handover = next((f.allowed for f in info.fields if f.name == "handover"), ())
    return {
        "industries": tuple(info.vocabularies.get(INDUSTRY_CODES, {})),
        "handovers": tuple(handover),
        "park_fields": frozenset(f.name for f in info.fields),
    }


def _rows(store: Store, layer: str, names: tuple[str, ...]) -> list[dict[str, Any]]:
    """Some properties of every feature of a small layer ([] when it is absent)."""
    try:
        info = store.layer(layer)
    except LayerNotFound:
        return []
    present = {f.name for f in info.fields}
    page = store.query(layer, limit=10_000)
    return [
        {n: f.properties.get(n) if n in present else None for n in names}
        for f in page.features
    ]
