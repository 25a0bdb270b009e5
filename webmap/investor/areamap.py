"""What the small Leaflet maps draw (parcel page, park page, 360° gallery), as JSON.

One script draws them all (``static/investor/areamap.js``) from a document that a
template writes with ``tojson``; names reach the map as text, never as HTML. A park's
map holds the park's own parcels only, coordinates rounded to 1e-6° (about 0.1 m),
coloured as on the main map and outlined in a line style of their status, so the
legend does not rest on colour alone.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from flask import url_for
from flask_babel import gettext
from shapely.geometry.base import BaseGeometry

from layers.store import Feature, LayerInfo
from webmap.core import styles
from webmap.core.basemap import base_map
from webmap.core.i18n import number
from webmap.core.labels import value_label
from webmap.investor import labels
from webmap.investor.nearby import Housing, Scene

COORD_DIGITS = 6
PARK_COLOR = "#b03a2e"
HOUSING_COLOR = "#8e44ad"
CAMERA_CONES = {False: "#27ae60", True: "#f39c12"}  # photo, generated: as the map's


@dataclass(frozen=True, slots=True)
class StatusStyle:
    """How the parcels of one status are drawn, and how many of them there are."""

    status: str
    label: str
    color: str
    weight: float
    dash: str | None
    count: int

    def to_json(self) -> dict[str, Any]:
        """What the map script needs to draw and name a parcel of this status."""
        return {
            "label": self.label,
            "color": self.color,
            "weight": self.weight,
            "dash": self.dash,
        }


def rounded(geom: BaseGeometry) -> dict[str, Any]:
    """A geometry as GeoJSON (lon/lat) with coordinates to 1e-6° (about 0.1 m)."""
    small = shapely.transform(geom, lambda xy: np.round(xy, COORD_DIGITS))
    return json.loads(shapely.to_geojson(small))


def status_styles(info: LayerInfo, parcels: list[Feature]) -> list[StatusStyle]:
    """The statuses the parcels have, in the legend's order, with their styles.

    Colours come from the parcels layer's style (the main map's), labels from the
    map's value labels; a status the style does not know is grey and dotted.
    """
    field, colors = styles.categories(info)
    if field != "status":
        colors = {}
    counts = Counter(str(f.properties.get("status") or "") for f in parcels)
    order = [s for s in styles.STATUS_LINES if s in counts]
    order += sorted(s for s in counts if s not in styles.STATUS_LINES)
    return [
        StatusStyle(
            status=status,
            label=value_label(status) if status else gettext("status unknown"),
            color=colors.get(status, styles.NO_DATA),
            weight=styles.status_line(status)[0],
            dash=styles.status_line(status)[1],
            count=counts[status],
        )
        for status in order
    ]


def parcel_shape(feature: Feature, lang: str) -> dict[str, Any]:
    """One parcel for the map: id, name, status, area text, page and outline."""
    area = labels.finite(feature.properties.get("area_ha"))
    return {
        "id": feature.id,
        "name": gettext("Parcel %(id)s", id=feature.id),
        "status": str(feature.properties.get("status") or ""),
        "area": f"{number(area, 2)} ha" if area is not None else "",
        "url": url_for("investor.parcel_page", parcel_id=feature.id, lang=lang),
        "geometry": rounded(feature.geometry),
    }


def camera(scene: Scene | dict[str, Any]) -> dict[str, Any]:
    """A 360° camera: where it stands and looks, its viewer and its words."""
    if isinstance(scene, Scene):
        lon, lat = scene.geometry["coordinates"]
        name, url = scene.name, scene.url
        heading, generated = scene.heading, scene.generated
    else:
        lon, lat, name, url = scene["lon"], scene["lat"], scene["name"], scene["url"]
        heading, generated = scene.get("heading") or 0.0, bool(scene.get("generated"))
    return {
        "lon": round(float(lon), COORD_DIGITS),
        "lat": round(float(lat), COORD_DIGITS),
        "heading": round(float(heading) % 360.0, 1),
        "generated": generated,
        "name": name,
        "label": gettext("360° view: %(name)s", name=name),
        "kind": gettext("generated image") if generated else gettext("photo"),
        "url": url,
    }


def housing_point(project: Housing) -> dict[str, Any]:
    """A housing project for the map: its name and place."""
    return {"name": project.name, "geometry": project.geometry}


def park_map(
    park: Feature,
    parcels: list[Feature],
    *,
    info: LayerInfo | None,
    housing: list[Housing],
    scenes: list[Scene],
    lang: str,
) -> dict[str, Any]:
    """The park page's map: outline, the park's parcels by status, housing, cameras.

    Args:
        park: the park.
        parcels: the park's own parcels (nothing else is sent).
        info: the parcels layer (None when the store has none).
        housing: housing projects near the park.
        scenes: 360° scenes of and near the park.
        lang: UI language of names and links.
    """
    statuses = status_styles(info, parcels) if info is not None else []
    return {
        "base": base_map(),
        "park": rounded(park.geometry),
        "statuses": {s.status: s.to_json() for s in statuses},
        "parcels": [parcel_shape(f, lang) for f in parcels],
        "housing": [housing_point(h) for h in housing],
        "cameras": [camera(s) for s in scenes],
        "texts": {
            "open": gettext("Open the parcel page"),
            "around": gettext("Show the housing and 360° views around"),
            "park": gettext("Back to the park"),
        },
    }


def gallery_map(scenes: list[dict[str, Any]]) -> dict[str, Any]:
    """The 360° gallery's map: every camera, linking to its viewer."""
    return {"base": base_map(), "cameras": [camera(s) for s in scenes]}
