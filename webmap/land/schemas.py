"""JSON Schema of the land finder's answer: a page of parcels with its totals."""

from __future__ import annotations

from typing import Any

from webmap.core.schemas import BOOL, NUM, OBJ, STR, array, enum, obj


def schemas(parcel_feature: dict[str, Any]) -> dict[str, Any]:
    """The component schemas of the land finder's JSON answers.

    Args:
        parcel_feature: the schema of one parcel as GeoJSON (the OGC API's
            ``parcels.Feature`` when the store has parcels).
    """
    count = {"type": "integer", "minimum": 0}
    return {
        "LandSearch": obj(
            ["type", "numberMatched", "numberReturned", "totalHa", "query", "features"],
            type=enum("FeatureCollection"),
            numberMatched=count,
            numberReturned=count,
            totalHa=NUM,
            query=OBJ,
            params=array(array(STR, minItems=2, maxItems=2)),
            truncated=BOOL,
            note=STR,
            features=array(parcel_feature),
        )
    }
