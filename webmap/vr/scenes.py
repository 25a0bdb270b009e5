"""Scene documents for the viewer: the manifest, hotspots and texts in a language.

Photo Sphere Viewer's virtual-tour plugin loads one node per scene from
``/vr/<scene>.json``; this module builds that document (tiles, links, markers,
mini-map position, a parcel's outline) from the served manifest and the store.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import current_app, url_for
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from geo.panorama import yaw_pitch
from layers.scenes.hotspots import (
    Hotspot,
    parcel_outline,
    scene_hotspots,
    scene_links,
    spread_bearings,
)
from layers.scenes.manifest import MANIFEST, Manifest, Scene, read_manifest
from layers.store.base import Feature
from webmap.core.store import get_store

KEY = "parkmap.vr.manifest"
# Walk-to arrows stand this far below the horizon (clear of the park pins on it)
# and at least this far apart: 52 px arrows at the widest view of a phone.
ARROW_PITCH_DEG = -15.0
ARROW_GAP_DEG = 12.0


def manifest() -> Manifest:
    """The served manifest, re-read when its file changes (empty if absent)."""
    path = Path(current_app.config["PANORAMA_DIR"]) / MANIFEST
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        stamp = None
    cached = current_app.extensions.get(KEY)
    if cached is None or cached[0] != stamp:
        cached = (stamp, read_manifest(path, served=True))
        current_app.extensions[KEY] = cached
    return cached[1]


def manifest_stamp() -> Hashable:
    """A token that changes whenever the served manifest's file changes."""
    manifest()
    return current_app.extensions[KEY][0]


def map_url(query: dict[str, str] | str) -> str:
    """A URL of the map page with ``query`` (the map's own URL-state format)."""
    try:
        base = url_for("map.index")
    except BuildError:  # the map blueprint is not installed
        base = "/"
    text = query if isinstance(query, str) else urlencode(query, safe=",:")
    return f"{base}?{text}" if text else base


def name(props: dict[str, Any], lang: str, fallback: str) -> str:
    """A feature's name in ``lang``: Vietnamese, else English beside it."""
    vi = str(props.get("name_vi") or "").strip()
    en = str(props.get("name_en") or "").strip()
    if lang == "vi":
        return vi or en or fallback
    return en or vi or fallback


def _media(scene: Scene, file: str) -> str:
    """URL of a file of the scene's tiles."""
    return url_for("vr.media", scene_id=scene.media or scene.id, name=file)


def _minimap_xy(scene: Scene, mini: dict[str, Any] | None) -> dict[str, float] | None:
    """Pixel position of a scene on the mini-map (north up, linear in lon/lat)."""
    if not mini:
        return None
    west, south, east, north = mini["extent"]
    x = (scene.lon - west) / (east - west) * mini["width"]
    y = (north - scene.lat) / (north - south) * mini["height"]
    return {"x": round(x, 1), "y": round(y, 1)}


def _bearing_text(spot: Hotspot) -> str:
    """``12.3 km · 118°`` (the bearing a compass would show)."""
    return f"{spot.distance_m / 1000:.1f} km · {round(spot.bearing_deg) % 360}°"


def _info(spot: Hotspot, lang: str) -> dict[str, Any]:
    """What a marker's panel shows; the details come from the map's feature popup."""
    layer = {"park": "parks", "parcel": "parcels", "landmark": "landmarks"}[spot.kind]
    try:
        details = url_for("map.feature", layer=layer, id=spot.id, lang=lang)
    except BuildError:  # the map blueprint is not installed
        details = None
    return {
        "layer": layer,
        "id": spot.id,
        "title": name(spot.properties, lang, spot.id),
        "where": _bearing_text(spot),
        "details_url": details,
        "map_url": map_url({"lang": lang, "sel": f"{layer}:{spot.id}"}),
    }


def marker(spot: Hotspot, lang: str) -> dict[str, Any]:
    """A markers-plugin marker (position and texts; the page builds the element)."""
    label = name(spot.properties, lang, spot.id)
    if spot.kind == "parcel":
        label = _("Free land") + f" {spot.id}"
    return {
        "id": f"{spot.kind}:{spot.id}",
        "kind": spot.kind,
        "yaw": round(spot.yaw, 5),
        "pitch": round(spot.pitch, 5),
        "label": label,
        "tooltip": f"{label} · {_bearing_text(spot)}",
        "info": _info(spot, lang),
    }


