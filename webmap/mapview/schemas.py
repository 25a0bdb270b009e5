"""JSON Schemas of the map's bodies: vector TileJSON, a feature's view, oEmbed."""

from __future__ import annotations

from typing import Any

from webmap.core.schemas import INT, OBJ, STR, TILEJSON, array, enum, every, numbers


def schemas() -> dict[str, Any]:
    """The component schemas of the map's JSON answers."""
    return {
        "TileJSON": every(**TILEJSON, vector_layers=array(OBJ, minItems=1)),
        "FeatureView": every(
            layer=STR,
            id=STR,
            name=STR,
            html=STR,
            center=numbers(2),
            bounds=array(numbers(2), minItems=2, maxItems=2),
        ),
        "OEmbed": every(
            version=enum("1.0"),
            type=enum("rich"),
            provider_name=STR,
            provider_url=STR,
            title=STR,
            html=STR,
            width={"type": "integer", "minimum": 100},
            height={"type": "integer", "minimum": 100},
            cache_age=INT,
        ),
    }
