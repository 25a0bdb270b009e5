"""Request size limits: every write route answers an oversized body with a 413 problem."""

from __future__ import annotations

import http.client
import io
import json
from urllib.parse import urlencode

import pytest

from tests.support.scenes import TOKEN, photo_bytes
from webmap import create_app
from webmap.settings import ConfigError

BIG = "x" * 300_000  # over the 256 KiB default, far under the upload's own limit
PARCEL = "a-1"
FORM, JSON, PHOTO, SHEET = "form", "json", "photo", "sheet"
PERIOD = "2023-10-14-month"
SHEET_LIMIT = 100_000  # the periods spreadsheet's own limit in these tests
# (method, URL rule, URL, body kind): every route that takes a body.
WRITES = [
    ("POST", "/login", "/login", FORM),
    ("POST", "/logout", "/logout", FORM),
    ("POST", "/parcels/<parcel_id>/enquiry", f"/parcels/{PARCEL}/enquiry", FORM),
    ("POST", "/parcels/<parcel_id>/enquiry", f"/parcels/{PARCEL}/enquiry", JSON),
    (
        "PATCH",
        "/planner/api/parcels/<parcel_id>",
        f"/planner/api/parcels/{PARCEL}",
        JSON,
    ),
    ("POST", "/vr/scenes", "/vr/scenes", PHOTO),
    ("POST", "/admin/periods/upload", "/admin/periods/upload", SHEET),
    ("POST", "/admin/periods/<period_id>", f"/admin/periods/{PERIOD}", FORM),
    (
        "POST",
        "/admin/periods/<period_id>/publish",
        f"/admin/periods/{PERIOD}/publish",
        FORM,
    ),
    (
        "POST",
        "/admin/periods/<period_id>/delete",
        f"/admin/periods/{PERIOD}/delete",
        FORM,
    ),
    (
        "POST",
        "/admin/periods/<period_id>/correct",
        f"/admin/periods/{PERIOD}/correct",
        SHEET,
    ),
    ("POST", "/admin/api/periods", "/admin/api/periods", SHEET),
    ("POST", "/admin/api/periods/<period_id>", f"/admin/api/periods/{PERIOD}", FORM),
    (
        "POST",
        "/admin/api/periods/<period_id>/publish",
        f"/admin/api/periods/{PERIOD}/publish",
        FORM,
    ),
    (
        "POST",
        "/admin/api/periods/<period_id>/correct",
        f"/admin/api/periods/{PERIOD}/correct",
        SHEET,
    ),
    ("DELETE", "/admin/api/periods/<period_id>", f"/admin/api/periods/{PERIOD}", FORM),
]


@pytest.fixture
def site(planner):
    """A signed-in planner (for the PATCH) on an app that also takes uploads."""
    planner.app.config["ADMIN_TOKEN"] = TOKEN
    planner.app.config["PANORAMA_MAX_BYTES"] = 100_000
    planner.app.config["PERIOD_UPLOAD_MAX_BYTES"] = SHEET_LIMIT
    return planner


def send(site, method: str, url: str, kind: str, payload: str):
    headers = {"X-CSRFToken": site.token}
    if kind == PHOTO:
        form = {"image": (io.BytesIO(payload.encode()), "big.jpg")}
        headers = {"Authorization": f"Bearer {TOKEN}"}
        return site.client.post(url, data=form, headers=headers)
    if kind == SHEET:
        form = {"file": (io.BytesIO(payload.encode()), "big.xlsx")}
        return site.client.post(url, data=form, headers=headers)
    if kind == JSON:
        body = json.dumps({"version": 0, "reason": payload})
        return site.client.open(
            url,
            method=method,
            data=body,
            headers=headers,
            content_type="application/json",
        )
    body = urlencode({"message": payload, "csrf_token": site.token})
    return site.client.open(
        url,
        method=method,
        data=body,
        content_type="application/x-www-form-urlencoded",
    )


def test_every_route_that_takes_a_body_is_listed_here(site) -> None:
    writes = {
        (method, rule.rule)
        for rule in site.app.url_map.iter_rules()
        for method in rule.methods - {"GET", "HEAD", "OPTIONS"}
    }
    assert writes == {(method, rule) for method, rule, _, _ in WRITES}


@pytest.mark.parametrize(("method", "rule", "url", "kind"), WRITES)
def test_an_oversized_body_is_a_413_problem(site, method, rule, url, kind) -> None:
    resp = send(site, method, url, kind, BIG)
    assert resp.status_code == 413
    assert resp.mimetype == "application/problem+json"
    detail = resp.get_json()["detail"]
    if kind == PHOTO:
        assert "PARKMAP_PANORAMA_MAX_BYTES" in detail
    elif kind == SHEET:
        assert "PARKMAP_PERIOD_UPLOAD_MAX_BYTES" in detail
    else:
        assert f"{method} {url} is too large" in detail
        assert "262,144 bytes (PARKMAP_MAX_CONTENT_LENGTH)" in detail


