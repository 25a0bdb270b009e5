"""Each route's declared parameters are the ones its view reads, and no others.

Path parameters: the document's paths come from the URL rules, so a declared path
parameter must be one of the path's variables and every variable must be declared.
Query parameters: a GET with every declared parameter is sent through an app whose
``request.args`` records what the view asks for; a name it asks for that is not
declared fails, and so does a declared name a view that answered 2xx never read.
Views that walk the whole query (the OGC API, the land search, pages that keep the
query in their language links) are only checked for names read one by one.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import pytest
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict

from tests.support.accounts import login, make_user

OGC = "/api/"  # parse_query refuses any name its Operation does not declare
# Values the views accept where the schema alone gives none.
VALID = {
    "at": "2030-01-01",
    "bbox": "106.6,20.7,106.9,20.9",
    "url": "http://localhost/?zoom=12",
}


class RecordingArgs(ImmutableMultiDict):
    """A query string that notes the names read from it (``*`` when walked)."""

    read: ClassVar[set[str]] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)

    def getlist(self, key: str, type: Any = None) -> list[Any]:
        self.read.add(key)
        return super().getlist(key, type)

    def __iter__(self):
        self.read.add("*")
        return super().__iter__()

    def items(self, multi: bool = False):
        self.read.add("*")
        return super().items(multi)

    def lists(self):
        self.read.add("*")
        return super().lists()


class RecordingRequest(Request):
    parameter_storage_class = RecordingArgs


@pytest.fixture(scope="module")
def doc(shared_client) -> dict:
    return shared_client.get("/openapi.json").json


def _operations(doc: dict):
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_path_parameters_are_the_path_variables(doc) -> None:
    wrong = []
    for path, method, operation in _operations(doc):
        declared = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
        if declared != set(re.findall(r"\{(\w+)\}", path)):
            wrong.append(f"{method.upper()} {path}: declares {sorted(declared)}")
    assert not wrong


def _sample(schema: dict) -> str:
    if schema.get("type") == "array":
        return _sample(schema.get("items", {}))
    if "enum" in schema:
        return str(schema["enum"][0])
    if "example" in schema:
        return str(schema["example"])
    if schema.get("type") in ("integer", "number"):
        return str(max(1, schema.get("minimum", 1)))
    return "x"


@pytest.fixture
def admin(sample_app):
    sample_app.request_class = RecordingRequest
    client = sample_app.test_client()
    make_user(sample_app, "params-admin", "admin")
    login(client, "params-admin")
    return client


def _read(client, path: str, operation: dict) -> tuple[int, set[str]]:
    params = operation["parameters"]
    by_name = {p["name"]: p["schema"] for p in params if p["in"] == "path"}
    url = re.sub(r"\{(\w+)\}", lambda m: _sample(by_name[m[1]]), path)
    query = {
        p["name"]: VALID.get(p["name"]) or _sample(p["schema"])
        for p in params
        if p["in"] == "query"
    }
    RecordingArgs.read.clear()
    with client.get(url, query_string=query) as resp:
        return resp.status_code, set(RecordingArgs.read)


def test_views_read_the_query_parameters_they_declare(admin) -> None:
    doc = admin.get("/openapi.json").json
    wrong, checked = [], 0
    for path, method, operation in _operations(doc):
        if method != "get" or path.startswith(OGC):
            continue
        status, read = _read(admin, path, operation)
        declared = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
        if read - declared - {"*"}:
            wrong.append(f"GET {path} reads undeclared {sorted(read - declared)}")
        if status < 300 and "*" not in read:
            checked += 1
            if declared - read:
                wrong.append(f"GET {path} never reads {sorted(declared - read)}")
    assert not wrong
    assert checked >= 25  # the GETs that answer 2xx and read names one by one
