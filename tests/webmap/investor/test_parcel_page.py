"""The parcel page: attributes, park, distances, block, housing, 360° views, links."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from markupsafe import escape

from layers.store.open import open_store
from tests.support.apps import close_store
from tests.support.clearance import PARK_A_NAME
from tests.support.investor import housing_within, investor_app
from tests.support.pages import json_block
from webmap.investor import nearby

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends

PARCEL = "dinh_vu-051"  # available, in a three-parcel block, housing 8–9 km away


@pytest.fixture(scope="module")
def app(sample_location: str, tmp_path_factory: pytest.TempPathFactory):
    app = investor_app(
        sample_location,
        tmp_path_factory.mktemp("parcel-pages"),
        BASEMAP_OSM_URL="https://tiles.example.test/{z}/{x}/{y}.png",
    )
    yield app
    close_store(app)


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def page(client) -> str:
    resp = client.get(f"/parcels/{PARCEL}?lang=en")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


@pytest.fixture(scope="module")
def parcel(sample_location: str):
    store = open_store(sample_location)
    yield store.get("parcels", PARCEL)
    store.close()


def table(page: str, table_id: str) -> str:
    """The HTML of the table with that id."""
    return re.search(rf'<table[^>]* id="{table_id}">(.*?)</table>', page, re.S).group(1)


def cells(page: str, attr: str) -> dict[str, str]:
    """``data-<attr>`` rows → the text of their last cell."""
    found = {}
    for key, row in row_cells(page, attr).items():
        found[key] = row[-1]
    return found


def row_cells(page: str, attr: str) -> dict[str, list[str]]:
    """``data-<attr>`` rows → the texts of their cells."""
    pattern = rf'<tr data-{attr}="([^"]+)">(.*?)</tr>'
    return {
        html.unescape(key): [
            html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)
        ]
        for key, row in re.findall(pattern, page, re.S)
    }


def test_every_attribute_is_shown_with_its_label(page: str, parcel):
    shown = cells(table(page, "iv-attributes"), "field")
    for name in parcel.properties:
        if name.startswith(("dist_", "drive_")):
            continue  # in the distances table
        assert name in shown, name
    assert shown["area_ha"] == f"{parcel.properties['area_ha']:.2f} ha"
    assert "Asking rent</th>" in page
    assert shown["status"] == "available"
    assert shown["clr_stage"] == "—"


def test_the_park_around_it(page: str):
    park = cells(table(page, "iv-park"), "field")
    assert park["occupancy_pct"] == park["occupancy_computed_pct"] == "96.3 %"
    assert '<a href="/parks/dinh_vu?lang=en">KCN Đình Vũ (Dinh Vu IP)</a>' in page
    for label in (
        "Occupancy (reported)",
        "Occupancy (from parcels)",
        "Developer",
        "Total area",
        "Land available",
    ):
        assert f'<th scope="row">{label}</th>' in page
    assert "Dinh Vu Industrial Zone JSC" in page


def test_distances_to_every_landmark_with_names(page: str, parcel):
    shown = {k: row[1] for k, row in row_cells(page, "landmark").items()}
    expected = {
        name[len("dist_") : -len("_km")]: value
        for name, value in parcel.properties.items()
        if name.startswith("dist_")
    }
    assert set(shown) == set(expected) and len(expected) == 8
    for landmark, km in expected.items():
        assert shown[landmark] == f"{km:.1f} km".replace(".0 km", " km")
    assert "Lach Huyen international gateway port" in page
    assert "Cat Bi international airport" in page


def test_drive_times_beside_the_distances(page: str, parcel):
    rows = row_cells(page, "landmark")
    assert "Drive time by road</th>" in page
    for landmark, row in rows.items():
        minutes = parcel.properties[f"drive_{landmark}_min"]
        assert minutes > 0
        assert row[2] == f"{minutes:.0f} min", landmark


def test_the_block_and_its_other_parcels(page: str, sample_location: str, parcel):
    store = open_store(sample_location)
    block = store.query("parcels", filters={"block_id": parcel.properties["block_id"]})
    store.close()
    others = {f.id for f in block.features} - {PARCEL}
    assert len(others) == parcel.properties["block_n"] - 1 == 2
    for other in others:
        assert f'<a href="/parcels/{other}?lang=en">{other}</a>' in page
    assert f"{parcel.properties['block_ha']:.2f} ha in 3 adjacent" in page


def test_housing_within_10_km_computed_independently(page: str, sample_store: Path):
    expected = housing_within(sample_store, PARCEL, 10.0)
    everything = housing_within(sample_store, PARCEL, 10_000.0)
    assert 0 < len(expected) < len(everything)  # the radius matters here
    assert set(cells(page, "housing")) == set(expected)
    labour = re.search(r'id="iv-labour">([^<]+)<', page).group(1)
    assert labour == f"{sum(c or 0 for c in expected.values()):,}"


def test_a_parcel_far_from_housing_says_so(client):
    text = client.get("/parcels/do_son-025?lang=en").get_data(as_text=True)
    assert "No worker or social housing project is known within 10 km." in text


def test_the_view_on_the_map_link_selects_the_parcel(client, page: str):
    link = html.unescape(re.search(r'id="iv-view-map" href="([^"]+)"', page).group(1))
    assert f"sel=parcels:{PARCEL}" in link and "lang=en" in link
    assert client.get(link).status_code == 200


def test_copy_link_print_and_print_layout(client, page: str):
    assert 'id="iv-copy-link" data-url="http://localhost/parcels/dinh_vu-051"' in page
    assert 'id="iv-print"' in page
    with client.get("/static/investor/investor.css") as resp:
        assert "@media print" in resp.get_data(as_text=True)


def test_the_map_loads_only_vendored_code_and_the_configured_base_map(page: str):
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert "/static/vendor/leaflet/dist/leaflet.js" in [
        s.split("?")[0] for s in scripts
    ]
    assert all(s.startswith("/static/") for s in scripts)
    assert "unpkg" not in page and "cdn" not in page.lower()
    data = json_block(page, "iv-map-data")
    assert data["base"]["url"] == "https://tiles.example.test/{z}/{x}/{y}.png"
    assert data["parcel"]["type"] == "Polygon"
    assert len(data["block"]) == 2 and len(data["housing"]) == 3


def test_the_page_has_a_strict_policy(client):
    resp = client.get(f"/parcels/{PARCEL}")
    policy = resp.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert "https://tiles.example.test" in policy
    assert resp.headers["Cache-Control"] == "private, no-store"  # it holds a token
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", resp.get_data(as_text=True))
    assert inline == [' type="application/json" id="iv-map-data"']


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("vi", "Nhà ở trong bán kính 10 km: nguồn lao động lân cận"),
        ("en", "Housing within 10 km: the labour nearby"),
        ("ko", "반경 10 km 이내 주택: 인근 노동력"),
        ("ja", "半径10 km以内の住宅：近隣の労働力"),
    ],
)
def test_the_page_in_four_languages(client, lang: str, text: str):
    resp = client.get(f"/parcels/{PARCEL}?lang={lang}")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert text in page


def test_scenes_nearby_link_to_the_viewer(client, monkeypatch: pytest.MonkeyPatch):
    scenes = [
        {"id": "near", "name": "Gate <b>1</b>", "lon": 106.806, "lat": 20.80,
         "url": "/vr/near?lang=en"},
        {"id": "far", "name": "Far away", "lon": 106.0, "lat": 21.5,
         "url": "/vr/far?lang=en"},
    ]  # fmt: skip
    monkeypatch.setattr(nearby, "scene_list", lambda lang: scenes)
    text = client.get(f"/parcels/{PARCEL}?lang=en").get_data(as_text=True)
    assert '<a href="/vr/near?lang=en">Gate &lt;b&gt;1&lt;/b&gt;</a>' in text
    assert "/vr/far" not in text
    assert "/vr/nearest?parcel=dinh_vu-051" in text


def test_without_scenes_the_page_says_so(page: str):
    assert "No 360° view was taken within 5 km." in page
    assert "/vr/nearest" not in page


@pytest.mark.parametrize(
    "parcel_id",
    [
        "nope",
        "x" * 5000,
        "%00",
        "a%20b",
        "%3Cscript%3E",
        "..%2F..%2Fetc",
        "%F0%9F%8F%AD",
    ],
)
def test_an_unknown_parcel_is_a_404_page(client, parcel_id: str):
    resp = client.get(f"/parcels/{parcel_id}?lang=en")
    assert resp.status_code == 404
    assert resp.mimetype == "text/html"
    text = resp.get_data(as_text=True)
    assert "No parcel has the id" in text
    assert "<script>" not in text


def test_names_with_html_are_escaped(planner_built: Path, tmp_path: Path):
    client = investor_app(
        planner_built, tmp_path, data_dir=planner_built.parents[1] / "data"
    ).test_client()
    text = client.get("/parcels/a-1?lang=en").get_data(as_text=True)
    assert str(escape(PARK_A_NAME)) in text
    assert "<b>An</b>" not in text


def test_the_map_popup_links_to_the_parcel_and_park_pages(client):
    parcel = client.get(f"/map/feature?layer=parcels&id={PARCEL}&lang=en").json
    assert (
        f'<a href="/parcels/{PARCEL}?lang=en">Parcel details and enquiry</a>'
        in (parcel["html"])
    )
    park = client.get("/map/feature?layer=parks&id=dinh_vu&lang=ko").json
    assert 'href="/parks/dinh_vu?lang=ko"' in park["html"]
