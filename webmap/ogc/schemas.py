"""JSON Schemas (OpenAPI 3.0 dialect) of every answer the API gives.

``openapi.py`` puts them under ``components/schemas``; per-collection feature
schemas are derived from the store's field types, so each property is declared with
the type and allowed values the store holds.
"""

from __future__ import annotations

from typing import Any

from layers.store.base import LayerInfo
from webmap.core.openapi import ref
from webmap.ogc.params import field_schema

GEOMETRY_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
)


def _obj(required: list[str], **props: Any) -> dict[str, Any]:
    # OpenAPI 3.0 wants a non-empty ``required`` list, or none at all.
    out: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        out["required"] = required
    return out


_STR: dict[str, Any] = {"type": "string"}
_LINKS = {"type": "array", "items": ref("Link")}
_COUNT = {"type": "integer", "minimum": 0}
_BBOX = {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}


def base_schemas() -> dict[str, Any]:
    """The schemas that do not depend on the store's layers."""
    return {
        "Link": _obj(
            ["href", "rel"], href=_STR, rel=_STR, type=_STR, title=_STR, hreflang=_STR
        ),
        "LandingPage": _obj(["links"], title=_STR, description=_STR, links=_LINKS),
        "ConfClasses": _obj(
            ["conformsTo"], conformsTo={"type": "array", "items": _STR}, links=_LINKS
        ),
        "Extent": _obj(
            [],
            spatial=_obj(
                ["bbox"],
                bbox={"type": "array", "minItems": 1, "items": _BBOX},
                crs=_STR,
            ),
        ),
        "Collection": _obj(
            ["id", "links"],
            id=_STR,
            title=_STR,
            description=_STR,
            links=_LINKS,
            extent=ref("Extent"),
            itemType=_STR,
            crs={"type": "array", "items": _STR},
            storageCrs=_STR,
        ),
        "Collections": _obj(
            ["links", "collections"],
            links=_LINKS,
            collections={"type": "array", "items": ref("Collection")},
        ),
        "Queryables": _obj(
            ["type", "properties"],
            type={"type": "string", "enum": ["object"]},
            title=_STR,
            properties={"type": "object", "additionalProperties": {"type": "object"}},
        ),
        "OpenAPI": _obj(
            ["openapi", "info", "paths"],
            openapi=_STR,
            info={"type": "object"},
            paths={"type": "object"},
        ),
        "Geometry": {
            **_obj(
                ["type"],
                type={"type": "string", "enum": list(GEOMETRY_TYPES)},
                coordinates={"type": "array"},
                geometries={"type": "array", "items": ref("Geometry")},
            ),
            "nullable": True,
        },
        "Feature": feature_schema({"type": "object", "nullable": True}),
        "FeatureCollection": collection_schema(ref("Feature")),
        "Exception": _obj(
            ["code", "description"],
            code=_STR,
            description=_STR,
            parameter=_STR,
            type=_STR,
            title=_STR,
            status={"type": "integer"},
            detail=_STR,
            field=_STR,
        ),
    }


def feature_schema(properties: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON Feature whose ``properties`` follow ``properties``."""
    return _obj(
        ["type", "geometry", "properties"],
        type={"type": "string", "enum": ["Feature"]},
        id={"oneOf": [_STR, {"type": "integer"}]},
        geometry=ref("Geometry"),
        properties=properties,
        links=_LINKS,
    )


def collection_schema(feature: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of ``feature`` with OGC paging members."""
    return _obj(
        ["type", "features"],
        type={"type": "string", "enum": ["FeatureCollection"]},
        features={"type": "array", "items": feature},
        links=_LINKS,
        numberMatched=_COUNT,
        numberReturned=_COUNT,
    )


def properties_schema(info: LayerInfo) -> dict[str, Any]:
    """The ``properties`` object of a layer's features, typed from its fields."""
    props = {}
    for fi in info.fields:
        schema = {**field_schema(fi), "nullable": True}
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
        props[fi.name] = schema
    return {
        "type": "object",
        "properties": props,
        "required": [info.id_field],
        "additionalProperties": False,
    }


def layer_schemas(info: LayerInfo) -> dict[str, Any]:
    """``<layer>.Feature`` and ``<layer>.FeatureCollection`` component schemas."""
    feature = feature_schema(properties_schema(info))
    return {
        f"{info.name}.Feature": feature,
        f"{info.name}.FeatureCollection": collection_schema(
            ref(f"{info.name}.Feature")
        ),
    }
