"""The 360° views in the document: scene list, viewer, documents, media, uploads."""

from __future__ import annotations

from typing import Any

from webmap.apidoc import spec
from webmap.apidoc.facts import Facts
from webmap.apidoc.spec import (
    NOT_MODIFIED,
    STORE_DOWN,
    Endpoint,
    PathParam,
    choice,
    merged,
    page,
    problem,
    query,
    segment,
    with_example,
)
from webmap.ogc.params import LANG, Param


def _upload_body() -> dict[str, Any]:
    text = {"type": "string"}
    fields: dict[str, Any] = {"image": spec.BINARY, "id": text, "park": text}
    fields.update(
        {k: {"type": "number"} for k in ("lon", "lat", "heading", "height_m")}
    )
    fields.update({f"title_{lang}": text for lang in ("vi", "en", "ko", "ja")})
    schema = {"type": "object", "required": ["image"], "properties": fields}
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


def _scene(facts: Facts) -> PathParam:
    return segment("scene_id", "The scene's id.", choice(facts.scenes))


def _parcel(facts: Facts, description: str, required: bool = False) -> Param:
    example = with_example(dict(spec.TEXT), facts.parcel)
    return query("parcel", description, example, required=required)


NUMBER = {"type": "number"}
BACK = query("back", "The map view to go back to (a map URL's query).")
NO_SCENE = problem(404, "No such scene or parcel.")


def vr(facts: Facts) -> list[Endpoint]:
    """The 360° scene list, the viewer and the scenes' documents."""
    scene, parcel = _scene(facts), _parcel(facts, "A parcel to outline and face.")
    return [
        Endpoint(
            "get",
            "/vr/",
            "getScenePage",
            "The list of 360° scenes.",
            "VR360",
            page(),
            (LANG,),
        ),
        Endpoint(
            "get",
            "/vr/scenes.json",
            "getScenes",
            "Every scene.",
            "VR360",
            spec.json_ok("SceneList"),
            (LANG,),
        ),
        Endpoint(
            "get",
            "/vr/{scene_id}.json",
            "getScene",
            "One scene for the viewer.",
            "VR360",
            merged(spec.json_ok("Scene"), NO_SCENE, STORE_DOWN),
            (scene, parcel, LANG),
        ),
        Endpoint(
            "get",
            "/vr/{scene_id}",
            "getViewer",
            "The 360° viewer.",
            "VR360",
            merged(page(), page("No such scene or parcel.", 404), STORE_DOWN),
            (scene, parcel, BACK, LANG),
        ),
        Endpoint(
            "get",
            "/vr/nearest",
            "getNearestScene",
            "Redirect to the scene nearest a parcel.",
            "VR360",
            merged(
                spec.empty(302, "To the viewer."),
                problem(400, "parcel is missing."),
                NO_SCENE,
                STORE_DOWN,
            ),
            (_parcel(facts, "The parcel.", required=True), BACK, LANG),
        ),
    ]


def vr_files(facts: Facts) -> list[Endpoint]:
    """The mini-map, the scenes' images and tiles, and the photo upload."""
    jpeg = merged(spec.file("image/jpeg"), NOT_MODIFIED, NO_SCENE)
    return [
        Endpoint(
            "get",
            "/vr/media/minimap.png",
            "getMinimap",
            "The region mini-map.",
            "VR360",
            merged(
                spec.file("image/png"), NOT_MODIFIED, problem(404, "No mini-map yet.")
            ),
        ),
        Endpoint(
            "get",
            "/vr/media/{scene_id}/{name}",
            "getSceneMedia",
            "A scene's base.jpg, thumb.jpg or tile <level>/<col>_<row>.jpg "
            "(the slash may be sent as %2F).",
            "VR360",
            jpeg,
            (
                _scene(facts),
                segment("name", "The file.", {"type": "string", "example": "base.jpg"}),
            ),
        ),
        Endpoint(
            "get",
            "/vr/{scene_id}/preview.webp",
            "getScenePreview",
            "The view the viewer opens on, as a small still (its page paints it "
            "first); yaw and pitch are rounded to 5°.",
            "VR360",
            merged(
                spec.file("image/webp"),
                NOT_MODIFIED,
                problem(400, "A bad shape, yaw or pitch."),
                NO_SCENE,
            ),
            (
                _scene(facts),
                query("shape", "wide (2:1) or tall (2:3).", choice(("wide", "tall"))),
                query("yaw", "True bearing of the view's centre, degrees.", NUMBER),
                query("pitch", "Elevation of the view's centre, degrees.", NUMBER),
                query("v", "A version token: the page's URL changes with the image."),
            ),
        ),
        Endpoint(
            "post",
            "/vr/scenes",
            "addScene",
            "Add an equirectangular photo as a scene.",
            "VR360",
            merged(
                spec.json_ok("SceneAdded", status=201),
                problem(400, "Not a 2:1 image, a bad field or no position."),
                problem(401, "No or a wrong admin token."),
                problem(403, "Uploads are off (PARKMAP_ADMIN_TOKEN unset)."),
                problem(413, "The photo is larger than PARKMAP_PANORAMA_MAX_BYTES."),
                problem(422, "The scene breaks the manifest rules."),
                problem(429, "Too many uploads (Retry-After)."),
            ),
            request_body=_upload_body(),
            security=spec.ADMIN_TOKEN,
        ),
    ]
