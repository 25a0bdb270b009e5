"""The 360° gallery (``/vr/``, issue 16.3): cards, a map of the cameras, escaping."""

from __future__ import annotations

import html
import io
import re
import shutil
from pathlib import Path

import pytest
from flask import Flask

from tests.support.apps import isolated
from tests.support.pages import code_outside_strings, json_block
from tests.support.scenes import TOKEN, photo_bytes, tiny_with_scenes
from webmap import create_app

HOSTILE = "Cam ${window.PWNED=1} </script><b>x</b>"
CARD = re.compile(r'<li class="vr-card" data-scene="([^"]+)">(.*?)</li>', re.S)
HEADINGS = {"vi": "Tất cả ảnh 360°", "en": "All 360° views", "ja": "360°ビュー一覧",
            "ko": "모든 360° 보기"}  # fmt: skip
BADGES = {"vi": "ảnh chụp", "en": "photo", "ja": "写真", "ko": "사진"}


@pytest.fixture(scope="module")
def vr_base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The tiny store and its generated scenes (parks a and b), made once."""
    return tiny_with_scenes(tmp_path_factory.mktemp("gallery"))


@pytest.fixture(scope="module")
def app(vr_base, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """Two generated scenes and a photo of park a with a hostile title."""
    data_dir, store, scenes = vr_base
    root = tmp_path_factory.mktemp("gallery-app")
    shutil.copytree(scenes, root / "panoramas")
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "STORE": str(store),
            **isolated(root),
            "ADMIN_TOKEN": TOKEN,
            "BASEMAP_OSM_URL": "https://tiles.example.test/{z}/{x}/{y}.png",
        }
    )
    form = {
        "image": (io.BytesIO(photo_bytes(taken="2024:05:12 09:30:00")), "cam.jpg"),
        "id": "evil",
        "lon": "106.61",
        "lat": "20.871",
        "park": "b",
        **{f"title_{lang}": HOSTILE for lang in ("vi", "en", "ja", "ko")},
    }
    resp = app.test_client().post(
        "/vr/scenes", data=form, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert resp.status_code == 201, resp.get_data(as_text=True)
    return app


@pytest.fixture(scope="module")
def page(app: Flask) -> str:
    resp = app.test_client().get("/vr/?lang=en")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def cards(page: str) -> dict[str, str]:
    return dict(CARD.findall(page))


def test_a_card_per_scene_links_to_its_viewer(page: str) -> None:
    found = cards(page)
    assert set(found) == {"park-a", "evil"}  # the photo replaced park b's view
    for scene_id, card in found.items():
        assert f'<a class="vr-card-link" href="/vr/{scene_id}?lang=en">' in card
        assert f'<img src="/vr/media/{scene_id}/thumb.jpg" alt="Preview of' in card


def test_a_generated_card_says_so_in_words(page: str) -> None:
    card = cards(page)["park-a"]
    assert '<p class="vr-badge vr-badge-generated">generated image</p>' in card
    assert "<dt>Generated on</dt>" in card
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\d">', card)
    assert '<a class="vr-card-park" href="/parks/a?lang=en">KCN An Dương</a>' in card


def test_a_photo_card_shows_the_day_it_was_taken(page: str) -> None:
    card = cards(page)["evil"]
    assert '<p class="vr-badge vr-badge-photo">photo</p>' in card
    assert "<dt>Taken on</dt>" in card
    assert '<time datetime="2024-05-12">May 12, 2024</time>' in card
    assert 'href="/parks/b?lang=en">KCN Tràng Duệ</a>' in card


def test_the_thumbnails_are_served(app: Flask, page: str) -> None:
    client = app.test_client()
    for src in re.findall(r'<img src="([^"]+)"', page):
        with client.get(src) as resp:
            assert (resp.status_code, resp.mimetype) == (200, "image/jpeg")


def test_the_map_has_a_camera_per_scene(page: str) -> None:
    data = json_block(page, "vr-map-data")
    cameras = {c["url"]: c for c in data["cameras"]}
    assert set(cameras) == {"/vr/park-a?lang=en", "/vr/evil?lang=en"}
    assert cameras["/vr/evil?lang=en"]["generated"] is False
    assert data["base"]["url"] == "https://tiles.example.test/{z}/{x}/{y}.png"
    assert 'aria-label="Map of the 360° camera positions' in page


def test_a_hostile_title_is_text_everywhere(page: str) -> None:
    assert "<b>x</b>" not in page
    assert html.escape(HOSTILE, quote=False) in cards(page)["evil"]
    assert page.count("</script>") == len(re.findall(r"<script\b", page))
    for code in code_outside_strings(page):
        assert "PWNED" not in code  # data, never code
    data = json_block(page, "vr-map-data")
    assert HOSTILE in {c["name"] for c in data["cameras"]}


def test_the_page_policy_lets_in_base_map_tiles_only(app: Flask) -> None:
    policy = app.test_client().get("/vr/").headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert "https://tiles.example.test" in policy


@pytest.mark.parametrize("lang", ["vi", "en", "ja", "ko"])
def test_the_gallery_speaks_four_languages(app: Flask, lang: str) -> None:
    text = app.test_client().get(f"/vr/?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in text
    assert f"<h1>{HEADINGS[lang]}</h1>" in text
    assert f'<p class="vr-badge vr-badge-photo">{BADGES[lang]}</p>' in text
    assert f'href="/vr/evil?lang={lang}"' in text


def test_without_scenes_the_gallery_says_so(vr_base, tmp_path: Path) -> None:
    data_dir, store, _ = vr_base
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "STORE": str(store),
            **isolated(tmp_path),
        }
    )
    text = app.test_client().get("/vr/?lang=en").get_data(as_text=True)
    assert "No 360° views yet" in text
    assert "vr-map-data" not in text and "leaflet.js" not in text


def test_scene_list_carries_date_and_thumbnail(app: Flask) -> None:
    scenes = app.test_client().get("/vr/scenes.json").get_json()["scenes"]
    evil = next(s for s in scenes if s["id"] == "evil")
    assert evil["date"] == "2024-05-12"
    assert evil["thumbnail"] == "/vr/media/evil/thumb.jpg"
