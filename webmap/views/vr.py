"""VR360: the 360° viewer page, scene documents, tiles and photo uploads.

Routes (all under ``/vr``): ``/vr/`` the gallery of scenes (cards and a map of
the cameras), ``/vr/<scene>`` the viewer, ``/vr/<scene>.json`` one scene for the
viewer, ``/vr/scenes.json`` all scenes, ``/vr/<scene>/preview.webp`` the still the
viewer page paints first, ``/vr/nearest?parcel=<id>`` the scene nearest a parcel
(redirect), ``/vr/media/...`` tiles and mini-map, ``POST
/vr/scenes`` a photo upload (``Authorization: Bearer <PARKMAP_ADMIN_TOKEN>``).
"""

from __future__ import annotations

import hmac
import re
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import BadRequest, Forbidden, NotFound, Unauthorized

from layers.enquiries.rules import RateLimit
from layers.errors import FeatureNotFound
from layers.scenes.hotspots import nearest_scene
from layers.scenes.manifest import Scene, SceneNotFound
from layers.scenes.upload import UploadLimits, add_photo, check_size
from webmap import vr
from webmap.auth import csrf
from webmap.auth.service import get_database
from webmap.core import ratelimit
from webmap.core import responses as r
from webmap.core.errors import problem, register_errors
from webmap.core.i18n import current_language
from webmap.core.languages import language_links
from webmap.core.openapi import (
    LANG,
    TEXT,
    Doc,
    Param,
    PathParam,
    choice,
    documented,
    query,
    segment,
    with_example,
)
from webmap.core.page import respond
from webmap.core.security import csp_nonce
from webmap.core.store import get_store
from webmap.investor.areamap import gallery_map
from webmap.mapview.request import view_state
from webmap.vr.gallery import gallery_context
from webmap.vr.page import (
    START_ZOOM,
    import_map,
    library_stylesheets,
    viewer_texts,
)
from webmap.vr.preview import (
    SHAPES,
    PreviewQuery,
    preview_etag,
    preview_url,
    preview_webp,
)
from webmap.vr.scenes import (
    manifest,
    map_url,
    scene_document,
    scene_list,
    start_view,
)
from webmap.vr.schemas import upload_body

bp = Blueprint("vr", __name__, url_prefix="/vr")


@bp.record_once
def _errors(state: BlueprintSetupState) -> None:
    """Add the scenes' and uploads' exceptions to the app's error table."""
    register_errors(state.app, vr.ERRORS)


TILE_NAME = re.compile(r"^(base|thumb)\.jpg$|^\d{1,2}/\d{1,4}_\d{1,4}\.jpg$")
BACK_ZOOM = 15
VIEWER_QUERY = ("parcel", "back")  # what the viewer reads, kept by its language links
NUMBER = {"type": "number"}
BACK = query("back", "The map view to go back to (a map URL's query).")
NO_SCENE = r.problem(404, "No such scene or parcel.")


def _scene(facts: Any) -> PathParam:
    return segment("scene_id", "The scene's id.", choice(facts.scenes))


def _parcel_param(facts: Any, description: str, required: bool = False) -> Param:
    example = with_example(dict(TEXT), facts.parcel)
    return query("parcel", description, example, required=required)


def _scene_params(facts: Any) -> tuple[PathParam | Param, ...]:
    return _scene(facts), _parcel_param(facts, "A parcel to outline and face.")


def _csp(nonce: str) -> str:
    """Same-site only; the import map is the one inline script (by nonce)."""
    return (
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "connect-src 'self' data: blob:; worker-src 'self' blob:; font-src 'self';"
        " frame-ancestors 'self'; base-uri 'self'; form-action 'self';"
        " object-src 'none'"
    )