def send_chunked(site, body: bytes, size: int | None = None):
    """PATCH ``body`` as a server passes on a chunked one: no length, terminated."""
    return site.client.patch(
        f"/planner/api/parcels/{PARCEL}",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        # Transfer-Encoding: chunked makes Werkzeug ignore the Content-Length its
        # test client computes from the stream, as a real server's environ has none
        headers={"X-CSRFToken": site.token, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_body_over_the_limit_is_a_413_problem(site) -> None:
    # Werkzeug's stream stopped at the limit without a word: the JSON arrived cut
    # short and was refused as malformed (400)
    resp = send_chunked(site, json.dumps({"version": 0, "reason": BIG}).encode())
    assert resp.status_code == 413
    assert resp.mimetype == "application/problem+json"
    assert "262,144 bytes (PARKMAP_MAX_CONTENT_LENGTH)" in resp.get_json()["detail"]


def test_a_chunked_body_of_exactly_the_limit_is_read(site) -> None:
    body = json.dumps({"version": 0, "reason": ""}).encode()
    body = body.replace(b'""', b'"' + b" " * (262_144 - len(body)) + b'"')
    assert len(body) == 262_144
    resp = send_chunked(site, body)
    assert resp.status_code == 200, resp.get_json()


def test_a_chunked_form_over_the_limit_is_a_413_over_http(live_server) -> None:
    """A real chunked request to a real server (the dev server's dechunking)."""
    port = int(live_server.rsplit(":", 1)[1])
    body = urlencode({"username": BIG}).encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(
            "POST",
            "/login",
            body=(body[i : i + 65_536] for i in range(0, len(body), 65_536)),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            encode_chunked=True,
        )
        resp = conn.getresponse()
        problem = json.loads(resp.read())
    finally:
        conn.close()
    assert resp.status == 413
    assert resp.getheader("Content-Type") == "application/problem+json"
    assert "PARKMAP_MAX_CONTENT_LENGTH" in problem["detail"]


def test_the_longest_enquiry_fits_in_the_form_limit(site) -> None:
    fields = {
        "name": "김" * 120,
        "company": "한" * 200,
        "email": "minji@hanbit.example.kr",
        "message": "땅" * 5000,  # the longest message, 3 bytes a character
        "csrf_token": site.token,
    }
    body = urlencode(fields)
    assert len(body) > 45_000
    resp = site.client.post(
        f"/parcels/{PARCEL}/enquiry",
        data=body,
        content_type="application/x-www-form-urlencoded",
    )
    assert resp.status_code == 303


def test_the_upload_keeps_its_own_limit(site) -> None:
    site.app.config["MAX_CONTENT_LENGTH"] = 2048  # far under the photo
    photo = photo_bytes(gps=(106.6, 20.87))
    assert len(photo) > 2048
    resp = site.client.post(
        "/vr/scenes",
        data={"image": (io.BytesIO(photo), "gate.jpg")},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert resp.status_code == 201, resp.get_json()


def test_too_many_form_parts_is_a_413_problem(site) -> None:
    form = {f"field{i}": "x" for i in range(80)}
    form["image"] = (io.BytesIO(b"x"), "gate.jpg")
    resp = site.client.post(
        "/vr/scenes", data=form, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert resp.status_code == 413
    assert "at most 64 form parts" in resp.get_json()["detail"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("MAX_CONTENT_LENGTH", "12"),
        ("MAX_CONTENT_LENGTH", "lots"),
        ("MAX_FORM_PARTS", -1),
    ],
)
def test_a_bad_limit_fails_at_startup(built, key: str, value: object) -> None:
    with pytest.raises(ConfigError, match=f"PARKMAP_{key}"):
        create_app({"TESTING": True, "STORE": str(built), key: value})


def test_a_spreadsheet_over_the_form_limit_reaches_the_upload(site) -> None:
    """Its own limit holds from the start: the CSRF check reads it, no 413."""
    site.app.config["MAX_CONTENT_LENGTH"] = 2048
    body = {"file": (io.BytesIO(b"x" * 50_000), "big.xlsx")}
    resp = site.client.post(
        "/admin/api/periods", data=body, headers={"X-CSRFToken": site.token}
    )
    assert resp.status_code == 403  # past the body limits: a planner is no admin


def test_a_multipart_part_without_a_name_is_ignored(site) -> None:
    body = (
        b"--b\r\nContent-Disposition: form-data\r\n\r\nnameless\r\n"
        b'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        + site.token.encode()
        + b"\r\n--b--\r\n"
    )
    resp = site.client.post(
        "/admin/periods/upload",
        data=body,
        content_type="multipart/form-data; boundary=b",
    )
    assert resp.status_code == 403  # the CSRF check passed; a planner is no admin
