"""A park's facts for investors (issue 19) on the park page, the parcel page's park
section and the comparison: four languages, the code tables' names, escaped."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest

from layers.build import build
from layers.store.open import open_store
from tests.support.apps import close_store
from tests.support.data_dirs import with_facts
from tests.support.investor import ROOT, investor_app

pytestmark = pytest.mark.both_stores

PARK = "vsip"
LANGS = ("vi", "en", "ko", "ja")


@pytest.fixture(scope="module")
def client(sample_location: str, tmp_path_factory: pytest.TempPathFactory):
    app = investor_app(sample_location, tmp_path_factory.mktemp("facts"))
    yield app.test_client()
    close_store(app)


@pytest.fixture(scope="module")
def park(sample_location: str) -> dict:
    store = open_store(sample_location)
    props = store.get("parks", PARK).properties
    store.close()
    return props


@pytest.fixture(scope="module")
def vsic() -> dict[str, dict[str, str]]:
    """The VSIC table as the data officer keeps it, read here independently."""
    path = ROOT / "data" / "vocabularies" / "vsic2018.csv"
    with path.open(encoding="utf-8") as fh:
        return {row["code"]: row for row in csv.DictReader(fh)}


def section(page: str, key: str, prefix: str = "iv-facts") -> str:
    found = re.search(rf'<section[^>]* id="{prefix}-{key}".*?</section>', page, re.S)
    assert found, key
    return found.group(0)


def cell(text: str, field: str) -> str:
    found = re.search(
        rf'data-field="{field}"><th scope="row">[^<]*</th><td>(.*?)</td>', text
    )
    assert found, field
    return html.unescape(found.group(1))


@pytest.mark.parametrize("lang", LANGS)
def test_industries_are_named_in_the_page_language(client, park, vsic, lang) -> None:
    page = client.get(f"/parks/{PARK}?lang={lang}").get_data(as_text=True)
    industries = section(page, "industries")
    accepted = park["industries_accepted"].split(",")
    codes = re.findall(r'<li data-code="(\d+)">', industries)
    assert codes == accepted + park["industries_excluded"].split(",")
    for code in accepted:
        assert html.escape(vsic[code][f"name_{lang}"], quote=False) in industries


def test_section_titles_speak_each_language(client) -> None:
    titles = set()
    for lang in LANGS:
        page = client.get(f"/parks/{PARK}?lang={lang}").get_data(as_text=True)
        heading = re.search(
            r'id="iv-facts-utilities-h">([^<]+)<', section(page, "utilities")
        )
        titles.add(heading.group(1))
    assert len(titles) == 4 and "Utilities" in titles


def test_utilities_terms_and_sources(client, park) -> None:
    page = client.get(f"/parks/{PARK}?lang=en").get_data(as_text=True)
    utilities, terms = section(page, "utilities"), section(page, "terms")
    assert cell(utilities, "power_mva") == f"{park['power_mva']:g} MVA"
    assert cell(utilities, "water_m3_day") == f"{park['water_m3_day']:,.0f} m³/day"
    low, high = park["rent_min_usd"], park["rent_max_usd"]
    assert cell(terms, "rent") == f"{low:g}–{high:g} USD/m²"
    assert cell(terms, "lease_end_year") == str(park["lease_end_year"])
    assert "Source: illustrative" in terms


def test_incentives_carry_rules_and_legal_basis(client, park) -> None:
    page = client.get(f"/parks/{PARK}?lang=en").get_data(as_text=True)
    incentives = section(page, "incentives")
    codes = re.findall(r'<li data-code="([a-z]+)">', incentives)
    assert codes == park["schemes"].split(",")
    assert incentives.count("Legal basis:") == len(codes)
    assert "Nghị định 35/2022/NĐ-CP" in incentives


def test_contacts_of_the_office_and_the_authority(client, park) -> None:
    page = client.get(f"/parks/{PARK}?lang=ko").get_data(as_text=True)
    contacts = section(page, "contacts")
    assert cell(contacts, "office_email") == park["office_email"]
    assert cell(contacts, "authority_office") == park["authority_office"]
    assert cell(contacts, "office_languages") == "Tiếng Việt, English"


def test_the_parcel_page_shows_its_park_s_facts(client, park) -> None:
    page = client.get(f"/parcels/{PARK}-001?lang=en").get_data(as_text=True)
    utilities = section(page, "utilities", "iv-park-facts")
    assert cell(utilities, "power_mva") == f"{park['power_mva']:g} MVA"
    assert "<h3" in utilities  # headings one level under the park's


def test_the_comparison_lists_the_parks_side_by_side(client, sample_location) -> None:
    store = open_store(sample_location)
    parks = {pid: store.get("parks", pid).properties for pid in ("vsip", "xuan_cau")}
    store.close()
    page = client.get("/compare?ids=vsip-001,xuan_cau-001&lang=en").get_data(
        as_text=True
    )
    power = re.search(r'data-field="park.power_mva".*?</tr>', page, re.S).group(0)
    values = re.findall(r"<td>([^<]*)</td>", power)
    assert values == [f"{parks[p]['power_mva']:g} MVA" for p in ("vsip", "xuan_cau")]
    assert 'class="iv-differs"' in power
    lease = re.search(r'data-field="park.lease_end_year".*?</tr>', page, re.S).group(0)
    assert re.findall(r"<td>([^<]*)</td>", lease) == [
        str(parks[p]["lease_end_year"]) for p in ("vsip", "xuan_cau")
    ]


HOSTILE = '<script>alert("x")</script>'


def test_every_fact_is_escaped(data_dir: Path, tmp_path: Path) -> None:
    with_facts(
        data_dir,
        vsic={"26": HOSTILE},
        a={"industries_accepted": "26", "industries_excluded": ""},
    )
    facts = data_dir / "attributes" / "facts.csv"
    facts.write_text(facts.read_text().replace("Investment office A", "A&B <b>"))
    store = tmp_path / "hostile.gpkg"
    build(data_dir, store, progress=lambda _m: None)
    app = investor_app(store, tmp_path / "scratch", data_dir=data_dir)
    page = app.test_client().get("/parks/a?lang=en").get_data(as_text=True)
    close_store(app)
    assert HOSTILE not in page and "<b>" not in page
    assert html.escape(HOSTILE) in page or "&lt;script&gt;" in page
    assert "A&amp;B &lt;b&gt;" in page
