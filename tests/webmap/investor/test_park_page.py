"""The park page: occupancy, land by status as a chart, free land, distances."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from markupsafe import escape

from layers.store.open import open_store
from tests.support.apps import close_store
from tests.support.clearance import PARK_A_NAME, PARK_B_NAME
from tests.support.investor import investor_app
from webmap.planner.charts import Bar, bar_chart

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends

PARK = "dinh_vu"


@pytest.fixture(scope="module")
def client(sample_location: str, tmp_path_factory: pytest.TempPathFactory):
    app = investor_app(sample_location, tmp_path_factory.mktemp("parks"))
    yield app.test_client()
    close_store(app)


@pytest.fixture(scope="module")
def page(client) -> str:
    resp = client.get(f"/parks/{PARK}?lang=en")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


@pytest.fixture(scope="module")
def parcels(sample_location: str):
    store = open_store(sample_location)
    found = store.query("parcels", filters={"park_id": PARK}, limit=10_000).features
    park = store.get("parks", PARK)
    store.close()
    return park, found


def test_reported_and_computed_occupancy(page: str, parcels):
    park, _ = parcels
    summary = re.search(r'id="iv-summary">(.*?)</table>', page, re.S).group(1)
    reported = park.properties["occupancy_pct"]
    computed = park.properties["occupancy_computed_pct"]
    assert (
        f'data-field="occupancy_pct"><th scope="row">Occupancy (reported)</th><td>{reported} %'
        in summary
    )
    assert f'<th scope="row">Occupancy (from parcels)</th><td>{computed} %' in summary
    assert "Dinh Vu Industrial Zone JSC" in summary


def test_land_by_status_chart_sums_the_parcels(page: str, parcels):
    _, features = parcels
    totals: dict[str, float] = defaultdict(float)
    for f in features:
        totals[f.properties["status"]] += f.properties["area_ha"]
    svg = re.search(r"<svg .*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "<script" not in svg
    tips = dict(re.findall(r"<rect [^>]*><title>([^:<]+): ([\d.,]+) ha", svg))
    assert {k: float(v.replace(",", "")) for k, v in tips.items()} == {
        label: round(totals[status], 1)
        for status, label in (
            ("available", "available"),
            ("reserved", "reserved"),
            ("leased", "leased"),
        )
        if status in totals
    }


def test_free_parcels_link_to_their_pages(page: str, parcels):
    _, features = parcels
    free = [f.id for f in features if f.properties["status"] == "available"]
    assert free
    listed = re.findall(r'<tr data-parcel="([^"]+)">', page)
    assert sorted(listed) == sorted(free)
    for parcel_id in free:
        assert f'href="/parcels/{parcel_id}?lang=en"' in page


def test_contiguous_free_blocks(page: str, parcels):
    _, features = parcels
    blocks = {f.properties["block_id"] for f in features if f.properties["block_id"]}
    assert set(re.findall(r'<tr data-block="([^"]+)">', page)) == blocks


def test_distance_to_the_ports_and_the_airport(page: str, parcels):
    park, _ = parcels
    travel = re.search(r'id="iv-travel">(.*?)</table>', page, re.S).group(1)
    shown = dict(
        re.findall(r'data-landmark="([^"]+)">.*?<td class="num">([^<]+)<', travel)
    )
    assert set(shown) == {"lach_huyen_port", "haiphong_port", "cat_bi_airport"}
    km = park.properties["dist_cat_bi_airport_km"]
    assert shown["cat_bi_airport"] == f"{km:.1f} km"


def test_a_park_without_free_land_says_so(client):
    text = client.get("/parks/nomura?lang=en").get_data(as_text=True)
    assert "No parcel of this park is available." in text
    assert "This park has no contiguous free block." in text


@pytest.mark.parametrize("park_id", ["nope", "%3Cb%3E", "a/b", "x" * 3000])
def test_an_unknown_park_is_a_404_page(client, park_id: str):
    resp = client.get(f"/parks/{park_id}?lang=en")
    assert resp.status_code == 404
    assert resp.mimetype == "text/html"
    assert "No industrial park has the id" in resp.get_data(as_text=True)


def test_names_with_html_are_escaped_in_page_and_chart(planner_built: Path, tmp_path):
    client = investor_app(
        planner_built, tmp_path, data_dir=planner_built.parents[1] / "data"
    ).test_client()
    for park_id, name in (("a", PARK_A_NAME), ("b", PARK_B_NAME)):
        resp = client.get(f"/parks/{park_id}?lang=vi")
        assert resp.status_code == 200
        text = resp.get_data(as_text=True)
        assert f"<h1>{escape(name)}" in text
        assert "<b>An</b>" not in text


def test_the_bar_chart_escapes_and_checks_colours():
    svg = bar_chart(
        [
            Bar('<script>alert("x")</script>', 12.5, "#27ae60", "2 parcels"),
            Bar("leased", 40.0, 'red" onload="alert(1)'),
        ],
        "Land & <status>",
        "nothing",
    )
    assert "<script>" not in svg and "onload" not in svg
    assert "&lt;script&gt;" in svg and "Land &amp; &lt;status&gt;" in svg
    assert 'fill="#27ae60"' in svg
    assert re.search(r'<rect [^>]*width="380.0"', svg)  # the largest bar is full length
    assert "12.5 ha · 2 parcels" in svg


def test_an_empty_bar_chart_says_so():
    svg = bar_chart([Bar("leased", 0.0, "#000")], "Land", "No area known.")
    assert "No area known." in svg and "<rect" not in svg


def test_drive_times_beside_the_distances(page: str, parcels):
    park, _ = parcels
    travel = re.search(r'id="iv-travel">(.*?)</table>', page, re.S).group(1)
    shown = dict(
        re.findall(r'data-landmark="([^"]+)">.*?<td class="num">[^<]+</td>'
                   r'<td class="num">([^<]+)<', travel)
    )  # fmt: skip
    assert set(shown) == {"lach_huyen_port", "haiphong_port", "cat_bi_airport"}
    for landmark, text in shown.items():
        minutes = park.properties[f"drive_{landmark}_min"]
        assert text == f"{minutes:.0f} min by road"
