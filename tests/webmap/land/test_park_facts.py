"""The land finder's conditions on the park (issue 19): the form, the JSON search,
the page's error message and the API description."""

from __future__ import annotations

import csv
import html
import re

import pytest

from layers.land.query import land_vocabulary, parse_land_query
from layers.store.open import open_store
from tests.support.apps import close_store
from tests.support.investor import ROOT, investor_app

pytestmark = pytest.mark.both_stores

ARGS = {"industry": "26", "min_power_mva": "100", "handover": "serviced"}


@pytest.fixture(scope="module")
def web(sample_location, tmp_path_factory):
    app = investor_app(sample_location, tmp_path_factory.mktemp("land-facts"))
    yield app.test_client()
    close_store(app)


def test_the_form_names_the_divisions_in_the_page_language(web) -> None:
    with (ROOT / "data" / "vocabularies" / "vsic2018.csv").open(encoding="utf-8") as fh:
        names = {row["code"]: row["name_ja"] for row in csv.DictReader(fh)}
    page = web.get("/land?lang=ja&industry=26&handover=raw&min_lease_end=2060")
    text = page.get_data(as_text=True)
    fieldset = re.search(r'id="land-park-facts">.*?</fieldset>', text, re.S).group(0)
    options = re.findall(r'<option value="(\d\d)"( selected)?>([^<]*)<', fieldset)
    assert [code for code, _, _ in options] == list(names)
    assert [code for code, chosen, _ in options if chosen] == ["26"]
    assert html.unescape(options[0][2]) == f"01 {names['01']}"
    assert re.search(r'<option value="raw" selected>', fieldset)
    assert 'name="min_lease_end" min="0" max="9999" step="1"' in fieldset
    assert 'value="2060"' in fieldset


def test_the_json_search_applies_the_conditions(web, sample_location) -> None:
    store = open_store(sample_location)
    expected = store.land.search(parse_land_query(ARGS, land_vocabulary(store)))
    store.close()
    doc = web.get("/land/search.json", query_string=ARGS).get_json()
    assert doc["numberMatched"] == expected.number_matched > 0
    assert doc["query"]["industry"] == ["26"] and doc["query"]["handover"] == [
        "serviced"
    ]
    assert dict(doc["params"]) == ARGS


@pytest.mark.parametrize(
    ("args", "parameter"),
    [({"industry": "00"}, "industry"), ({"min_power_mva": "-3"}, "min_power_mva")],
)
def test_a_bad_condition_is_a_problem_naming_the_parameter(web, args, parameter):
    resp = web.get("/land/search.json", query_string=args)
    assert resp.status_code == 400
    assert resp.get_json()["parameter"] == parameter


def test_the_page_says_which_condition_is_wrong_in_its_language(web) -> None:
    text = web.get("/land?lang=en&min_water_m3_day=lots").get_data(as_text=True)
    assert "Water supply, at least (m³/day): not a number: lots" in html.unescape(text)


def test_the_api_description_lists_the_conditions(web) -> None:
    doc = web.get("/openapi.json").get_json()
    params = {
        p["name"]: p for p in doc["paths"]["/land/search.json"]["get"]["parameters"]
    }
    assert {"industry", "min_power_mva", "min_water_m3_day", "handover"} <= set(params)
    assert params["handover"]["schema"]["items"]["enum"] == ["serviced", "raw"]
    assert len(params["industry"]["schema"]["items"]["enum"]) == 88
    assert params["min_lease_end"]["schema"]["maximum"] == 9999
