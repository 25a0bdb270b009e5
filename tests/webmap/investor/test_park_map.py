"""The park page's map (issue 16.3): the park's own parcels by status, housing, cameras.

The map's data is the JSON in ``#iv-map-data``; the page lists the same parcels by
status as text, for those who do not use the map.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import geopandas as gpd
import pytest
from markupsafe import escape

from layers.store.open import open_store
from tests.support.apps import close_store
from tests.support.clearance import PARK_A_NAME
from tests.support.investor import GEOD, investor_app
from tests.support.pages import json_block, json_block_text
from webmap.investor import nearby

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends

PARK = "nam_dinh_vu_1"  # the sample's biggest park (55 parcels)
ALL_FOUR = "cang_cua_ngo"  # a park with parcels of every status
COLORS = {  # data/layers/parcels.toml, as the main map draws them
    "leased": "#7f8c8d",
    "available": "#27ae60",
    "reserved": "#f39c12",
    "clearance": "#c0392b",
}
LABELS = {
    "en": {"available": "available", "reserved": "reserved"},
    "vi": {"available": "còn trống"},
    "ja": {"available": "空き"},
    "ko": {"available": "임대 가능"},
}
MAP_LABEL = {
    "en": "Map of ",
    "vi": "Bản đồ ",
    "ja": "の地図：",
    "ko": " 지도: ",
}
HOSTILE = "Cam ${window.PWNED=1} </script><b>x</b>"


@pytest.fixture(scope="module")
def app(sample_location: str, tmp_path_factory: pytest.TempPathFactory):
    app = investor_app(
        sample_location,
        tmp_path_factory.mktemp("park-map"),
        BASEMAP_OSM_URL="https://tiles.example.test/{z}/{x}/{y}.png",
    )
    yield app
    close_store(app)


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def page(client) -> str:
    resp = client.get(f"/parks/{PARK}?lang=en")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def map_data(page: str) -> dict:
    return json_block(page, "iv-map-data")


@pytest.fixture(scope="module")
def park_parcels(sample_location: str) -> dict[str, str]:
    """Parcel id → status of the park's parcels, read from the store directly."""
    store = open_store(sample_location)
    found = store.query("parcels", filters={"park_id": PARK}, limit=10_000).features
    store.close()
    return {f.id: f.properties["status"] for f in found}


def test_the_data_holds_the_parks_own_parcels_only(page: str, park_parcels) -> None:
    parcels = map_data(page)["parcels"]
    assert len(park_parcels) == 55
    assert {p["id"]: p["status"] for p in parcels} == park_parcels
    assert all(p["geometry"]["type"] in ("Polygon", "MultiPolygon") for p in parcels)
    assert all(p["url"] == f"/parcels/{p['id']}?lang=en" for p in parcels)


def test_coordinates_are_rounded_to_a_tenth_of_a_metre(page: str) -> None:
    ring = map_data(page)["parcels"][0]["geometry"]["coordinates"][0]
    assert all(len(repr(c).split(".")[1]) <= 6 for xy in ring for c in xy)


def test_the_biggest_park_page_stays_light(page: str) -> None:
    data = json_block_text(page, "iv-map-data")
    assert len(data.encode()) < 40_000
    assert len(page.encode()) < 100_000


def test_statuses_have_the_main_maps_colours_and_labels(client) -> None:
    page = client.get(f"/parks/{ALL_FOUR}?lang=en").get_data(as_text=True)
    statuses = map_data(page)["statuses"]
    assert {s: v["color"] for s, v in statuses.items()} == COLORS
    assert statuses["clearance"]["label"] == "site clearance under way"
    lines = {(v["weight"], v["dash"]) for v in statuses.values()}
    assert len(lines) == len(statuses)  # a line style per status, not colour alone


def test_the_legend_names_each_status_with_its_count(page: str, park_parcels) -> None:
    legend = re.search(r'<ul class="iv-legend"[^>]*>(.*?)</ul>', page, re.S).group(1)
    shown = dict(
        re.findall(r'<li data-status="([^"]+)"><svg .*?</svg> ([^<]+)<', legend)
    )
    counts = {s: list(park_parcels.values()).count(s) for s in COLORS}
    assert shown == {
        "available": f"available ({counts['available']})",
        "reserved": f"reserved ({counts['reserved']})",
        "leased": f"leased ({counts['leased']})",
    }
    assert 'stroke-dasharray="6 4"' in legend  # reserved: dashed, as on the map


def test_every_parcel_is_listed_with_a_link(page: str, park_parcels) -> None:
    listed = re.search(r'id="iv-parcels">(.*?)</section>', page, re.S).group(1)
    linked = re.findall(r'<a href="/parcels/([^"?]+)\?lang=en">', listed)
    assert sorted(linked) == sorted(park_parcels)


