"""``/embed``, ``/embed.js``, oEmbed, the portal example and frame-ancestors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.apps import close_store, isolated
from tests.support.pages import client_config
from webmap import create_app
from webmap.settings import ConfigError

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends

PORTAL = "https://portal.example.vn"


def tiny_app(shared_tiny: tuple[Path, str], scratch: Path, **config: object):
    """An app over the module's read-only tiny store; close it with ``close_store``."""
    data, store = shared_tiny
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data),
            "STORE": store,
            **isolated(scratch),
            **config,
        }
    )


@pytest.fixture(scope="module")
def app(shared_tiny, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """One app for the module (every test here only reads); overrides conftest's."""
    app = tiny_app(shared_tiny, tmp_path_factory.mktemp("embed"))
    yield app
    close_store(app)


@pytest.fixture
def portal_app(shared_tiny, tmp_path: Path) -> Iterator:
    app = tiny_app(
        shared_tiny, tmp_path, EMBED_ORIGINS=f"{PORTAL}, http://127.0.0.1:8001"
    )
    yield app
    close_store(app)


def embed(client, query: str = "") -> str:
    resp = client.get("/embed" + query)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_embed_has_no_page_chrome(client) -> None:
    html = embed(client)
    assert 'class="pm-body pm-embed"' in html
    assert 'class="pm-bar"' not in html and "pm-langs" not in html
    config = client_config(html)
    assert config["embed"] is True


def test_embed_parameters(client) -> None:
    html = embed(client, "?layers=parks&park=a&lang=en&base=none&legend=0")
    config = client_config(html)
    assert config["layers"] == ["parks"] and config["lang"] == "en"
    assert config["base"] == "none" and config["legend"] is False
    assert config["park"] == "a"
    assert config["view"] == {"bounds": [[20.87, 106.59], [20.88, 106.6]]}
    assert '<html lang="en">' in html


def test_embed_bbox_wins_over_park(client) -> None:
    config = client_config(embed(client, "?bbox=106.5,20.8,106.7,20.9&park=a"))
    assert config["view"] == {"bounds": [[20.8, 106.5], [20.9, 106.7]]}


@pytest.mark.parametrize("query", ["?park=nope", "?bbox=x", "?layers=zz", "?lang=zz"])
def test_embed_bad_input_is_default(client, query) -> None:
    config = client_config(embed(client, query))
    assert "bounds" in config["view"] and config["park"] is None


def test_embed_shows_date_and_link_to_full_map(client) -> None:
    html = embed(client, "?lang=en&layers=parks")
    assert "Figures as of Oct 14, 2023" in html
    assert 'href="/?lang=en&amp;layers=parks&amp;base=osm"' in html


def test_frame_ancestors_default_is_same_origin(client) -> None:
    policy = client.get("/embed").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self';" in policy


def test_frame_ancestors_from_config(portal_app) -> None:
    client = portal_app.test_client()
    policy = client.get("/embed").headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {PORTAL} http://127.0.0.1:8001;" in policy
    config = client_config(embed(client))
    assert config["origins"] == ["http://localhost", PORTAL, "http://127.0.0.1:8001"]


@pytest.mark.parametrize(
    "value", ["portal.example.vn", "https://portal.example.vn/page", "ftp://x.vn", "*"]
)
def test_bad_embed_origin_stops_start(tmp_path, value) -> None:
    # checked at start, before the store is opened: no store needed
    with pytest.raises(ConfigError, match="PARKMAP_EMBED_ORIGINS"):
        create_app({"STORE": str(tmp_path / "none.gpkg"), "EMBED_ORIGINS": value})


def test_embed_origins_from_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PARKMAP_EMBED_ORIGINS", "https://a.vn https://B.vn:8443")
    app = create_app({"STORE": str(tmp_path / "none.gpkg")})
    assert app.config["EMBED_ORIGINS"] == ("https://a.vn", "https://b.vn:8443")


def test_embed_js(client) -> None:
    with client.get("/embed.js") as resp:
        assert resp.status_code == 200
        assert resp.mimetype in ("text/javascript", "application/javascript")
        body = resp.get_data(as_text=True)
    assert "postMessage" in body and "e.origin !== mapOrigin" in body


def test_map_checks_message_origins(client) -> None:
    with client.get("/static/parkmap/parkmap.js") as resp:
        js = resp.get_data(as_text=True)
    assert "S.config.origins.indexOf(e.origin) < 0" in js
    assert "parkmap:select" in js


def oembed(client, url: str, **extra: str):
    return client.get("/oembed", query_string={"url": url, **extra})


def test_oembed_for_a_map_url(client) -> None:
    resp = oembed(
        client, "http://localhost/?lang=en&layers=parks&center=20.8,106.7&zoom=12"
    )
    assert resp.status_code == 200
    data = resp.json
    assert data["version"] == "1.0" and data["type"] == "rich"
    assert data["width"] == 800 and data["height"] == 600
    assert data["html"].startswith('<iframe src="http://localhost/embed?lang=en&amp;')
    assert "center=20.80000,106.70000&amp;zoom=12&amp;layers=parks" in data["html"]


def test_oembed_for_an_embed_url_and_size_limits(client) -> None:
    resp = oembed(
        client, "http://localhost/embed?park=a", maxwidth="400", maxheight="x"
    )
    assert resp.status_code == 200
    assert resp.json["width"] == 400 and resp.json["height"] == 600
    assert "park=a" in resp.json["html"]


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/?layers=parks",
        "http://localhost/api/collections",
        "javascript:alert(1)",
        "",
        "http://localhost.evil.example/",
        "//localhost/",
    ],
)
def test_oembed_only_for_this_site(client, url) -> None:
    resp = oembed(client, url)
    assert resp.status_code == 404
    assert resp.mimetype == "application/problem+json"


def test_oembed_xml_not_implemented(client) -> None:
    assert oembed(client, "http://localhost/", format="xml").status_code == 501


@pytest.mark.parametrize("url", ["http://[::1", "https://[evil.example/"])
def test_oembed_refuses_a_url_it_cannot_parse(client, url) -> None:
    # urlsplit's ValueError (an unclosed IPv6 bracket) used to answer 500
    resp = oembed(client, url)
    assert resp.status_code == 400
    assert resp.mimetype == "application/problem+json"
    assert resp.json["parameter"] == "url"


def test_oembed_with_public_url(shared_tiny, tmp_path) -> None:
    app = tiny_app(
        shared_tiny, tmp_path, PUBLIC_URL="https://map.heza.example/parkmap/"
    )
    client = app.test_client()
    good = oembed(client, "https://map.heza.example/parkmap/?layers=parks")
    other = oembed(client, "https://map.heza.example/other/")
    close_store(app)
    assert good.status_code == 200
    assert 'src="https://map.heza.example/parkmap/embed?' in good.json["html"]
    assert other.status_code == 404


def test_portal_example(portal_app) -> None:
    resp = portal_app.test_client().get("/examples/portal?lang=en")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'data-parkmap="http://localhost/embed?lang=en' in html
    assert '<script src="http://localhost/embed.js"></script>' in html
    assert "&lt;script src=&#34;http://localhost/embed.js&#34; async&gt;" in html or (
        '&lt;script src="http://localhost/embed.js" async&gt;' in html
    )
    assert (
        "frame-src 'self' http://localhost;" in resp.headers["Content-Security-Policy"]
    )
