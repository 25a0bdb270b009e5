"""JSON Schemas (OpenAPI 3.0 dialect): the helpers, and the bodies core answers.

Each feature keeps the schemas of the bodies it produces in its own ``schemas.py``
(``webmap/planner/schemas.py``, ``webmap/vr/schemas.py`` …), written with these
helpers; the service's document gathers them (``webmap/apidoc``). Names share one
namespace with the OGC API's schemas (``webmap/ogc/schemas.py``): no dots, no OGC
names. Each lists the members clients rely on as required; objects stay open to
additions.
"""

from __future__ import annotations

from typing import Any

from webmap.core.openapi import ref

STR: dict[str, Any] = {"type": "string"}
NSTR: dict[str, Any] = {"type": "string", "nullable": True}
NUM: dict[str, Any] = {"type": "number"}
NNUM: dict[str, Any] = {"type": "number", "nullable": True}
INT: dict[str, Any] = {"type": "integer"}
NINT: dict[str, Any] = {"type": "integer", "nullable": True}
BOOL: dict[str, Any] = {"type": "boolean"}
OBJ: dict[str, Any] = {"type": "object"}
NOBJ: dict[str, Any] = {"type": "object", "nullable": True}
DATE: dict[str, Any] = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
ZOOM: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": 30}


def obj(required: list[str], **props: Any) -> dict[str, Any]:
    """An object with ``props``, of which ``required`` must be present."""
    return {"type": "object", "required": required, "properties": props}


def array(items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """An array of ``items`` (``extra``: minItems, maxItems …)."""
    return {"type": "array", "items": items, **extra}


def numbers(count: int) -> dict[str, Any]:
    """Exactly ``count`` numbers."""
    return array(NUM, minItems=count, maxItems=count)


def every(**props: Any) -> dict[str, Any]:
    """An object whose every listed member is required."""
    return obj(list(props), **props)


def enum(*values: str) -> dict[str, Any]:
    """One of ``values``."""
    return {"type": "string", "enum": list(values)}


# The members of a TileJSON 3.0.0 document, vector or raster.
TILEJSON = {
    "tilejson": enum("3.0.0"),
    "name": STR,
    "description": NSTR,
    "version": STR,
    "attribution": STR,
    "scheme": enum("xyz"),
    "tiles": array(STR, minItems=1),
    "minzoom": ZOOM,
    "maxzoom": ZOOM,
    "bounds": numbers(4),
    "center": numbers(3),
}


def schemas() -> dict[str, Any]:
    """The schemas of core's bodies: problems and the probes."""
    return {
        "Problem": obj(
            ["type", "title", "status", "detail"],
            type=STR,
            title=STR,
            status={"type": "integer", "minimum": 400, "maximum": 599},
            detail=STR,
            parameter=STR,
            field=STR,
            errors={"type": "object", "additionalProperties": STR},
            current=ref("Clearance"),
        ),
        "Health": every(status=enum("ok")),
        "Ready": every(
            status=enum("ready"),
            store=enum("gpkg", "postgis"),
            build_id=NSTR,
        ),
    }
