"""The app factory: configuration, errors, the index page."""

from __future__ import annotations

from pathlib import Path

import pytest

from webmap import create_app
from webmap.settings import ConfigError


def test_env_settings_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PARKMAP_STORE", str(tmp_path / "s.gpkg"))
    monkeypatch.setenv("PARKMAP_PORT", "8080")
    app = create_app()
    assert app.config["STORE"] == str(tmp_path / "s.gpkg")
    assert app.config["PORT"] == 8080


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("PARKMAP_STORE", "PARKMAP_DATA_DIR", "PARKMAP_PORT", "PARKMAP_HOST"):
        monkeypatch.delenv(key, raising=False)
    app = create_app()
    assert app.config["HOST"] == "127.0.0.1" and app.config["PORT"] == 5000
    assert app.config["STORE"].endswith("data/build/parkmap.gpkg")


def test_the_store_follows_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PARKMAP_DATA_DIR", str(tmp_path / "site"))
    monkeypatch.delenv("PARKMAP_STORE", raising=False)
    app = create_app({"TESTING": True})
    assert Path(app.config["STORE"]).is_relative_to(tmp_path / "site")
    assert app.config["STORE"] == str(tmp_path / "site" / "build" / "parkmap.gpkg")


def test_the_store_follows_a_test_configs_data_dir(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path)})
    assert app.config["STORE"] == str(tmp_path / "build" / "parkmap.gpkg")


def test_an_explicit_store_wins_over_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PARKMAP_DATA_DIR", str(tmp_path / "site"))
    monkeypatch.setenv("PARKMAP_STORE", str(tmp_path / "elsewhere.gpkg"))
    app = create_app({"TESTING": True})
    assert app.config["STORE"] == str(tmp_path / "elsewhere.gpkg")


@pytest.mark.parametrize("port", ["http", "70000"])
def test_bad_port_names_the_key(monkeypatch: pytest.MonkeyPatch, port: str) -> None:
    monkeypatch.setenv("PARKMAP_PORT", port)
    with pytest.raises(ConfigError, match="PARKMAP_PORT"):
        create_app()


def test_bad_language_names_the_key() -> None:
    with pytest.raises(ConfigError, match="PARKMAP_DEFAULT_LANGUAGE"):
        create_app({"DEFAULT_LANGUAGE": "fr"})


class _Secret(RuntimeError):
    field = "secret_field"


def _crash() -> str:
    raise _Secret("/srv/parkmap/secret.gpkg: disk I/O error")


@pytest.mark.parametrize("path", ["/crash", "/api/crash"])
def test_a_500_names_neither_the_exception_nor_its_message(
    app, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    app.add_url_rule(path, view_func=_crash)
    resp = app.test_client().get(path)
    assert resp.status_code == 500
    body = resp.get_json()
    assert (
        body["title"] == "Internal Server Error" and body["detail"] == "internal error"
    )
    assert "_Secret" not in resp.text and "secret" not in resp.text
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert "unhandled _Secret" in logged and "disk I/O error" in logged


def test_healthz(client) -> None:
    assert client.get("/healthz").json == {"status": "ok"}


def test_index_is_the_map_with_every_layer(client) -> None:
    body = client.get("/").get_data(as_text=True)
    assert 'class="folium-map"' in body
    assert "Khu công nghiệp" in body  # the parks layer's Vietnamese title
    assert "/tiles/parcels/{z}/{x}/{y}.mvt" in body


def test_store_not_built_is_503_problem(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "STORE": str(tmp_path / "missing.gpkg")})
    resp = app.test_client().get("/")
    assert resp.status_code == 503
    assert resp.mimetype == "application/problem+json"
    assert "build" in resp.json["detail"]


def test_unknown_route_is_404_problem(client) -> None:
    resp = client.get("/nowhere")
    assert resp.status_code == 404
    assert resp.json["status"] == 404
