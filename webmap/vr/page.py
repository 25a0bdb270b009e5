"""The viewer page's libraries (self-hosted npm modules) and its words per language."""

from __future__ import annotations

from flask_babel import gettext as _

from webmap.core import assets

# Bare module names the viewer imports → (assets package, file).
MODULES = {
    "three": ("three", "build/three.module.js"),
    "@photo-sphere-viewer/core": ("psv-core", "index.module.js"),
    "@photo-sphere-viewer/markers-plugin": ("psv-markers", "index.module.js"),
    "@photo-sphere-viewer/virtual-tour-plugin": ("psv-virtual-tour", "index.module.js"),
    "@photo-sphere-viewer/map-plugin": ("psv-map", "index.module.js"),
    "@photo-sphere-viewer/compass-plugin": ("psv-compass", "index.module.js"),
    "@photo-sphere-viewer/gyroscope-plugin": ("psv-gyroscope", "index.module.js"),
    "@photo-sphere-viewer/equirectangular-tiles-adapter": (
        "psv-tiles",
        "index.module.js",
    ),
}
STYLESHEETS = ("psv-core", "psv-markers", "psv-virtual-tour", "psv-map", "psv-compass")
# The viewer opens at this zoom level (0-100) between Photo Sphere Viewer's
# default fields of view; the page's preview image is drawn with the same one.
START_ZOOM = 30
MIN_FOV_DEG, MAX_FOV_DEG = 30.0, 90.0


def start_fov_deg() -> float:
    """The vertical field of view the viewer opens with."""
    return MAX_FOV_DEG + (MIN_FOV_DEG - MAX_FOV_DEG) * START_ZOOM / 100


def import_map() -> dict[str, dict[str, str]]:
    """The page's import map: every bare module name to this site's copy."""
    return {"imports": {name: assets.url(*where) for name, where in MODULES.items()}}


def library_stylesheets() -> list[str]:
    """The libraries' stylesheets (the page adds them when the viewer starts)."""
    return [assets.url(package, "index.css") for package in STYLESHEETS]


def viewer_texts() -> dict[str, object]:
    """Photo Sphere Viewer's ``lang`` and the page script's texts."""
    psv = {
        "zoom": _("Zoom"),
        "zoomOut": _("Zoom out"),
        "zoomIn": _("Zoom in"),
        "moveUp": _("Look up"),
        "moveDown": _("Look down"),
        "moveLeft": _("Turn left"),
        "moveRight": _("Turn right"),
        "description": _("Description"),
        "fullscreen": _("Full screen"),
        "loading": _("Loading…"),
        "menu": _("Menu"),
        "close": _("Close"),
        "twoFingers": _("Use two fingers to look around"),
        "ctrlZoom": _("Hold Ctrl and scroll to zoom the view"),
        "loadError": _("The panorama could not be loaded."),
        "webglError": _("This browser cannot show 360° views (no WebGL)."),
        "gyroscope": _("Look around by moving the phone"),
        "map": _("Mini-map"),
        "mapMaximize": _("Enlarge"),
        "mapMinimize": _("Shrink"),
        "mapNorth": _("Face north"),
        "mapReset": _("Back to this viewpoint"),
        "markers": _("Places"),
        "markersList": _("List of places"),
    }
    page = {
        "parkInfo": _("Park information"),
        "openOnMap": _("Open on the map"),
        "detailsError": _("The details could not be loaded."),
    }
    return {"psv": psv, "page": page}
