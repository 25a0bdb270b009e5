"""The planner map's site-clearance layer: colours, legend, data and Folium element.

The layer never travels inline: the page carries an empty ``L.featureGroup`` and
``planner-map.js`` fills it from ``/planner/api/clearance.geojson`` for the box in
view (and the date the time slider shows). This module answers that endpoint's
FeatureCollection and the dates the slider stops at.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

import folium
from flask_babel import gettext
from folium.elements import JSCSSMixin
from folium.template import Template

from layers.clearance.rules import STAGES, Clearance, timeline
from layers.store import Store
from layers.store.base import features_json
from layers.store.open import FullStore
from webmap.core.labels import value_label
from webmap.core.shell import describe
from webmap.core.styles import Legend, LegendEntry
from webmap.mapview.controls import static_url
from webmap.mapview.layers import dumps

LAYER = "parcels"
PANE = "pm-clearance"  # above the parks (overlay pane) and the parcel tiles
# ColorBrewer YlGnBu, 6 classes: sequential (light = not started, dark = handed
# over), so it reads as progress, and it stays ordered for colour-blind readers.
STAGE_COLORS = dict(
    zip(
        STAGES,
        ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"),
        strict=True,
    )
)
OVERDUE_COLOR = "#b2182b"
MAX_SPAN_DEG = 2.0  # widest and highest box the endpoint answers (zoom ≈ 9.5)
MAX_FEATURES = 5000  # parcels per answer; more → "truncated"


def legend() -> Legend:
    """The six stages, lightest to darkest, and the overdue outline."""
    entries = [LegendEntry(value_label(s), STAGE_COLORS[s]) for s in STAGES]
    entries.append(
        LegendEntry(gettext("overdue (target date passed)"), OVERDUE_COLOR, "dash")
    )
    return Legend(
        "clearance",
        gettext("Site clearance"),
        tuple(entries),
        gettext("Stage of each tracked parcel"),
    )


def span_deg(minx: float, maxx: float) -> float:
    """Width in degrees of a box's longitudes (``minx > maxx`` crosses 180°)."""
    return maxx - minx if minx <= maxx else 360.0 - (minx - maxx)


def properties(row: Clearance, today: dt.date) -> dict[str, Any]:
    """A parcel's clearance record as GeoJSON properties (plus ``overdue``)."""
    return {**row.to_dict(), "overdue": row.overdue(today)}


def feature_collection(
    store: Store,
    boxes: Iterable[tuple[float, float, float, float]],
    rows: Iterable[Clearance],
    today: dt.date,
    extra: dict[str, Any],
) -> str:
    """Tracked parcels intersecting ``boxes`` with their clearance, as GeoJSON text.

    Args:
        store: where the parcels' geometries are.
        boxes: WGS84 (min lon, min lat, max lon, max lat), each with min ≤ max.
        rows: every tracked parcel's record (now, or as it stood).
        today: what ``overdue`` is measured against.
        extra: members added to the FeatureCollection (``at``, ``editable``…).

    Returns:
        A FeatureCollection whose properties are the records; ``numberReturned``
        and ``truncated`` (more parcels in the box than ``MAX_FEATURES``).
    """
    by_id = {row.parcel_id: row for row in rows}
    seen: set[str] = set()
    ids, geoms, props = [], [], []
    truncated = False
    for box in boxes:
        page = store.query(LAYER, bbox=box, limit=MAX_FEATURES)
        truncated = truncated or page.number_matched > len(page.features)
        for feature in page.features:
            row = by_id.get(feature.id)
            if row is None or feature.id in seen:
                continue
            seen.add(feature.id)
            ids.append(feature.id)
            geoms.append(feature.geometry)
            props.append(properties(row, today))
    head = json.dumps(
        {
            "type": "FeatureCollection",
            **extra,
            "numberReturned": len(ids),
            "truncated": truncated,
        },
        ensure_ascii=False,
    )
    features = ",".join(features_json(ids, geoms, props))
    return head[:-1] + f',"features":[{features}]}}'


def change_dates(store: FullStore) -> list[str]:
    """The baseline's day, then every day (UTC) on which a change was accepted."""
    points = timeline(store.clearance.records(), store.clearance.history())
    return [day for day, _ in points if day]


class ClearanceLayer(JSCSSMixin, folium.FeatureGroup):
    """An empty overlay that ``planner-map.js`` fills for the view and date shown."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup({{ this.options|tojavascript }});
        parkmap.planner.init(
            {{ this._parent.get_name() }}, {{ this.get_name() }}, {{ this.config }}
        );
        {% endmacro %}
        """
    )

    def __init__(self, name: str, config: dict[str, Any]) -> None:
        super().__init__(name=name, overlay=True, show=True)
        describe(self, "clearance", "land")
        self._name = "ClearanceLayer"
        self.config = dumps(config)  # script-safe JSON
        # Per instance: Folium's class-level lists are never touched.
        self.default_js = [("planner_map", static_url("parkmap/planner-map.js"))]
        self.default_css = [("planner_map_css", static_url("parkmap/planner-map.css"))]


def stage_options() -> list[dict[str, str]]:
    """Each stage's id, label (request's language) and colour, in order."""
    return [
        {"id": s, "label": value_label(s), "color": STAGE_COLORS[s]} for s in STAGES
    ]


def client_texts() -> dict[str, str]:
    """The words planner-map.js shows; ``{x}`` marks where it puts a value."""
    return {
        "today": gettext("Today (editable)"),
        "asOf": gettext(
            "As it stood at the end of %(date)s (read-only)", date="{date}"
        ),
        "loading": gettext("Loading site clearance…"),
        "zoomIn": gettext("Zoom in to see the parcels under site clearance."),
        "count": gettext("%(n)s tracked parcels in view", n="{n}"),
        "truncated": gettext(
            "Only the first %(n)s parcels are shown: zoom in.", n="{n}"
        ),
        "failed": gettext("The site clearance layer could not be loaded."),
        "parcel": gettext("Parcel %(id)s", id="{id}"),
        "area": gettext("Area: %(ha)s ha", ha="{ha}"),
        "lastChange": gettext(
            "Last changed %(at)s by %(user)s", at="{at}", user="{user}"
        ),
        "overdue": gettext("Overdue: the target date has passed."),
        "readOnly": gettext(
            "This is a past state and cannot be edited: move the slider to today."
        ),
        "saving": gettext("Saving…"),
        "saved": gettext("Saved (version %(v)s).", v="{v}"),
        "unchanged": gettext("Nothing to save: no value was changed."),
        "stale": gettext(
            "This parcel was changed by someone else meanwhile. The form now shows "
            "the current values: check them and save again."
        ),
        "rejected": gettext("Not accepted: %(detail)s", detail="{detail}"),
        "signedOut": gettext("Your session has ended: sign in again, then retry."),
        "forbidden": gettext("Your account may not change clearance records."),
        "saveFailed": gettext("Could not save (HTTP %(status)s).", status="{status}"),
        "noHistory": gettext("No changes recorded yet."),
    }
