"""JSON Schemas (OpenAPI 3.0 dialect) of the service's JSON answers outside ``/api``.

They sit beside the OGC API's component schemas (``webmap/ogc/schemas.py``) in the
one document, so their names must not clash with those (no dots, no OGC names).
Each lists the members clients rely on as required; objects stay open to additions.
"""

from __future__ import annotations

from typing import Any

from layers.clearance.rules import EDITABLE, STAGES
from webmap.ogc.schemas import ref

_STR: dict[str, Any] = {"type": "string"}
_NSTR: dict[str, Any] = {"type": "string", "nullable": True}
_NUM: dict[str, Any] = {"type": "number"}
_NNUM: dict[str, Any] = {"type": "number", "nullable": True}
_INT: dict[str, Any] = {"type": "integer"}
_NINT: dict[str, Any] = {"type": "integer", "nullable": True}
_BOOL: dict[str, Any] = {"type": "boolean"}
_OBJ: dict[str, Any] = {"type": "object"}
_NOBJ: dict[str, Any] = {"type": "object", "nullable": True}
_DATE: dict[str, Any] = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


def _obj(required: list[str], **props: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


def _list(items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **extra}


def _numbers(count: int) -> dict[str, Any]:
    return _list(_NUM, minItems=count, maxItems=count)


def _all(**props: Any) -> dict[str, Any]:
    """An object whose every listed member is required."""
    return _obj(list(props), **props)


_ZOOM = {"type": "integer", "minimum": 0, "maximum": 30}
_TILEJSON = {
    "tilejson": {"type": "string", "enum": ["3.0.0"]},
    "name": _STR,
    "description": _NSTR,
    "version": _STR,
    "attribution": _STR,
    "scheme": {"type": "string", "enum": ["xyz"]},
    "tiles": _list(_STR, minItems=1),
    "minzoom": _ZOOM,
    "maxzoom": _ZOOM,
    "bounds": _numbers(4),
    "center": _numbers(3),
}
_LEGEND = _list(_all(label=_STR, color=_STR))
_RASTER = {"date": _NSTR, "resolution_m": _NNUM, "footprint": _NOBJ, "legend": _LEGEND}


def _clearance() -> dict[str, Any]:
    return _all(
        parcel_id=_STR,
        park_id=_STR,
        area_ha=_NUM,
        stage={"type": "string", "enum": list(STAGES)},
        cleared_ha=_NUM,
        households_affected=_NINT,
        households_relocated=_NINT,
        target_date={**_DATE, "nullable": True},
        note=_STR,
        version=_INT,
        updated_at=_STR,
        updated_by=_STR,
    )


def _audit() -> dict[str, Any]:
    values = {"type": "object", "properties": {n: {} for n in (*EDITABLE, "version")}}
    return _all(
        seq=_INT,
        parcel_id=_STR,
        park_id=_STR,
        version=_INT,
        at=_STR,
        user=_STR,
        reason=_STR,
        before=values,
        after=values,
    )


def _park_progress() -> dict[str, Any]:
    return _obj(
        ["park_id", "planned_ha", "cleared_ha", "pct", "stages"],
        park_id=_STR,
        name=_STR,
        planned_ha=_NUM,
        cleared_ha=_NUM,
        pct=_NUM,
        stages={"type": "object", "additionalProperties": _INT},
        households_affected=_INT,
        households_relocated=_INT,
        overdue=_list(_STR),
    )


def _planner() -> dict[str, Any]:
    return {
        "Clearance": _clearance(),
        "AuditRecord": _audit(),
        "Progress": _all(as_of=_STR, source=_STR, parks=_list(_park_progress())),
        "Timeline": _all(
            points=_list(
                _all(
                    date=_DATE,
                    parks={"type": "object", "additionalProperties": _NUM},
                    total=_NUM,
                )
            )
        ),
        "ParcelClearance": _all(
            clearance=ref("Clearance"), history=_list(ref("AuditRecord"))
        ),
        "ClearanceEdit": _all(
            clearance=ref("Clearance"), audit={**ref("AuditRecord"), "nullable": True}
        ),
        "History": _all(history=_list(ref("AuditRecord"))),
        "ClearanceFeatures": _obj(
            ["type", "features", "numberReturned", "truncated", "editable"],
            type={"type": "string", "enum": ["FeatureCollection"]},
            features=_list(_all(type=_STR, geometry=_NOBJ, properties=_OBJ)),
            numberReturned={"type": "integer", "minimum": 0},
            truncated=_BOOL,
            at=_NSTR,
            asOf=_DATE,
            editable=_BOOL,
        ),
        "ClearanceDates": _all(
            baseline={**_DATE, "nullable": True}, dates=_list(_DATE), today=_DATE
        ),
    }


def _vr() -> dict[str, Any]:
    place = {"lon": _NUM, "lat": _NUM, "heading": _NNUM, "park": _NSTR}
    return {
        "SceneList": _all(
            scenes=_list(
                _all(
                    id=_STR,
                    name=_STR,
                    generated=_BOOL,
                    date={**_DATE, "nullable": True},
                    url=_STR,
                    thumbnail=_STR,
                    map=_NOBJ,
                    **place,
                )
            )
        ),
        "Scene": _all(
            id=_STR,
            name=_STR,
            generated=_BOOL,
            height_m=_NNUM,
            panorama=_OBJ,
            thumbnail=_STR,
            links=_list(_OBJ),
            markers=_list(_OBJ),
            map=_NOBJ,
            parcel=_NOBJ,
            back_url=_STR,
            **place,
        ),
        "SceneAdded": _all(id=_STR, lon=_NUM, lat=_NUM, url=_STR),
    }


def _land(feature: dict[str, Any]) -> dict[str, Any]:
    return _obj(
        ["type", "numberMatched", "numberReturned", "totalHa", "query", "features"],
        type={"type": "string", "enum": ["FeatureCollection"]},
        numberMatched={"type": "integer", "minimum": 0},
        numberReturned={"type": "integer", "minimum": 0},
        totalHa=_NUM,
        query=_OBJ,
        params=_list(_list(_STR, minItems=2, maxItems=2)),
        truncated=_BOOL,
        note=_STR,
        features=_list(feature),
    )


def service_schemas(parcel_feature: dict[str, Any]) -> dict[str, Any]:
    """The component schemas of the service's JSON answers.

    Args:
        parcel_feature: the schema of one parcel as GeoJSON (the OGC API's
            ``parcels.Feature`` when the store has parcels).
    """
    return {
        "Problem": _obj(
            ["type", "title", "status", "detail"],
            type=_STR,
            title=_STR,
            status={"type": "integer", "minimum": 400, "maximum": 599},
            detail=_STR,
            parameter=_STR,
            field=_STR,
            errors={"type": "object", "additionalProperties": _STR},
            current=ref("Clearance"),
        ),
        "Health": _all(status={"type": "string", "enum": ["ok"]}),
        "Ready": _all(
            status={"type": "string", "enum": ["ready"]},
            store={"type": "string", "enum": ["gpkg", "postgis"]},
            build_id=_NSTR,
        ),
        "TileJSON": _all(**_TILEJSON, vector_layers=_list(_OBJ, minItems=1)),
        "RasterTileJSON": _all(
            **_TILEJSON, format=_STR, tile_size=_INT, webp_tiles=_list(_STR), **_RASTER
        ),
        "RasterList": _all(
            rasters=_list(
                _all(
                    name=_STR,
                    label=_STR,
                    bbox=_numbers(4),
                    minzoom=_ZOOM,
                    maxzoom=_ZOOM,
                    tilejson=_STR,
                    tiles=_STR,
                    **_RASTER,
                )
            )
        ),
        "LandSearch": _land(parcel_feature),
        "FeatureView": _all(
            layer=_STR,
            id=_STR,
            name=_STR,
            html=_STR,
            center=_numbers(2),
            bounds=_list(_numbers(2), minItems=2, maxItems=2),
        ),
        "OEmbed": _all(
            version={"type": "string", "enum": ["1.0"]},
            type={"type": "string", "enum": ["rich"]},
            provider_name=_STR,
            provider_url=_STR,
            title=_STR,
            html=_STR,
            width={"type": "integer", "minimum": 100},
            height={"type": "integer", "minimum": 100},
            cache_age=_INT,
        ),
        "EnquiryReceived": _all(status={"type": "string", "enum": ["received"]}),
        **_vr(),
        **_planner(),
    }
