"""Compare up to four parcels side by side; bad ids give a message, never a 500."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layers.store.open import open_store
from tests.support.apps import close_store
from tests.support.investor import investor_app
from webmap.investor.compare import parse_ids

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends

IDS = ["dinh_vu-051", "dinh_vu-052", "nomura-001"]


@pytest.fixture(scope="module")
def client(sample_location: str, tmp_path_factory: pytest.TempPathFactory):
    app = investor_app(sample_location, tmp_path_factory.mktemp("compare"))
    yield app.test_client()
    close_store(app)


def rows(text: str) -> dict[str, tuple[bool, list[str]]]:
    """field → (marked as differing, the values shown)."""
    found = {}
    pattern = r'<tr data-field="([^"]+)"( class="iv-differs")?>(.*?)</tr>'
    for name, marked, row in re.findall(pattern, text, re.S):
        values = [html.unescape(v) for v in re.findall(r"<td>(.*?)</td>", row)]
        found[name] = (bool(marked), values)
    return found


def test_parcels_side_by_side_with_every_attribute(client, sample_location: str):
    resp = client.get(f"/compare?ids={','.join(IDS)}&lang=en")
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    store = open_store(sample_location)
    fields = [f.name for f in store.layer("parcels").fields]
    store.close()
    shown = rows(text)
    # the parcels' fields, then their parks' facts (issue 19: test_facts.py)
    assert [n for n in shown if not n.startswith("park.")] == fields
    assert list(shown)[: len(fields)] == fields
    assert all(len(values) == 3 for _, values in shown.values())
    columns = re.findall(r'<th scope="col" data-parcel="([^"]+)">', text)
    assert columns == IDS


def test_differences_are_marked(client):
    text = client.get("/compare?ids=dinh_vu-051,dinh_vu-052&lang=en").get_data(
        as_text=True
    )
    shown = rows(text)
    assert shown["park_id"][0] is False  # same park
    assert shown["block_id"] == (False, ["dinh_vu-B1", "dinh_vu-B1"])
    assert shown["parcel_id"][0] is True
    assert shown["area_ha"][0] is True  # 9.03 ha against 9.04 ha
    assert "The parcels differ here" in text


def test_each_column_can_leave_the_comparison_or_the_shortlist(client):
    text = client.get("/compare?ids=dinh_vu-051,nomura-001&lang=en").get_data(
        as_text=True
    )
    assert 'data-shortlist-toggle="dinh_vu-051"' in text
    assert 'href="/compare?lang=en&amp;ids=nomura-001"' in text


def test_no_ids_is_a_message(client):
    resp = client.get("/compare?lang=en")
    assert resp.status_code == 200
    assert "No parcel to compare yet" in resp.get_data(as_text=True)


def test_too_many_ids_is_a_400_message(client):
    ids = ",".join(f"p{i}" for i in range(5))
    resp = client.get(f"/compare?ids={ids}&lang=en")
    assert resp.status_code == 400
    assert resp.mimetype == "text/html"
    assert "Up to 4 parcels can be compared side by side; 5 were asked for." in (
        resp.get_data(as_text=True)
    )


def test_unknown_ids_are_named_and_the_others_still_compared(client):
    resp = client.get("/compare?ids=dinh_vu-051,<b>nope</b>&lang=en")
    assert resp.status_code == 404
    text = resp.get_data(as_text=True)
    assert "No parcel has the id &lt;b&gt;nope&lt;/b&gt;." in text
    assert re.findall(r'<th scope="col" data-parcel="([^"]+)">', text) == [
        "dinh_vu-051"
    ]


def test_repeated_ids_count_once(client):
    resp = client.get("/compare?ids=nomura-001,nomura-001,,nomura-001&lang=en")
    assert resp.status_code == 200
    assert (
        len(re.findall(r'<th scope="col" data-parcel=', resp.get_data(as_text=True)))
        == 1
    )


@given(st.text(max_size=300))
def test_any_ids_parameter_answers_a_page(client, text: str):
    resp = client.get("/compare", query_string={"ids": text, "lang": "en"})
    assert resp.status_code in (200, 400, 404)
    assert resp.mimetype == "text/html"


def test_parse_ids():
    assert parse_ids(" a, b ,a,,c ") == ["a", "b", "c"]
    assert parse_ids(None) == []


def test_a_store_without_areas_or_blocks_compares_too(shared_client):
    resp = shared_client.get("/compare?ids=a-1,b-2&lang=en")
    assert resp.status_code == 200
    assert rows(resp.get_data(as_text=True))["status"][1] == ["leased", "available"]
    assert shared_client.get("/parcels/a-3?lang=en").status_code == 200
    assert shared_client.get("/parks/a?lang=en").status_code == 200
