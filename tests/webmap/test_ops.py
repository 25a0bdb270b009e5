"""Operations: /healthz and /readyz, Prometheus /metrics, the JSON access log."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from geo.tiles import tile_for_lonlat
from tests.support.accounts import login, make_user
from tests.support.apps import close_store
from webmap import create_app
from webmap.settings import ConfigError

PARK_A = tile_for_lonlat(106.595, 20.875, 14)


def make_app(store: Path | str, tmp_path: Path, **config):
    return create_app(
        {"TESTING": True, "STORE": str(store), "STATE_DIR": str(tmp_path), **config}
    )


@pytest.fixture
def ops_app(shared_store: Path, tmp_path: Path) -> Iterator:
    app = make_app(shared_store, tmp_path, METRICS=True)
    yield app
    close_store(app)


def samples(text: str, name: str) -> list:
    return [
        sample
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    ]


class ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def access_lines() -> Iterator[list[str]]:
    logger = logging.getLogger("webmap.access")
    handler = ListHandler()
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


# --- /healthz and /readyz ---


def test_readyz_names_the_store_and_build(ops_app) -> None:
    resp = ops_app.test_client().get("/readyz")
    assert resp.status_code == 200
    assert resp.json["status"] == "ready" and resp.json["store"] == "gpkg"
    assert resp.json["build_id"]


def test_readyz_is_503_without_a_store(tmp_path: Path) -> None:
    app = make_app(tmp_path / "missing.gpkg", tmp_path)
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503
    assert resp.mimetype == "application/problem+json"
    assert "no store at" in resp.json["detail"]
    assert resp.headers["Cache-Control"] == "no-store"


def test_readyz_is_503_for_a_file_that_is_not_a_store(tmp_path: Path) -> None:
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"not sqlite at all" * 100)
    resp = make_app(junk, tmp_path).test_client().get("/readyz")
    assert resp.status_code == 503 and resp.json["title"] == "StoreUnavailable"


def test_healthz_needs_no_store(tmp_path: Path) -> None:
    app = make_app(tmp_path / "missing.gpkg", tmp_path)
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 200 and resp.json == {"status": "ok"}


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_are_not_cached_and_set_no_cookie(ops_app, path: str) -> None:
    resp = ops_app.test_client().get(path)
    assert resp.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in resp.headers


# --- /metrics ---


def test_metrics_are_off_by_default(shared_store: Path, tmp_path: Path) -> None:
    resp = make_app(shared_store, tmp_path).test_client().get("/metrics")
    assert resp.status_code == 404


def test_metrics_setting_must_be_a_flag(shared_store: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="PARKMAP_METRICS"):
        make_app(shared_store, tmp_path, METRICS="maybe")


def test_metrics_count_requests_by_route(ops_app) -> None:
    client = ops_app.test_client()
    client.get("/parcels/NO-SUCH-1")
    client.get("/parcels/NO-SUCH-2")
    resp = client.get("/metrics")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    series = [
        s
        for s in samples(resp.text, "parkmap_http_requests_total")
        if s.labels["route"].startswith("/parcels/")
    ]
    assert len(series) == 1
    assert series[0].labels["route"] == "/parcels/<path:parcel_id>"
    assert series[0].labels["method"] == "GET" and series[0].value == 2
    assert "NO-SUCH" not in resp.text


def test_metrics_have_latency_and_store_info(ops_app) -> None:
    client = ops_app.test_client()
    client.get("/healthz")
    text = client.get("/metrics").text
    counts = samples(text, "parkmap_http_request_duration_seconds_count")
    assert {s.labels["route"]: s.value for s in counts}["/healthz"] == 1
    (info,) = samples(text, "parkmap_store_info")
    assert info.labels["kind"] == "gpkg" and info.labels["build_id"]
    assert samples(text, "parkmap_store_up")[0].value == 1


def test_unknown_paths_share_one_series(ops_app) -> None:
    client = ops_app.test_client()
    client.get("/no/such/page")
    client.get("/another/missing/page")
    routes = {
        s.labels["route"]
        for s in samples(client.get("/metrics").text, "parkmap_http_requests_total")
    }
    assert "unmatched" in routes and not any("missing" in r for r in routes)


def test_tile_cache_hits_show_in_metrics(ops_app) -> None:
    client = ops_app.test_client()
    url = f"/tiles/parks/{PARK_A.z}/{PARK_A.x}/{PARK_A.y}.mvt"
    client.get(url)
    client.get(url)
    text = client.get("/metrics").text

    def vector(name: str) -> float:
        (sample,) = [s for s in samples(text, name) if s.labels["cache"] == "vector"]
        return sample.value

    assert vector("parkmap_tile_cache_hits_total") == 1
    assert vector("parkmap_tile_cache_misses_total") == 1
    assert vector("parkmap_tile_cache_entries") == 1
    assert vector("parkmap_tile_cache_bytes") > 0


def test_metrics_token_is_required_when_set(shared_store: Path, tmp_path: Path):
    app = make_app(shared_store, tmp_path, METRICS=True, METRICS_TOKEN="s3cret")
    client = app.test_client()
    denied = client.get("/metrics")
    assert denied.status_code == 401
    assert denied.headers["WWW-Authenticate"].lower().startswith("bearer")
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    ok = client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200


PRODUCTION = {"ENV_NAME": "production", "PUBLIC_URL": "https://map.example.org"}


def test_metrics_in_production_need_a_token(shared_store: Path, tmp_path: Path):
    with pytest.raises(ConfigError, match="PARKMAP_METRICS_TOKEN is required"):
        make_app(shared_store, tmp_path, METRICS=True, **PRODUCTION)


@pytest.mark.parametrize(
    "config", [{"METRICS": True, "METRICS_TOKEN": "s3cret"}, {"METRICS": False}]
)
def test_production_starts_with_a_token_or_without_metrics(
    shared_store: Path, tmp_path: Path, config: dict
) -> None:
    app = make_app(shared_store, tmp_path, **PRODUCTION, **config)
    assert app.test_client().get("/metrics").status_code in {401, 404}


# --- access log and request ids ---


def test_access_log_line_is_json(shared_store: Path, tmp_path: Path, access_lines):
    app = make_app(shared_store, tmp_path, ACCESS_LOG=True)
    app.test_client().get(
        "/parcels/P-1?secret=x",
        headers={"X-Request-ID": "abc-123", "Authorization": "Bearer hidden"},
    )
    (line,) = access_lines
    record = json.loads(line)
    assert record["method"] == "GET" and record["status"] == 404
    assert record["route"] == "/parcels/<path:parcel_id>"
    assert record["path"] == "/parcels/P-1" and record["request_id"] == "abc-123"
    assert record["duration_ms"] >= 0 and record["user"] is None
    assert {"bytes", "remote_addr"} <= record.keys()
    assert "secret" not in line and "hidden" not in line


def test_access_log_is_off_in_development(ops_app, access_lines) -> None:
    ops_app.test_client().get("/healthz")
    assert access_lines == []


def test_request_id_is_echoed(ops_app) -> None:
    client = ops_app.test_client()
    resp = client.get("/healthz", headers={"X-Request-ID": "req-42"})
    assert resp.headers["X-Request-ID"] == "req-42"


def test_unsafe_request_id_is_replaced(ops_app) -> None:
    client = ops_app.test_client()
    resp = client.get("/healthz", headers={"X-Request-ID": "a b\x00<script>"})
    given = resp.headers["X-Request-ID"]
    assert given and "<" not in given and " " not in given


def test_access_log_names_the_signed_in_user(auth_app, auth_client, access_lines):
    auth_app.config["ACCESS_LOG"] = True
    make_user(auth_app, "planner1", role="planner")
    login(auth_client, "planner1")
    access_lines.clear()
    auth_client.get("/healthz")
    (line,) = access_lines
    assert json.loads(line)["user"] == "planner1"
