"""Raster tiles over HTTP, TileJSON, the listing, and the Folium overlays."""

from __future__ import annotations

from pathlib import Path

import folium
import numpy as np
import pytest

from geo import crs as geocrs
from geo.tiles import MAX_ZOOM
from layers.imagery.rasters import RasterInfo, RasterRegistry
from tests.support.rasters import (
    BLUE,
    RED,
    SPOT,
    decode_image,
    marked_image,
    pixel_in_tile,
)
from webmap import create_app
from webmap.imagery.overlay import compare_pair, raster_overlays
from webmap.imagery.service import raster_tiles
from webmap.settings import ConfigError


def quiet(_message: str) -> None:
    pass


# Raster routes need no vector store: the apps here point STORE at a file that is
# never opened, and keep their rasters beside it.


def raster_app(root: Path):
    return create_app({"TESTING": True, "STORE": str(root / "parkmap.gpkg")})


def import_ortho(app) -> RasterInfo:
    """A VN-2000 image with a red mark on SPOT, registered as ``ortho``."""
    root = Path(app.config["RASTER_DIR"]).parent
    src = marked_image(root, geocrs.VN2000_UTM48)
    return RasterRegistry(app.config["RASTER_DIR"]).import_file(
        src, name="ortho", date="2024-03", label="UAV <b>survey</b>", progress=quiet
    )


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory):
    """One app with ``ortho`` for the tests that only read."""
    app = raster_app(tmp_path_factory.mktemp("raster-app"))
    return app, import_ortho(app)


@pytest.fixture
def app(shared):
    return shared[0]


@pytest.fixture
def ortho(shared) -> RasterInfo:
    return shared[1]


@pytest.fixture
def own_app(tmp_path: Path):
    """A fresh app with no raster, for the tests that register some."""
    return raster_app(tmp_path)


@pytest.fixture
def registry(own_app) -> RasterRegistry:
    return RasterRegistry(own_app.config["RASTER_DIR"])


def tile_url(lon: float, lat: float, z: int, fmt: str = "png") -> tuple[str, int, int]:
    tz, tx, ty, col, row = pixel_in_tile(lon, lat, z)
    return f"/tiles/raster/ortho/{tz}/{tx}/{ty}.{fmt}", col, row


@pytest.mark.parametrize("z", [14, 16, 18])
def test_png_tile_has_the_mark_at_its_lonlat(client, ortho, z: int):
    url, col, row = tile_url(*SPOT, z)
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert tuple(decode_image(response.data)[:3, row, col]) == RED


def test_webp_tile(client, ortho):
    url, col, row = tile_url(SPOT[0] + 0.002, SPOT[1], 16, "webp")
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/webp"
    pixel = decode_image(response.data)[:, row, col].astype(int)
    assert np.abs(pixel[:3] - BLUE).max() < 16  # lossy


def test_tile_outside_the_footprint_is_transparent(client, ortho):
    response = client.get("/tiles/raster/ortho/16/0/0.png")
    assert response.status_code == 200
    assert decode_image(response.data)[-1].max() == 0


def test_edge_tile_is_transparent_outside_the_image(client, ortho):
    url, col, row = tile_url(SPOT[0] - 0.0097, SPOT[1], 16)  # 1 km west: off the image
    image = decode_image(client.get(url).data)
    assert image.shape[0] == 4 and image[3, row, col] == 0


def test_cache_headers_and_304(client, ortho):
    url, _, _ = tile_url(*SPOT, 16)
    first = client.get(url)
    etag = first.headers["ETag"]
    assert ortho.checksum[:20] in etag
    assert first.headers["Cache-Control"] == "public, max-age=3600"
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_second_request_comes_from_the_cache(app, client, ortho):
    url, _, _ = tile_url(*SPOT, 16)
    first = client.get(url).data
    with app.app_context():
        before = raster_tiles().cache.stats()["hits"]
    assert client.get(url).data == first
    with app.app_context():
        assert raster_tiles().cache.stats()["hits"] == before + 1


def test_reimport_changes_the_etag(own_app, registry, tmp_path):
    import_ortho(own_app)
    client = own_app.test_client()
    url, _, _ = tile_url(*SPOT, 16)
    old = client.get(url).headers["ETag"]
    src = marked_image(tmp_path, geocrs.UTM48N, pixel=5.0, name="other.tif")
    registry.import_file(src, name="ortho", date="2024-04", label="x", progress=quiet)
    assert client.get(url).headers["ETag"] != old


@pytest.mark.parametrize(
    ("url", "status", "parameter"),
    [
        ("/tiles/raster/nothing/1/0/0.png", 404, None),
        ("/tiles/raster/Bad.Name/1/0/0.png", 400, "name"),
        ("/tiles/raster/ortho/23/0/0.png", 400, "z"),
        ("/tiles/raster/ortho/2/4/0.png", 400, "x"),
        ("/tiles/raster/ortho/2/0/-1.png", 400, "y"),
        ("/tiles/raster/ortho/2/0/0.jpg", 404, None),
        ("/tiles/raster/nothing.json", 404, None),
    ],
)
def test_bad_requests_are_problems(client, ortho, url, status, parameter):
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.get_json().get("parameter") == parameter


