"""Absolute links come from PARKMAP_PUBLIC_URL or an allowed host (issue 15.2, 15.7).

A client's ``Host`` or ``X-Forwarded-Host`` header must never reach a link that a
cache or another reader gets: TileJSON, the OGC API, /openapi.json, oEmbed and the
pages' share links. Without PARKMAP_PUBLIC_URL, only allow-listed hosts are
answered at all.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.apps import isolated
from webmap import create_app
from webmap.core.cache import KEY as CACHE_KEY
from webmap.settings import ConfigError

PUBLIC = "https://map.example.org"
EVIL = {"X-Forwarded-Host": "evil.example", "Host": "evil2.example"}


def make(data_dir: Path, store: Path, tmp_path: Path, **settings):
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "STORE": str(store),
            **isolated(tmp_path),
            "TRUSTED_PROXIES": 1,
            **settings,
        }
    )


@pytest.fixture
def public_app(data_dir: Path, built: Path, tmp_path: Path):
    return make(data_dir, built, tmp_path, PUBLIC_URL=PUBLIC)


def no_evil(text: str) -> None:
    assert "evil" not in text


@pytest.mark.parametrize(
    "path",
    [
        "/tiles/parcels.json",
        "/api",
        "/api/collections",
        "/api/collections/parcels/items?limit=2",
        "/openapi.json",
        "/oembed?url=" + PUBLIC + "/%3Flang%3Den",
        "/?lang=en",
        "/parcels/a-1?lang=en",
        "/examples/portal?lang=en",
    ],
)
def test_forwarded_host_never_reaches_a_link(public_app, path: str) -> None:
    resp = public_app.test_client().get(path, headers=EVIL)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    body = resp.get_data(as_text=True)
    no_evil(body)
    no_evil(resp.headers.get("Content-Security-Policy", ""))
    assert PUBLIC in body or "map.example.org" in body


def test_tilejson_tiles_are_under_the_public_url(public_app) -> None:
    doc = public_app.test_client().get("/tiles/parcels.json", headers=EVIL).json
    assert doc["tiles"] == [f"{PUBLIC}/tiles/parcels/{{z}}/{{x}}/{{y}}.mvt"]


def test_ogc_links_are_under_the_public_url(public_app) -> None:
    doc = public_app.test_client().get("/api?f=json", headers=EVIL).json
    hrefs = [link["href"] for link in doc["links"]]
    assert hrefs and all(h.startswith(f"{PUBLIC}/") for h in hrefs)


def test_a_path_prefix_appears_once(data_dir: Path, built: Path, tmp_path) -> None:
    app = make(data_dir, built, tmp_path, PUBLIC_URL=PUBLIC + "/heza")
    client = app.test_client()
    for root in ("", "/heza"):  # nginx strips the prefix, or passes SCRIPT_NAME
        doc = client.get(
            "/tiles/parcels.json", environ_overrides={"SCRIPT_NAME": root}
        ).json
        assert doc["tiles"] == [f"{PUBLIC}/heza/tiles/parcels/{{z}}/{{x}}/{{y}}.mvt"]


def test_without_public_url_other_hosts_are_refused(
    data_dir: Path, built: Path, tmp_path: Path
) -> None:
    client = make(data_dir, built, tmp_path).test_client()
    assert client.get("/tiles/parcels.json").status_code == 200  # localhost
    for headers in ({"X-Forwarded-Host": "evil.example"}, {"Host": "evil.example"}):
        resp = client.get("/tiles/parcels.json", headers=headers)
        assert resp.status_code == 400
        assert resp.mimetype == "application/problem+json"
        assert "evil.example" in resp.json["detail"]


def test_allowed_hosts_give_their_own_links(
    data_dir: Path, built: Path, tmp_path: Path
) -> None:
    app = make(data_dir, built, tmp_path, ALLOWED_HOSTS="maps.example.vn, .heza.vn")
    client = app.test_client()
    for host in ("maps.example.vn", "portal.heza.vn:8443"):
        doc = client.get("/tiles/parcels.json", headers={"Host": host}).json
        assert doc["tiles"][0].startswith(f"http://{host}/tiles/")
    assert client.get("/healthz", headers={"Host": "evil.vn"}).status_code == 400
    assert client.get("/healthz").status_code == 400  # localhost is not listed


@pytest.mark.parametrize(
    "value", ["https://map.example.org", "map.example.org:443", "a/b", "*"]
)
def test_bad_allowed_hosts_name_the_setting(value: str) -> None:
    with pytest.raises(ConfigError, match="PARKMAP_ALLOWED_HOSTS"):
        create_app({"TESTING": True, "ALLOWED_HOSTS": value})


def test_production_needs_the_public_url() -> None:
    with pytest.raises(ConfigError, match="PARKMAP_PUBLIC_URL is required"):
        create_app({"TESTING": True, "ENV_NAME": "production"})


def memo_keys(app) -> list[str]:
    spaces = app.extensions.get(CACHE_KEY, {})
    return [json.dumps(key, default=str) for c in spaces.values() for key in c.items]


def test_invented_hosts_add_no_memo_entries(public_app) -> None:
    """/openapi.json and the map page are kept once, whatever Host a client sends."""
    client = public_app.test_client()
    for n in range(40):
        headers = {"Host": f"h{n}.invented.example"}
        assert client.get("/openapi.json", headers=headers).status_code == 200
        assert client.get("/?lang=en", headers=headers).status_code == 200
    keys = memo_keys(public_app)
    assert sum('"openapi"' in k for k in keys) == 1
    assert not any("invented" in k for k in keys)
