"""Versioned asset URLs, immutable caching, and the minified copies served."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from flask import url_for

from webmap import create_app
from webmap.core import assets

LEAFLET_CSS = "/static/vendor/leaflet/dist/leaflet.css"
APP_CSS = "/static/parkmap/parkmap.css"
YEAR = "max-age=31536000"


@pytest.fixture
def build_dir(tmp_path: Path) -> Path:
    return tmp_path / "build"


@pytest.fixture
def built_app(build_dir: Path, tmp_path: Path):
    """An app serving copies from ``build_dir`` (empty until a test writes one)."""
    return create_app(
        {
            "TESTING": True,
            "STORE": str(tmp_path / "none.gpkg"),
            "STATE_DIR": str(tmp_path / "state"),
            "ASSET_BUILD_DIR": str(build_dir),
        }
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def fetch(client, url: str):
    return client.get(url, buffered=True)


def versioned(app, endpoint: str, **values: str) -> str:
    with app.test_request_context():
        return url_for(endpoint, **values)


def test_every_asset_on_the_map_page_is_versioned(client) -> None:
    html = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert len(urls) > 10
    for url in urls:
        assert re.search(r"[?&]v=[0-9a-f]{12}$", url), url


def test_a_versioned_url_is_immutable(client) -> None:
    html = client.get("/").get_data(as_text=True)
    for path in (LEAFLET_CSS, APP_CSS):
        (url,) = re.findall(rf'href="({re.escape(path)}\?v=[^"]+)"', html)
        resp = fetch(client, url)
        assert resp.status_code == 200
        assert YEAR in resp.headers["Cache-Control"]
        assert "immutable" in resp.headers["Cache-Control"]


@pytest.mark.parametrize("query", ["", "?v=000000000000"])
def test_other_urls_keep_a_short_life(client, query: str) -> None:
    vendor = fetch(client, LEAFLET_CSS + query).headers["Cache-Control"]
    own = fetch(client, APP_CSS + query).headers["Cache-Control"]
    assert "immutable" not in vendor and "max-age=86400" in vendor
    assert "immutable" not in own and YEAR not in own


def test_the_version_follows_the_content(built_app, build_dir: Path) -> None:
    copy = write(build_dir / "vendor/leaflet/dist/leaflet.css", ".a{color:red}")
    first = versioned(
        built_app, "vendor.file", package="leaflet", path="dist/leaflet.css"
    )
    copy.write_text(".a{color:blue}")
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    second = versioned(
        built_app, "vendor.file", package="leaflet", path="dist/leaflet.css"
    )
    assert first != second
    client = built_app.test_client()
    assert "immutable" in fetch(client, second).headers["Cache-Control"]
    assert "immutable" not in fetch(client, first).headers["Cache-Control"]


def test_the_version_is_computed_once_per_file_state(tmp_path: Path) -> None:
    path = write(tmp_path / "a.js", "1")
    assets.version(path)
    hits = assets._digest.cache_info().hits
    assert assets.version(path) == assets.version(path)
    assert assets._digest.cache_info().hits == hits + 2


def test_a_url_given_its_own_version_keeps_it(app) -> None:
    assert versioned(app, "static", filename="parkmap/parkmap.css", v="x").endswith(
        "v=x"
    )


def test_a_missing_file_gets_no_version(app) -> None:
    assert "v=" not in versioned(app, "static", filename="nope.js")


@pytest.mark.parametrize(
    ("url", "copy"),
    [
        (APP_CSS, "static/parkmap/parkmap.css"),
        (LEAFLET_CSS, "vendor/leaflet/dist/leaflet.css"),
    ],
)
def test_the_minified_copy_is_served(built_app, build_dir: Path, url: str, copy: str):
    write(build_dir / copy, "/*min*/.a{color:red}")
    client = built_app.test_client()
    assert fetch(client, url).data == b"/*min*/.a{color:red}"


def test_a_copy_without_its_source_is_not_served(built_app, build_dir: Path) -> None:
    write(build_dir / "static/parkmap/gone.js", "1")
    client = built_app.test_client()
    assert fetch(client, "/static/parkmap/gone.js").status_code == 404
    assert "v=" not in versioned(built_app, "static", filename="parkmap/gone.js")


def test_a_stale_copy_is_not_served(built_app, build_dir: Path) -> None:
    copy = write(build_dir / "static/parkmap/parkmap.css", "/*old*/")
    os.utime(copy, ns=(0, 0))
    assert fetch(built_app.test_client(), APP_CSS).data != b"/*old*/"


def test_without_a_build_the_sources_are_served(client) -> None:
    source = Path(client.application.static_folder) / "parkmap/parkmap.css"
    assert fetch(client, APP_CSS).data == source.read_bytes()


def test_a_copy_outside_the_static_folder_is_never_served(built_app, build_dir) -> None:
    write(build_dir / "secret.txt", "secret")
    assert (
        fetch(built_app.test_client(), "/static/../build/secret.txt").status_code == 404
    )