def test_the_map_is_labelled_and_loads_only_this_sites_code(client, page) -> None:
    label = re.search(r'<div id="iv-map"[^>]*aria-label="([^"]+)"', page).group(1)
    assert label.startswith("Map of KCN Nam Đình Vũ")
    assert 'aria-describedby="iv-map-note"' in page
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert all(s.startswith("/static/") for s in scripts)
    assert any("/investor/areamap.js" in s for s in scripts)
    policy = client.get(f"/parks/{PARK}").headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "https://tiles.example.test" in policy


def test_housing_within_10_km_of_the_park_centre(page: str, sample_store) -> None:
    parks = gpd.read_file(sample_store, layer="parks", engine="pyogrio")
    centre = parks[parks["park_id"] == PARK].to_crs(32648).centroid.to_crs(4326).iloc[0]
    housing = gpd.read_file(sample_store, layer="housing", engine="pyogrio")
    near = {
        row.housing_id
        for row in housing.itertuples()
        if GEOD.inv(centre.x, centre.y, row.geometry.x, row.geometry.y)[2] <= 10_000
    }
    assert near  # the check means something
    table = re.search(r'id="iv-housing">(.*?)</section>', page, re.S).group(1)
    assert set(re.findall(r'<tr data-housing="([^"]+)">', table)) == near
    assert len(map_data(page)["housing"]) == len(near)


SCENES = [  # the park's own scene 8 km off, one 2 km off, one 30 km off
    {"id": "own", "name": "Own", "lon": 106.88, "lat": 20.78, "park": PARK},
    {"id": "near", "name": "Near", "lon": 106.79, "lat": 20.78, "park": "dinh_vu"},
    {"id": "far", "name": "Far", "lon": 106.5, "lat": 20.9, "park": "other"},
]


@pytest.fixture
def scenes(monkeypatch: pytest.MonkeyPatch):
    def fake(lang: str) -> list[dict]:
        return [
            s
            | {"url": f"/vr/{s['id']}?lang={lang}", "heading": 90.0, "generated": True}
            for s in SCENES
        ]

    monkeypatch.setattr(nearby, "scene_list", fake)


@pytest.mark.usefixtures("scenes")
def test_cameras_of_and_near_the_park_link_to_the_viewer(client) -> None:
    text = client.get(f"/parks/{PARK}?lang=en").get_data(as_text=True)
    cameras = map_data(text)["cameras"]
    assert [c["url"] for c in cameras] == ["/vr/own?lang=en", "/vr/near?lang=en"]
    assert cameras[0]["heading"] == 90.0 and cameras[0]["kind"] == "generated image"
    listed = re.search(r'id="iv-vr">(.*?)</section>', text, re.S).group(1)
    assert '<a href="/vr/own?lang=en">Own</a>' in listed and "/vr/far" not in listed


@pytest.mark.parametrize("lang", ["vi", "en", "ja", "ko"])
def test_the_map_speaks_four_languages(client, lang: str) -> None:
    text = client.get(f"/parks/{PARK}?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in text
    data = map_data(text)
    for status, label in LABELS[lang].items():
        assert data["statuses"][status]["label"] == label
    label = re.search(r'<div id="iv-map"[^>]*aria-label="([^"]+)"', text).group(1)
    assert MAP_LABEL[lang] in label
    assert data["parcels"][0]["url"].endswith(f"?lang={lang}")


def test_an_unknown_park_is_still_a_404_page_without_a_map(client) -> None:
    resp = client.get("/parks/%3Cscript%3E?lang=en")
    assert resp.status_code == 404
    text = resp.get_data(as_text=True)
    assert "No industrial park has the id" in text and "iv-map-data" not in text


def test_hostile_park_and_scene_names_stay_text(
    planner_built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = {"id": "evil", "name": HOSTILE, "lon": 106.6, "lat": 20.87, "park": "a",
             "url": "/vr/evil?lang=vi", "heading": 0.0, "generated": False}  # fmt: skip
    monkeypatch.setattr(nearby, "scene_list", lambda lang: [scene])
    app = investor_app(
        planner_built, tmp_path, data_dir=planner_built.parents[1] / "data"
    )
    text = app.test_client().get("/parks/a?lang=vi").get_data(as_text=True)
    assert f"<h1>{escape(PARK_A_NAME)}" in text
    assert "<b>An</b>" not in text and "<b>x</b>" not in text
    assert text.count("</script>") == len(re.findall(r"<script\b", text))
    data = map_data(text)
    assert data["cameras"][0]["name"] == HOSTILE  # data, for textContent
    assert escape(HOSTILE) in text  # the list of views shows it as text
    label = re.search(r'<div id="iv-map"[^>]*aria-label="([^"]+)"', text).group(1)
    assert html.unescape(label).startswith(f"Bản đồ {PARK_A_NAME}")
