"""``park_figures``: the parks' figures of every published period, as a collection.

One feature per park per published reporting period (drafts never), so GIS tools
read the time series through the same OGC API as the layers. Its geometry is the
park's point on surface (``representative_point``: always inside the park), not
the outline: the series repeats each park once per period, and a point keeps the
answers small. Its id is ``<park_id>@<period id>``, e.g. ``dinh_vu@2023-10-14-month``.

The collection is not a stored layer: it is made from ``store.periods`` and the
parks layer, once per store build and state of the published periods
(``webmap.core.published.stamp``), and answers ``query_geojson``/``get_geojson``
as a store does, so the API's views serve it like any other collection.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import shapely

from layers.errors import FeatureNotFound, LayerNotFound
from layers.periods.rules import KINDS, PARK_FIELDS
from layers.store.base import (
    BBox,
    FieldInfo,
    GeoJSONPage,
    LayerInfo,
    Store,
    features_json,
)
from webmap.core.cache import memo
from webmap.core.published import published, stamp

NAME = "park_figures"
PARKS = "parks"
ID_FIELD = "figure_id"
TITLE = {
    "vi": "Số liệu các khu công nghiệp theo kỳ báo cáo",
    "en": "Park figures by reporting period",
    "ko": "보고 기간별 산업단지 수치",
    "ja": "報告期間別の工業団地の数値",
}
DESCRIPTION = (
    "One feature per park per published reporting period: the park's point on "
    "surface, the period (id, end date, kind) and the park's figures of that "
    "period. Filter with period=<id> for one period's map, park_id=<id> for one "
    "park's series."
)


@dataclass(frozen=True, slots=True)
class Figures:
    """The collection as made: its description and its features, in order."""

    info: LayerInfo
    ids: tuple[str, ...]
    points: tuple[shapely.Point, ...]
    properties: tuple[dict[str, Any], ...]


def _fields(period_ids: tuple[str, ...]) -> tuple[FieldInfo, ...]:
    figures = tuple(
        FieldInfo(f.key, "int" if f.integer else "float") for f in PARK_FIELDS
    )
    return (
        FieldInfo(ID_FIELD),
        FieldInfo("park_id"),
        FieldInfo("name_vi"),
        FieldInfo("name_en"),
        FieldInfo("period", allowed=period_ids),
        FieldInfo("end", "date"),
        FieldInfo("kind", allowed=KINDS),
        FieldInfo("illustrative", "bool"),
        *figures,
    )


def _make(store: Store) -> Figures:
    parks = store.query(PARKS, limit=max(store.layer(PARKS).count, 1)).features
    periods = published()
    ids, points, props = [], [], []
    for period in periods:
        for park in parks:
            values = period.parks.get(park.id)
            if not values:
                continue
            ids.append(f"{park.id}@{period.id}")
            points.append(park.geometry.representative_point())
            props.append(
                {
                    ID_FIELD: ids[-1],
                    "park_id": park.id,
                    "name_vi": park.properties.get("name_vi"),
                    "name_en": park.properties.get("name_en"),
                    "period": period.id,
                    "end": period.end.isoformat(),
                    "kind": period.kind,
                    "illustrative": period.illustrative,
                    **{f.key: values.get(f.key) for f in PARK_FIELDS},
                }
            )
    bbox = tuple(float(v) for v in shapely.total_bounds(points)) if points else None
    info = LayerInfo(
        name=NAME,
        geometry_type="Point",
        id_field=ID_FIELD,
        fields=_fields(tuple(p.id for p in periods)),
        count=len(ids),
        bbox=bbox,  # type: ignore[arg-type]
        title=TITLE,
        description=DESCRIPTION,
    )
    return Figures(info, tuple(ids), tuple(points), tuple(props))


def figures(store: Store) -> Figures | None:
    """The collection over ``store``; None when the store has no parks layer."""
    if PARKS not in {info.name for info in store.layers()}:
        return None
    return memo(store, (NAME, stamp()), lambda: _make(store))


def _matches(props: dict[str, Any], filters: dict[str, str], info: LayerInfo) -> bool:
    """Equality filters, each value compared as its field's type."""
    for name, raw in filters.items():
        kind, value = info.field(name).type, props.get(name)
        if value is None:
            return False
        if kind == "int" and int(raw) != value:
            return False
        if kind == "float" and not math.isclose(float(raw), value):
            return False
        if kind == "bool" and (raw == "true") != value:
            return False
        if kind in ("str", "date") and raw != value:
            return False
    return True


def _inside(point: shapely.Point, bbox: BBox | None) -> bool:
    if bbox is None:
        return True
    minx, miny, maxx, maxy = bbox
    return minx <= point.x <= maxx and miny <= point.y <= maxy


class FiguresSource:
    """``park_figures`` answering the API's views as a store answers a layer."""

    def __init__(self, found: Figures):
        """Serve ``found``."""
        self.found = found

    def query_geojson(
        self,
        layer: str,
        bbox: BBox | None = None,
        filters: dict[str, str] | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> GeoJSONPage:
        """A page of the features inside ``bbox`` that match ``filters``."""
        f = self.found
        chosen = [
            i
            for i in range(len(f.ids))
            if _inside(f.points[i], bbox)
            and _matches(f.properties[i], filters or {}, f.info)
        ]
        page = chosen[offset : offset + limit]
        texts = features_json(
            [f.ids[i] for i in page],
            [f.points[i] for i in page],
            [f.properties[i] for i in page],
        )
        return GeoJSONPage(texts, len(chosen))

    def get_geojson(self, layer: str, feature_id: str) -> str:
        """One feature as GeoJSON text.

        Raises:
            FeatureNotFound: no such park in that published period.
        """
        f = self.found
        try:
            i = f.ids.index(feature_id)
        except ValueError:
            raise FeatureNotFound(layer, feature_id) from None
        return features_json([f.ids[i]], [f.points[i]], [f.properties[i]])[0]


def collection_infos(store: Store) -> list[LayerInfo]:
    """The API's collections: the store's layers, then ``park_figures``."""
    found = figures(store)
    return [*store.layers(), *([found.info] if found else [])]


def layer_info(store: Store, name: str) -> LayerInfo:
    """A collection's description (a store layer or ``park_figures``).

    Raises:
        LayerNotFound: no such collection.
    """
    if name == NAME:
        found = figures(store)
        if found is None:
            raise LayerNotFound(name)
        return found.info
    return store.layer(name)


def source(store: Store, name: str) -> Store | FiguresSource:
    """What answers a collection's items: the store, or ``park_figures``."""
    found = figures(store) if name == NAME else None
    return FiguresSource(found) if found is not None else store
