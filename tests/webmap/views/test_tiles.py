"""Vector tiles over HTTP: status codes, caching headers, TileJSON, consistency."""

from __future__ import annotations

import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import mapbox_vector_tile
import pytest

from geo.tiles import Tile, tile_for_lonlat, tiles_for_bbox
from layers.build import build
from tests.support.apps import close_store
from tests.support.data_dirs import make_dataset
from tests.support.stores import build_for, quiet
from webmap import create_app
from webmap.core.store import get_store
from webmap.settings import ConfigError
from webmap.views.tiles import CACHE_KEY, MVT_MIMETYPE

PARCELS_BBOX = (106.59, 20.87, 106.62, 20.88)  # tests/support/data_dirs.py
PARK_A = tile_for_lonlat(106.595, 20.875, 14)

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends


@pytest.fixture(scope="module")
def shared(shared_tiny: tuple[Path, str]) -> str:
    """The tiny data set built once, for the tests that only read it: path or URL."""
    return shared_tiny[1]


def tile_app(store: str, **config: object):
    """A fresh app (and tile cache) over ``store``; close it with ``close_store``."""
    return create_app({"TESTING": True, "STORE": store, **config})


@pytest.fixture
def app(shared: str):
    """A fresh app (and tile cache) over the shared store; overrides conftest's."""
    app = tile_app(shared)
    yield app
    close_store(app)


def url(layer: str, tile: Tile) -> str:
    return f"/tiles/{layer}/{tile.z}/{tile.x}/{tile.y}.mvt"


def decode(data: bytes, layer: str) -> list[dict]:
    return mapbox_vector_tile.decode(data).get(layer, {"features": []})["features"]


def tile_ids(client, layer: str, tile: Tile) -> set[str]:
    resp = client.get(url(layer, tile))
    assert resp.status_code in (200, 204)
    id_field = {"parcels": "parcel_id", "parks": "park_id"}[layer]
    return {f["properties"][id_field] for f in decode(resp.data, layer)}


def test_tile_holds_the_parcels(client) -> None:
    resp = client.get(url("parcels", PARK_A))
    assert resp.status_code == 200
    assert resp.mimetype == MVT_MIMETYPE
    features = decode(resp.data, "parcels")
    assert {f["properties"]["parcel_id"] for f in features} >= {"a-1", "a-2"}
    assert all(f["geometry"]["type"] == "Polygon" for f in features)
    assert all(isinstance(f["id"], int) for f in features)


def test_empty_tile_is_204(client) -> None:
    resp = client.get("/tiles/parcels/14/0/0.mvt")
    assert resp.status_code == 204
    assert resp.data == b""
    assert resp.headers["ETag"] and "max-age" in resp.headers["Cache-Control"]


def test_unknown_layer_is_404_even_with_a_matching_etag(client) -> None:
    etag = client.get(url("parcels", PARK_A)).headers["ETag"]
    forged = etag.replace("parcels", "roads")
    resp = client.get(url("roads", PARK_A), headers={"If-None-Match": forged})
    assert resp.status_code == 404


def test_unknown_layer_is_404_problem(client) -> None:
    resp = client.get("/tiles/roads/14/0/0.mvt")
    assert resp.status_code == 404
    assert resp.mimetype == "application/problem+json"
    assert "roads" in resp.json["detail"]


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("23/0/0", "z"),
        ("-1/0/0", "z"),
        ("1.5/0/0", "z"),
        ("abc/0/0", "z"),
        ("99999999999999999999999999/0/0", "z"),
        ("1/2/0", "x"),
        ("14/16384/0", "x"),
        ("1/0/2", "y"),
        ("1/0/%20", "y"),
    ],
)
def test_bad_address_is_400_naming_the_parameter(
    tmp_path: Path, path: str, parameter: str
) -> None:
    # the address is checked before the store is opened: no store needed
    app = create_app({"TESTING": True, "STORE": str(tmp_path / "none.gpkg")})
    resp = app.test_client().get(f"/tiles/parcels/{path}.mvt")
    assert resp.status_code == 400
    assert resp.mimetype == "application/problem+json"
    assert resp.json["parameter"] == parameter
    assert resp.json["status"] == 400 and parameter in resp.json["detail"]


