"""VR360 routes: viewer page, scene documents, 404s, tiles, parcels, uploads, markers."""

from __future__ import annotations

import io
import json
import math
import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import folium
import pytest
from PIL import Image

from layers.scenes.manifest import MANIFEST, read_manifest
from tests.support.scenes import TOKEN, photo_bytes, tiny_with_scenes
from webmap import create_app
from webmap.settings import ConfigError
from webmap.vr.overlay import camera_layer, view_in_360_url

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def vr_base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The tiny store and its two generated scenes (parks a and b), made once."""
    return tiny_with_scenes(tmp_path_factory.mktemp("vr"))


@pytest.fixture
def vr_app(vr_base, tmp_path: Path):
    """An app over the tiny store with its own copy of the scenes."""
    data_dir, store, scenes = vr_base
    shutil.copytree(scenes, tmp_path / "vr")
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "STORE": str(store),
            "PANORAMA_DIR": str(tmp_path / "vr"),
            "PANORAMA_SOURCE_DIR": str(tmp_path / "src"),
            "STATE_DIR": str(tmp_path / "state"),  # upload counts start at zero
            "ADMIN_TOKEN": TOKEN,
        }
    )


@pytest.fixture
def vr(vr_app):
    return vr_app.test_client()


def upload(client, data: bytes, name: str = "gate.jpg", headers=AUTH, **fields):
    form = {"image": (io.BytesIO(data), name), **fields}
    return client.post("/vr/scenes", data=form, headers=headers)


def test_viewer_page_loads_only_from_this_site(vr) -> None:
    resp = vr.get("/vr/park-a?lang=en")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "/static/vendor/psv-core/index.module.js" in html
    assert "/static/vendor/three/build/three.module.js" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    nonce = re.search(r'<script type="importmap" nonce="([^"]+)"', html).group(1)
    assert f"'nonce-{nonce}'" in resp.headers["Content-Security-Policy"]


def test_viewer_says_the_image_is_generated(vr) -> None:
    html = vr.get("/vr/park-a?lang=en").get_data(as_text=True)
    notice = re.search(r'<p id="vr-generated"[^>]*>([^<]+)', html)
    assert "hidden" not in notice.group(0)
    assert "not a photograph" in notice.group(1)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("vi", "Quay lại bản đồ"),
        ("en", "Back to map"),
        ("ko", "지도로 돌아가기"),
        ("ja", "地図に戻る"),
    ],
)
def test_viewer_in_four_languages(vr, lang, text) -> None:
    html = vr.get(f"/vr/park-a?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in html and text in html
    texts = json.loads(re.search(r'id="vr-texts">(.*?)</script>', html).group(1))
    assert texts["psv"]["fullscreen"]


def test_unknown_scene_is_a_404_page(vr) -> None:
    resp = vr.get("/vr/no-such-place")
    assert resp.status_code == 404
    assert resp.mimetype == "text/html"
    assert "no-such-place" in resp.get_data(as_text=True)


def test_unknown_scene_document_is_a_problem(vr) -> None:
    resp = vr.get("/vr/no-such-place.json")
    assert resp.status_code == 404
    assert resp.mimetype == "application/problem+json"


def test_scene_document(vr) -> None:
    doc = vr.get("/vr/park-a.json?lang=en").get_json()
    assert doc["generated"] and doc["heading"] == 0.0
    assert doc["panorama"]["levels"] == [{"width": 256, "cols": 2, "rows": 1}]
    (link,) = doc["links"]
    assert link["nodeId"] == "park-b"
    # park b lies due east of park a: yaw = true bearing ≈ 90°
    assert math.degrees(link["position"]["yaw"]) == pytest.approx(90.0, abs=2.0)
    kinds = {m["kind"] for m in doc["markers"]}
    assert {"park", "landmark", "parcel"} <= kinds
    assert doc["back_url"].startswith("/?") and "zoom=15" in doc["back_url"]


def test_parcel_outline_and_facing(vr) -> None:
    doc = vr.get("/vr/park-a.json?parcel=b-2").get_json()
    parcel = doc["parcel"]
    assert parcel["id"] == "b-2"
    assert len(parcel["rings"][0]) > 4  # densified edges
    yaws = [math.degrees(y) for y, _ in parcel["rings"][0]]
    assert all(60 < y < 110 for y in yaws)  # east of park a
    assert -math.pi / 3 <= parcel["pitch"] < 0


def test_nearest_scene_for_a_parcel(vr) -> None:
    resp = vr.get("/vr/nearest?parcel=b-2&lang=ko")
    assert resp.status_code == 302
    target = urlsplit(resp.headers["Location"])
    assert target.path == "/vr/park-b"
    assert parse_qs(target.query) == {"parcel": ["b-2"], "lang": ["ko"]}


def test_nearest_for_an_unknown_parcel(vr) -> None:
    assert vr.get("/vr/nearest?parcel=zz").status_code == 404
    assert vr.get("/vr/nearest").status_code == 400
    assert vr.get("/vr/park-a?parcel=zz").status_code == 404


def test_back_link_returns_to_the_map_view(vr) -> None:
    html = vr.get("/vr/park-a?lang=en").get_data(as_text=True)
    back = re.search(r'id="vr-back" class="vr-back" href="([^"]+)"', html).group(1)
    query = parse_qs(urlsplit(back.replace("&amp;", "&")).query)
    assert query["zoom"] == ["15"] and query["lang"] == ["en"]
    lat, lon = map(float, query["center"][0].split(","))
    assert (lat, lon) == pytest.approx((20.875, 106.595), abs=0.005)
    sent = "lang=en&center=20.90000,106.70000&zoom=12&layers=parks&base=none"
    html = vr.get("/vr/park-a", query_string={"back": sent}).get_data(as_text=True)
    back = re.search(r'id="vr-back" class="vr-back" href="([^"]+)"', html).group(1)
    query = parse_qs(urlsplit(back.replace("&amp;", "&")).query)
    assert query["center"] == ["20.90000,106.70000"] and query["zoom"] == ["12"]


def fetch(client, url: str) -> tuple[int, str]:
    """Status and type of a file response (closing its file)."""
    with client.get(url) as resp:
        return resp.status_code, resp.mimetype


def test_tiles_are_served_and_paths_checked(vr) -> None:
    assert fetch(vr, "/vr/media/park-a/base.jpg") == (200, "image/jpeg")
    assert fetch(vr, "/vr/media/park-a/0/1_0.jpg") == (200, "image/jpeg")
    assert fetch(vr, "/vr/media/minimap.png") == (200, "image/png")
    for bad in ("../manifest.json", "0/9_9.jpg", "x.png", "%2e%2e/manifest.json"):
        assert fetch(vr, f"/vr/media/park-a/{bad}")[0] == 404


def test_scene_list(vr) -> None:
    scenes = vr.get("/vr/scenes.json").get_json()["scenes"]
    assert [s["id"] for s in scenes] == ["park-a", "park-b"]
    assert vr.get("/vr/").status_code == 200


def test_upload_refused_without_configured_token(vr, vr_app) -> None:
    vr_app.config["ADMIN_TOKEN"] = ""
    resp = upload(vr, photo_bytes(gps=(106.6, 20.87)))
    assert resp.status_code == 403
    assert "PARKMAP_ADMIN_TOKEN" in resp.get_json()["detail"]


def test_upload_refused_with_wrong_token(vr) -> None:
    resp = upload(vr, photo_bytes(), headers={"Authorization": "Bearer nope"})
    assert resp.status_code == 401


def test_upload_of_non_2_to_1_image_names_it(vr) -> None:
    resp = upload(
        vr, photo_bytes(1000, 700), name="crooked.jpg", lon="106.6", lat="20.87"
    )
    assert resp.status_code == 400
    assert "crooked.jpg" in resp.get_json()["detail"]
    assert "2:1" in resp.get_json()["detail"]


def test_oversized_upload_is_refused(vr, vr_app) -> None:
    vr_app.config["PANORAMA_MAX_BYTES"] = 10_000
    resp = upload(vr, photo_bytes(gps=(106.6, 20.87)), name="huge.jpg")
    assert resp.status_code == 413
    assert "PARKMAP_PANORAMA_MAX_BYTES" in resp.get_json()["detail"]


def test_uploads_past_the_hourly_allowance_answer_429(vr, vr_app) -> None:
    vr_app.config["UPLOAD_LIMIT_PER_HOUR"] = 2
    wrong = {"Authorization": "Bearer not-the-token"}
    assert [upload(vr, b"x", headers=wrong).status_code for _ in range(2)] == [401] * 2
    resp = upload(vr, photo_bytes(gps=(106.6, 20.87)))  # right token: still counted
    assert resp.status_code == 429
    assert resp.mimetype == "application/problem+json"
    assert 3590 < int(resp.headers["Retry-After"]) <= 3600
    assert "too many upload requests" in resp.get_json()["detail"]
    # the address is counted as a keyed hash, never kept as it came
    state = Path(vr_app.config["STATE_DIR"]) / "accounts.sqlite"
    with closing(sqlite3.connect(state)) as con:
        clients = {row[0] for row in con.execute("SELECT client FROM rate_events")}
    assert len(clients) == 1 and "127.0.0.1" not in next(iter(clients))


def test_upload_allowance_of_zero_is_no_limit(vr, vr_app) -> None:
    vr_app.config["UPLOAD_LIMIT_PER_HOUR"] = 0
    wrong = {"Authorization": "Bearer not-the-token"}
    assert {upload(vr, b"x", headers=wrong).status_code for _ in range(3)} == {401}


def test_upload_without_any_position(vr) -> None:
    resp = upload(vr, photo_bytes())
    assert resp.status_code == 400
    assert resp.get_json()["field"] == "lon"


def test_upload_with_impossible_coordinate(vr) -> None:
    resp = upload(vr, photo_bytes(), lon="106.6", lat="91")
    assert resp.status_code == 422
    assert resp.get_json()["field"] == "lat"


def test_upload_uses_exif_gps_and_strips_metadata(vr, vr_app, tmp_path) -> None:
    resp = upload(vr, photo_bytes(gps=(106.5951, 20.8751), heading=30.0), park="a")
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["id"] == "gate" and resp.headers["Location"] == "/vr/gate"
    assert (body["lon"], body["lat"]) == pytest.approx((106.5951, 20.8751), abs=1e-5)
    saved = (tmp_path / "src" / "gate.jpg").read_bytes()
    assert b"SecretCam" not in saved and not Image.open(io.BytesIO(saved)).getexif()
    source = read_manifest(tmp_path / "src" / MANIFEST, served=False)
    assert source.get("gate").heading_deg == 30.0
    ids = [s["id"] for s in vr.get("/vr/scenes.json").get_json()["scenes"]]
    assert ids == ["park-b", "gate"]  # the photo replaced park a's generated view
    doc = vr.get("/vr/gate.json").get_json()
    assert not doc["generated"] and doc["heading"] == 30.0


def test_camera_markers_for_the_map(vr_app) -> None:
    with vr_app.test_request_context("/?lang=en"):
        fmap = folium.Map(location=[20.87, 106.6], zoom_start=12)
        camera_layer("en").add_to(fmap)
        html = fmap.get_root().render()
        assert html.count("pm-vr-camera") == 2
        assert "/vr/park-a?lang=en\\u0026amp;back=" in html
        assert view_in_360_url("a-3", "ja") == "/vr/nearest?parcel=a-3&lang=ja"


def test_camera_tooltips_are_escaped(vr, vr_app) -> None:
    evil = "<script>window.__x=1</script>"
    assert (
        upload(vr, photo_bytes(), lon="106.6", lat="20.9", title_en=evil).status_code
        == 201
    )
    with vr_app.test_request_context("/?lang=en"):
        fmap = folium.Map(location=[20.87, 106.6])
        camera_layer("en").add_to(fmap)
        html = fmap.get_root().render()
    assert "<script>window.__x" not in html
    assert "\\u0026lt;script\\u0026gt;window.__x" in html  # escaped, then JSON


def test_bad_vr_setting_fails_at_startup(data_dir, built) -> None:
    with pytest.raises(ConfigError, match="PARKMAP_PANORAMA_MAX_BYTES"):
        create_app(
            {
                "DATA_DIR": str(data_dir),
                "STORE": str(built),
                "PANORAMA_MAX_BYTES": "lots",
            }
        )


@pytest.mark.parametrize("value", ["-1", "many", "10001"])
def test_bad_upload_limit_fails_at_startup(data_dir, built, value: str) -> None:
    with pytest.raises(ConfigError, match="PARKMAP_UPLOAD_LIMIT_PER_HOUR"):
        create_app(
            {
                "DATA_DIR": str(data_dir),
                "STORE": str(built),
                "UPLOAD_LIMIT_PER_HOUR": value,
            }
        )


def test_map_page_shows_the_cameras(vr) -> None:
    body = vr.get("/?lang=en").get_data(as_text=True)
    assert "360\\u00b0 views" in body or "360° views" in body  # the layer's name
    assert "/vr/park-a?lang=en" in body  # a camera opens its scene


def test_parcel_popup_offers_view_in_360(vr) -> None:
    html = vr.get("/map/feature?layer=parcels&id=a-1&lang=en").json["html"]
    assert "View in 360°" in html
    assert "/vr/nearest?parcel=a-1" in html


def test_no_360_link_without_scenes(client) -> None:
    html = client.get("/map/feature?layer=parcels&id=a-1&lang=en").json["html"]
    assert "View in 360°" not in html
