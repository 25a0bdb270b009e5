"""JSON Schemas of the 360° scenes: the list, one scene, an upload and its answer."""

from __future__ import annotations

from typing import Any

from webmap.core.openapi import BINARY
from webmap.core.schemas import (
    BOOL,
    DATE,
    NNUM,
    NOBJ,
    NSTR,
    NUM,
    OBJ,
    STR,
    array,
    every,
)


def schemas() -> dict[str, Any]:
    """The component schemas of the 360° views' JSON answers."""
    place = {"lon": NUM, "lat": NUM, "heading": NNUM, "park": NSTR}
    return {
        "SceneList": every(
            scenes=array(
                every(
                    id=STR,
                    name=STR,
                    generated=BOOL,
                    date={**DATE, "nullable": True},
                    url=STR,
                    thumbnail=STR,
                    map=NOBJ,
                    **place,
                )
            )
        ),
        "Scene": every(
            id=STR,
            name=STR,
            generated=BOOL,
            height_m=NNUM,
            panorama=OBJ,
            thumbnail=STR,
            links=array(OBJ),
            markers=array(OBJ),
            map=NOBJ,
            parcel=NOBJ,
            back_url=STR,
            **place,
        ),
        "SceneAdded": every(id=STR, lon=NUM, lat=NUM, url=STR),
    }


def upload_body() -> dict[str, Any]:
    """The Request Body Object of a photo upload (multipart)."""
    text = {"type": "string"}
    fields: dict[str, Any] = {"image": BINARY, "id": text, "park": text}
    fields.update(
        {k: {"type": "number"} for k in ("lon", "lat", "heading", "height_m")}
    )
    fields.update({f"title_{lang}": text for lang in ("vi", "en", "ko", "ja")})
    schema = {"type": "object", "required": ["image"], "properties": fields}
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}
