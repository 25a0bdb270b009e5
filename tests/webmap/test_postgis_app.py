"""The web app over PostGIS answers what it answers over the GeoPackage."""

from __future__ import annotations

import mapbox_vector_tile
import pytest

from geo.tiles import tile_for_lonlat, tiles_for_bbox
from layers.build import build
from layers.store.open import open_store
from tests.support.data_dirs import make_dataset
from webmap import create_app

ITEMS = "/api/collections/parcels/items"
PATHS = [
    "/api/",
    "/api/conformance",
    "/api/collections",
    "/api/collections/parcels",
    "/api/collections/parcels/queryables",
    ITEMS,
    f"{ITEMS}?limit=2&offset=3",
    f"{ITEMS}?bbox=106.59,20.87,106.5951,20.8751",
    f"{ITEMS}?bbox=106.615,20.0,-170,21.0",
    f"{ITEMS}?status=leased&park_id=a",
    f"{ITEMS}?area_ha=abc",
    f"{ITEMS}?colour=red",
    f"{ITEMS}/b-2",
    f"{ITEMS}/zz",
    "/api/collections/parks/items?eco=true",
    "/api/collections/landmarks/items",
    "/api/collections/rivers/items",
    "/tiles/parcels.json",
    "/land/search.json",
    "/land/search.json?status=leased,available&sort=area&order=asc&limit=3",
    "/land/search.json?min_ha=0.5&offset=1",
    "/land/search.json?park=nowhere",
]


@pytest.fixture(scope="module")
def clients(shared_client, pg_shared_store: str):
    """(GeoPackage client, PostGIS client) over the same tiny data set."""
    app = create_app({"TESTING": True, "STORE": pg_shared_store})
    yield shared_client, app.test_client()
    app.extensions["parkmap.store"].close()


@pytest.mark.parametrize("path", PATHS)
def test_same_answers(clients, path: str) -> None:
    gpkg, pg = (c.get(path) for c in clients)
    assert (pg.status_code, pg.mimetype) == (gpkg.status_code, gpkg.mimetype)
    assert pg.get_data() == gpkg.get_data()


def test_same_tiles(clients) -> None:
    for tile in tiles_for_bbox((106.59, 20.87, 106.62, 20.88), 15):
        path = f"/tiles/parcels/{tile.z}/{tile.x}/{tile.y}.mvt"
        gpkg, pg = (c.get(path) for c in clients)
        assert pg.status_code == gpkg.status_code
        mine, theirs = (
            {f["id"]: f["properties"] for f in decode(r.data)} for r in (pg, gpkg)
        )
        assert mine == theirs


def decode(data: bytes) -> list[dict]:
    return mapbox_vector_tile.decode(data).get("parcels", {"features": []})["features"]


def test_etag_follows_the_postgis_build(tmp_path, pg_url: str) -> None:
    data = make_dataset(tmp_path)
    build(data, pg_url, progress=lambda _msg: None)
    client = create_app({"TESTING": True, "STORE": pg_url}).test_client()
    tile = tile_for_lonlat(106.595, 20.875, 14)
    path = f"/tiles/parcels/{tile.z}/{tile.x}/{tile.y}.mvt"
    etag = client.get(path).headers["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    build(data, pg_url, progress=lambda _msg: None)
    assert client.get(path).headers["ETag"] != etag
    client.application.extensions["parkmap.store"].close()


def test_cli_builds_into_postgis(tmp_path, pg_url: str) -> None:
    data = make_dataset(tmp_path)
    app = create_app({"TESTING": True, "DATA_DIR": str(data), "STORE": pg_url})
    result = app.test_cli_runner().invoke(args=["build"])
    assert result.exit_code == 0, result.output
    store = open_store(pg_url)
    assert store.query("parcels").number_matched == 6
    store.close()
