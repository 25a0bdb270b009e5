"""The site report PDF: its text, fonts and QR code read back, 404, 400, ETag."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from flask_babel import gettext

from layers.store.open import open_store
from tests.support.apps import close_store
from tests.support.investor import investor_app
from tests.support.pdf import pdf_fonts, pdf_text, qr_codes
from webmap.core.i18n import number
from webmap.investor.parcel import Distance
from webmap.report import sections, sitemap

PARCEL, PARK = "dinh_vu-051", "dinh_vu"
PUBLIC = "https://maps.example.org/heza"
LANGS = ("vi", "en", "ko", "ja")


@pytest.fixture(scope="module")
def client(sample_store: Path, tmp_path_factory: pytest.TempPathFactory):
    """A client of the sample data whose public address is ``PUBLIC``."""
    app = investor_app(sample_store, tmp_path_factory.mktemp("rep"), PUBLIC_URL=PUBLIC)
    yield app.test_client()
    close_store(app)


@pytest.fixture(scope="module")
def app(client):
    return client.application


@pytest.fixture(scope="module")
def facts(sample_store: Path) -> dict:
    store = open_store(str(sample_store))
    parcel, park = store.get("parcels", PARCEL), store.get("parks", PARK)
    store.close()
    return {"parcel": parcel.properties, "park": park.properties}


@pytest.fixture(scope="module")
def reports(client) -> dict[tuple[str, str], bytes]:
    """Each report once per language: (kind, lang) → PDF bytes."""
    out = {}
    for lang in LANGS:
        for kind, path in (
            ("parcel", f"/parcels/{PARCEL}"),
            ("park", f"/parks/{PARK}"),
        ):
            resp = client.get(f"{path}/report.pdf?lang={lang}")
            assert resp.status_code == 200, (kind, lang)
            assert resp.mimetype == "application/pdf"
            out[kind, lang] = resp.data
    return out


def km_text(km: float) -> str:
    """A distance as the English pages write it: one decimal, none if it is 0."""
    return f"{km:.1f}".removesuffix(".0") + " km"


def labels(app, lang: str, *msgids: str) -> list[str]:
    """The msgids as the app translates them into ``lang``."""
    with app.test_request_context(f"/?lang={lang}"):
        return [gettext(m) for m in msgids]


@pytest.mark.parametrize("lang", LANGS)
def test_parcel_report_holds_the_id_the_park_s_name_and_the_language_s_labels(
    app, reports, facts, tmp_path, lang
):
    text = pdf_text(reports["parcel", lang], tmp_path)
    assert PARCEL in text
    assert facts["park"]["name_vi"] in text
    wanted = labels(app, lang, "Site report", "Attributes", "Distances")
    assert all(w in text for w in wanted), (wanted, text[:400])
    if lang != "en":  # really translated, not the English fallback
        assert "Site report" not in text and "Attributes" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_park_report_holds_the_park_s_name_and_the_language_s_labels(
    app, reports, facts, tmp_path, lang
):
    text = pdf_text(reports["park", lang], tmp_path)
    assert facts["park"]["name_vi"] in text
    wanted = labels(app, lang, "Site report", "Occupancy and land", "Free parcels")
    assert all(w in text for w in wanted), wanted


def test_every_font_is_embedded_and_a_cjk_one_is_used(reports, tmp_path):
    for (kind, lang), pdf in reports.items():
        fonts = pdf_fonts(pdf, tmp_path)
        assert fonts and all(embedded for _, embedded in fonts), (kind, lang, fonts)
        names = " ".join(name for name, _ in fonts)
        cjk = {"ko": "NotoSansKR", "ja": "NotoSansJP"}.get(lang)
        if cjk is not None:
            assert cjk in names, names


@pytest.mark.parametrize(
    ("kind", "path"), [("parcel", f"/parcels/{PARCEL}"), ("park", f"/parks/{PARK}")]
)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_qr_code_opens_the_page_at_the_public_url(
    reports, tmp_path, kind, path, lang
):
    assert qr_codes(reports[kind, lang], tmp_path) == [f"{PUBLIC}{path}?lang={lang}"]


def test_the_qr_code_ignores_the_request_s_host(client, tmp_path):
    resp = client.get(
        f"/parcels/{PARCEL}/report.pdf?lang=en",
        headers={"X-Forwarded-Host": "evil.example", "Host": "localhost"},
    )
    assert qr_codes(resp.data, tmp_path) == [f"{PUBLIC}/parcels/{PARCEL}?lang=en"]


def test_the_parcel_report_shows_the_page_s_figures(reports, facts, tmp_path):
    text = pdf_text(reports["parcel", "en"], tmp_path)
    props = facts["parcel"]
    assert f"{props['area_ha']:.2f} ha" in text
    for key, km in props.items():
        if key.startswith("dist_") and km is not None:
            assert km_text(km) in text, key
    assert "Dinh Vu Industrial Zone JSC" in text  # the park's developer
    assert "HEZA report 10/2023" in text  # a source
    assert "Figures: HEZA report" in text  # the data's date


def test_the_park_report_lists_the_distances_to_every_landmark(
    reports, facts, tmp_path
):
    text = pdf_text(reports["park", "en"], tmp_path)
    distances = [v for k, v in facts["park"].items() if k.startswith("dist_")]
    assert len(distances) > 2  # more than the page's ports and airport
    for km in distances:
        assert km_text(km) in text


@pytest.mark.parametrize(
    "path", ["/parcels/no-such-parcel/report.pdf", "/parks/no-such-park/report.pdf"]
)
def test_unknown_ids_answer_the_pages_404(client, path):
    resp = client.get(path + "?lang=en")
    assert resp.status_code == 404
    assert resp.mimetype == "text/html"
    assert "no-such-par" in resp.get_data(as_text=True)
    assert "report.pdf</" not in resp.get_data(as_text=True)  # the id, not the path


@pytest.mark.parametrize("value", ["xx", "", "fr", "<b>"])
def test_a_bad_lang_is_a_400_problem_naming_it(client, value):
    resp = client.get(f"/parcels/{PARCEL}/report.pdf", query_string={"lang": value})
    assert resp.status_code == 400
    assert resp.mimetype == "application/problem+json"
    assert resp.get_json()["parameter"] == "lang"


def test_without_lang_the_browser_s_language_is_used(app, client, tmp_path):
    resp = client.get(
        f"/parcels/{PARCEL}/report.pdf", headers={"Accept-Language": "ko-KR,ko"}
    )
    assert resp.status_code == 200
    assert labels(app, "ko", "Site report")[0] in pdf_text(resp.data, tmp_path)
    assert "Accept-Language" in resp.headers["Vary"]


def test_a_current_etag_answers_304_without_a_body(client):
    first = client.get(f"/parcels/{PARCEL}/report.pdf?lang=en")
    tag = first.headers["ETag"]
    again = client.get(
        f"/parcels/{PARCEL}/report.pdf?lang=en", headers={"If-None-Match": tag}
    )
    assert again.status_code == 304 and again.data == b""
    other = client.get(f"/parcels/{PARCEL}/report.pdf?lang=vi")
    assert other.headers["ETag"] != tag
    assert first.headers["Cache-Control"] == "no-cache"


def test_a_stale_etag_gets_the_pdf(client):
    resp = client.get(
        f"/parcels/{PARCEL}/report.pdf?lang=en", headers={"If-None-Match": '"old"'}
    )
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")


def test_the_download_is_named_after_the_site_and_language(client):
    resp = client.get(f"/parks/{PARK}/report.pdf?lang=ja")
    assert resp.headers["Content-Disposition"] == (
        f'inline; filename="site-report-{PARK}-ja.pdf"'
    )


@pytest.mark.parametrize(
    ("page", "report"),
    [
        (f"/parcels/{PARCEL}?lang=ko", f"/parcels/{PARCEL}/report.pdf?lang=ko"),
        (f"/parks/{PARK}?lang=ko", f"/parks/{PARK}/report.pdf?lang=ko"),
    ],
)
def test_the_pages_link_to_their_report(client, page, report):
    html = client.get(page).get_data(as_text=True)
    href = report.replace("&", "&amp;")
    assert f'id="iv-report" href="{href}" type="application/pdf" download>' in html


def test_a_crowded_park_s_map_says_how_many_parcels_it_leaves_out(
    client, sample_store, monkeypatch, tmp_path
):
    store = open_store(str(sample_store))
    count = store.query("parcels", filters={"park_id": PARK}, limit=1).number_matched
    store.close()
    monkeypatch.setattr(sitemap, "MAX_PARCELS", count - 1)
    resp = client.get(f"/parks/{PARK}/report.pdf?lang=en")
    text = pdf_text(resp.data, tmp_path)
    assert f"{count} parcels lie in this view, too many to draw" in text


def test_a_parcel_s_map_draws_its_neighbours(client, tmp_path):
    text = pdf_text(client.get(f"/parcels/{PARCEL}/report.pdf?lang=en").data, tmp_path)
    assert "too many to draw" not in text
    assert "available" in text and "leased" in text  # statuses in the map's legend


def test_the_configured_attribution_is_printed_as_written(sample_store, tmp_path):
    words = 'HEZA & partners <survey 2024> "draft"'
    app = investor_app(sample_store, tmp_path / "app", DATA_ATTRIBUTION=words)
    pdf = app.test_client().get(f"/parks/{PARK}/report.pdf?lang=en").data
    close_store(app)
    assert words in pdf_text(pdf, tmp_path)


# --- issue 19's facts and drive times in both reports ---

DATA = Path(__file__).resolve().parents[3] / "data"


def flat(text: str) -> str:
    """``text`` with every run of whitespace one space (table cells wrap lines)."""
    return " ".join(text.split())


def vocabulary(name: str) -> dict[str, dict[str, str]]:
    """A code table of the sample data, read without the code under test."""
    with (DATA / "vocabularies" / f"{name}.csv").open(encoding="utf-8") as f:
        return {row["code"]: row for row in csv.DictReader(f)}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["parcel", "park"])
def test_reports_hold_the_park_s_facts_in_the_language(
    app, reports, facts, tmp_path, lang, kind
):
    text = flat(pdf_text(reports[kind, lang], tmp_path))
    park = facts["park"]
    first = park["industries_accepted"].split(",")[0]
    assert flat(vocabulary("vsic2018")[first][f"name_{lang}"]) in text
    scheme = park["schemes"].split(",")[0]
    assert flat(vocabulary("incentive_schemes")[scheme]["legal_basis"]) in text
    assert park["office_phone"] in text
    (source,) = labels(app, lang, "Source")
    assert text.count(f"{source}:") >= 5  # industries, utilities, terms, … contacts


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["parcel", "park"])
def test_reports_give_minutes_by_road_beside_the_km(
    app, reports, facts, tmp_path, lang, kind
):
    text = flat(pdf_text(reports[kind, lang], tmp_path))
    props = facts[kind]
    minutes = {k: v for k, v in props.items() if k.startswith("drive_") and v}
    assert minutes, "the sample's parcels and parks carry drive times"
    with app.test_request_context(f"/?lang={lang}"):
        heading = gettext("Drive time by road")
        wanted = {
            gettext("%(minutes)s min", minutes=number(v, 0)) for v in minutes.values()
        }
    assert heading in text
    assert all(w in text for w in wanted), (wanted, text[:600])


def test_an_unreached_landmark_has_no_minutes(app) -> None:
    place = Distance("port", "Port", "sea port", 12.5, None)
    reached = Distance("airport", "Airport", "airport", 8.0, 17.4)
    with app.test_request_context("/?lang=en"):
        section = sections.distances({"distances": [place, reached]})
    assert section.table.rows == [
        ("Port", "sea port", "12.5 km", "—"),
        ("Airport", "airport", "8 km", "17 min"),
    ]
