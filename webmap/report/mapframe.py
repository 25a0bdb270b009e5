"""The page geometry of the report's map: its frame, label placement, scale bar.

Pure arithmetic in UTM 48N metres and PDF points, apart from the frame's lon/lat
box for the store's queries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import UTM48N, WGS84, reproject


@dataclass(slots=True)
class Frame:
    """The map's extent in UTM 48N metres and the page box it is drawn in."""

    minx: float
    miny: float
    maxx: float
    maxy: float
    width: float  # points
    height: float

    @classmethod
    def around(
        cls, site_utm: BaseGeometry, width: float, height: float, least_m: float
    ) -> Frame:
        """A frame of the page box's shape round the site, with room about it."""
        x0, y0, x1, y1 = site_utm.bounds
        span = max((x1 - x0) * 1.6, (y1 - y0) * 1.6, least_m)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        half_w = max(span, span * width / height) / 2
        half_h = half_w * height / width
        if half_h * 2 < (y1 - y0) * 1.2:  # a tall site: fit its height instead
            half_h = (y1 - y0) * 0.6
            half_w = half_h * width / height
        return cls(cx - half_w, cy - half_h, cx + half_w, cy + half_h, width, height)

    @property
    def scale(self) -> float:
        """Points per metre."""
        return self.width / (self.maxx - self.minx)

    def point(self, x: float, y: float) -> tuple[float, float]:
        """A UTM position on the page box (origin at its lower left)."""
        return (x - self.minx) * self.scale, (y - self.miny) * self.scale

    def bbox_wgs84(self) -> tuple[float, float, float, float]:
        """The frame as a lon/lat box (for the store's bbox queries)."""
        box = shapely.box(self.minx, self.miny, self.maxx, self.maxy)
        geom = reproject(np.array([box], dtype=object), UTM48N, WGS84)[0]
        return tuple(geom.bounds)  # type: ignore[return-value]


class Placer:
    """Greedy label placement: each label moves up or down until it is free."""

    STEP = 9.0
    TRIES = 12

    def __init__(self, width: float, height: float) -> None:
        self.width = width
        self.height = height
        self.taken: list[tuple[float, float, float, float]] = []

    def place(self, x: float, y: float, w: float, h: float) -> tuple[float, float]:
        """The first free spot at (x, y ± k·STEP) inside the frame (else (x, y))."""
        x = min(max(x, 2.0), self.width - w - 2)
        for k in range(self.TRIES):
            dy = self.STEP * ((k + 1) // 2) * (1 if k % 2 else -1)
            top = min(max(y + dy, 2.0), self.height - h - 2)
            box = (x - 1, top - 2, w + 2, h + 3)
            if not any(overlaps(box, other) for other in self.taken):
                self.taken.append(box)
                return x, top
        return x, y


def overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether two (x, y, width, height) boxes overlap."""
    return (
        a[0] < b[0] + b[2]
        and b[0] < a[0] + a[2]
        and a[1] < b[1] + b[3]
        and b[1] < a[1] + a[3]
    )


def nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ metres not above ``metres`` (at least 1 m)."""
    if metres < 1:
        return 1.0
    power = 10 ** math.floor(math.log10(metres))
    if power > metres:  # log10 rounded up just below a power of ten
        power /= 10
    return max(step * power for step in (1, 2, 5) if step * power <= metres)


def edge_point(
    centre: tuple[float, float], target: tuple[float, float], box: Frame, inset: float
) -> tuple[float, float]:
    """Where the ray from the centre towards ``target`` leaves the inset frame."""
    dx, dy = target[0] - centre[0], target[1] - centre[1]
    tx = (box.width / 2 - inset) / abs(dx) if dx else math.inf
    ty = (box.height / 2 - inset) / abs(dy) if dy else math.inf
    t = min(tx, ty)
    return centre[0] + dx * t, centre[1] + dy * t


def path_operators(geom: BaseGeometry | None, frame: Frame) -> str:
    """A UTM geometry's rings (or lines) as PDF path operators in the frame's points.

    Polygons' rings are closed subpaths (``m``, ``l``…, ``h``); lines are open ones.
    Empty for a missing or empty geometry or one with no line to draw.
    """
    if geom is None or geom.is_empty:
        return ""
    parts = []
    for part in getattr(geom, "geoms", [geom]):
        polygon = part.geom_type == "Polygon"
        rings = [part.exterior, *part.interiors] if polygon else [part]
        for ring in rings:
            xy = shapely.get_coordinates(ring)
            if len(xy) < 2:
                continue
            pts = (xy - (frame.minx, frame.miny)) * frame.scale
            moves = [f"{pts[0, 0]:.2f} {pts[0, 1]:.2f} m"]
            moves += [f"{x:.2f} {y:.2f} l" for x, y in pts[1:].tolist()]
            parts.append(" ".join(moves) + (" h" if polygon else ""))
    return " ".join(parts)
