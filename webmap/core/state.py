"""The view a map URL asks for, parsed at the edge with a fallback for every part.

A map URL carries ``center=lat,lon``, ``zoom``, ``layers=a,b``, ``base``, ``lang``,
``sel=layer:id``, ``compare=before,after`` (two imagery rasters side by side) and,
for embeds, ``bbox=minlon,minlat,maxlon,maxlat``, ``park`` and ``legend=0|1``, and
``period``: the reporting period the figures are as of (a published period's id;
absent, unknown or a draft's id means the default, the latest published one).
Anything malformed is dropped and the default view is used instead:
a bad URL never breaks the page.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from webmap.settings import BASEMAPS

MIN_ZOOM, MAX_ZOOM = 0, 22
BBox = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class ViewState:
    """What to show: centre/zoom or bbox, overlays, base map, language, selection."""

    lang: str
    layers: tuple[str, ...]
    base: str
    center: tuple[float, float] | None = None  # (lat, lon)
    zoom: int | None = None
    bbox: BBox | None = None  # (min lon, min lat, max lon, max lat)
    selected: tuple[str, str] | None = None  # (layer, feature id)
    park: str | None = None
    legend: bool = True
    compare: tuple[str, str] | None = None  # (before, after) raster names
    period: str | None = None  # a published period's id; None: the latest

    def query(self, **changes: object) -> str:
        """This state (with ``changes``) as a query string for a map URL."""
        state = replace(self, **changes) if changes else self  # type: ignore[arg-type]
        params: list[tuple[str, str]] = [("lang", state.lang)]
        if state.center is not None and state.zoom is not None:
            params.append(("center", f"{state.center[0]:.5f},{state.center[1]:.5f}"))
            params.append(("zoom", str(state.zoom)))
        elif state.bbox is not None:
            params.append(("bbox", ",".join(f"{v:.5f}" for v in state.bbox)))
        params.append(("layers", ",".join(state.layers)))
        params.append(("base", state.base))
        if state.selected:
            params.append(("sel", ":".join(state.selected)))
        if state.park:
            params.append(("park", state.park))
        if not state.legend:
            params.append(("legend", "0"))
        if state.compare:
            params.append(("compare", ",".join(state.compare)))
        if state.period:
            params.append(("period", state.period))
        return urlencode(params, safe=",:")


def _floats(text: str | None, count: int) -> tuple[float, ...] | None:
    if not text:
        return None
    parts = text.split(",")
    if len(parts) != count:
        return None
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        return None
    return values if all(math.isfinite(v) for v in values) else None


def parse_center(text: str | None) -> tuple[float, float] | None:
    """``lat,lon`` inside the Web Mercator range, or None."""
    values = _floats(text, 2)
    if values is None:
        return None
    lat, lon = values
    if -85.06 <= lat <= 85.06 and -180 <= lon <= 180:
        return (lat, lon)
    return None


def parse_zoom(text: str | None) -> int | None:
    """An integer zoom 0..22 (``12.0`` accepted), or None."""
    try:
        value = float(text or "")
    except ValueError:
        return None
    if not math.isfinite(value) or value != int(value):
        return None
    zoom = int(value)
    return zoom if MIN_ZOOM <= zoom <= MAX_ZOOM else None


def parse_bbox(text: str | None) -> BBox | None:
    """``minlon,minlat,maxlon,maxlat`` with min < max in range, or None."""
    values = _floats(text, 4)
    if values is None:
        return None
    minx, miny, maxx, maxy = values
    if not (-180 <= minx < maxx <= 180 and -85.06 <= miny < maxy <= 85.06):
        return None
    return (minx, miny, maxx, maxy)


def parse_layers(text: str | None, known: Iterable[str]) -> tuple[str, ...] | None:
    """The known layer names listed in ``text``, in map order; None if none are."""
    if not text:
        return None
    asked = {name.strip() for name in text.split(",")}
    chosen = tuple(name for name in known if name in asked)
    return chosen or None


def parse_selected(text: str | None, known: Iterable[str]) -> tuple[str, str] | None:
    """``layer:id`` with a known layer and a non-empty id, or None."""
    if not text or ":" not in text:
        return None
    layer, _, feature_id = text.partition(":")
    if layer not in set(known) or not feature_id.strip() or len(feature_id) > 200:
        return None
    return (layer, feature_id)


def parse_compare(text: str | None, known: Iterable[str]) -> tuple[str, str] | None:
    """``before,after``: two different known raster names, or None."""
    if not text:
        return None
    parts = [name.strip() for name in text.split(",")]
    names = set(known)
    if len(parts) != 2 or parts[0] == parts[1] or not set(parts) <= names:
        return None
    return (parts[0], parts[1])


def parse_period(text: str | None, known: Iterable[str]) -> str | None:
    """A known (published) period's id, or None for the default period."""
    if not text:
        return None
    period = text.strip()
    return period if period in set(known) else None


def parse_view(
    args: Mapping[str, str],
    *,
    lang: str,
    known_layers: Iterable[str],
    default_base: str,
    known_rasters: Iterable[str] = (),
    shown: Iterable[str] | None = None,
    known_periods: Iterable[str] = (),
) -> ViewState:
    """Parse a map URL's query into a ViewState, dropping what is malformed.

    Args:
        args: the query parameters.
        lang: the language already chosen for the request.
        known_layers: the store's layer names, in map order.
        default_base: the base map when ``base`` is absent or unknown.
        known_rasters: the registered imagery rasters' names (for ``compare``).
        shown: the layers shown when the URL names none (default: every one).
        known_periods: the published periods' ids (never a draft's).

    Returns:
        A complete view: centre and zoom only when both are valid.
    """
    known = tuple(known_layers)
    center, zoom = parse_center(args.get("center")), parse_zoom(args.get("zoom"))
    if center is None or zoom is None:
        center, zoom = None, None
    base = args.get("base", "")
    park = (args.get("park") or "").strip()
    return ViewState(
        lang=lang,
        layers=parse_layers(args.get("layers"), known)
        or (known if shown is None else tuple(shown)),
        base=base if base in BASEMAPS else default_base,
        center=center,
        zoom=zoom,
        bbox=parse_bbox(args.get("bbox")),
        selected=parse_selected(args.get("sel"), known),
        park=park[:200] or None,
        legend=args.get("legend", "1").strip().lower()
        not in ("0", "false", "no", "off"),
        compare=parse_compare(args.get("compare"), known_rasters),
        period=parse_period(args.get("period"), known_periods),
    )
