"""The report's map: the site and its surroundings from the store's own layers.

Drawn as vector graphics (no base-map tiles): the parks' outlines, the parcels in
their status colours, the site outlined on top, the landmarks in the frame (those
outside it as a pointer on the frame's edge, with their distance), a scale bar
and a north arrow. The frame is in UTM 48N, so metres are metres on the page;
its grid north is within a degree of true north over Hai Phong (the meridian
convergence at 106.7° E), which the arrow ignores.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from reportlab.lib.colors import Color, HexColor, black, white
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable
from shapely.geometry.base import BaseGeometry

from geo.crs import UTM48N, WGS84, reproject
from layers.store import Feature, Store
from layers.store.base import MAX_LIMIT
from webmap.core.i18n import display_name, number
from webmap.investor.areamap import StatusStyle, status_styles
from webmap.investor.parcel import PARCELS, PARKS
from webmap.report.fonts import Chain, runs, width
from webmap.report.mapframe import (
    Frame,
    Placer,
    edge_point,
    nice_length,
    path_operators,
)

LANDMARKS = "landmarks"
# A frame holding more parcels than this draws none of them (each would be a
# speck on A4, and reading them all would take seconds): it says how many instead.
MAX_PARCELS = 4000
HIGHLIGHT = HexColor("#1565c0")
PARK_LINE = HexColor("#b03a2e")
LANDMARK = HexColor("#1b2631")
NO_DATA = "#bdc3c7"


@dataclass(slots=True)
class Mark:
    """A landmark: where it is (UTM), its name and the site's distance to it."""

    name: str
    x: float
    y: float
    km: float | None


@dataclass(slots=True)
class MapData:
    """What the map draws, all in UTM 48N."""

    site: BaseGeometry
    parks: list[tuple[str, BaseGeometry]] = field(default_factory=list)
    parcels: list[tuple[str, BaseGeometry]] = field(default_factory=list)
    statuses: list[StatusStyle] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    undrawn: int = 0  # parcels in the frame left out (more than MAX_PARCELS)


def _to_utm(features: list[Feature]) -> list[BaseGeometry]:
    geoms = np.array([f.geometry for f in features], dtype=object)
    return list(reproject(geoms, WGS84, UTM48N)) if len(geoms) else []


def _layer_names(store: Store) -> set[str]:
    return {info.name for info in store.layers()}


def _features(
    store: Store, layer: str, bbox: tuple[float, float, float, float], most: int
) -> tuple[list[Feature], int]:
    """The layer's features in ``bbox`` (none if more than ``most``) and their count."""
    page = store.query(layer, bbox=bbox, limit=1)
    if page.number_matched > most:
        return [], page.number_matched
    found: list[Feature] = []
    while len(found) < page.number_matched:
        more = store.query(layer, bbox=bbox, limit=MAX_LIMIT, offset=len(found))
        if not more.features:
            break
        found.extend(more.features)
    return found, page.number_matched


def gather(
    store: Store, site: Feature, frame: Frame, site_utm: BaseGeometry, crowd: int = 0
) -> MapData:
    """The parks, parcels and landmarks about the site, in UTM 48N.

    Names on the map are the Vietnamese ones, as on the ground; the report's
    tables give them in the reader's language too. ``crowd`` is how many parcels
    the caller already knows lie in the frame (a park's own): past
    ``MAX_PARCELS`` the parcels are not even counted, which alone takes seconds.
    """
    names = _layer_names(store)
    bbox = frame.bbox_wgs84()
    data = MapData(site_utm)
    if PARKS in names:
        parks, _ = _features(store, PARKS, bbox, MAX_LIMIT)
        data.parks = list(
            zip(
                (display_name(f.properties, "vi", f.id) for f in parks),
                _to_utm(parks),
                strict=True,
            )
        )
    if PARCELS in names and crowd > MAX_PARCELS:
        data.undrawn = crowd
    elif PARCELS in names:
        parcels, count = _features(store, PARCELS, bbox, MAX_PARCELS)
        data.undrawn = 0 if parcels else count
        data.statuses = status_styles(store.layer(PARCELS), parcels)
        data.parcels = list(
            zip(
                (str(f.properties.get("status") or "") for f in parcels),
                _to_utm(parcels),
                strict=True,
            )
        )
    if LANDMARKS in names:
        data.marks = _marks(store, site)
    return data


