"""An explicit list of hostile values sent to every documented page and JSON body.

Schemathesis draws values from the document's schemas, which rarely gives a
superscript digit, a 5,000-digit number or a name Werkzeug's ``url_for`` reserves.
Each of those once made a 500 (``"²".isdigit()`` then ``int()``, ``int()``'s 4,300
digit limit, ``?_method=POST`` and ``?scene_id=`` passed into ``url_for``), so
here every HTML page of /openapi.json (GET) gets each value in each of its query
parameters, and the reserved and view-argument names as extra parameters; every
JSON body gets the numbers in each member. Signed in as an admin, so the planner
and admin pages parse their queries too. No answer may be a 5xx. The bounded run
sends the map pages that share ``/``'s view parser (``SHARED_VIEW``) each value in
all their parameters at once; ``PARKMAP_FUZZ_EXAMPLES`` above the default sends
them one by one there too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.fuzz import LONG_FORM, Credentials

pytestmark = pytest.mark.fuzz

HUGE = "9" * 5000  # past int()'s 4,300 digits
# Unicode digits ("²".isdigit() is True but int() refuses it; int("٣") is 3), huge
# and overflowing numbers, and the same inside lists and coordinates.
VALUES = (
    "²",
    "٣",
    "١٢٣",
    "𝟗",
    HUGE,
    "-" + HUGE,
    "1" + "0" * 400,  # an int float() cannot hold
    "1e400",
    f"20.9,{HUGE}",
    f"{HUGE},{HUGE},{HUGE},{HUGE}",
    "²,٣",
)
# Werkzeug's reserved url_for arguments, with values that would do harm.
RESERVED = {
    "_external": "1",
    "_anchor": "x",
    "_method": "POST",
    "_scheme": "javascript",
}
VIEW_ARGS = ("parcel_id", "park_id", "scene_id", "collectionId", "featureId", "lang")
SCENE = "gate"  # the fuzz app's uploaded scene
# Map pages that read their view with the map's (``/``) parser and render a whole
# Folium map per request (about 60 ms): the bounded run sends them each value in
# all their parameters at once.
SHARED_VIEW = r"^/(embed|examples/portal|planner/map)$"
GROUPS = {
    "map": ("Map", "Operations", "Tiles"),
    "land-investors-vr": ("Land", "Investors", "VR360"),
    "planner-admin-accounts": ("Planner", "Admin", "Accounts"),
    "api": ("Capabilities", "Data"),
}


def _document(client) -> dict[str, Any]:
    return client.get("/openapi.json").get_json()


def _html_pages(doc: dict[str, Any], tags: tuple[str, ...]) -> Iterator[tuple]:
    """(path template, query parameter names, all parameters) of each HTML GET."""
    for path, item in doc["paths"].items():
        op = item.get("get")
        if not op or not set(op.get("tags", ())) & set(tags):
            continue
        if not any(
            "text/html" in (r.get("content") or {}) for r in op["responses"].values()
        ):
            continue
        params = [*item.get("parameters", []), *op.get("parameters", [])]
        yield path, sorted({p["name"] for p in params if p["in"] == "query"}), params


def _path(client, template: str, params: list[dict[str, Any]]) -> str:
    """``template`` with real ids (examples, the scene, a collection's first item)."""
    path = template.replace("{scene_id}", SCENE).replace("{collectionId}", "parks")
    for param in params:
        example = param.get("schema", {}).get("example") or param.get("example")
        if param["in"] == "path" and example:
            path = path.replace("{" + param["name"] + "}", str(example))
    if "{featureId}" in path:
        collection = path.split("/")[3]
        first = client.get(f"/api/collections/{collection}/items?limit=1&f=json")
        path = path.replace("{featureId}", str(first.get_json()["features"][0]["id"]))
    return path


def _failures(client, path: str, queries: list[dict[str, str]]) -> list[str]:
    found = []
    for query in queries:
        resp = client.get(path, query_string=query, headers={"Accept": "text/html"})
        if resp.status_code >= 500:
            shown = {k: v[:20] for k, v in query.items()}
            found.append(f"{resp.status_code} GET {path} {shown}")
        resp.close()
    return found


def _queries(template: str, names: list[str]) -> list[dict[str, str]]:
    """Each value in each parameter; the reserved names and view args as extras.

    A page in ``SHARED_VIEW`` gets each value in all its parameters at once,
    unless the long form runs.
    """
    if re.match(SHARED_VIEW, template) and not LONG_FORM:
        queries = [dict.fromkeys(names, value) for value in VALUES]
    else:
        queries = [{name: value} for name in names for value in VALUES]
    queries += [{"zz_unknown": value} for value in VALUES]
    queries.append(dict(RESERVED))
    queries.append({**RESERVED, **dict.fromkeys(VIEW_ARGS, "evil")})
    queries += [{name: value} for name, value in RESERVED.items()]
    return queries


def _admin_client(app, credentials: Credentials):
    """A test client carrying the admin's session cookie."""
    client = app.test_client()
    for name, value in credentials.cookies.items():
        client.set_cookie(name, value)
    return client


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_hostile_query_values_on_every_page(
    fuzz_app, admin_credentials: Credentials, group: str
) -> None:
    client = _admin_client(fuzz_app, admin_credentials)
    pages = list(_html_pages(_document(client), GROUPS[group]))
    assert pages, f"no HTML page tagged {GROUPS[group]}"
    failures = []
    for template, names, params in pages:
        path = _path(client, template, params)
        failures += _failures(client, path, _queries(template, names))
    assert not failures, "\n".join(failures)


def _json_bodies(schema: dict[str, Any]) -> Iterator[str]:
    """A body per member (and per member of an object member) holding each number."""
    numbers = [v for v in VALUES if v.lstrip("-").isascii() and "," not in v]
    for name, member in schema.get("properties", {}).items():
        for number in numbers:
            yield json.dumps({name: "N"}).replace('"N"', number)
            yield json.dumps({"version": 0, name: "N"}).replace('"N"', number)
        for inner in member.get("properties", {}):
            for number in numbers:
                body = {"version": 0, name: {inner: "N"}}
                yield json.dumps(body).replace('"N"', number)
                yield json.dumps(body).replace('"N"', json.dumps("²" + number))


def test_hostile_numbers_in_every_json_body(
    fuzz_app, admin_credentials: Credentials
) -> None:
    client = _admin_client(fuzz_app, admin_credentials)
    doc = _document(client)
    failures = []
    for template, item in doc["paths"].items():
        for method, op in item.items():
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            path = _path(
                client,
                template,
                [*item.get("parameters", []), *op.get("parameters", [])],
            )
            for body in _json_bodies(content["application/json"]["schema"]):
                resp = client.open(
                    path,
                    method=method.upper(),
                    data=body,
                    content_type="application/json",
                    headers=admin_credentials.headers,
                )
                if resp.status_code >= 500:
                    failures.append(f"{resp.status_code} {method} {path} {body[:80]}")
    assert not failures, "\n".join(failures)
