"""The 360° page's preview: the viewer's opening view as a small WebP, cached.

The page paints this ``<img>`` at once and starts the WebGL viewer later (see
``static/vr/start.js``). A preview is drawn from the scene's tiles on first
request (about 0.1 s) and kept in a per-process cache of bounded size that
empties when the served manifest changes.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, url_for
from werkzeug.exceptions import NotFound

from geo.panorama_preview import View, encode_webp, level_for, perspective, read_level
from layers.scenes.manifest import Scene
from webmap.core.params import InvalidParameter
from webmap.core.tilecache import TileCache
from webmap.vr.page import start_fov_deg
from webmap.vr.scenes import manifest_stamp

# Landscape screens get the wide preview, portrait ones the tall: each covers
# the viewer's box with little cropping at the viewer's own field of view.
SHAPES = {"wide": (960, 480), "tall": (480, 720)}
STEP_DEG = 5  # bearings and pitches are rounded to this: few previews to keep
MAX_PITCH_DEG = 85
CACHE_KEY = "parkmap.vr.previews"
CACHE_BYTES = 16 * 2**20


@dataclass(frozen=True, slots=True)
class PreviewQuery:
    """Which preview: its shape and where it looks (whole degrees, rounded)."""

    shape: str = "wide"
    yaw: int = 0  # true bearing, 0-355
    pitch: int = 0  # elevation, -85-85

    @classmethod
    def parse(cls, args: Mapping[str, str]) -> PreviewQuery:
        """Read ``shape``, ``yaw`` and ``pitch`` (degrees) from a query string.

        Raises:
            InvalidParameter: a value is not one the preview takes.
        """
        shape = args.get("shape", "wide")
        if shape not in SHAPES:
            raise InvalidParameter("shape", f"expected one of {', '.join(SHAPES)}")
        yaw = _degrees(args, "yaw", -360.0, 360.0)
        pitch = _degrees(args, "pitch", -90.0, 90.0)
        return cls(shape, _rounded(yaw) % 360, _clamped(_rounded(pitch)))

    @classmethod
    def facing(cls, shape: str, yaw_rad: float, pitch_rad: float) -> PreviewQuery:
        """The preview of a viewer that opens facing ``yaw_rad``, ``pitch_rad``."""
        yaw = _rounded(math.degrees(yaw_rad)) % 360
        return cls(shape, yaw, _clamped(_rounded(math.degrees(pitch_rad))))

    def view(self) -> View:
        """The perspective view this preview draws."""
        width, height = SHAPES[self.shape]
        return View(self.yaw, self.pitch, start_fov_deg(), width, height)


def _degrees(args: Mapping[str, str], name: str, low: float, high: float) -> float:
    """A finite number of degrees in [low, high] (0 when absent)."""
    text = args.get(name, "0")
    try:
        value = float(text)
    except ValueError:
        raise InvalidParameter(name, f"expected degrees, got {text!r}") from None
    if not (math.isfinite(value) and low <= value <= high):
        raise InvalidParameter(name, f"expected {low:g} to {high:g} degrees")
    return value


def _rounded(degrees: float) -> int:
    """``degrees`` to the nearest ``STEP_DEG``."""
    return int(round(degrees / STEP_DEG) * STEP_DEG)


def _clamped(pitch: int) -> int:
    """A pitch kept off the poles."""
    return max(-MAX_PITCH_DEG, min(MAX_PITCH_DEG, pitch))


def preview_url(scene: Scene, query: PreviewQuery) -> str:
    """The URL of ``scene``'s preview ``query`` (versioned by what it shows)."""
    return url_for(
        "vr.preview",
        scene_id=scene.id,
        shape=query.shape,
        yaw=query.yaw,
        pitch=query.pitch,
        v=preview_etag(scene, query)[:12],
    )


def preview_etag(scene: Scene, query: PreviewQuery) -> str:
    """An entity tag for the preview: changes with the scene's tiles or heading."""
    key = repr((scene.media or scene.id, scene.tiles, scene.heading_deg, query))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def preview_webp(scene: Scene, query: PreviewQuery) -> bytes:
    """The WebP preview of ``scene``, drawn now or taken from the cache.

    Raises:
        NotFound: the scene has no tiles (or one is missing).
    """
    cache: TileCache = current_app.extensions.setdefault(
        CACHE_KEY, TileCache(CACHE_BYTES)
    )
    build = repr(manifest_stamp())
    key = preview_etag(scene, query)
    data = cache.get(build, key)
    if data is None:
        data = _draw(scene, query)
        cache.put(build, key, data)
    return data


def _draw(scene: Scene, query: PreviewQuery) -> bytes:
    """Render the preview from the coarsest tile level sharp enough for it."""
    tiles = scene.tiles or {}
    levels = tiles.get("levels") or []
    if not levels:
        raise NotFound(f"scene {scene.id!r} has no tiles to preview")
    view = query.view()
    index = level_for(levels, view)
    folder = Path(current_app.config["PANORAMA_DIR"]) / (scene.media or scene.id)
    try:
        image = read_level(folder, index, levels[index], int(tiles["tile_size"]))
    except (FileNotFoundError, KeyError):
        raise NotFound(f"scene {scene.id!r} is missing a tile") from None
    return encode_webp(perspective(image, view, scene.heading_deg))
