"""VR360 inputs a client controls: the uploaded photo's format and bytes, the query."""

from __future__ import annotations

import io

import pytest

from tests.pillow_traps import EPS, trip_eps
from tests.vrfactories import TOKEN

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
