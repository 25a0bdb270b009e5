"""The planner's report: clearance rows, park names and roll-ups, now or at a date.

Everything the dashboard, the JSON API, the charts and the exports show comes from
one ``Report``, built from the store's clearance records (or the records as they
stood at ``?at=``) and the parks layer's names and bottleneck flags.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext

from layers.clearance.rules import Clearance, ParkProgress, park_progress, timeline
from layers.errors import FeatureNotFound, LayerNotFound
from layers.store import Store
from layers.store.base import MAX_LIMIT
from layers.store.open import FullStore
from webmap.core.i18n import display_name

logger = logging.getLogger(__name__)

PARKS = "parks"
BOTTLENECK_FIELD = "clearance_bottleneck"


@dataclass(frozen=True, slots=True)
class Park:
    """A park as the planner pages name it."""

    park_id: str
    name_vi: str = ""
    name_en: str = ""
    bottleneck: bool = False

    def name(self, lang: str) -> str:
        """The display name in ``lang`` (Vietnamese, with English beside it)."""
        props = {"name_vi": self.name_vi, "name_en": self.name_en}
        return display_name(props, lang, fallback=self.park_id)


@dataclass(frozen=True, slots=True)
class Report:
    """Clearance as of one instant, with its parks and per-park progress.

    Attributes:
        as_of: the instant the figures describe (UTC).
        historic: whether ``as_of`` was asked for (``?at=``) rather than now.
        rows: every tracked parcel as it stood, by parcel id.
        parks: park id → park, for every park of the parks layer and of ``rows``.
        progress: per park, bottleneck parks first.
        source: where the figures come from (the store and its build).
        lang: the language the names are in.
    """

    as_of: dt.datetime
    historic: bool
    rows: list[Clearance]
    parks: dict[str, Park]
    progress: list[ParkProgress]
    source: str
    lang: str

    @property
    def day(self) -> dt.date:
        """The date "overdue" is measured against."""
        return self.as_of.date()

    def park_name(self, park_id: str) -> str:
        """A park's display name (its id when the parks layer lacks it)."""
        park = self.parks.get(park_id)
        return park.name(self.lang) if park else park_id

    def overdue(self) -> list[Clearance]:
        """Parcels past their target date and not cleared, most overdue first."""
        late = [row for row in self.rows if row.overdue(self.day)]
        return sorted(late, key=lambda r: (r.target_date or "", r.parcel_id))

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``/planner/api/progress``."""
        return {
            "as_of": self.as_of.isoformat(timespec="seconds"),
            "source": self.source,
            "parks": [_rounded(p.to_dict()) for p in self.progress],
        }


def _rounded(park: dict[str, Any]) -> dict[str, Any]:
    """Hectares to 4 decimals (sums of floats carry noise like …9999999)."""
    for key in ("planned_ha", "cleared_ha"):
        park[key] = round(park[key], 4)
    return park


def parks(store: Store) -> dict[str, Park]:
    """Every park of the parks layer (none when the store has no such layer)."""
    try:
        page = store.query(PARKS, limit=MAX_LIMIT)
    except LayerNotFound:
        logger.warning("the store has no %s layer: parks are named by id", PARKS)
        return {}
    out = {}
    for feature in page.features:
        props = feature.properties
        out[feature.id] = Park(
            feature.id,
            str(props.get("name_vi") or props.get("name") or ""),
            str(props.get("name_en") or ""),
            bool(props.get(BOTTLENECK_FIELD)),
        )
    return out


def find_park(store: FullStore, park_id: str) -> Park:
    """One park by id: in the parks layer, or at least owning tracked parcels.

    Raises:
        FeatureNotFound: no such park (404).
    """
    known = parks(store)
    if park_id in known:
        return known[park_id]
    if store.clearance.records(park_id):
        return Park(park_id)
    raise FeatureNotFound(PARKS, park_id)


def build_report(store: FullStore, at: dt.datetime | None, lang: str) -> Report:
    """The report now (``at`` None) or as things stood at ``at`` (aware).

    Args:
        store: the app's store.
        at: the instant asked for, or None for now.
        lang: the language of the park names.
    """
    now = dt.datetime.now(dt.UTC)
    rows = store.clearance.records() if at is None else store.clearance.at(at)
    known = parks(store)
    for row in rows:
        known.setdefault(row.park_id, Park(row.park_id))
    as_of = now if at is None else at
    names = {pid: (park.name(lang), park.bottleneck) for pid, park in known.items()}
    progress = park_progress(rows, names, as_of.date())
    source = gettext(
        "parkmap site-clearance tracker, store %(store)s, build %(build)s",
        store=store_name(store),
        build=store.build_id() or "?",
    )
    return Report(as_of, at is not None, rows, known, progress, source, lang)


def store_name(store: Store) -> str:
    """The store's file name without directories, ``postgis:<schema>``, or its class."""
    path = getattr(store, "path", None)
    if path is not None:
        return path.name
    schema = getattr(store, "schema", None)
    return f"postgis:{schema}" if schema else type(store).__name__


def timeline_points(store: FullStore) -> list[dict[str, Any]]:
    """Cleared hectares per park and in all after each day with changes.

    Returns:
        ``[{"date": "YYYY-MM-DD", "parks": {park_id: ha}, "total": ha}, ...]``,
        oldest first; empty when nothing is tracked.
    """
    rows = store.clearance.records()
    if not rows:
        return []
    points = timeline(rows, store.clearance.history())
    return [
        {"date": day, "parks": per_park, "total": round(sum(per_park.values()), 4)}
        for day, per_park in points
    ]
