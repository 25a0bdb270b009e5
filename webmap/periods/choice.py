"""Which period a page or a report shows, who may see it, and the periods' state.

The public sees published periods only; an admin also sees drafts (the report
marks them DRAFT). ``latest`` names the latest published period. The periods'
state changes whenever a period is saved, published or corrected, so caches and
ETags key on it beside the store's build.
"""

from __future__ import annotations

import hashlib

from layers.errors import LayerNotFound
from layers.periods.contract import PeriodStore
from layers.periods.rules import DRAFT, Period, PeriodNotFound
from layers.store.base import MAX_LIMIT
from layers.store.open import FullStore
from webmap.periods.tables import Sources
from webmap.planner.report import build_report

LATEST = "latest"


def periods_state(periods: PeriodStore) -> str:
    """A short fingerprint of every period's id, status and revision (drafts too)."""
    key = "\n".join(
        f"{p.id} {p.status} {p.revision} {p.updated_at}"
        for p in periods.periods(include_drafts=True)
    )
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def choose(periods: PeriodStore, asked: str | None, admin: bool = False) -> Period:
    """The period ``asked`` for (None or ``latest``: the latest published one).

    Raises:
        PeriodNotFound: no such period, none published, or a draft asked for by
            someone who is not an admin (drafts are not shown to the public).
    """
    if not asked or asked == LATEST:
        latest = periods.latest()
        if latest is None:
            raise PeriodNotFound(LATEST)
        return latest
    period = periods.get(asked)
    if period.status == DRAFT and not admin:
        raise PeriodNotFound(asked)
    return period


def report_sources(store: FullStore, lang: str) -> Sources:
    """The parks, the clearance bottlenecks and the housing projects, as stored."""
    return Sources(
        parks=_properties(store, "parks"),
        clearance_bottlenecks=build_report(store, None, lang).progress,
        housing=list(_properties(store, "housing").values()),
    )


def _properties(store: FullStore, layer: str) -> dict[str, dict]:
    try:
        page = store.query(layer, limit=MAX_LIMIT)
    except LayerNotFound:
        return {}
    return {f.id: dict(f.properties) for f in page.features}