def _link(spot: Hotspot, shown_deg: float, lang: str) -> dict[str, Any]:
    """A virtual-tour link to a neighbouring scene; its arrow at ``shown_deg``."""
    other: Scene = spot.properties["scene"]
    yaw, pitch = yaw_pitch(shown_deg, ARROW_PITCH_DEG)
    return {
        "nodeId": other.id,
        "position": {"yaw": round(spot.yaw, 5), "pitch": round(spot.pitch, 5)},
        "arrow": {"yaw": round(yaw, 5), "pitch": round(pitch, 5)},
        "name": other.label(lang),
        "distance": _bearing_text(spot),
    }


def _links(scene: Scene, lang: str) -> list[dict[str, Any]]:
    """The scene's links, their arrows fanned out where they would overlap."""
    spots = scene_links(manifest(), scene)
    shown = spread_bearings([s.bearing_deg for s in spots], ARROW_GAP_DEG)
    return [_link(s, b, lang) for s, b in zip(spots, shown, strict=True)]


def _facing(target: Hotspot) -> tuple[float, float]:
    """Yaw and pitch (radians) that face ``target``, looking at most 60° down."""
    return round(target.yaw, 5), round(max(target.pitch, -math.radians(60)), 5)


def start_view(scene: Scene, parcel: Feature | None) -> tuple[float, float]:
    """Yaw and pitch (radians) the viewer opens on: the parcel's, else north."""
    if parcel is None:
        return 0.0, 0.0
    return _facing(parcel_outline(scene, parcel).target)


def _outline(scene: Scene, parcel: Feature, lang: str) -> dict[str, Any]:
    """The parcel's outline marker and the view that faces it."""
    outline = parcel_outline(scene, parcel)
    target = outline.target
    yaw, pitch = _facing(target)
    return {
        "id": parcel.id,
        "rings": [
            [[round(y, 5), round(p, 5)] for y, p in ring] for ring in outline.rings
        ],
        "yaw": yaw,
        "pitch": pitch,
        "label": _("Parcel") + f" {parcel.id}",
        "tooltip": f"{_('Parcel')} {parcel.id} · {_bearing_text(target)}",
        "info": _info(target, lang),
    }


def scene_document(
    scene: Scene, lang: str, parcel: Feature | None = None
) -> dict[str, Any]:
    """Everything the viewer needs to show ``scene`` in ``lang``.

    Args:
        scene: the scene (from the served manifest).
        lang: UI language.
        parcel: a parcel to outline and face, if asked.

    Returns:
        A JSON-ready dict: tiles, heading, links, markers, mini-map position.
    """
    tiles = scene.tiles or {}
    doc = manifest()
    return {
        "id": scene.id,
        "name": scene.label(lang),
        "generated": scene.generated,
        "lon": scene.lon,
        "lat": scene.lat,
        "heading": scene.heading_deg,
        "height_m": scene.height_m,
        "park": scene.park,
        "panorama": {
            "baseUrl": _media(scene, "base.jpg"),
            "levels": tiles.get("levels", []),
            "tilePrefix": _media(scene, "x")[:-1],
        },
        "thumbnail": _media(scene, "thumb.jpg"),
        "links": _links(scene, lang),
        "markers": [marker(s, lang) for s in scene_hotspots(get_store(), scene)],
        "map": _minimap_xy(scene, dict(doc.minimap) if doc.minimap else None),
        "parcel": _outline(scene, parcel, lang) if parcel is not None else None,
        "back_url": map_url(
            {"lang": lang, "center": f"{scene.lat:.5f},{scene.lon:.5f}", "zoom": "15"}
        ),
    }


def scene_list(lang: str) -> list[dict[str, Any]]:
    """Every scene: id, name, position, heading, whether generated, its page.

    Also its ``date`` (taken or rendered, ``YYYY-MM-DD`` or None) and thumbnail.
    """
    doc = manifest()
    mini = dict(doc.minimap) if doc.minimap else None
    return [
        {
            "id": s.id,
            "name": s.label(lang),
            "lon": s.lon,
            "lat": s.lat,
            "heading": s.heading_deg,
            "park": s.park,
            "generated": s.generated,
            "date": s.date,
            "url": url_for("vr.viewer", scene_id=s.id, lang=lang),
            "thumbnail": _media(s, "thumb.jpg"),
            "map": _minimap_xy(s, mini),
        }
        for s in doc.scenes
    ]
