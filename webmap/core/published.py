"""The published reporting periods a public page may show, read once per request.

Public pages (the map, embeds, the OGC API) show published periods only, never a
draft. The list is read from ``store.periods`` once per request (``flask.g``);
``stamp()`` names its state (each period's id and revision) so the page caches
and ETags change when a period is published or corrected, which does not move
the store's build id.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import g

from layers.periods.rules import Period
from webmap.core.store import get_store

KEY = "parkmap_published_periods"


def published() -> Sequence[Period]:
    """The published periods, oldest end date first (read once per request)."""
    found = g.get(KEY)
    if found is None:
        found = tuple(get_store().periods.periods())
        setattr(g, KEY, found)
    return found


def find(period_id: str | None) -> Period | None:
    """The published period ``period_id``, or None (absent, draft, or no id)."""
    if not period_id:
        return None
    return next((p for p in published() if p.id == period_id), None)


def chosen(period_id: str | None) -> Period | None:
    """The period ``period_id`` if published, else the latest published (or None)."""
    found = find(period_id)
    if found is not None:
        return found
    periods = published()
    return periods[-1] if periods else None


def stamp() -> str:
    """The published periods' state: ``id.revision`` of each, comma-separated."""
    return ",".join(f"{p.id}.{p.revision}" for p in published())
