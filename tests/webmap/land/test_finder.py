"""The land finder's page, its JSON search, its exports and the map page's panel."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from layers.errors import InvalidQuery
from layers.land.gpkg import GpkgLand
from layers.land.postgis import PgLand
from layers.land.query import LandResult
from tests.support.apps import close_store, isolated
from tests.support.data_dirs import make_dataset
from tests.support.extra_layers import EVIL_NAME, add_layers
from tests.support.stores import build_for
from webmap import create_app
from webmap.core.i18n import LANGUAGES
from webmap.land import exports

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends

ROOT = Path(__file__).resolve().parents[3]
KML = "{http://www.opengis.net/kml/2.2}"
ISSUE = "min_ha=5&km_lach_huyen_port=20"
TITLES = {"vi": "Tìm đất", "en": "Find land", "ko": "부지 찾기", "ja": "用地を探す"}


@pytest.fixture(scope="module")
def land_app(sample_location, tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(ROOT / "data"),
            "STORE": sample_location,
            **isolated(tmp_path_factory.mktemp("land")),
        }
    )
    yield app
    close_store(app)


@pytest.fixture(scope="module")
def web(land_app):
    return land_app.test_client()


def search(web, query: str) -> dict:
    resp = web.get(f"/land/search.json?{query}")
    assert resp.status_code == 200, resp.data
    assert resp.mimetype == "application/geo+json"
    return resp.get_json()


def ids(doc: dict) -> list[str]:
    return [f["id"] for f in doc["features"]]


def row_ids(html: str) -> list[str]:
    return re.findall(r'<(?:tr|li) data-id="([^"]+)"', html)


# --- the page -------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_page_in_each_language(web, lang) -> None:
    resp = web.get(f"/land?{ISSUE}&lang={lang}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{TITLES[lang]}</h1>" in html
    expected = ids(search(web, ISSUE))
    assert row_ids(html) == expected
    assert 'id="land-message" class="land-message" role="alert" hidden' in html
    assert "Content-Security-Policy" in resp.headers


def test_page_loads_only_local_assets(web) -> None:
    html = web.get("/land?lang=en").get_data(as_text=True)
    for url in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        with web.get(url) as resp:
            assert resp.status_code == 200, url
    assert "https://" not in re.sub(r'"url": "[^"]*"', "", html.split("land-config")[0])


def test_page_links_keep_the_search_in_every_language(web) -> None:
    html = web.get(f"/land?{ISSUE}&lang=ko").get_data(as_text=True)
    for lang in LANGUAGES:
        assert f"/land?lang={lang}&amp;min_ha=5&amp;km_lach_huyen_port=20" in html


def test_form_shows_the_search(web) -> None:
    html = web.get(f"/land?{ISSUE}&park=vsip,dinh_vu&ready=1&lang=en").get_data(
        as_text=True
    )
    assert 'name="min_ha" min="0" step="any" inputmode="decimal" value="5"' in html
    assert 'value="vsip" selected' in html and 'value="dinh_vu" selected' in html
    assert 'name="ready" value="1" checked' in html


def test_pager_and_figures(web) -> None:
    doc = search(web, "status=available,leased&limit=10&offset=10")
    html = web.get("/land?status=available,leased&limit=10&offset=10&lang=en").get_data(
        as_text=True
    )
    assert row_ids(html) == ids(doc)
    assert f"{doc['numberMatched']} parcels" in html
    assert "offset=20" in html and "offset=0" not in html  # next; previous is page 1


# --- search.json ----------------------------------------------------------------


def test_search_json(web, land_app) -> None:
    doc = search(web, f"{ISSUE}&sort=km_junction")
    assert doc["type"] == "FeatureCollection"
    assert (
        doc["numberReturned"] == len(doc["features"]) == min(50, doc["numberMatched"])
    )
    assert doc["totalHa"] > 5 * doc["numberMatched"]
    assert doc["query"]["within"] == {"lach_huyen_port": 20.0}
    assert doc["params"] == [
        ["min_ha", "5"],
        ["km_lach_huyen_port", "20"],
        ["sort", "km_junction"],
        ["order", "asc"],
    ]
    junction = [
        min(v for k, v in f["properties"].items() if k.startswith("dist_jct_"))
        for f in doc["features"]
    ]
    assert junction == sorted(junction)
    assert all(f["properties"]["status"] == "available" for f in doc["features"])


BAD = [
    ("min_ha=abc", "min_ha", "Area from (ha): not a number: abc"),
    ("min_ha=-1", "min_ha", "Area from (ha): must not be negative"),
    ("min_ha=nan", "min_ha", None),
    ("max_ha=inf", "max_ha", None),
    ("min_ha=5&max_ha=2", "min_ha", "the lower bound is above the upper bound"),
    ("min_price=9&max_price=1", "min_price", None),
    ("park=nowhere", "park", "Industrial park: unknown value: nowhere"),
    ("zone=atlantis", "zone", None),
    ("status=sold", "status", None),
    ("km_nowhere=3", "km_nowhere", "Distance to nowhere (km)"),
    ("km_port=-1", "km_port", "Distance to nearest seaport (km)"),
    ("sort=size", "sort", "Sort by: unknown value: size"),
    ("order=up", "order", None),
    ("limit=501", "limit", None),
    # "²".isdigit() is True but int() refuses it; 5,000 digits pass a digit check
    # but not int(): both used to be a 500 on the page and the panel.
    ("limit=%C2%B2", "limit", "Results per page: not a whole number: ²"),
    ("limit=%D9%A3", "limit", "Results per page: not a whole number"),
    ("limit=" + "9" * 5000, "limit", "Results per page: too long"),
    ("offset=-1", "offset", None),
    ("ready=maybe", "ready", None),
    ("foo=1", "foo", "unknown search parameter"),
]


@pytest.mark.parametrize(("query", "parameter", "message"), BAD)
def test_bad_input_is_a_400_problem(web, query, parameter, message) -> None:
    resp = web.get(f"/land/search.json?{query}")
    assert resp.status_code == 400
    assert resp.mimetype == "application/problem+json"
    assert resp.get_json()["parameter"] == parameter


@pytest.mark.parametrize(("query", "parameter", "message"), BAD)
def test_bad_input_is_a_message_on_the_page(web, query, parameter, message) -> None:
    resp = web.get(f"/land?{query}&lang=en")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert resp.mimetype == "text/html"
    assert 'role="alert">' in html and 'role="alert" hidden' not in html
    alert = html.split('role="alert">')[1].split("</p>")[0]
    assert alert.strip()
    if message:
        assert message in alert
    assert 'id="land-form"' in html  # the form is still there to correct it


@pytest.mark.parametrize("limit", ["%C2%B2", "%D9%A3", "9" * 5000])
def test_a_bad_limit_is_a_message_in_the_panel(web, limit) -> None:
    resp = web.get(f"/land/panel?limit={limit}&lang=en")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    alert = html.split('role="alert">')[1].split("</p>")[0]
    assert alert.startswith("Results per page: ")
    assert 'id="land-form"' in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_bad_input_message_is_translated(web, lang) -> None:
    html = web.get(f"/land?min_ha=-1&lang={lang}").get_data(as_text=True)
    alert = html.split('role="alert">')[1].split("</p>")[0]
    assert alert != "" and ("must not be negative" in alert) == (lang == "en")


def test_panel_fragment(web) -> None:
    resp = web.get(f"/land/panel?{ISSUE}&lang=ja")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "<html" not in html and 'id="land-form"' in html
    assert row_ids(html) == ids(search(web, ISSUE))
    assert "用地を探す" in html


# --- exports --------------------------------------------------------------------


def everything(web, query: str) -> list[str]:
    return ids(search(web, f"{query}&limit=500"))


def test_csv_export(web) -> None:
    resp = web.get(f"/land/export.csv?{ISSUE}&sort=price&lang=vi")
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    body = resp.data
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [r["parcel_id"] for r in rows] == everything(web, f"{ISSUE}&sort=price")
    first = rows[0]
    assert (
        float(first["area_ha"]) >= 5 and float(first["dist_lach_huyen_port_km"]) <= 20
    )
    assert 106 < float(first["lon"]) < 107.2 and 20.5 < float(first["lat"]) < 21.1
    assert first["park"] and first["park"] != first["park_id"]


def test_geojson_export(web) -> None:
    resp = web.get(f"/land/export.geojson?{ISSUE}&limit=5&offset=3")
    doc = json.loads(resp.data)
    assert resp.mimetype == "application/geo+json"
    assert ids(doc) == everything(web, ISSUE)  # every match, not the page
    assert doc["truncated"] is False and doc["numberMatched"] == len(doc["features"])


def test_kml_export(web) -> None:
    resp = web.get(f"/land/export.kml?{ISSUE}&lang=ko")
    assert resp.mimetype == "application/vnd.google-earth.kml+xml"
    root = ET.fromstring(resp.data)
    assert root.tag == f"{KML}kml"
    marks = root.findall(f"{KML}Document/{KML}Placemark")
    names = [m.findtext(f"{KML}name").split(" – ")[0] for m in marks]
    assert names == everything(web, ISSUE)
    coords = marks[0].findtext(f".//{KML}outerBoundaryIs//{KML}coordinates").split()
    lon, lat = map(float, coords[0].split(","))
    assert 106 < lon < 107.2 and 20.5 < lat < 21.1  # lon,lat order
    data = {
        d.get("name"): d.findtext(f"{KML}value") for d in marks[0].iter(f"{KML}Data")
    }
    assert data["parcel_id"] == names[0] and float(data["area_ha"]) >= 5


def test_exports_are_capped_with_a_note(web, monkeypatch) -> None:
    monkeypatch.setattr("webmap.views.land.MAX_LIMIT", 7)
    resp = web.get("/land/export.geojson?status=available,leased&lang=en")
    doc = json.loads(resp.data)
    assert len(doc["features"]) == 7 < doc["numberMatched"]
    assert doc["truncated"] is True and "first 7 of" in doc["note"]
    resp = web.get("/land/export.csv?status=available,leased")
    assert resp.headers["X-Number-Returned"] == "7"
    assert int(resp.headers["X-Number-Matched"]) > 7
    kml = ET.fromstring(web.get("/land/export.kml?status=leased&lang=en").data)
    assert "first 7 of" in kml.findtext(f"{KML}Document/{KML}description")


@pytest.mark.parametrize("fmt", ["csv", "geojson", "kml"])
def test_export_of_a_bad_search_is_a_400(web, fmt) -> None:
    resp = web.get(f"/land/export.{fmt}?min_ha=x")
    assert resp.status_code == 400 and resp.get_json()["parameter"] == "min_ha"


def test_unknown_export_format(web) -> None:
    assert web.get("/land/export.xlsx").status_code == 404


def _feature(fid: str, park: str) -> str:
    return json.dumps(
        {
            "type": "Feature",
            "id": fid,
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[106.7, 20.8], [106.71, 20.8], [106.71, 20.81], [106.7, 20.8]]
                ],
            },
            "properties": {"parcel_id": fid, "park_id": park, "status": "available"},
        }
    )


def test_csv_cells_cannot_be_formulas() -> None:
    result = LandResult([_feature("=1+1", "p"), _feature("@x", "q")], 2, 0.0)
    body = exports.csv_bytes(result, {"p": "-cmd|' /C calc'!A0", "q": "+q"}, {})
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1][0] == "'=1+1" and rows[1][2] == "'-cmd|' /C calc'!A0"
    assert rows[2][0] == "'@x" and rows[2][2] == "'+q"


def test_kml_escapes_names() -> None:
    result = LandResult([_feature("<a&b>", "p")], 1, 0.0)
    body = exports.kml_bytes(result, {"p": EVIL_NAME + "\x01"}, "<title>", "a & b")
    root = ET.fromstring(body)
    mark = root.find(f"{KML}Document/{KML}Placemark")
    assert mark.findtext(f"{KML}name") == f"<a&b> – {EVIL_NAME}"
    assert root.findtext(f"{KML}Document/{KML}name") == "<title>"


# --- names that are HTML, on a store of another shape ---------------------------


@pytest.fixture(scope="module")
def evil_web(request, store_kind, tmp_path_factory):
    root = tmp_path_factory.mktemp("evil")
    data = make_dataset(root)
    add_layers(data)
    store = build_for(request, data, root / "build" / "parkmap.gpkg")
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(data), "STORE": store, **isolated(root)}
    )
    yield app.test_client()
    close_store(app)


def test_page_escapes_park_names(evil_web) -> None:
    resp = evil_web.get("/land?sort=km_port&status=available,leased&lang=en")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "<script>window.__xss" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert "a-3" in row_ids(html)


def test_store_without_prices_or_blocks(evil_web) -> None:
    html = evil_web.get("/land?lang=en").get_data(as_text=True)
    assert 'name="min_price"' not in html and 'name="min_block_ha"' not in html
    resp = evil_web.get("/land?min_block_ha=1&lang=en")
    assert resp.status_code == 400
    assert "not available for these data" in resp.get_data(as_text=True)
    resp = evil_web.get("/land/search.json?min_price=1")
    assert resp.status_code == 400 and resp.get_json()["parameter"] == "min_price"


# --- the map page's panel ---------------------------------------------------------


def test_map_page_has_the_panel_but_not_its_data(web) -> None:
    html = web.get(f"/?{ISSUE}&lang=en").get_data(as_text=True)
    assert "/static/land/land.js" in html and "/static/land/land-panel.js" in html
    assert "parkmapLand.panel(" in html and '"/land/panel"' in html
    assert 'id="land-form"' not in html and "land-config" not in html
    assert len(html.encode()) <= 300_000


def test_embed_and_planner_maps_have_no_panel(web) -> None:
    assert "parkmapLand" not in web.get("/embed").get_data(as_text=True)


def test_a_search_the_store_refuses_is_a_message_too(web, monkeypatch) -> None:
    def refuse(self, query):
        raise InvalidQuery("sort", "no such field", "unavailable")

    monkeypatch.setattr(GpkgLand, "search", refuse)
    monkeypatch.setattr(PgLand, "search", refuse)
    resp = web.get("/land?lang=en")
    assert resp.status_code == 400
    assert "Sort by: not available for these data" in resp.get_data(as_text=True)
    assert web.get("/land/search.json").status_code == 400


# --- drive times: min_<target> ----------------------------------------------------


def test_search_json_filters_and_sorts_on_minutes(web) -> None:
    doc = search(web, "min_port=20&sort=min_lach_huyen_port&status=available,leased")
    assert doc["query"]["drive_within"] == {"port": 20.0}
    assert ["min_port", "20"] in doc["params"]
    minutes = [f["properties"]["drive_lach_huyen_port_min"] for f in doc["features"]]
    assert minutes and minutes == sorted(minutes)
    for f in doc["features"]:
        props = f["properties"]
        assert (
            min(props["drive_lach_huyen_port_min"], props["drive_haiphong_port_min"])
            <= 20
        )


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("min_nowhere=10", "min_nowhere", "Drive time to nowhere (min)"),
        ("min_port=-5", "min_port", "Drive time to nearest seaport (min)"),
        ("sort=min_nowhere", "sort", "Sort by: unknown value"),
    ],
)
def test_bad_minutes_are_a_400_and_a_message(web, query, parameter, message) -> None:
    resp = web.get(f"/land/search.json?{query}")
    assert resp.status_code == 400
    assert resp.get_json()["parameter"] == parameter
    html = web.get(f"/land?{query}&lang=en").get_data(as_text=True)
    assert message in html


def test_form_and_list_show_drive_times(web) -> None:
    html = web.get("/land?min_lach_huyen_port=45&lang=en").get_data(as_text=True)
    assert "Maximum drive time (min)" in html
    assert 'name="min_lach_huyen_port" min="0" step="any"' in html
    assert 'value="45"' in html
    assert "min by road to nearest expressway junction</th>" in html
    assert 'data-target="min_lach_huyen_port"' in html
    first = re.search(r'<tr data-id="[^"]+" tabindex="0">(.*?)</tr>', html, re.S)
    assert first and len(re.findall(r'<td class="num">', first.group(1))) == 3 + 2 * 4
    assert '<option value="min_haiphong_port">' in html


def test_drive_time_labels_are_translated(web) -> None:
    html = web.get("/land?lang=vi").get_data(as_text=True)
    assert "Thời gian lái xe tối đa (phút)" in html


def test_csv_export_has_minutes_beside_km(web) -> None:
    resp = web.get("/land/export.csv?min_port=25&lang=en")
    rows = list(csv.DictReader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert rows
    for row in rows:
        port = min(
            float(row["drive_lach_huyen_port_min"]),
            float(row["drive_haiphong_port_min"]),
        )
        assert port <= 25 and float(row["dist_lach_huyen_port_km"]) > 0
