"""Tiles from the store: the GeoPackage fast path agrees with the default one."""

from __future__ import annotations

import mapbox_vector_tile
import numpy as np
import pytest
import shapely

from geo.errors import InvalidTile
from geo.mvt import stable_id
from geo.tiles import tile_for_lonlat, tiles_for_bbox
from layers.build import build
from layers.errors import LayerNotFound
from layers.store.base import Store
from layers.store.gpkg import GpkgStore
from layers.store.open import open_store
from tests.support.data_dirs import make_dataset
from tests.support.stores import KINDS

PARK_A = tile_for_lonlat(106.595, 20.875, 14)


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory: pytest.TempPathFactory) -> GpkgStore:
    """The tiny data set, built once: these tests only read it."""
    root = tmp_path_factory.mktemp("store-tiles")
    path = root / "parkmap.gpkg"
    build(make_dataset(root), path, progress=lambda _msg: None)
    return GpkgStore(path)


@pytest.fixture(scope="module", params=KINDS)
def store(request: pytest.FixtureRequest) -> Store:
    """Either store of the tiny data set (tiles through the Store interface)."""
    if request.param == "gpkg":
        return request.getfixturevalue("gpkg")
    opened = open_store(request.getfixturevalue("pg_shared_store"))
    request.addfinalizer(opened.close)
    return opened


def properties(features, i: int) -> dict:
    row = features.codes[i]
    table = features.values
    return {
        key: bytes(table.data[table.offsets[c] : table.offsets[c + 1]])
        for key, c in zip(features.keys, row, strict=True)
        if c >= 0
    }


@pytest.mark.parametrize("layer", ["parcels", "parks", "landmarks"])
@pytest.mark.parametrize("z", [12, 14, 16])
def test_fast_path_agrees_with_the_default(gpkg: GpkgStore, layer: str, z: int) -> None:
    store = gpkg
    for tile in tiles_for_bbox((106.59, 20.87, 106.62, 20.88), z):
        bounds = tile.bounds_3857()
        fast = store.tile_features(layer, bounds)
        slow = Store.tile_features(store, layer, bounds)
        assert fast.ids.tolist() == slow.ids.tolist()
        assert fast.keys == slow.keys
        assert all(
            shapely.equals_exact(a, b, tolerance=1e-6)
            for a, b in zip(fast.geometries, slow.geometries, strict=True)
        )
        for i in range(len(fast)):
            assert properties(fast, i) == properties(slow, i)


def test_tile_features_are_in_web_mercator(store: Store) -> None:
    features = store.tile_features("landmarks", (-2e7, -2e7, 2e7, 2e7))
    x, y = shapely.get_coordinates(features.geometries).T
    assert np.all(np.abs(x - 11_877_000) < 50_000)  # lon ≈ 106.7 in metres
    assert np.all(np.abs(y - 2_375_000) < 50_000)  # lat ≈ 20.85


def test_tile_ids_are_stable_hashes(store: Store) -> None:
    features = store.tile_features("parcels", PARK_A.bounds_3857())
    ids = {stable_id(f"a-{i}") for i in range(1, 5)}
    assert ids <= set(features.ids.tolist())


def test_tile_decodes_to_the_layer(store: Store) -> None:
    data = store.tile("parcels", PARK_A.z, PARK_A.x, PARK_A.y)
    layer = mapbox_vector_tile.decode(data)["parcels"]
    found = {f["properties"]["parcel_id"] for f in layer["features"]}
    assert {"a-1", "a-2", "a-3", "a-4"} <= found
    assert layer["extent"] == 4096


def test_tile_errors(store: Store) -> None:
    with pytest.raises(LayerNotFound):
        store.tile("roads", 0, 0, 0)
    with pytest.raises(InvalidTile) as err:
        store.tile("parcels", 3, 8, 0)
    assert err.value.parameter == "x"


def test_empty_tile_is_empty_bytes(store: Store) -> None:
    assert store.tile("parcels", 14, 0, 0) == b""


def test_tile_fields_put_the_id_first(store: Store) -> None:
    fields = store.layer("parcels").tile_fields()
    assert fields[0] == "parcel_id" and "status" in fields
    assert len(fields) == len(set(fields))


def test_booleans_stay_booleans(store: Store) -> None:
    data = store.tile("parks", PARK_A.z, PARK_A.x, PARK_A.y)
    parks = mapbox_vector_tile.decode(data)["parks"]["features"]
    eco = {p["properties"]["park_id"]: p["properties"]["eco"] for p in parks}
    assert eco == {"a": True, "b": False}
