"""Landmark labels on an equirectangular panorama: where they go and drawing them.

A landmark's label stands above the horizon at the landmark's true bearing, with
a leader line down to where the landmark lies on the ground; labels that would
overlap are stacked higher. Drawing uses Pillow and a TrueType font that covers
Vietnamese (DejaVu Sans on Debian), falling back to Pillow's own font.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from geo.panorama import (
    Viewpoint,
    bearing_distance,
    bearing_to_x,
    check_lonlat,
    check_size,
    elevation_to_y,
    ground_elevation,
)

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
RGB = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Landmark:
    """A place to label: id, the label's lines, position (WGS84)."""

    key: str
    lines: tuple[str, ...]
    lon: float
    lat: float

    def __post_init__(self) -> None:
        """Refuse impossible coordinates."""
        check_lonlat(self.lon, self.lat)


@dataclass(frozen=True, slots=True)
class PlacedLandmark:
    """A landmark as seen from a viewpoint.

    Attributes:
        key: the landmark's id.
        bearing_deg: true geodesic bearing from the viewpoint.
        distance_m: geodesic distance from the viewpoint.
        elevation_deg: elevation of the landmark's ground point (negative).
        x: continuous column of the bearing.
        y_ground: continuous row of the ground point.
    """

    key: str
    bearing_deg: float
    distance_m: float
    elevation_deg: float
    x: float
    y_ground: float


def place(
    view: Viewpoint, landmarks: Sequence[Landmark], width: int
) -> list[PlacedLandmark]:
    """Bearing, distance and pixel position of each landmark from ``view``.

    Args:
        view: the camera.
        landmarks: places to label.
        width: panorama width in pixels.

    Returns:
        One entry per landmark, in the given order.
    """
    height = check_size(width)
    if not landmarks:
        return []
    bearings, dists = bearing_distance(
        view.lon, view.lat, [m.lon for m in landmarks], [m.lat for m in landmarks]
    )
    elev = ground_elevation(dists, view.height_m)
    xs = bearing_to_x(bearings, view.heading_deg, width)
    ys = elevation_to_y(elev, height)
    return [
        PlacedLandmark(m.key, float(b), float(d), float(e), float(x), float(y))
        for m, b, d, e, x, y in zip(
            landmarks, bearings, dists, elev, xs, ys, strict=True
        )
    ]


def load_font(size: int) -> Font:
    """DejaVu Sans at ``size`` px if installed, else Pillow's default font."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size)


def _text_box(
    draw: ImageDraw.ImageDraw, lines: Sequence[str], font: Font
) -> tuple[int, int]:
    """Width and height of a multi-line label with padding."""
    text = "\n".join(lines)
    left, top, right, bottom = draw.multiline_textbbox((0, 0), text, font=font)
    pad = max(3, round(getattr(font, "size", 12) * 0.35))
    return int(right - left) + 2 * pad, int(bottom - top) + 2 * pad


def _stack(spans: list[tuple[float, float]], width: int) -> list[int]:
    """Level (0 = lowest) for each horizontal span so overlapping ones differ."""
    taken: list[list[tuple[float, float]]] = []
    levels = []
    for left, right in spans:
        pieces = [(left, right)]
        if left < 0:
            pieces.append((left + width, right + width))
        if right > width:
            pieces.append((left - width, right - width))
        level = 0
        while level < len(taken) and any(
            a < hi and lo < b for lo, hi in pieces for a, b in taken[level]
        ):
            level += 1
        if level == len(taken):
            taken.append([])
        taken[level].extend(pieces)
        levels.append(level)
    return levels


def draw_labels(
    image: NDArray[np.uint8],
    placed: Sequence[PlacedLandmark],
    texts: Sequence[Sequence[str]],
    *,
    colour: RGB = (20, 30, 48),
    font: Font | None = None,
) -> NDArray[np.uint8]:
    """Draw a label and a leader line for each placed landmark.

    The label's box is centred on the landmark's column, its bottom a little
    above the horizon; overlapping labels (nearest first) are stacked upward.
    Labels that cross the left or right edge are drawn on both sides.

    Args:
        image: (height, width, 3) equirectangular image; not modified.
        placed: landmarks from ``place``.
        texts: the label lines of each landmark, in the same order.
        colour: text and line colour.
        font: the font; by default DejaVu Sans sized to the image.

    Returns:
        A new image with the labels.
    """
    height, width = image.shape[:2]
    font = font or load_font(max(11, round(width / 170)))
    canvas = Image.fromarray(image)
    draw = ImageDraw.Draw(canvas)
    order = sorted(range(len(placed)), key=lambda i: placed[i].distance_m)
    boxes = {i: _text_box(draw, texts[i], font) for i in order}
    spans = [
        (placed[i].x - boxes[i][0] / 2 - 4, placed[i].x + boxes[i][0] / 2 + 4)
        for i in order
    ]
    levels = _stack(spans, width)
    gap = max(4, round(height / 120))
    boxes_at: list[_Box] = []
    for i, level in zip(order, levels, strict=True):
        box_w, box_h = boxes[i]
        bottom = height / 2 - 2 * gap - level * (box_h + gap)
        for shift in (-width, 0, width):
            x = placed[i].x + shift
            if x + box_w / 2 >= 0 and x - box_w / 2 <= width:
                boxes_at.append(
                    _Box(x, bottom, placed[i].y_ground, texts[i], box_w, box_h)
                )
    line_w = max(1, round(height / 700))
    for box in boxes_at:  # leader lines first, so that boxes hide the ones behind
        box.draw_leader(draw, colour, line_w)
    for box in boxes_at:
        box.draw_box(draw, colour, font)
    return np.asarray(canvas)


@dataclass(frozen=True, slots=True)
class _Box:
    """A label placed on the image: column, box bottom, ground row, text, size."""

    x: float
    bottom: float
    y_ground: float
    lines: Sequence[str]
    width: int
    height: int

    def draw_leader(self, draw: ImageDraw.ImageDraw, colour: RGB, line_w: int) -> None:
        """The vertical line from the box down to the ground point, and a dot."""
        column, dot = math.floor(self.x), 2 * line_w
        draw.line(
            [(column, self.bottom), (column, self.y_ground)], fill=colour, width=line_w
        )
        draw.ellipse(
            [column - dot, self.y_ground - dot, column + dot, self.y_ground + dot],
            fill=colour,
        )

    def draw_box(self, draw: ImageDraw.ImageDraw, colour: RGB, font: Font) -> None:
        """The white box and its text."""
        left, top = self.x - self.width / 2, self.bottom - self.height
        draw.rectangle(
            [left, top, left + self.width, self.bottom],
            fill=(255, 255, 255),
            outline=colour,
        )
        pad = max(3, round(getattr(font, "size", 12) * 0.35))
        draw.multiline_text(
            (left + pad, top + pad), "\n".join(self.lines), font=font, fill=colour
        )
