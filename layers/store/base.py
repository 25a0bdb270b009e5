"""The core feature store: the interface the GeoPackage and PostGIS backends share.

Nothing here knows SQLite or SQL, nor any feature that stores something of its own
(clearance, the land search, enquiries: each has its own package and contract,
composed with this store in ``layers.store.open``). The web service and the build
talk to ``Store`` and to the small value types below.
"""

from __future__ import annotations

import abc
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.mvt import TileFeatures, encode_layer, encode_tile, stable_id
from geo.tiles import (
    bounds_to_wgs84,
    lonlat_to_mercator_coords,
    parse_tile,
    tile_bounds_3857,
)
from layers.errors import InvalidFilter, LayerNotFound
from layers.values import coerce

MAX_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """A stored attribute: name, type, allowed values, shown in popups and tiles."""

    name: str
    type: str = "str"
    allowed: tuple[str, ...] = ()
    display: bool = True


@dataclass(frozen=True, slots=True)
class LayerInfo:
    """What the store knows about a layer, for listings, the API and the map."""

    name: str
    geometry_type: str
    id_field: str
    fields: tuple[FieldInfo, ...]
    count: int
    bbox: tuple[float, float, float, float] | None
    title: dict[str, str] = field(default_factory=dict)
    description: str = ""
    style: dict[str, Any] = field(default_factory=dict)
    as_of: str = ""  # the day the source describes, if the spec says
    # code tables the layer's fields name (``[vocabularies]``): name → code → columns
    vocabularies: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    def field(self, name: str) -> FieldInfo:
        """Return the field named ``name``; raise KeyError if absent."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def label(self, lang: str) -> str:
        """Display title in ``lang``, falling back to English, then the name."""
        return self.title.get(lang) or self.title.get("en") or self.name

    def to_json(self) -> str:
        """Serialise for the store's metadata table."""
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> LayerInfo:
        """Inverse of ``to_json``."""
        data = json.loads(text)
        data["fields"] = tuple(
            FieldInfo(f["name"], f["type"], tuple(f["allowed"]), f["display"])
            for f in data["fields"]
        )
        data["bbox"] = tuple(data["bbox"]) if data["bbox"] else None
        return cls(**data)

    def tile_fields(self) -> list[str]:
        """The fields shipped in vector tiles: the id field, then display fields."""
        return [self.id_field] + [
            f.name for f in self.fields if f.display and f.name != self.id_field
        ]


@dataclass(slots=True)
class Feature:
    """One feature: id, WGS84 geometry, typed properties."""

    id: str
    geometry: BaseGeometry
    properties: dict[str, Any]

    def to_geojson(self) -> dict[str, Any]:
        """GeoJSON Feature object (RFC 7946, lon/lat)."""
        return {
            "type": "Feature",
            "id": self.id,
            "geometry": json.loads(shapely.to_geojson(self.geometry)),
            "properties": self.properties,
        }


@dataclass(slots=True)
class Page:
    """A page of query results and how many features match in all."""

    features: list[Feature]
    number_matched: int


BBox = tuple[float, float, float, float]


