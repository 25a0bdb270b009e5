"""OGC API – Features: landing page, conformance, OpenAPI, collections, queryables."""

from __future__ import annotations

import geopandas as gpd
import pytest

from layers.build import build
from tests.support.data_dirs import make_dataset, write_shapefile
from webmap import create_app
from webmap.ogc.operations import OPERATIONS

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends

BASE = "http://localhost/api"


def rels(doc: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for link in doc["links"]:
        out.setdefault(link["rel"], []).append(link["href"])
    return out


@pytest.mark.parametrize("path", ["/api", "/api/"])
def test_landing_page_links(shared_client, path: str) -> None:
    resp = shared_client.get(path)
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    links = rels(resp.json)
    assert links["service-desc"] == [f"{BASE}/openapi"]
    assert links["conformance"] == [f"{BASE}/conformance"]
    assert links["data"] == [f"{BASE}/collections"]


def test_conformance_declares_core_geojson_html_oas30(shared_client) -> None:
    classes = shared_client.get("/api/conformance").json["conformsTo"]
    for name in ("core", "geojson", "html", "oas30"):
        assert (
            f"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{name}" in classes
        )


def test_collections_lists_every_layer(shared_client) -> None:
    doc = shared_client.get("/api/collections").json
    # the layers, then the parks' figures over the reporting periods
    ids = [c["id"] for c in doc["collections"]]
    assert ids == ["landmarks", "parcels", "parks", "park_figures"]


def test_collection_extent_is_crs84(shared_client) -> None:
    doc = shared_client.get("/api/collections/parcels").json
    assert doc["extent"]["spatial"]["bbox"] == [[106.59, 20.87, 106.62, 20.88]]
    assert doc["extent"]["spatial"]["crs"].endswith("/OGC/1.3/CRS84")
    assert doc["itemType"] == "feature"


def test_collection_links_items_as_geojson(shared_client) -> None:
    links = shared_client.get("/api/collections/parcels").json["links"]
    items = [lk for lk in links if lk["rel"] == "items"]
    assert {lk["type"] for lk in items} == {"application/geo+json", "text/html"}


def test_collection_title_follows_lang(shared_client) -> None:
    assert shared_client.get("/api/collections/parks?lang=en").json["title"] == "Parks"
    assert (
        shared_client.get("/api/collections/parks?lang=vi").json["title"]
        == "Khu công nghiệp"
    )


def test_unsupported_lang_falls_back(shared_client) -> None:
    doc = shared_client.get("/api/collections/parks?lang=fr").json
    assert doc["title"] == "Khu công nghiệp"  # DEFAULT_LANGUAGE vi


def test_queryables_is_json_schema_of_fields(shared_client) -> None:
    resp = shared_client.get("/api/collections/parcels/queryables")
    assert resp.mimetype == "application/schema+json"
    props = resp.json["properties"]
    assert props["status"]["enum"] == ["leased", "available", "reserved", "clearance"]
    assert props["area_ha"]["type"] == "number"
    assert resp.json["$id"] == f"{BASE}/collections/parcels/queryables"


def test_openapi_media_type(shared_client) -> None:
    resp = shared_client.get("/api/openapi")
    assert resp.headers["Content-Type"] == (
        "application/vnd.oai.openapi+json;version=3.0"
    )
    assert resp.json["openapi"].startswith("3.0")


def test_openapi_paths_are_the_route_table(shared_client) -> None:
    app = shared_client.application
    paths = shared_client.get("/api/openapi").json["paths"]
    for op in OPERATIONS:
        assert paths[op.path]["get"]["operationId"] == op.operation_id
    rules = {r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")}
    assert len(rules) == len(OPERATIONS)


def test_openapi_declares_queryables_per_collection(shared_client) -> None:
    paths = shared_client.get("/api/openapi").json["paths"]
    params = paths["/collections/parcels/items"]["get"]["parameters"]
    by_name = {p["name"]: p for p in params}
    assert by_name["status"]["schema"]["enum"][0] == "leased"
    assert by_name["limit"]["schema"]["maximum"] == 10_000
    assert by_name["bbox"]["explode"] is False


def test_openapi_declares_problem_bodies(shared_client) -> None:
    doc = shared_client.get("/api/openapi").json
    responses = doc["paths"]["/collections/{collectionId}/items"]["get"]["responses"]
    for status in ("400", "404"):
        assert "application/problem+json" in responses[status]["content"]


@pytest.mark.parametrize(
    "path",
    [
        "/api",
        "/api/conformance",
        "/api/openapi",
        "/api/collections",
        "/api/collections/parcels",
        "/api/collections/parcels/queryables",
        "/api/collections/parcels/items",
        "/api/collections/parcels/items/a-1",
    ],
)
def test_every_route_has_an_html_page(shared_client, path: str) -> None:
    resp = shared_client.get(path, query_string={"f": "html"})
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert "<table" in resp.text or "<ul" in resp.text


def test_browser_accept_header_gets_html(shared_client) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    resp = shared_client.get("/api/collections", headers={"Accept": accept})
    assert resp.mimetype == "text/html"


def test_html_pages_load_nothing_from_other_hosts(shared_client) -> None:
    body = shared_client.get("/api/collections/parcels/items?f=html").text
    assert "<script" not in body and "https://" not in body


def test_html_links_stay_html(shared_client) -> None:
    body = shared_client.get("/api/collections/parcels/items?f=html&limit=2").text
    assert (
        f'href="{BASE}/collections/parcels/items?limit=2&amp;offset=2&amp;f=html"'
        in body
    )


EVIL = '<script>alert(1)</script><b onmouseover="x()">KCN</b> & co'


@pytest.fixture(scope="module")
def evil_client(tmp_path_factory):
    root = tmp_path_factory.mktemp("evil")
    data = make_dataset(root)
    parks = gpd.read_file(data / "shapefiles" / "parks.shp")
    parks.loc[0, "name_vi"] = EVIL
    write_shapefile(parks, data / "shapefiles" / "parks.shp")
    store = root / "build" / "parkmap.gpkg"
    build(data, store, progress=lambda _msg: None)
    app = create_app({"TESTING": True, "DATA_DIR": str(data), "STORE": str(store)})
    return app.test_client()


@pytest.mark.parametrize(
    "path", ["/api/collections/parks/items", "/api/collections/parks/items/a"]
)
def test_html_pages_escape_feature_text(evil_client, path: str) -> None:
    body = evil_client.get(path, query_string={"f": "html"}).text
    assert "<script>" not in body and "<b onmouseover" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_json_keeps_feature_text_as_is(evil_client) -> None:
    doc = evil_client.get("/api/collections/parks/items/a").json
    assert doc["properties"]["name_vi"] == EVIL
