"""A flat preview of a panorama: the perspective view a 360° viewer opens on.

The 360° page paints this small image first (a real ``<img>``, its largest
contentful paint) and starts the WebGL viewer later, so it shows the same
rectilinear view the viewer will: same bearing, elevation and vertical field of
view. Pure functions over Pillow images and NumPy arrays.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from geo.panorama import PanoramaError, bearing_to_x, elevation_to_y

WEBP_QUALITY = 70
MAX_SIDE = 2048  # largest preview edge, pixels
MAX_PITCH = 89.0  # degrees; the view's centre never reaches a pole


@dataclass(frozen=True, slots=True)
class View:
    """A perspective view of a panorama.

    Attributes:
        bearing_deg: true bearing of the view's centre.
        pitch_deg: elevation of the view's centre (+ up).
        vfov_deg: vertical field of view.
        width: preview width, pixels.
        height: preview height, pixels.
    """

    bearing_deg: float
    pitch_deg: float
    vfov_deg: float
    width: int
    height: int

    def __post_init__(self) -> None:
        """Refuse sizes and angles no preview can have."""
        if not (0 < self.width <= MAX_SIDE and 0 < self.height <= MAX_SIDE):
            raise PanoramaError(
                f"preview size {self.width}×{self.height}: expected 1 to {MAX_SIDE} px"
            )
        if not 1.0 <= self.vfov_deg <= 170.0:
            raise PanoramaError(f"field of view {self.vfov_deg}°: expected 1 to 170°")
        if abs(self.pitch_deg) > MAX_PITCH:
            raise PanoramaError(
                f"pitch {self.pitch_deg}°: expected -{MAX_PITCH} to {MAX_PITCH}°"
            )

    @property
    def focal_px(self) -> float:
        """Focal length in pixels (the rectilinear scale at the centre)."""
        return self.height / 2.0 / math.tan(math.radians(self.vfov_deg) / 2.0)


def _ray_angles(view: View) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Bearing offset and elevation (degrees) of every preview pixel's ray."""
    f = view.focal_px
    x = (np.arange(view.width) + 0.5 - view.width / 2.0) / f
    y = (view.height / 2.0 - np.arange(view.height) - 0.5) / f
    xs, ys = np.meshgrid(x, y)
    pitch = math.radians(view.pitch_deg)
    # Camera frame (x right, y up, z ahead), tilted up by ``pitch``.
    up = ys * math.cos(pitch) + math.sin(pitch)
    ahead = math.cos(pitch) - ys * math.sin(pitch)
    yaw = np.degrees(np.arctan2(xs, ahead))
    elevation = np.degrees(np.arctan2(up, np.hypot(xs, ahead)))
    return yaw, elevation


def perspective(panorama: Image.Image, view: View, heading_deg: float) -> Image.Image:
    """The rectilinear ``view`` of an equirectangular ``panorama`` (bilinear).

    Args:
        panorama: a 2:1 equirectangular RGB image.
        view: where to look and the preview's size.
        heading_deg: true bearing of the panorama's centre column.

    Returns:
        An RGB image of ``view.width`` × ``view.height``.
    """
    src = np.asarray(panorama.convert("RGB"))  # uint8: only the used pixels turn float
    rows, cols = src.shape[:2]
    offset, elevation = _ray_angles(view)
    x = bearing_to_x(view.bearing_deg + offset, heading_deg, cols) - 0.5
    y = np.clip(elevation_to_y(elevation, rows) - 0.5, 0.0, rows - 1.0)
    x0 = np.floor(x).astype(np.intp)
    y0 = np.minimum(np.floor(y).astype(np.intp), rows - 2)
    fx, fy = (x - x0)[..., None], (y - y0)[..., None]
    x0, x1 = x0 % cols, (x0 + 1) % cols  # the seam wraps around
    fx, fy = fx.astype(np.float32), fy.astype(np.float32)
    top = src[y0, x0] * (1 - fx) + src[y0, x1] * fx
    bottom = src[y0 + 1, x0] * (1 - fx) + src[y0 + 1, x1] * fx
    out = top * (1 - fy) + bottom * fy
    return Image.fromarray(np.clip(out + 0.5, 0, 255).astype(np.uint8), "RGB")


def level_for(
    levels: Sequence[Mapping[str, Any]], view: View, upscale: float = 1.5
) -> int:
    """Index of the coarsest tile level sharp enough for ``view``.

    A level is enough when the preview enlarges it at most ``upscale`` times;
    otherwise the finest level.
    """
    if not levels:
        raise PanoramaError("the panorama has no tile levels")
    needed = 2 * math.pi * view.focal_px / upscale
    for index, level in enumerate(levels):
        if level["width"] >= needed:
            return index
    return len(levels) - 1


def read_level(
    folder: Path, index: int, level: Mapping[str, Any], tile_size: int
) -> Image.Image:
    """Stitch the tiles ``<index>/<col>_<row>.jpg`` of one level under ``folder``.

    Raises:
        FileNotFoundError: a tile is missing.
    """
    width = int(level["width"])
    whole = Image.new("RGB", (width, width // 2))
    for row in range(int(level["rows"])):
        for col in range(int(level["cols"])):
            with Image.open(folder / str(index) / f"{col}_{row}.jpg") as tile:
                whole.paste(tile.convert("RGB"), (col * tile_size, row * tile_size))
    return whole


def encode_webp(image: Image.Image, quality: int = WEBP_QUALITY) -> bytes:
    """``image`` as WebP bytes (no metadata)."""
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=quality, method=4)
    return out.getvalue()