def test_etag_gives_304(client) -> None:
    first = client.get(url("parcels", PARK_A))
    etag = first.headers["ETag"]
    assert etag.startswith('"') and "parcels" in etag
    again = client.get(url("parcels", PARK_A), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    other = client.get(url("parcels", PARK_A), headers={"If-None-Match": '"x"'})
    assert other.status_code == 200


def test_cache_control_is_configurable(shared: str) -> None:
    app = tile_app(shared, TILE_MAX_AGE=60)
    resp = app.test_client().get(url("parcels", PARK_A))
    close_store(app)
    assert resp.headers["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize(
    ("key", "value"),
    [("TILE_MAX_AGE", "soon"), ("TILE_CACHE_BYTES", "-1"), ("TILE_MAXZOOM", "30")],
)
def test_bad_tile_setting_names_the_key(
    monkeypatch: pytest.MonkeyPatch, key: str, value: str
) -> None:
    monkeypatch.setenv(f"PARKMAP_{key}", value)
    with pytest.raises(ConfigError, match=f"PARKMAP_{key}"):
        create_app({"TESTING": True})


def test_rebuild_changes_etag_and_empties_the_cache(
    data_dir: Path, app_store: str
) -> None:
    # a private store, rebuilt under the running app (on PostGIS the build swaps
    # in a new schema while the app's pool stays open)
    app = tile_app(app_store)
    client = app.test_client()
    before = client.get(url("parcels", PARK_A)).headers["ETag"]
    cache = app.extensions[CACHE_KEY]
    assert len(cache) == 1
    build(data_dir, app_store, progress=quiet)
    after = client.get(url("parcels", PARK_A))
    close_store(app)
    assert after.status_code == 200 and after.headers["ETag"] != before
    assert len(cache) == 1 and cache.misses == 2


def test_cache_stays_within_its_bytes(shared: str) -> None:
    app = tile_app(shared, TILE_CACHE_BYTES=2000)
    client = app.test_client()
    tiles = list(tiles_for_bbox(PARCELS_BBOX, 16))
    for tile in tiles * 2:
        client.get(url("parcels", tile))
    close_store(app)
    stats = app.extensions[CACHE_KEY].stats()
    assert 0 < stats["bytes"] <= 2000
    assert stats["entries"] < len(tiles)
    assert stats["hits"] + stats["misses"] == 2 * len(tiles)


def test_repeated_tile_comes_from_the_cache(app, client) -> None:
    client.get(url("parks", PARK_A))
    client.get(url("parks", PARK_A))
    stats = app.extensions[CACHE_KEY].stats()
    assert (stats["hits"], stats["misses"]) == (1, 1)


def test_tilejson(client) -> None:
    client.application.config["PUBLIC_URL"] = "http://maps.example.vn"
    resp = client.get("/tiles/parcels.json")
    assert resp.status_code == 200
    doc = resp.json
    assert doc["tilejson"] == "3.0.0"
    assert doc["tiles"] == ["http://maps.example.vn/tiles/parcels/{z}/{x}/{y}.mvt"]
    assert 0 <= doc["minzoom"] <= doc["maxzoom"] <= 22
    west, south, east, north = doc["bounds"]
    assert (west, south, east, north) == pytest.approx(PARCELS_BBOX)
    lon, lat, zoom = doc["center"]
    assert west < lon < east and south < lat < north and isinstance(zoom, int)
    assert "approximate" in doc["attribution"]
    (layer,) = doc["vector_layers"]
    assert layer["id"] == "parcels"
    assert layer["fields"]["parcel_id"] == "String"
    assert layer["fields"]["area_ha"] == "Number"
    assert "max-age" in resp.headers["Cache-Control"] and resp.headers["ETag"]


def test_tilejson_of_unknown_layer_is_404(client) -> None:
    assert client.get("/tiles/roads.json").status_code == 404


def test_tile_and_tilejson_name_the_same_fields(client) -> None:
    fields = client.get("/tiles/parks.json").json["vector_layers"][0]["fields"]
    (feature, *_) = decode(client.get(url("parks", PARK_A)).data, "parks")
    assert set(feature["properties"]) <= set(fields)
    assert fields["eco"] == "Boolean" and feature["properties"]["eco"] is True


@pytest.fixture
def hidden_app(request: pytest.FixtureRequest, store_kind: str, tmp_path: Path):
    """The tiny data set with the parcels' park_id marked display = false."""
    data = make_dataset(tmp_path)
    spec = data / "layers" / "parcels.toml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(
        text.replace(
            'park_id = { type = "str", required = true }',
            'park_id = { type = "str", required = true, display = false }',
        ),
        encoding="utf-8",
    )
    app = tile_app(build_for(request, data, tmp_path / "hidden.gpkg"))
    yield app
    close_store(app)