def test_tilejson(client, ortho):
    doc = client.get("/tiles/raster/ortho.json").get_json()
    assert doc["tilejson"] == "3.0.0"
    assert doc["tiles"] == ["http://localhost/tiles/raster/ortho/{z}/{x}/{y}.png"]
    assert doc["webp_tiles"][0].endswith("/{z}/{x}/{y}.webp")
    assert (doc["minzoom"], doc["maxzoom"]) == (ortho.minzoom, ortho.maxzoom)
    west, south, east, north = doc["bounds"]
    assert west < SPOT[0] < east and south < SPOT[1] < north
    assert doc["date"] == "2024-03" and doc["description"] == "UAV <b>survey</b>"
    assert doc["resolution_m"] == pytest.approx(10, rel=0.02)
    assert doc["footprint"]["type"] == "Polygon"


def test_tilejson_is_conditional(client, ortho):
    first = client.get("/tiles/raster/ortho.json")
    again = client.get(
        "/tiles/raster/ortho.json", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_listing(client, ortho):
    body = client.get("/tiles/raster/").get_json()
    assert [r["name"] for r in body["rasters"]] == ["ortho"]
    assert body["rasters"][0]["tilejson"] == "http://localhost/tiles/raster/ortho.json"


def test_listing_without_rasters(own_app):
    client = own_app.test_client()
    assert client.get("/tiles/raster/").get_json() == {"rasters": []}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("RASTER_TILE_CACHE_BYTES", "lots"),
        ("RASTER_TILE_MAX_AGE", -1),
        ("RASTER_MAX_PIXELS", 0),
    ],
)
def test_bad_raster_config_names_the_key(tmp_path, key, value):
    with pytest.raises(ConfigError, match=f"PARKMAP_{key}"):
        create_app({"STORE": str(tmp_path / "s.gpkg"), key: value})


def test_raster_dir_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("PARKMAP_RASTER_DIR", str(tmp_path / "imagery"))
    app = create_app({"STORE": str(tmp_path / "s.gpkg")})
    assert app.config["RASTER_DIR"] == str(tmp_path / "imagery")


# --- Folium overlays --------------------------------------------------------------


def _same_area_pair(registry, tmp_path) -> list[RasterInfo]:
    infos = []
    for date in ("2023-06", "2023-10"):
        src = marked_image(tmp_path, geocrs.UTM48N, name=f"{date}.tif")
        infos.append(
            registry.import_file(
                src,
                name=f"site-{date}",
                date=date,
                label=f"Site {date}",
                progress=quiet,
            )
        )
    return infos


def test_overlays_are_tile_layers_with_opacity(app, ortho):
    with app.test_request_context("/"):
        overlays = raster_overlays(opacity=0.6)
        m = folium.Map(tiles=None)
        overlays.add_to(m)
        folium.LayerControl().add_to(m)
        html = m.get_root().render()
    layer = overlays.layers["ortho"]
    assert (
        layer.options["opacity"] == 0.6
        and layer.options["max_native_zoom"] == ortho.maxzoom
    )
    assert layer.options["max_zoom"] == MAX_ZOOM
    assert "http://localhost/tiles/raster/ortho/{z}/{x}/{y}.png" in html
    # the layer control inserts names as HTML: they are escaped, then JSON-encoded
    assert "UAV \\u0026lt;b\\u0026gt;survey" in html
    assert "UAV <b>" not in html and "UAV \\u003cb\\u003esurvey" in html  # tojson
    assert "pm-raster-opacity" in html
    assert overlays.swipe is None  # one raster: nothing to compare


def test_swipe_between_two_dates_of_the_same_area(own_app, registry, tmp_path):
    _same_area_pair(registry, tmp_path)
    with own_app.test_request_context("/"):
        overlays = raster_overlays(compare=("site-2023-06", "site-2023-10"))
        m = folium.Map(tiles=None)
        overlays.add_to(m)
        html = m.get_root().render()
    older, newer = overlays.pair
    assert (older.name, newer.name) == ("site-2023-06", "site-2023-10")
    assert overlays.swipe is not None
    assert overlays.swipe.initial == ["site-2023-06", "site-2023-10"]
    assert "pm-raster-swipe" in html and "cdn" not in html.split("<body>")[-1]


def test_compare_pair_needs_the_same_area(registry, tmp_path):
    infos = _same_area_pair(registry, tmp_path)
    far = RasterInfo(
        **{
            **infos[1].to_dict(),
            "name": "far",
            "date": "2025-01",
            "footprint": tuple((x + 1.0, y) for x, y in infos[1].footprint),
        }
    )
    assert compare_pair([infos[0], far]) is None
    assert compare_pair([infos[0], infos[1], far]) == (infos[0], infos[1])
