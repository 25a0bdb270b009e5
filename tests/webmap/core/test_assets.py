"""Self-hosted assets, the map's settings and its message catalogues."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.support.pages import asset_urls, css_urls
from webmap import create_app
from webmap.core import assets
from webmap.core.i18n import LANGUAGES, TRANSLATIONS, compile_catalogs
from webmap.settings import ConfigError

ROOT = Path(__file__).resolve().parents[3]
PAGES = ("/", "/?lang=ko", "/embed", "/embed?lang=ja", "/examples/portal")


def fetch(client, url: str) -> tuple[int, str, bytes]:
    with client.get(url) as resp:
        return resp.status_code, resp.mimetype, resp.get_data()


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_outside(client, path) -> None:
    """Every script, stylesheet, image and font a page names is served by the app."""
    status, _, body = fetch(client, path)
    assert status == 200
    urls = asset_urls(body.decode())
    paths = [urlsplit(u).path for u in urls]
    assert any(p.endswith("leaflet.js") for p in paths) or path.startswith("/examples")
    for url in urls:
        parts = urlsplit(url)
        assert parts.netloc in ("", "localhost"), url
        code, mimetype, content = fetch(client, parts.path)
        assert code == 200, url
        if mimetype == "text/css":
            for ref in css_urls(content.decode()):
                target = urlsplit(urljoin(parts.path, ref)).path
                assert not urlsplit(ref).netloc, ref
                assert fetch(client, target)[0] == 200, (url, ref)


def test_folium_class_lists_are_untouched(client) -> None:
    import folium  # noqa: PLC0415
    from folium.plugins import Fullscreen, VectorGridProtobuf  # noqa: PLC0415

    client.get("/")
    assert folium.Map.default_js[0][1].startswith("https://")
    assert VectorGridProtobuf.default_js[0][1].startswith("https://")
    assert Fullscreen.default_css[0][1].startswith("https://")


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/static/vendor/leaflet/dist/leaflet.js", 200),
        ("/static/vendor/fontawesome/webfonts/fa-solid-900.woff2", 200),
        ("/static/vendor/leaflet/package.json", 404),
        ("/static/vendor/leaflet/dist/leaflet-src.js", 404),
        ("/static/vendor/leaflet/../leaflet/dist/leaflet.js", 404),
        ("/static/vendor/leaflet/dist/../../../package.json", 404),
        ("/static/vendor/leaflet/dist/%2e%2e/package.json", 404),
        ("/static/vendor/leaflet/dist//leaflet.js", 404),
        ("/static/vendor/leaflet/dist/images/../../../../requirements.txt", 404),
        ("/static/vendor/nope/x.js", 404),
        ("/static/vendor/lodash/lodash.js", 404),
    ],
)
def test_vendor_route_serves_only_whitelisted_files(client, url, status) -> None:
    assert fetch(client, url)[0] == status


def test_vendor_headers(client) -> None:
    with client.get("/static/vendor/leaflet/dist/leaflet.css") as resp:
        assert resp.mimetype == "text/css"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert "max-age=86400" in resp.headers["Cache-Control"]


@pytest.mark.parametrize(
    ("package", "path", "ok"),
    [
        ("leaflet", "dist/images/marker-icon.png", True),
        ("leaflet", "dist/images/sub/marker-icon.png", False),
        ("leaflet", "/dist/leaflet.js", False),
        ("leaflet", "dist\\leaflet.js", False),
        ("leaflet", "dist/./leaflet.js", False),
        ("minimap", "dist/images/toggle.svg", True),
        ("fontawesome", "webfonts/fa-solid-900.ttf", True),
        ("fontawesome", "js/all.js", False),
    ],
)
def test_whitelist(package, path, ok) -> None:
    assert assets.allowed(package, path) is ok


def test_symlink_out_of_package_is_refused(tmp_path) -> None:
    pkg = tmp_path / "leaflet" / "dist"
    pkg.mkdir(parents=True)
    secret = tmp_path / "secret.js"
    secret.write_text("x")
    (pkg / "leaflet.js").symlink_to(secret)
    assert assets.resolve("leaflet", "dist/leaflet.js", tmp_path) is None


def test_libraries_come_from_the_lock_file() -> None:
    lock = (ROOT / "package-lock.json").read_text()
    for package in assets.PACKAGES.values():
        assert f'"node_modules/{package.npm}"' in lock


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("BASEMAP_OSM_URL", "ftp://tiles/{z}/{x}/{y}.png"),
        ("BASEMAP_SATELLITE_URL", "https://tiles.example/no-placeholders.png"),
        ("DEFAULT_BASEMAP", "google"),
        ("INLINE_MAX_FEATURES", "many"),
        ("INLINE_MAX_FEATURES", -1),
        ("FIGURES_AS_OF", "14/10/2023"),
        ("PUBLIC_URL", "map.example"),
    ],
)
def test_bad_map_setting_names_the_variable(built, key, value) -> None:
    with pytest.raises(ConfigError, match=f"PARKMAP_{key}"):
        create_app({"STORE": str(built), key: value})


def test_base_maps_from_environment(monkeypatch, built) -> None:
    monkeypatch.setenv("PARKMAP_BASEMAP_OSM_URL", "https://osm.local/{z}/{x}/{y}.png")
    monkeypatch.setenv("PARKMAP_DEFAULT_BASEMAP", "none")
    app = create_app({"TESTING": True, "STORE": str(built)})
    html = app.test_client().get("/").get_data(as_text=True)
    assert "https://osm.local/{z}/{x}/{y}.png" in html
    policy = app.test_client().get("/").headers["Content-Security-Policy"]
    assert "https://osm.local" in policy


def test_catalogues_translate_every_message() -> None:
    """Every message of the app's code and templates is translated in each language."""
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}
    found = {
        msg[2]
        for msg in extract_from_dir(str(ROOT / "webmap"), method_map, keywords=keywords)
    }
    assert len(found) > 200
    for lang in LANGUAGES:
        with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            catalog = read_po(fh)
        missing = [m for m in found if not (catalog.get(m) and catalog.get(m).string)]
        assert not missing, (lang, missing)


def test_catalogues_compile(tmp_path) -> None:
    target = tmp_path / "vi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "messages.po").write_bytes(
        (TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.po").read_bytes()
    )
    assert compile_catalogs(tmp_path) == [target / "messages.mo"]
    assert compile_catalogs(tmp_path) == []  # up to date