def _marks(store: Store, site: Feature) -> list[Mark]:
    """Every landmark, with the site's ``dist_<landmark>_km`` where it has one."""
    landmarks = store.query(LANDMARKS, limit=MAX_LIMIT).features
    marks = []
    for feature, geom in zip(landmarks, _to_utm(landmarks), strict=True):
        if geom is None or geom.is_empty:
            continue
        point = geom.representative_point()
        km = site.properties.get(f"dist_{feature.id}_km")
        marks.append(
            Mark(
                display_name(feature.properties, "vi", feature.id),
                point.x,
                point.y,
                float(km)
                if isinstance(km, int | float) and math.isfinite(km)
                else None,
            )
        )
    return marks


@dataclass(frozen=True, slots=True)
class Key:
    """One entry of the legend: a filled box, an outline or a dot, and its label."""

    label: str
    kind: str  # "fill", "line" or "dot"
    color: Color


LEGEND_HEIGHT = 16.0


class SiteMap(Flowable):
    """The map as a platypus flowable: the frame, and the legend in a line below."""

    def __init__(self, frame: Frame, data: MapData, fonts: Chain) -> None:
        super().__init__()
        self.frame = frame
        self.data = data
        self.fonts = fonts
        self.keys: list[Key] = []
        self.width = frame.width
        self.height = frame.height + LEGEND_HEIGHT

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """The map keeps its size."""
        return self.width, self.height

    def draw(self) -> None:
        """The legend, then the layers in the clipped frame and the furniture."""
        canvas: Canvas = self.canv
        self._legend()
        canvas.saveState()
        canvas.translate(0, LEGEND_HEIGHT)
        clip = canvas.beginPath()
        clip.rect(0, 0, self.frame.width, self.frame.height)
        canvas.clipPath(clip, stroke=0, fill=0)
        canvas.setFillColor(HexColor("#f4f6f7"))
        canvas.rect(0, 0, self.frame.width, self.frame.height, stroke=0, fill=1)
        colors = {s.status: s.color for s in self.data.statuses}
        canvas.setLineWidth(0.3)
        canvas.setStrokeColor(white)
        for status, geom in self.data.parcels:
            canvas.setFillColor(HexColor(colors.get(status, NO_DATA)))
            self._shape(geom, fill=True, stroke=True)
        canvas.setStrokeColor(PARK_LINE)
        canvas.setLineWidth(1.2)
        for _, geom in self.data.parks:
            self._shape(geom, fill=False, stroke=True)
        canvas.setStrokeColor(HIGHLIGHT)
        canvas.setLineWidth(2.5)
        self._shape(self.data.site, fill=False, stroke=True)
        placer = Placer(self.frame.width, self.frame.height)
        placer.taken += [  # the scale bar and the north arrow
            (0, 0, 130, 26),
            (self.frame.width - 30, self.frame.height - 40, 30, 40),
        ]
        self._park_labels(placer)
        self._landmarks(placer)
        canvas.restoreState()
        canvas.saveState()
        canvas.translate(0, LEGEND_HEIGHT)
        self._furniture()
        canvas.restoreState()

    def _legend(self) -> None:
        """The keys in one line under the map (those that do not fit are left out)."""
        canvas, x, y = self.canv, 0.0, 3.0
        for key in self.keys:
            room = 14 + width(key.label, self.fonts, 7) + 10
            if x + room > self.width:
                break
            canvas.setLineWidth(1.5)
            canvas.setStrokeColor(key.color)
            canvas.setFillColor(key.color)
            if key.kind == "dot":
                canvas.circle(x + 5, y + 3.5, 3, stroke=0, fill=1)
            else:
                canvas.rect(x, y, 10, 7, stroke=1, fill=int(key.kind == "fill"))
            self._text(x + 14, y + 1, key.label, 7, halo=False)
            x += room

    def _shape(self, geom: BaseGeometry | None, *, fill: bool, stroke: bool) -> None:
        """A polygon or multipolygon (holes even-odd), or a line.

        Written as raw PDF path operators: reportlab's path object formats each
        number in Python and drew a dense frame four times slower.
        """
        ops = path_operators(geom, self.frame)
        if ops:
            paint = "B*" if fill and stroke else ("f*" if fill else "S")
            self.canv.addLiteral(f"{ops} {paint}")

    def _text(
        self, x: float, y: float, text: str, size: float, *, halo: bool = True
    ) -> None:
        """``text`` from (x, y), each run in its font, on a white halo."""
        canvas = self.canv
        if halo:
            canvas.setFillColor(Color(1, 1, 1, alpha=0.8))
            canvas.rect(
                x - 1,
                y - 1.5,
                width(text, self.fonts, size) + 2,
                size + 1.5,
                stroke=0,
                fill=1,
            )
        canvas.setFillColor(LANDMARK)
        for name, part in runs(text, self.fonts):
            canvas.setFont(name, size)
            canvas.drawString(x, y, part)
            x += canvas.stringWidth(part, name, size)

    def _park_labels(self, placer: Placer) -> None:
        """Each park's name at a point inside it, where no other label is."""
        for name, geom in self.data.parks:
            if geom is None or geom.is_empty:
                continue
            inside = geom.intersection(
                shapely.box(
                    self.frame.minx, self.frame.miny, self.frame.maxx, self.frame.maxy
                )
            )
            if inside.is_empty:
                continue
            point = inside.representative_point()
            x, y = self.frame.point(point.x, point.y)
            tw = width(name, self.fonts, 7)
            self._text(*placer.place(x - tw / 2, y, tw, 7), name, 7)

    def _landmarks(self, placed: Placer) -> None:
        """Landmarks in the frame as dots; the others as pointers on its edge."""
        cx, cy = self.frame.width / 2, self.frame.height / 2
        for mark in sorted(self.data.marks, key=lambda m: (m.km is None, m.km)):
            x, y = self.frame.point(mark.x, mark.y)
            label = (
                mark.name
                if mark.km is None
                else f"{mark.name} · {number(mark.km, 1)} km"
            )
            size = 6.5
            tw = width(label, self.fonts, size)
            if 0 <= x <= self.frame.width and 0 <= y <= self.frame.height:
                self.canv.setFillColor(LANDMARK)
                self.canv.circle(x, y, 3, stroke=0, fill=1)
                tx, ty = placed.place(x + 4, y + 2, tw, size)
            else:
                ex, ey = edge_point((cx, cy), (x, y), self.frame, inset=10)
                self._pointer(ex, ey, math.atan2(y - cy, x - cx))
                tx = ex + 8 if ex < cx else ex - tw - 8
                tx, ty = placed.place(tx, ey - size / 2, tw, size)
            self._text(tx, ty, label, size)

    def _pointer(self, x: float, y: float, angle: float) -> None:
        """A small arrowhead at (x, y) pointing along ``angle``."""
        canvas = self.canv
        canvas.saveState()
        canvas.translate(x, y)
        canvas.rotate(math.degrees(angle))
        path = canvas.beginPath()
        path.moveTo(6, 0)
        path.lineTo(-4, 4)
        path.lineTo(-4, -4)
        path.close()
        canvas.setFillColor(LANDMARK)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()

    def _furniture(self) -> None:
        """The frame's border, the scale bar and the north arrow."""
        canvas = self.canv
        canvas.setStrokeColor(black)
        canvas.setLineWidth(0.8)
        canvas.rect(0, 0, self.frame.width, self.frame.height, stroke=1, fill=0)
        metres = nice_length((self.frame.maxx - self.frame.minx) / 4)
        length = metres * self.frame.scale
        x, y = 10, 10
        canvas.setFillColor(white)
        canvas.rect(x - 4, y - 4, length + 8, 18, stroke=0, fill=1)
        canvas.setFillColor(black)
        canvas.rect(x, y, length / 2, 3, stroke=1, fill=1)
        canvas.rect(x + length / 2, y, length / 2, 3, stroke=1, fill=0)
        text = f"{number(metres / 1000, 1)} km" if metres >= 1000 else f"{metres:.0f} m"
        self._text(x, y + 5, f"0 – {text}", 7, halo=False)
        nx, ny = self.frame.width - 18, self.frame.height - 34
        path = canvas.beginPath()
        path.moveTo(nx, ny + 20)
        path.lineTo(nx - 6, ny)
        path.lineTo(nx, ny + 5)
        path.lineTo(nx + 6, ny)
        path.close()
        canvas.setFillColor(black)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.setFont(self.fonts.first, 9)
        canvas.drawCentredString(nx, ny + 23, "N")


def site_map(
    store: Store,
    site: Feature,
    fonts: Chain,
    size: tuple[float, float],
    *,
    least_m: float,
    crowd: int = 0,
) -> SiteMap:
    """The map of ``site`` for a page box of ``size`` points.

    Args:
        store: the store whose layers are drawn.
        site: the parcel or park (WGS84), outlined on top.
        fonts: the fonts of the labels.
        size: the map's width and height in points.
        least_m: the least width of ground shown, in metres.
        crowd: how many parcels are known to lie in the frame (see ``gather``).
    """
    site_utm = reproject(np.array([site.geometry], dtype=object), WGS84, UTM48N)[0]
    frame = Frame.around(site_utm, size[0], size[1], least_m)
    return SiteMap(frame, gather(store, site, frame, site_utm, crowd), fonts)