def test_only_display_fields_are_in_tiles(hidden_app) -> None:
    client = hidden_app.test_client()
    features = decode(client.get(url("parcels", PARK_A)).data, "parcels")
    assert features and all("park_id" not in f["properties"] for f in features)
    assert all("status" in f["properties"] for f in features)
    fields = client.get("/tiles/parcels.json").json["vector_layers"][0]["fields"]
    assert "park_id" not in fields and "parcel_id" in fields


def _api_ids(client, layer: str, bbox: tuple[float, ...]) -> set[str]:
    text = ",".join(repr(v) for v in bbox)
    resp = client.get(f"/api/collections/{layer}/items?bbox={text}&limit=1000")
    if resp.status_code == 404 and "collections" not in resp.get_data(as_text=True):
        pytest.skip("no items API in this build")
    assert resp.status_code == 200
    return {f["id"] for f in resp.json["features"]}


@pytest.mark.parametrize("z", [14, 15, 16])
@pytest.mark.parametrize("layer", ["parcels", "parks"])
def test_tiles_hold_the_same_features_as_the_items_api(
    app, client, layer: str, z: int
) -> None:
    with app.app_context():
        store = get_store()
    for tile in tiles_for_bbox(PARCELS_BBOX, z):
        bbox = tile.bounds_wgs84()
        expected = {f.id for f in store.query(layer, bbox=bbox, limit=1000).features}
        assert tile_ids(client, layer, tile) == expected, tile
        assert _api_ids(client, layer, bbox) == expected, tile


def test_sample_tiles_match_the_store(sample_app) -> None:
    client = sample_app.test_client()
    with sample_app.app_context():
        store = get_store()
    info = store.layer("parcels")
    assert info.bbox is not None
    for tile in tiles_for_bbox(info.bbox, 14):
        found = store.query("parcels", bbox=tile.bounds_wgs84(), limit=10_000)
        assert tile_ids(client, "parcels", tile) == {f.id for f in found.features}


def test_head_request(client) -> None:
    resp = client.head(url("parcels", PARK_A))
    assert resp.status_code == 200 and resp.headers["ETag"]


def test_concurrent_requests_over_http(live_server: str, shared: str) -> None:
    """Four threads over HTTP get the bytes one thread gets, tile for tile.

    The reference comes from another app over the same store (its own, cold tile
    cache), one request at a time; the served app's cache starts cold too, so the
    threads render as well as read the cache (issue 18: statuses alone would pass
    tiles mixed up between threads).
    """
    tiles = list(tiles_for_bbox(PARCELS_BBOX, 16))

    def fetch(tile: Tile) -> tuple[int, bytes]:
        with urllib.request.urlopen(live_server + url("parcels", tile)) as resp:
            # read it all: closing on unread bytes resets the connection, and the
            # server then never closes the response (live_server waits 5 s for it)
            return resp.status, resp.read()

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(fetch, tiles * 3))
    reference = tile_app(shared)
    try:
        client = reference.test_client()
        alone = {}
        for tile in tiles:
            resp = client.get(url("parcels", tile))
            alone[tile] = (resp.status_code, resp.data)
    finally:
        close_store(reference)
    statuses = [status for status, _ in answers]
    assert set(statuses) <= {200, 204} and 200 in statuses
    mismatched = [
        tile for tile, answer in zip(tiles * 3, answers, strict=True)
        if answer != alone[tile]
    ]  # fmt: skip
    assert not mismatched, (
        f"{len(mismatched)} of {len(answers)} differ: {mismatched[:3]}"
    )
