"""The Store interface shared by the GeoPackage and PostGIS backends.

Nothing here knows SQLite or SQL: the web service and the build talk to ``Store``
and to the small value types below.
"""

from __future__ import annotations

import abc
import json
from dataclasses import asdict, dataclass, field
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

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
    """Read access to the built layers."""

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
            parsed[name] = value
        return parsed
