"""Compressed responses: negotiation, identical decoded bytes, ETags, 304, HEAD."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest

from geo import crs as geocrs
from geo.tiles import tile_for_lonlat
from layers.imagery.rasters import RasterRegistry
from tests.support.apps import close_store
from tests.support.rasters import SPOT, marked_image, pixel_in_tile
from webmap import create_app
from webmap.core.compression import CACHE_KEY, widen_if_none_match
from webmap.core.encoding import compressible, encode, negotiate
from webmap.settings import ConfigError

PARK_A = tile_for_lonlat(106.595, 20.875, 14)  # holds parcels a-1, a-2
TILE = f"/tiles/parcels/{PARK_A.z}/{PARK_A.x}/{PARK_A.y}.mvt"
LEAFLET = "/static/vendor/leaflet/dist/leaflet.js"
URLS = {
    "map page": "/?lang=en",
    "json": "/api/collections?f=json",
    "geojson": "/api/collections/parcels/items?limit=50",
    "mvt": TILE,
    "vendor js": LEAFLET,
    "vendor css": "/static/vendor/leaflet/dist/leaflet.css",
    "app css": "/static/parkmap/parkmap.css",
}
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda b: b}
NONCE = re.compile(rb'nonce="[^"]+"')


@pytest.fixture(scope="module")
def app(shared_tiny: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory):
    data, store = shared_tiny
    state = tmp_path_factory.mktemp("state")
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data),
            "STORE": store,
            "STATE_DIR": str(state),
        }
    )
    yield app
    close_store(app)


def get(client, url: str, coding: str, **headers: str):
    """A GET read whole (file bodies closed at once)."""
    return client.get(
        url, headers={"Accept-Encoding": coding, **headers}, buffered=True
    )


@pytest.mark.parametrize(
    ("header", "coding"),
    [
        (None, None),
        ("", None),
        ("identity", None),
        ("gzip", "gzip"),
        ("x-gzip", "gzip"),
        ("br", "br"),
        ("gzip, deflate, br", "br"),
        ("gzip, deflate, br, zstd", "br"),
        ("GZIP;Q=1, BR;q=1", "br"),
        ("br;q=0.5, gzip", "gzip"),
        ("br;q=0, gzip;q=0.1", "gzip"),
        ("br;q=0, gzip;q=0", None),
        ("deflate", None),
        ("*", "br"),
        ("*;q=0.5, gzip", "gzip"),
        ("*;q=0, gzip", "gzip"),
        ("br;q=0, *", "gzip"),
        ("*;q=0", None),
        ("identity;q=0", None),  # nothing acceptable: identity all the same
        ("identity;q=0, gzip", "gzip"),
        ("identity, gzip;q=0.5", None),  # the client prefers plain bytes
        ("gzip;q=abc, br", "br"),  # a malformed entry is dropped
        ("gzip;q=2", None),
        (" br ; q=0.9 ,gzip;q=0.8", "br"),
    ],
)
def test_negotiation(header: str | None, coding: str | None) -> None:
    assert negotiate(header) == coding


@pytest.mark.parametrize(
    ("mimetype", "ok"),
    [
        ("text/html; charset=utf-8", True),
        ("application/json", True),
        ("application/geo+json", True),
        ("application/problem+json", True),
        ("application/vnd.mapbox-vector-tile", True),
        ("text/javascript", True),
        ("text/css", True),
        ("image/svg+xml", True),
        ("text/csv", True),
        ("application/vnd.google-earth.kml+xml", True),
        ("image/png", False),
        ("image/jpeg", False),
        ("image/webp", False),
        ("font/woff2", False),
        ("application/zip", False),
        ("text/event-stream", False),
        ("", False),
    ],
)
def test_compressible_types(mimetype: str, ok: bool) -> None:
    assert compressible(mimetype) is ok


def test_unknown_coding_is_refused() -> None:
    with pytest.raises(ValueError, match="br or gzip"):
        encode(b"x", "zstd")


def test_if_none_match_names_the_plain_tag_of_a_variant() -> None:
    header, plain = widen_if_none_match('"abc-br", W/"def-br", "ghi-gz"', "-br")
    assert plain == {"abc", "def"}
    assert '"abc"' in header and 'W/"def"' in header and '"ghi-gz"' in header
    assert widen_if_none_match("*", "-br") == ("*", frozenset())


@pytest.mark.parametrize("kind", URLS)
@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_decoded_bytes_are_identical(app, kind: str, coding: str) -> None:
    client = app.test_client()
    plain = get(client, URLS[kind], "identity")
    encoded = get(client, URLS[kind], coding)
    assert plain.status_code == encoded.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert encoded.headers["Content-Encoding"] == coding
    assert int(encoded.headers["Content-Length"]) == len(encoded.data)
    assert len(encoded.data) < len(plain.data)
    decoded = DECODE[coding](encoded.data)
    assert NONCE.sub(b"", decoded) == NONCE.sub(b"", plain.data)  # nonce: per request
    assert "Accept-Encoding" in encoded.vary and "Accept-Encoding" in plain.vary


def test_vary_keeps_what_the_view_set(app) -> None:
    resp = get(app.test_client(), URLS["geojson"], "br")
    assert list(resp.vary) == ["Accept", "Accept-Encoding"]


@pytest.mark.parametrize("kind", ["geojson", "mvt", "vendor js"])
def test_etag_per_coding_and_each_revalidates(app, kind: str) -> None:
    client = app.test_client()
    tags = {c: get(client, URLS[kind], c).headers["ETag"] for c in ("identity", "br")}
    tags["gzip"] = get(client, URLS[kind], "gzip").headers["ETag"]
    assert len(set(tags.values())) == 3
    assert tags["br"] == tags["identity"][:-1] + '-br"'
    for coding, tag in tags.items():
        again = get(client, URLS[kind], coding, **{"If-None-Match": tag})
        assert again.status_code == 304, coding
        assert again.headers["ETag"] == tag
        assert again.data == b""


def test_another_codings_etag_is_not_a_match(app) -> None:
    client = app.test_client()
    gz_tag = get(client, TILE, "gzip").headers["ETag"]
    resp = get(client, TILE, "br", **{"If-None-Match": gz_tag})
    assert resp.status_code == 200 and resp.headers["Content-Encoding"] == "br"


@pytest.mark.parametrize("kind", ["map page", "vendor js", "mvt"])
def test_head_has_the_headers_of_get_and_no_body(app, kind: str) -> None:
    client = app.test_client()
    full = get(client, URLS[kind], "br")
    head = client.head(URLS[kind], headers={"Accept-Encoding": "br"}, buffered=True)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Encoding"] == "br"
    if kind != "map page":  # the page's nonce changes its length a little
        assert head.headers["Content-Length"] == full.headers["Content-Length"]


def test_png_file_is_never_compressed(app) -> None:
    resp = get(
        app.test_client(), "/static/vendor/leaflet/dist/images/layers-2x.png", "br"
    )
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    assert "Content-Encoding" not in resp.headers
    assert "Accept-Encoding" not in resp.vary


def test_small_bodies_stay_plain(app) -> None:
    resp = get(app.test_client(), "/healthz", "br")
    assert len(resp.data) < 512
    assert "Content-Encoding" not in resp.headers
    assert "Accept-Encoding" not in resp.vary


def test_a_range_request_gets_plain_bytes(app) -> None:
    resp = get(app.test_client(), LEAFLET, "br", Range="bytes=0-99")
    assert resp.status_code == 206 and len(resp.data) == 100
    assert "Content-Encoding" not in resp.headers


def test_compressed_responses_announce_no_ranges(app) -> None:
    client = app.test_client()
    assert get(client, LEAFLET, "identity").headers["Accept-Ranges"] == "bytes"
    assert "Accept-Ranges" not in get(client, LEAFLET, "br").headers


def test_files_and_tiles_are_compressed_once(app) -> None:
    cache = app.extensions[CACHE_KEY]
    client = app.test_client()
    for url in (LEAFLET, TILE):
        get(client, url, "gzip")  # may be a hit left by another test: count from here
        hits = cache.hits
        assert get(client, url, "gzip").headers["Content-Encoding"] == "gzip"
        assert cache.hits == hits + 1, url


def test_map_page_access_log_counts_encoded_bytes(app, caplog) -> None:
    app.config["ACCESS_LOG"] = True
    try:
        with caplog.at_level("INFO", logger="webmap.access"):
            resp = get(app.test_client(), URLS["map page"], "br")
    finally:
        app.config["ACCESS_LOG"] = False
    assert f'"bytes": {len(resp.data)}' in caplog.records[-1].getMessage()


def test_compression_can_be_turned_off(shared_tiny: tuple[Path, str]) -> None:
    app = create_app({"TESTING": True, "STORE": shared_tiny[1], "COMPRESSION": "0"})
    resp = get(app.test_client(), LEAFLET, "br")
    assert "Content-Encoding" not in resp.headers


@pytest.mark.parametrize(
    ("key", "value"), [("COMPRESSION", "maybe"), ("COMPRESSION_CACHE_BYTES", "-1")]
)
def test_bad_setting_names_the_variable(tmp_path: Path, key: str, value: str) -> None:
    with pytest.raises(ConfigError, match=f"PARKMAP_{key}"):
        create_app({"TESTING": True, "STORE": str(tmp_path / "x.gpkg"), key: value})


def test_png_raster_tile_is_never_compressed(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "STORE": str(tmp_path / "parkmap.gpkg")})
    source = marked_image(tmp_path, geocrs.VN2000_UTM48)
    RasterRegistry(app.config["RASTER_DIR"]).import_file(
        source, name="ortho", date="2024-03", label="ortho", progress=lambda _m: None
    )
    z, x, y, _, _ = pixel_in_tile(*SPOT, 14)
    resp = get(app.test_client(), f"/tiles/raster/ortho/{z}/{x}/{y}.png", "br, gzip")
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    assert len(resp.data) >= 512
    assert "Content-Encoding" not in resp.headers
    assert "Accept-Encoding" not in resp.vary


def test_a_page_under_one_etag_is_never_served_stale(
    shared_tiny: tuple[Path, str], tmp_path: Path
) -> None:
    """A view's strong ETag need not cover every byte (a CSP nonce): each compressed
    answer must decode to that request's own body, not the first one's."""
    data, store = shared_tiny
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data),
            "STORE": store,
            "STATE_DIR": str(tmp_path),
        }
    )
    seen: list[int] = []

    @app.get("/_test-nonce-page")
    def nonce_page():
        seen.append(len(seen))
        response = app.response_class(
            f"<!doctype html><p>{'x' * 2000}</p><script nonce=n{len(seen)}></script>",
            mimetype="text/html",
        )
        response.set_etag("same-for-every-request")
        return response

    client = app.test_client()
    bodies = [
        brotli.decompress(get(client, "/_test-nonce-page", "br").data) for _ in range(3)
    ]
    assert [b.count(b"nonce=n%d" % (i + 1)) for i, b in enumerate(bodies)] == [1, 1, 1]
