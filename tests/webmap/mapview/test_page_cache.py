"""The map page keeps Folium's rendering per view and sources, never the nonce."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo.crs import VN2000_UTM48
from layers.build import build
from layers.imagery.rasters import RasterRegistry
from layers.scenes.manifest import MANIFEST
from tests.support.rasters import marked_image
from tests.support.stores import quiet
from webmap.core.security import parse_csp
from webmap.mapview import page as page_mod

pytestmark = pytest.mark.both_stores

NONCE = re.compile(r'nonce="([^"]+)"')


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """The views Folium rendered, in order."""
    seen: list[tuple] = []
    real = page_mod._render

    def counting(store, state, embed, extra):
        seen.append((state, embed))
        return real(store, state, embed, extra)

    monkeypatch.setattr(page_mod, "_render", counting)
    return seen


def get(client, path: str = "/") -> tuple[str, str]:
    """The page and the script nonce its CSP allows."""
    resp = client.get(path)
    assert resp.status_code == 200, resp.data[:300]
    policy = parse_csp(resp.headers["Content-Security-Policy"])
    (nonce,) = re.findall(r"'nonce-([^']+)'", policy["script-src"])
    return resp.get_data(as_text=True), nonce


def test_a_view_is_rendered_once_and_each_page_has_its_own_nonce(
    client, renders
) -> None:
    first, nonce1 = get(client, "/?lang=en")
    second, nonce2 = get(client, "/?lang=en")
    assert len(renders) == 1
    assert nonce1 != nonce2
    for html, nonce in ((first, nonce1), (second, nonce2)):
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts), scripts
    assert NONCE.sub("", first) == NONCE.sub("", second)


def test_other_views_languages_and_the_embed_render_apart(client, renders) -> None:
    for path in ("/?lang=en", "/?lang=vi", "/?lang=en&layers=parks", "/embed?lang=en"):
        get(client, path)
    get(client, "/?lang=vi")
    assert [embed for _state, embed in renders] == [False, False, False, True]


def test_a_rebuilt_store_renders_anew(client, app, data_dir: Path, renders) -> None:
    get(client)
    build(data_dir, app.config["STORE"], progress=quiet)
    get(client)
    assert len(renders) == 2


def test_a_new_raster_appears_at_once(client, app, renders) -> None:
    before, _ = get(client, "/?lang=en")
    assert "/tiles/raster/ortho/" not in before
    root = Path(app.config["RASTER_DIR"]).parent
    RasterRegistry(app.config["RASTER_DIR"]).import_file(
        marked_image(root, VN2000_UTM48),
        name="ortho",
        date="2024-03",
        label="UAV",
        progress=quiet,
    )
    after, _ = get(client, "/?lang=en")
    assert "/tiles/raster/ortho/" in after and len(renders) == 2


def test_a_changed_scene_list_renders_anew(client, app, renders) -> None:
    get(client)
    folder = Path(app.config["PANORAMA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST).write_text('{"scenes": []}', encoding="utf-8")
    get(client)
    assert len(renders) == 2
