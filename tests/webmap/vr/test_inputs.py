"""VR360 inputs a client controls: the uploaded photo's format and bytes, the query."""

from __future__ import annotations

import io
import re

import pytest

from tests.support.pillow import EPS, trip_eps
from tests.support.scenes import TOKEN, photo_bytes

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def uploads(app):
    """A client of the tiny-store app that takes photo uploads."""
    app.config.update(ADMIN_TOKEN=TOKEN, UPLOAD_LIMIT_PER_HOUR=0)
    return app.test_client()


def upload(client, data: bytes, name: str):
    form = {"image": (io.BytesIO(data), name), "lon": "106.6", "lat": "20.87"}
    return client.post("/vr/scenes", data=form, headers=AUTH)


def test_an_eps_upload_is_refused_before_any_plugin_but_jpeg_png_webp(
    uploads, monkeypatch
) -> None:
    calls = trip_eps(monkeypatch)
    resp = upload(uploads, EPS, "view.eps")
    assert resp.status_code == 400
    assert resp.mimetype == "application/problem+json"
    body = resp.get_json()
    assert body["field"] == "image"
    assert "expected a JPEG, PNG or WebP file, got PostScript/EPS" in body["detail"]
    assert calls == []


def test_a_truncated_jpeg_upload_is_a_400_naming_the_image(uploads, tmp_path) -> None:
    whole = photo_bytes()
    resp = upload(uploads, whole[: len(whole) // 2], "cut.jpg")
    assert resp.status_code == 400, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["field"] == "image" and "truncated or corrupt" in body["detail"]
    assert not (tmp_path / "panorama-photos" / "cut.jpg").exists()
    assert uploads.get("/vr/scenes.json").get_json()["scenes"] == []


LINK = re.compile(r'<a href="([^"]*)" hreflang="([a-z]{2})"')


@pytest.fixture
def scene(uploads) -> str:
    """The viewer's URL of an uploaded scene."""
    resp = upload(uploads, photo_bytes(), "gate.jpg")
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["url"]


def viewer_links(client, url: str) -> dict[str, str]:
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return {code: href.replace("&amp;", "&") for href, code in LINK.findall(resp.text)}


@pytest.mark.parametrize(
    "query",
    [
        "scene_id=x",  # a TypeError (scene_id given twice): a 500
        "_method=POST",  # a BuildError: a 500
        "_external=1&_anchor=x&_scheme=https",  # rewrote every link
    ],
)
def test_viewer_language_links_ignore_view_arg_and_reserved_names(
    uploads, scene, query
) -> None:
    found = viewer_links(uploads, f"{scene}?lang=en&{query}")
    assert found == {c: f"{scene}?lang={c}" for c in ("vi", "en", "ko", "ja")}


def test_viewer_language_links_keep_parcel_and_back(uploads, scene) -> None:
    found = viewer_links(uploads, f"{scene}?parcel=a-1&back=zoom%3D12&other=1")
    assert found["ko"] == f"{scene}?parcel=a-1&back=zoom%3D12&lang=ko"
