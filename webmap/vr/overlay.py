"""Camera markers of the 360° scenes for the Folium map, and 'view in 360°' links.

For the map engineer: ``camera_layer(lang, state)`` returns a ``folium.FeatureGroup``
to add to the map (one camera per scene, its cone turned to the scene's view
direction; a click opens the viewer, whose "back to map" returns to that place);
``view_in_360_url(parcel_id, lang, state)`` is the link for a parcel's popup or
page. Nothing here loads from a CDN: a ``DivIcon`` is plain HTML and inline SVG.
"""

from __future__ import annotations

from typing import Any

import folium
from flask import url_for
from markupsafe import Markup, escape

from webmap.core.state import ViewState
from webmap.core.tooltip import Tooltip
from webmap.vr.scenes import scene_list

BACK_ZOOM = 15
ICON_PX = 34
TARGET_PX = 44  # the touch target around the camera (parkmap.css)
CAMERA_SVG = (
    '<svg viewBox="-17 -17 34 34" width="{size}" height="{size}" aria-hidden="true"'
    ' style="transform:rotate({heading:.1f}deg)">'
    '<path d="M0 0 L-9 -15 A17 17 0 0 1 9 -15 Z" fill="{cone}" fill-opacity=".55"/>'
    '<circle r="8" fill="#1f4e79" stroke="#fff" stroke-width="2"/>'
    '<rect x="-4.5" y="-3" width="9" height="6.5" rx="1.2" fill="#fff"'
    ' transform="rotate({counter:.1f})"/>'
    "</svg>"
)


def back_query(state: ViewState | None, lat: float, lon: float, lang: str) -> str:
    """The map's URL state centred on (lat, lon): where "back to map" returns."""
    if state is None:
        return f"lang={lang}&center={lat:.5f},{lon:.5f}&zoom={BACK_ZOOM}"
    zoom = max(state.zoom or BACK_ZOOM, BACK_ZOOM - 1)
    return state.query(center=(lat, lon), zoom=zoom, bbox=None, lang=lang)


def viewer_url(scene: dict[str, Any], lang: str, state: ViewState | None) -> str:
    """The viewer URL of a scene, carrying the map view to come back to."""
    back = back_query(state, scene["lat"], scene["lon"], lang)
    return url_for("vr.viewer", scene_id=scene["id"], lang=lang, back=back)


def view_in_360_url(parcel_id: str, lang: str, state: ViewState | None = None) -> str:
    """'View in 360°' for a parcel: the nearest scene, turned to face it, outlined.

    Args:
        parcel_id: the parcel's id.
        lang: UI language.
        state: the map view to return to (None: the viewer centres on the scene).
    """
    args: dict[str, str] = {"parcel": parcel_id, "lang": lang}
    if state is not None:
        args["back"] = state.query(lang=lang)
    return url_for("vr.nearest", **args)


def camera_icon(scene: dict[str, Any], href: str, label: str) -> folium.DivIcon:
    """A camera whose cone points along the scene's heading, linking to the viewer."""
    heading = float(scene["heading"]) % 360.0
    svg = CAMERA_SVG.format(
        size=ICON_PX,
        heading=heading,
        counter=-heading,
        cone="#f39c12" if scene["generated"] else "#27ae60",
    )
    html = (
        Markup('<a class="pm-vr-camera" href="{}" title="{}" aria-label="{}">').format(
            href, label, label
        )
        + Markup(svg)
        + Markup("</a>")
    )
    half = TARGET_PX // 2
    return folium.DivIcon(
        html=str(html),
        icon_size=(TARGET_PX, TARGET_PX),
        icon_anchor=(half, half),
        class_name="pm-vr-icon",
    )


def camera_layer(
    lang: str,
    state: ViewState | None = None,
    *,
    name: str = "360°",
    show: bool = True,
) -> folium.FeatureGroup:
    """One camera marker per 360° scene, as a layer of the Folium map.

    Args:
        lang: UI language of the tooltips and of the viewer they open.
        state: the map's current view, so "back to map" restores layers and base
            map (centred on the scene); None centres on the scene at zoom 15.
        name: the layer's name in the layer control.
        show: whether the layer is on at first.

    Returns:
        A FeatureGroup (empty when there are no scenes). Tooltips are escaped.
    """
    group = folium.FeatureGroup(name=name, show=show)
    for scene in scene_list(lang):
        label = escape(scene["name"])
        folium.Marker(
            location=[scene["lat"], scene["lon"]],
            icon=camera_icon(scene, viewer_url(scene, lang, state), label),
            tooltip=Tooltip(label + " · 360°"),
            keyboard=False,  # the link inside is the one tab stop, not the marker too
        ).add_to(group)
    return group
