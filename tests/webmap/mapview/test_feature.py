"""``/map/feature``: a feature's escaped popup, name and position, per language."""

from __future__ import annotations

import pytest

from tests.support.extra_layers import EVIL_NAME

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends


def test_parcel_details(client) -> None:
    resp = client.get("/map/feature?layer=parcels&id=a-1&lang=en")
    assert resp.status_code == 200
    data = resp.json
    assert data["layer"] == "parcels" and data["id"] == "a-1"
    assert data["bounds"] == [[20.87, 106.59], [20.875, 106.595]]
    assert "leased" in data["html"] and "Industrial park" in data["html"]
    assert "KCN An Dương" in data["html"]  # the park's name, joined
    assert "All distances (straight line)" in data["html"]
    assert "Nearest" not in data["html"]  # the tiny landmarks have no kind


def test_details_follow_the_language(client) -> None:
    vi = client.get("/map/feature?layer=parcels&id=a-1&lang=vi").json["html"]
    assert "đã cho thuê" in vi and "Mọi khoảng cách" in vi


def test_park_details_show_occupancy(client) -> None:
    html = client.get("/map/feature?layer=parks&id=a&lang=en").json["html"]
    assert "Occupancy (reported)" in html and "50 %" in html
    assert "Occupancy (from parcels)" in html


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?layer=parcels&id=zzz", 404),
        ("?layer=nope&id=a", 404),
        ("?layer=parcels", 400),
        ("?id=a", 400),
        ("", 400),
    ],
)
def test_bad_requests(client, query, status) -> None:
    resp = client.get("/map/feature" + query)
    assert resp.status_code == status
    assert resp.mimetype == "application/problem+json"


def test_details_escape_html(extra_app) -> None:
    data = extra_app.test_client().get("/map/feature?layer=parks&id=a").json
    assert EVIL_NAME not in data["html"]
    assert "&lt;img src=x onerror=&#34;window.__xss=2&#34;&gt;" in data["html"]
    assert data["name"] == EVIL_NAME  # JSON text, never inserted as HTML


def test_added_layer_details(extra_app) -> None:
    html = extra_app.test_client().get("/map/feature?layer=wells&id=w1").json["html"]
    assert "depth_m" in html and "10,5" in html


@pytest.mark.parametrize(
    ("layer", "feature_id", "report"),
    [
        ("parcels", "a-1", "/parcels/a-1/report.pdf"),
        ("parks", "a", "/parks/a/report.pdf"),
    ],
)
def test_details_link_the_site_report_in_the_language(
    client, layer, feature_id, report
) -> None:
    html = client.get(f"/map/feature?layer={layer}&id={feature_id}&lang=ja").json[
        "html"
    ]
    link = f'<a href="{report}?lang=ja" type="application/pdf" download>用地レポート（PDF）</a>'
    assert f'<p class="pm-report-link">{link}</p>' in html
    assert client.get(f"{report}?lang=ja").mimetype == "application/pdf"


def test_only_parcels_and_parks_have_a_report(client) -> None:
    html = client.get("/map/feature?layer=landmarks&id=port&lang=en").json["html"]
    assert "pm-report-link" not in html
