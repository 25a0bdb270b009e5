"""/openapi.json: a valid OpenAPI 3.0 document that covers every URL rule of the app."""

from __future__ import annotations

import re

import pytest
import schemathesis

from webmap.apidoc import EXCLUDED

AUTOMATIC = {"HEAD", "OPTIONS"}  # Flask answers these for every GET rule itself


@pytest.fixture(scope="module")
def doc(shared_client) -> dict:
    resp = shared_client.get("/openapi.json")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    return resp.json


def _sample(param: dict) -> str:
    """A value for a path variable that the route accepts."""
    schema = param["schema"]
    if "enum" in schema:
        return str(schema["enum"][0])
    if "example" in schema:
        return str(schema["example"])
    return "1" if schema.get("type") == "integer" else "x"


def _endpoint(adapter, path: str, method: str, operation: dict) -> str:
    """The Flask endpoint a documented operation reaches."""
    params = {p["name"]: p for p in operation["parameters"] if p["in"] == "path"}
    url = re.sub(r"\{(\w+)\}", lambda m: _sample(params[m[1]]), path)
    endpoint, _args = adapter.match(url, method=method.upper())
    return endpoint


def _documented(app, doc: dict) -> set[tuple[str, str]]:
    adapter = app.url_map.bind("localhost")
    return {
        (_endpoint(adapter, path, method, op), method.upper())
        for path, item in doc["paths"].items()
        for method, op in item.items()
    }


def test_document_is_valid_openapi_3_0(doc) -> None:
    schemathesis.openapi.from_dict(doc).validate()


def test_ogc_api_document_is_valid_openapi_3_0(shared_client) -> None:
    # an empty "required" list in Extent used to make it invalid
    schemathesis.openapi.from_dict(shared_client.get("/api/openapi").json).validate()


def test_every_url_rule_is_documented_or_excluded(shared_client, doc) -> None:
    app = shared_client.application
    documented = _documented(app, doc)
    missing = sorted(
        f"{method} {rule.rule} ({rule.endpoint})"
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in EXCLUDED
        for method in sorted((rule.methods or set()) - AUTOMATIC)
        if (rule.endpoint, method) not in documented
    )
    assert not missing, "routes missing from /openapi.json (or add to EXCLUDED)"


def test_excluded_routes_are_not_documented(shared_client, doc) -> None:
    endpoints = {
        endpoint for endpoint, _ in _documented(shared_client.application, doc)
    }
    assert not endpoints & set(EXCLUDED)


def test_every_exclusion_is_a_route(shared_client) -> None:
    endpoints = {
        rule.endpoint for rule in shared_client.application.url_map.iter_rules()
    }
    assert set(EXCLUDED) <= endpoints


def test_operation_ids_are_unique(doc) -> None:
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_ogc_api_operations_are_those_of_api_openapi(shared_client, doc) -> None:
    ogc = shared_client.get("/api/openapi").json
    prefixed = {f"/api{path}": item for path, item in ogc["paths"].items()}
    ours = {
        path: item for path, item in doc["paths"].items() if path.startswith("/api/")
    }
    assert ours == prefixed
    for name, schema in ogc["components"]["schemas"].items():
        assert doc["components"]["schemas"][name] == schema


def test_store_names_are_enums(doc) -> None:
    tile = doc["paths"]["/tiles/{layer}.json"]["get"]["parameters"][0]
    assert tile["schema"]["enum"] == ["landmarks", "parcels", "parks"]
    search = doc["paths"]["/land/search.json"]["get"]["parameters"]
    by_name = {p["name"]: p["schema"] for p in search}
    assert by_name["park"]["items"]["enum"] == ["a", "b"]
    assert "km_port" in by_name and "km_airport" in by_name


def test_signed_in_routes_declare_their_security(doc) -> None:
    patch = doc["paths"]["/planner/api/parcels/{parcel_id}"]["patch"]
    assert patch["security"] == [{"session": [], "csrfToken": []}]
    assert {"401", "403", "409", "422"} <= set(patch["responses"])
    upload = doc["paths"]["/vr/scenes"]["post"]
    assert upload["security"] == [{"adminToken": []}]
    schemes = doc["components"]["securitySchemes"]
    assert schemes["session"] == {
        **schemes["session"],
        "in": "cookie",
        "name": "session",
    }


def test_server_is_the_site_root(doc) -> None:
    assert doc["servers"] == [{"url": "http://localhost"}]


def test_api_landing_page_links_the_whole_document(shared_client) -> None:
    links = shared_client.get("/api/").json["links"]
    described = [lk["href"] for lk in links if lk["rel"] == "describedby"]
    assert described == ["http://localhost/openapi.json"]