def _html(body: str, status: int = 200) -> Response:
    """An HTML response with the viewer's security headers."""
    response = Response(body, status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = _csp(csp_nonce())
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Vary"] = "Accept-Language"
    return response


def _parcel(parcel_id: str | None):
    """The parcel named in the query, or None; 404 if unknown."""
    if not parcel_id:
        return None
    return get_store().get("parcels", parcel_id.strip()[:200])


def _back_url(scene, parcel_id: str | None, lang: str) -> str:
    """Back to the map: the view the map sent (``back``), else the scene's place."""
    back = request.args.get("back", "")
    if back:
        return map_url(view_state(back).query())
    query = {"lang": lang, "center": f"{scene.lat:.5f},{scene.lon:.5f}"}
    query["zoom"] = str(BACK_ZOOM)
    if parcel_id:
        query["sel"] = f"parcels:{parcel_id}"
    return map_url(query)


@bp.get("/")
@documented(Doc("getScenePage", "The list of 360° scenes.", "VR360", r.page(), (LANG,)))
def index() -> Response:
    """The gallery: a card per scene and a map of the cameras (base-map tiles)."""
    lang = current_language()
    scenes = scene_list(lang)
    html = render_template(
        "vr/index.html",
        lang=lang,
        languages=language_links(),
        map_data=gallery_map(scenes),  # the cameras on the investor pages' area map
        **gallery_context(scenes, lang),
    )
    return respond(html)


@bp.get("/scenes.json")
@documented(Doc("getScenes", "Every scene.", "VR360", r.json_ok("SceneList"), (LANG,)))
def scenes_json() -> Response:
    """Every scene, for the map's camera markers and other clients."""
    return jsonify({"scenes": scene_list(current_language())})


@bp.get("/<scene_id>.json")
@documented(
    Doc(
        "getScene",
        "One scene for the viewer.",
        "VR360",
        r.merged(r.json_ok("Scene"), NO_SCENE, r.STORE_DOWN),
        lambda facts: (*_scene_params(facts), LANG),
    )
)
def scene_json(scene_id: str) -> Response:
    """One scene for the viewer; ``?parcel=<id>`` adds its outline."""
    scene = manifest().get(scene_id)
    parcel = _parcel(request.args.get("parcel"))
    return jsonify(scene_document(scene, current_language(), parcel))


@bp.get("/<scene_id>")
@documented(
    Doc(
        "getViewer",
        "The 360° viewer.",
        "VR360",
        r.merged(r.page(), r.page("No such scene or parcel.", 404), r.STORE_DOWN),
        lambda facts: (*_scene_params(facts), BACK, LANG),
    )
)
def viewer(scene_id: str) -> Response:
    """The 360° viewer, starting at ``scene_id``."""
    lang = current_language()
    scene = manifest().get(scene_id)
    parcel_id = request.args.get("parcel") or None
    parcel = _parcel(parcel_id)  # 404 now rather than in the page's script
    back = _back_url(scene, parcel_id, lang)
    config = {
        "start": scene.id,
        "lang": lang,
        "parcel": parcel_id,
        "sceneUrl": url_for("vr.scene_json", scene_id="__ID__", lang=lang),
        "pageUrl": url_for("vr.viewer", scene_id="__ID__", lang=lang),
        "minimap": _minimap(),
        "scenes": scene_list(lang),
        "zoom": START_ZOOM,
        "module": url_for("static", filename="vr/viewer.js"),
        "stylesheets": library_stylesheets(),  # added when the viewer starts
    }
    html = render_template(
        "vr/viewer.html",
        lang=lang,
        scene=scene,
        name=scene.label(lang),
        back_url=back,
        languages=language_links(VIEWER_QUERY),
        config=config,
        texts=viewer_texts(),
        importmap=import_map(),
        preview=_previews(scene, *start_view(scene, parcel)),
    )
    return _html(html)


def _previews(scene: Scene, yaw: float, pitch: float) -> dict[str, dict[str, object]]:
    """URL and size of each shape of the page's preview image."""
    out = {}
    for shape, (width, height) in SHAPES.items():
        query = PreviewQuery.facing(shape, yaw, pitch)
        out[shape] = {"url": preview_url(scene, query), "w": width, "h": height}
    return out


@bp.get("/<scene_id>/preview.webp")
@documented(
    Doc(
        "getScenePreview",
        "The view the viewer opens on, as a small still (its page paints it "
        "first); yaw and pitch are rounded to 5°.",
        "VR360",
        r.merged(
            r.file("image/webp"),
            r.NOT_MODIFIED,
            r.problem(400, "A bad shape, yaw or pitch."),
            NO_SCENE,
        ),
        lambda facts: (
            _scene(facts),
            query("shape", "wide (2:1) or tall (2:3).", choice(("wide", "tall"))),
            query("yaw", "True bearing of the view's centre, degrees.", NUMBER),
            query("pitch", "Elevation of the view's centre, degrees.", NUMBER),
            query("v", "A version token: the page's URL changes with the image."),
        ),
    )
)
def preview(scene_id: str) -> Response:
    """The viewer's opening view as a small image, painted before the viewer."""
    scene = manifest().get(scene_id)
    query = PreviewQuery.parse(request.args)
    response = Response(mimetype="image/webp")
    response.set_etag(preview_etag(scene, query))
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.if_none_match.contains(response.get_etag()[0]):
        response.status_code = 304
        return response
    response.set_data(preview_webp(scene, query))
    return response


def _minimap() -> dict | None:
    """The mini-map image URL and size, if ``vr generate`` made one."""
    mini = manifest().minimap
    if not mini:
        return None
    return {
        "imageUrl": url_for("vr.minimap"),
        "width": mini["width"],
        "height": mini["height"],
    }


@bp.get("/nearest")
@documented(
    Doc(
        "getNearestScene",
        "Redirect to the scene nearest a parcel.",
        "VR360",
        r.merged(
            r.empty(302, "To the viewer."),
            r.problem(400, "parcel is missing."),
            NO_SCENE,
            r.STORE_DOWN,
        ),
        lambda facts: (
            _parcel_param(facts, "The parcel.", required=True),
            BACK,
            LANG,
        ),
    )
)
def nearest() -> Response:
    """Redirect to the scene nearest ``?parcel=<id>``, turned to face it."""
    parcel_id = (request.args.get("parcel") or "").strip()
    if not parcel_id:
        raise BadRequest("give ?parcel=<parcel id>")
    parcel = _parcel(parcel_id)
    scene = nearest_scene(manifest(), parcel.geometry)
    args = {k: v for k, v in request.args.items() if k in ("lang", "back")}
    return redirect(url_for("vr.viewer", scene_id=scene.id, parcel=parcel.id, **args))


@bp.get("/media/minimap.png")
@documented(
    Doc(
        "getMinimap",
        "The region mini-map.",
        "VR360",
        r.merged(
            r.file("image/png"), r.NOT_MODIFIED, r.problem(404, "No mini-map yet.")
        ),
    )
)
def minimap() -> Response:
    """The region mini-map."""
    path = Path(current_app.config["PANORAMA_DIR"]) / "minimap.png"
    if not path.is_file():
        raise NotFound("no mini-map: run `flask --app webmap vr generate`")
    return send_file(path, max_age=3600, conditional=True)


@bp.get("/media/<scene_id>/<path:name>")
@documented(
    Doc(
        "getSceneMedia",
        "A scene's base.jpg, thumb.jpg or tile <level>/<col>_<row>.jpg "
        "(the slash may be sent as %2F).",
        "VR360",
        r.merged(r.file("image/jpeg"), r.NOT_MODIFIED, NO_SCENE),
        lambda facts: (
            _scene(facts),
            segment("name", "The file.", {"type": "string", "example": "base.jpg"}),
        ),
    )
)
def media(scene_id: str, name: str) -> Response:
    """A tile, the base image or the thumbnail of a scene."""
    scene = manifest().get(scene_id)
    if not TILE_NAME.match(name):
        raise NotFound(f"no file {name!r} in scene {scene_id!r}")
    root = (
        Path(current_app.config["PANORAMA_DIR"]) / (scene.media or scene.id)
    ).resolve()
    target = (root / name).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise NotFound(f"no file {name!r} in scene {scene_id!r}")
    response = send_file(target, max_age=3600, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _require_admin() -> None:
    """Refuse unless ``Authorization: Bearer <PARKMAP_ADMIN_TOKEN>`` matches.

    A header token, not a cookie, so a cross-site form cannot forge an upload.
    """
    token = current_app.config["ADMIN_TOKEN"]
    if not token:
        raise Forbidden("uploads are disabled: PARKMAP_ADMIN_TOKEN is not set")
    given = request.headers.get("Authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        value.strip().encode(), token.encode()
    ):
        raise Unauthorized("an admin token is required: Authorization: Bearer <token>")


@bp.post("/scenes")
@documented(
    Doc(
        "addScene",
        "Add an equirectangular photo as a scene.",
        "VR360",
        r.merged(
            r.json_ok("SceneAdded", status=201),
            r.problem(400, "Not a 2:1 image, a bad field or no position."),
            r.problem(401, "No or a wrong admin token."),
            r.problem(403, "Uploads are off (PARKMAP_ADMIN_TOKEN unset)."),
            r.problem(413, "The photo is larger than PARKMAP_PANORAMA_MAX_BYTES."),
            r.problem(422, "The scene breaks the manifest rules."),
            r.problem(429, "Too many uploads (Retry-After)."),
        ),
        request_body=upload_body(),
        security=r.ADMIN_TOKEN,
    )
)
@csrf.exempt  # Bearer token, no cookie: nothing for a cross-site form to ride on
def upload() -> tuple[Response, int, dict[str, str]]:
    """Add a real equirectangular photo (multipart field ``image``).

    Every attempt, with the right token or not, counts against the client
    address's ``PARKMAP_UPLOAD_LIMIT_PER_HOUR`` (429 with ``Retry-After`` past it),
    before the token is checked or the body read.
    """
    limit = RateLimit.per_hour(current_app.config["UPLOAD_LIMIT_PER_HOUR"])
    if limit is not None:
        client = ratelimit.client_key(request.remote_addr)
        ratelimit.spend(get_database(), "upload", client, limit)
    _require_admin()
    config = current_app.config
    limits = UploadLimits(
        source_dir=Path(config["PANORAMA_SOURCE_DIR"]),
        out_dir=Path(config["PANORAMA_DIR"]),
        max_bytes=config["PANORAMA_MAX_BYTES"],
        max_width=config["PANORAMA_MAX_WIDTH"],
    )
    check_size(request.content_length, limits, "upload")
    request.max_content_length = limits.max_bytes + 1_000_000  # form overhead
    upload_file = request.files.get("image")
    if upload_file is None or not upload_file.filename:
        raise BadRequest("send the photo as the multipart field 'image'")
    data = upload_file.read(limits.max_bytes + 1)
    check_size(len(data), limits, upload_file.filename)
    scene = add_photo(data, upload_file.filename, request.form, limits)
    url = url_for("vr.viewer", scene_id=scene.id)
    body = {"id": scene.id, "lon": scene.lon, "lat": scene.lat, "url": url}
    return jsonify(body), 201, {"Location": url}


@bp.errorhandler(SceneNotFound)
@bp.errorhandler(FeatureNotFound)
def not_found(exc: LookupError) -> Response:
    """An HTML 404 page for the viewer, a problem document elsewhere."""
    if request.endpoint != "vr.viewer":
        return problem(exc)
    lang = current_language()
    html = render_template("vr/not_found.html", lang=lang, message=str(exc))
    return _html(html, 404)
