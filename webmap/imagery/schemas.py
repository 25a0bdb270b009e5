"""JSON Schemas of the imagery's bodies: the raster list and a raster's TileJSON."""

from __future__ import annotations

from typing import Any

from webmap.core.schemas import (
    INT,
    NNUM,
    NOBJ,
    NSTR,
    STR,
    TILEJSON,
    ZOOM,
    array,
    every,
    numbers,
)

_LEGEND = array(every(label=STR, color=STR))
_RASTER = {"date": NSTR, "resolution_m": NNUM, "footprint": NOBJ, "legend": _LEGEND}


def schemas() -> dict[str, Any]:
    """The component schemas of the imagery's JSON answers."""
    return {
        "RasterTileJSON": every(
            **TILEJSON, format=STR, tile_size=INT, webp_tiles=array(STR), **_RASTER
        ),
        "RasterList": every(
            rasters=array(
                every(
                    name=STR,
                    label=STR,
                    bbox=numbers(4),
                    minzoom=ZOOM,
                    maxzoom=ZOOM,
                    tilejson=STR,
                    tiles=STR,
                    **_RASTER,
                )
            )
        ),
    }
