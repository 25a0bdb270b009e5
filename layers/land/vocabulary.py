"""What a land search may name: statuses, parks, zones and landmarks of a store.

``land_vocabulary(store)`` reads them from the (small) parks, zones and landmarks
layers and the parcels layer's fields; ``layers.land.query`` checks a
query against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from layers.errors import LayerNotFound
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
    industries: tuple[str, ...] = ()
    handovers: tuple[str, ...] = ()
    park_fields: frozenset[str] = frozenset()

    def kinds(self) -> tuple[str, ...]:
        """The landmark kinds, in order of first appearance."""
        return tuple(dict.fromkeys(kind for _, kind in self.landmarks))

    def targets(self) -> tuple[str, ...]:
        """What ``km_<target>`` may name: landmark ids, then kinds."""
        ids = tuple(lm for lm, _ in self.landmarks)
        return ids + tuple(k for k in self.kinds() if k not in ids)

    def distance_fields(self, target: str) -> tuple[str, ...] | None:
        """The ``dist_<id>_km`` fields a target stands for, or None if unknown."""
        for lm, _ in self.landmarks:
            if lm == target:
                return (distance_field(lm),)
        found = tuple(
            distance_field(lm) for lm, kind in self.landmarks if kind == target
        )
        return found or None


def distance_field(landmark_id: str) -> str:
    """The parcels' field holding the km to a landmark."""
    return f"dist_{landmark_id}_km"


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
    landmarks = [
        (str(lm["landmark_id"]), str(lm.get("kind") or lm["landmark_id"]))
        for lm in _rows(store, "landmarks", ("landmark_id", "kind"))
        if distance_field(str(lm["landmark_id"])) in fields
    ]
    return LandVocabulary(
        statuses=tuple(statuses),
        parks=tuple(sorted(str(p["park_id"]) for p in parks if p["park_id"])),
        zones=tuple(sorted(str(z) for z in zones if z)),
        landmarks=tuple(landmarks),
        fields=fields,
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
