"""Security headers on every route; the script nonce on every inline script."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from layers.build import build
from tests.support.accounts import login, make_user
from tests.support.apps import isolated
from tests.support.data_dirs import make_dataset
from tests.support.scenes import generate_small
from webmap import create_app
from webmap.core.security import HSTS, frame_ancestors, parse_csp

PORTAL = "https://portal.example.vn"
# Values for the URL rules' arguments, from the tiny data set.
ARGS = {
    "collection_id": "parks",
    "feature_id": "a",
    "parcel_id": "a-1",
    "park_id": "a",
    "period_id": "latest",
    "scene_id": "park-a",
    "layer": "parks",
    "name": "none",
    "fmt": "csv",
    "filename": "parkmap/embed.js",
    "package": "leaflet",
    "path": "dist/leaflet.js",
    "z": "0",
    "x": "0",
    "y": "0",
}
SKIPPED = {
    "vr.media": "needs a tile name of a generated scene (covered by test_vr.py)",
    "rasters.tile": "needs a configured raster (covered by imagery/test_raster_tiles.py)",
}
PAGES = [
    "/?lang=en",
    "/embed?lang=en",
    "/examples/portal",
    "/land?lang=en",
    "/planner",
    "/planner/map",
    "/planner/parks/a",
    "/parcels/a-1?lang=en",
    "/parks/a?lang=en",
    "/compare?ids=a-1,a-2",
    "/login",
    "/vr/",
    "/vr/park-a?lang=en",
    "/api/",
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The tiny store with generated VR scenes and an admin account."""
    root = tmp_path_factory.mktemp("security")
    data_dir = make_dataset(root)
    store = root / "parkmap.gpkg"
    build(data_dir, store, progress=lambda _msg: None)
    generate_small(store, root / "no-photos", root / "vr")
    app = create_app(
        {
            **isolated(root),
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "STORE": str(store),
            "PANORAMA_DIR": str(root / "vr"),
            "EMBED_ORIGINS": PORTAL,
        }
    )
    make_user(app, "ana", "admin")
    return app


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    """Signed in as an admin, so that the planner and admin pages answer."""
    client = app.test_client()
    login(client, "ana")
    return client


def get_urls(app: Flask) -> list[str]:
    """A URL for every GET rule (arguments from ``ARGS``), except ``SKIPPED``."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()) or rule.endpoint in SKIPPED:
                continue
            missing = rule.arguments - ARGS.keys()
            if missing:
                pytest.fail(f"{rule.rule}: no value for {missing}; add to ARGS/SKIPPED")
            urls.append(rule.build({k: ARGS[k] for k in rule.arguments})[1])
    return urls


class Scripts(HTMLParser):
    """The attributes of every inline <script> (data blocks excepted)."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and "src" not in found:
            if found.get("type") not in ("application/json", "application/ld+json"):
                self.inline.append(found)


def policy(resp) -> dict[str, str]:
    return parse_csp(resp.headers["Content-Security-Policy"])


def test_every_route_sends_the_headers(app: Flask, client: FlaskClient) -> None:
    urls = get_urls(app)
    assert len(urls) > 40
    for url in urls:
        with client.get(url) as resp:
            headers = resp.headers
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] in (
            "strict-origin-when-cross-origin",
            "same-origin",
        ), url
        assert "camera=()" in headers["Permissions-Policy"], url
        assert "geolocation=()" in headers["Permissions-Policy"], url
        assert "Strict-Transport-Security" not in headers, url
        csp = policy(resp)
        assert csp["object-src"] == "'none'", url
        assert {"base-uri", "form-action", "frame-ancestors"} <= csp.keys(), url
        if url != "/embed":
            assert headers["Cross-Origin-Opener-Policy"] == "same-origin", url


def test_the_default_policy_on_a_json_route(client: FlaskClient) -> None:
    csp = policy(client.get("/healthz"))
    assert csp["default-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["img-src"].startswith("'self' data: https://")


def test_hsts_only_over_https(client: FlaskClient) -> None:
    secure = client.get("/healthz", environ_overrides={"wsgi.url_scheme": "https"})
    assert secure.headers["Strict-Transport-Security"] == HSTS
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


@pytest.mark.parametrize("url", PAGES)
def test_inline_scripts_run_by_nonce_only(client: FlaskClient, url: str) -> None:
    resp = client.get(url)
    assert resp.status_code == 200, url
    scripts = policy(resp).get("script-src", policy(resp)["default-src"])
    assert "'unsafe-inline'" not in scripts
    parser = Scripts()
    parser.feed(resp.get_data(as_text=True))
    nonces = {found.get("nonce") for found in parser.inline}
    if parser.inline:
        (nonce,) = nonces
        assert nonce and f"'nonce-{nonce}'" in scripts.split()


def test_the_map_page_has_its_folium_scripts_nonced(client: FlaskClient) -> None:
    parser = Scripts()
    parser.feed(client.get("/?lang=en").get_data(as_text=True))
    assert len(parser.inline) >= 2  # Folium's header script and the map's


def test_the_nonce_is_new_on_every_response(client: FlaskClient) -> None:
    first, second = (policy(client.get("/embed"))["script-src"] for _ in range(2))
    assert first != second


def test_embed_may_be_framed_by_the_configured_portal(client: FlaskClient) -> None:
    resp = client.get("/embed")
    assert policy(resp)["frame-ancestors"] == f"'self' {PORTAL}"
    assert "Cross-Origin-Opener-Policy" not in resp.headers


def test_other_pages_name_their_framers(client: FlaskClient) -> None:
    assert policy(client.get("/login"))["frame-ancestors"] == "'none'"
    assert policy(client.get("/api/"))["frame-ancestors"] == "'none'"


def test_without_embed_origins_only_this_site_frames_embed(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, **isolated(tmp_path)})
    with app.test_request_context("/embed"):
        assert frame_ancestors("/embed") == "'self'"
