"""The PostGIS store answers what the GeoPackage store answers, for the sample data."""

from __future__ import annotations

from pathlib import Path

import mapbox_vector_tile
import pytest
import shapely
from shapely.geometry import shape

from geo.tiles import tiles_for_bbox
from layers.store import Store
from layers.store.gpkg import GpkgStore
from layers.store.postgis import PostgisStore

LAYERS = ["zones", "parks", "parcels", "berths", "housing", "landmarks"]
LAYERS += ["roads", "isochrones", "substations", "water_plants"]  # issue 19
BOXES = [
    None,
    (106.55, 20.80, 106.75, 20.95),
    (106.70, 20.60, 107.05, 21.00),
    (106.59, 20.87, 106.60, 20.88),
    (0.0, 0.0, 1.0, 1.0),
]


@pytest.fixture(scope="module")
def gpkg(sample_store: Path):
    store = GpkgStore(sample_store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def pg(pg_sample_store: str):
    store = PostgisStore(pg_sample_store)
    yield store
    store.close()


def test_same_layers(gpkg: Store, pg: Store) -> None:
    assert pg.layers() == gpkg.layers()


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("bbox", BOXES)
def test_same_geojson_texts(gpkg: Store, pg: Store, layer: str, bbox) -> None:
    assert pg.query_geojson(layer, bbox, limit=10_000) == gpkg.query_geojson(
        layer, bbox, limit=10_000
    )


@pytest.mark.parametrize(
    "filters",
    [
        {"status": "available"},
        {"park_id": "nomura", "status": "leased"},
        {"clr_stage": "compensating"},
        {"source": "illustrative"},
    ],
)
@pytest.mark.parametrize(("limit", "offset"), [(100, 0), (7, 3), (0, 0), (5, 10_000)])
def test_same_filtered_pages(
    gpkg: Store, pg: Store, filters: dict, limit: int, offset: int
) -> None:
    bbox = BOXES[1]
    assert pg.query_geojson(
        "parcels", bbox, filters, limit, offset
    ) == gpkg.query_geojson("parcels", bbox, filters, limit, offset)
    mine, theirs = (
        s.query("parcels", bbox, filters, limit, offset) for s in (pg, gpkg)
    )
    assert mine.number_matched == theirs.number_matched
    assert [(f.id, f.properties) for f in mine.features] == [
        (f.id, f.properties) for f in theirs.features
    ]
    assert all(
        shapely.equals_exact(a.geometry, b.geometry, tolerance=0)
        for a, b in zip(mine.features, theirs.features, strict=True)
    )


def test_same_typed_filters_on_parks(gpkg: Store, pg: Store) -> None:
    for filters in ({"eco_candidate": "true"}, {"clearance_bottleneck": "no"}):
        assert pg.query_geojson("parks", filters=filters) == gpkg.query_geojson(
            "parks", filters=filters
        )


def test_same_feature_by_id(gpkg: Store, pg: Store) -> None:
    for layer in LAYERS:
        for text in gpkg.query_geojson(layer, limit=3).features:
            fid = text.split('"id":', 1)[1].split(",", 1)[0].strip('"')
            assert pg.get_geojson(layer, fid) == gpkg.get_geojson(layer, fid)
            assert pg.get(layer, fid).properties == gpkg.get(layer, fid).properties


def decoded(store: Store, layer: str, z: int, x: int, y: int) -> dict[int, tuple]:
    """Tile features by MVT id: (properties, shapely geometry in tile units)."""
    data = store.tile(layer, z, x, y)
    if not data:
        return {}
    found = mapbox_vector_tile.decode(data)[layer]["features"]
    return {f["id"]: (f["properties"], shape(f["geometry"])) for f in found}


@pytest.mark.parametrize("layer", ["parcels", "parks", "berths", "landmarks"])
@pytest.mark.parametrize("z", [11, 13, 15])
def test_same_decoded_tiles(gpkg: Store, pg: Store, layer: str, z: int) -> None:
    bbox = gpkg.layer(layer).bbox
    assert bbox is not None
    tiles = list(tiles_for_bbox(bbox, z))
    seen = 0
    for tile in tiles[:: max(1, len(tiles) // 40)]:
        mine = decoded(pg, layer, tile.z, tile.x, tile.y)
        theirs = decoded(gpkg, layer, tile.z, tile.x, tile.y)
        assert mine.keys() == theirs.keys(), tile
        seen += len(mine)
        for fid, (props, geom) in mine.items():
            assert props == theirs[fid][0]
            # Both clip to the tile plus 64 units and round to whole units; they
            # simplify differently, by at most the 8-unit tolerance of geo.mvt.
            assert geom.geom_type == theirs[fid][1].geom_type
            assert shapely.hausdorff_distance(geom, theirs[fid][1]) <= 8.0
    assert seen  # the sample tiles hold features