class Store(abc.ABC):
    """Read access to the built layers (the core feature store)."""

    @abc.abstractmethod
    def layers(self) -> list[LayerInfo]:
        """Every layer, in build order."""

    def layer(self, name: str) -> LayerInfo:
        """One layer's metadata; raise LayerNotFound."""
        for info in self.layers():
            if info.name == name:
                return info
        raise LayerNotFound(name)

    @abc.abstractmethod
    def query(
        self,
        layer: str,
        bbox: BBox | None = None,
        filters: dict[str, str] | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Page:
        """Features intersecting ``bbox`` (WGS84) whose fields equal ``filters``.

        Args:
            layer: layer name.
            bbox: (min lon, min lat, max lon, max lat) or None for all.
            filters: field name → value as text; values are converted to the
                field's type, so ``{"total_ha": "150"}`` works on a float field.
            limit: page size, 0 ≤ limit ≤ MAX_LIMIT.
            offset: features to skip, in a stable order.

        Raises:
            LayerNotFound: unknown layer.
            InvalidFilter: unknown field or a value of the wrong type.
        """

    @abc.abstractmethod
    def get(self, layer: str, feature_id: str) -> Feature:
        """One feature by id; raise LayerNotFound or FeatureNotFound."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    def hold(self) -> None:  # noqa: B027 - optional hook
        """Check for a rebuild or an edit once until ``release`` (one request).

        Backends whose every call checks the store's state (the GeoPackage's file
        and data version) may keep what the first check found until ``release``.
        """

    def release(self) -> None:  # noqa: B027 - optional hook
        """End ``hold``: check the store's state on every call again."""

    @staticmethod
    def parse_filters(
        info: LayerInfo, filters: dict[str, str] | None
    ) -> dict[str, Any]:
        """Check filter names against the layer and convert values to field types."""
        parsed: dict[str, Any] = {}
        for name, raw in (filters or {}).items():
            try:
                fi = info.field(name)
            except KeyError:
                raise InvalidFilter(
                    name, f"layer '{info.name}' has no such field"
                ) from None
            try:
                value = coerce(raw, fi.type)
            except ValueError as exc:
                raise InvalidFilter(name, str(exc)) from None
            if value is None:
                raise InvalidFilter(name, "empty value")
            if isinstance(value, int) and not -(2**63) <= value < 2**63:
                raise InvalidFilter(name, "whole number out of range")
            parsed[name] = value
        return parsed

    def query_geojson(
        self,
        layer: str,
        bbox: BBox | None = None,
        filters: dict[str, str] | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> GeoJSONPage:
        """Like ``query`` but with each feature already serialised as GeoJSON text.

        The default serialises ``query()``'s features; a backend overrides it with a
        faster path that answers the same texts (see ``features_json``).

        Args:
            layer: layer name.
            bbox: (min lon, min lat, max lon, max lat) or None for all.
            filters: field name → value as text (see ``query``).
            limit: page size, 0 ≤ limit ≤ MAX_LIMIT.
            offset: features to skip, in the same stable order as ``query``.

        Returns:
            The page's Feature texts and the number of matching features.

        Raises:
            LayerNotFound: unknown layer.
            InvalidFilter: unknown field or a value of the wrong type.
        """
        page = self.query(layer, bbox, filters, limit, offset)
        return GeoJSONPage(
            features_json(
                [f.id for f in page.features],
                [f.geometry for f in page.features],
                [f.properties for f in page.features],
            ),
            page.number_matched,
        )

    def get_geojson(self, layer: str, feature_id: str) -> str:
        """One feature as GeoJSON Feature text; raise LayerNotFound/FeatureNotFound."""
        return feature_json(self.get(layer, feature_id))

    def build_id(self) -> str | None:
        """An id that changes whenever the stored data changes (for ETags), or None."""
        return None

    def tile_features(self, layer: str, bbox_3857: BBox) -> TileFeatures:
        """The features that ``query`` finds in a bbox, ready for a vector tile.

        The default pages through ``query`` with the bbox in WGS84 (the same area:
        see ``geo.tiles.bounds_to_wgs84``); a backend overrides it with a faster
        path that must select the same features.

        Args:
            layer: layer name.
            bbox_3857: (min x, min y, max x, max y) in EPSG:3857 metres.

        Returns:
            Stable integer ids, geometries in EPSG:3857 and, per feature, only the
            id field and the display fields (``LayerInfo.tile_fields``).

        Raises:
            LayerNotFound: unknown layer.
        """
        names = self.layer(layer).tile_fields()
        ids: list[int] = []
        geoms: list[BaseGeometry] = []
        props: list[dict[str, Any]] = []
        bbox = bounds_to_wgs84(bbox_3857)
        while True:
            page = self.query(layer, bbox=bbox, limit=MAX_LIMIT, offset=len(ids))
            for f in page.features:
                ids.append(stable_id(f.id))
                geoms.append(f.geometry)
                props.append({n: f.properties.get(n) for n in names})
            if not page.features or len(ids) >= page.number_matched:
                break
        projected = shapely.transform(
            np.asarray(geoms, dtype=object), lonlat_to_mercator_coords
        )
        return TileFeatures.from_properties(ids, projected, props, names)

    def tile(self, layer: str, z: int, x: int, y: int) -> bytes:
        """One Mapbox Vector Tile (MVT 2.1) of ``layer`` in Web Mercator.

        The tile holds one layer named like ``layer`` with every feature that
        intersects the tile (see ``geo.mvt`` for what tiny features are dropped).

        Args:
            layer: layer name.
            z: zoom, 0..22.
            x: column, 0 ≤ x < 2**z.
            y: row from the north, 0 ≤ y < 2**z.

        Returns:
            The encoded tile; b"" when no feature is in it.

        Raises:
            LayerNotFound: unknown layer.
            InvalidTile: z, x or y out of range.
        """
        tile = parse_tile(z, x, y)
        info = self.layer(layer)
        bounds = tile_bounds_3857(tile.z, tile.x, tile.y)
        features = self.tile_features(info.name, bounds)
        return encode_tile([encode_layer(info.name, features, bounds)])


@dataclass(frozen=True, slots=True)
class GeoJSONPage:
    """A page of features already serialised as GeoJSON Feature texts.

    Attributes:
        features: one GeoJSON Feature object per item, as compact JSON text.
        number_matched: how many features match the query in all.
    """

    features: list[str]
    number_matched: int


COORDINATE_DECIMALS = 7  # 1e-7° ≈ 1 cm: finer than any survey the data comes from


def features_json(
    ids: Sequence[str],
    geometries: Sequence[BaseGeometry] | np.ndarray,
    properties: Sequence[dict[str, Any]],
) -> list[str]:
    """Serialise features as GeoJSON Feature texts, the one format the API serves.

    Coordinates are rounded to ``COORDINATE_DECIMALS`` and polygon rings oriented by
    the right-hand rule (RFC 7946 §3.1.6). Every store's fast path and the default
    ``Store.query_geojson`` go through this function, so they answer the same bytes.

    Args:
        ids: feature ids.
        geometries: WGS84 geometries, one per id.
        properties: property dicts of JSON-compatible values, one per id.

    Returns:
        One compact JSON text per feature.
    """
    geoms = np.asarray(geometries, dtype=object)
    if not len(geoms):
        return []
    geoms = shapely.orient_polygons(
        shapely.transform(geoms, lambda c: np.round(c, COORDINATE_DECIMALS))
    )
    texts = shapely.to_geojson(geoms)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    return [
        f'{{"type":"Feature","id":{dumps(fid)},"geometry":{geom},'
        f'"properties":{dumps(props)}}}'
        for fid, geom, props in zip(ids, texts, properties, strict=True)
    ]


def feature_json(feature: Feature) -> str:
    """One feature as GeoJSON Feature text (see ``features_json``)."""
    return features_json([feature.id], [feature.geometry], [feature.properties])[0]
