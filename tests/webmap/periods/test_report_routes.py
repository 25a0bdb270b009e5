"""The periodic report's routes: /reports/<period>.docx and .xlsx, through the app."""

from __future__ import annotations

import pytest

from tests.support.accounts import login, make_user
from tests.support.figures import xlsx_values
from tests.support.investor import investor_client
from tests.support.period_reports import docx_text
from webmap.core.store import get_store

pytestmark = pytest.mark.both_stores

REPORT = "2023-10-14-month"
DRAFT = "2023-12-31-year"  # the tiny data set's draft
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def client(sample_location: str, tmp_path_factory: pytest.TempPathFactory):
    with investor_client(sample_location, tmp_path_factory.mktemp("reports")) as c:
        yield c


@pytest.fixture(scope="module")
def vi_docx(client) -> str:
    resp = client.get(f"/reports/{REPORT}.docx?lang=vi")
    assert resp.status_code == 200 and resp.mimetype == DOCX
    return docx_text(resp.data)


def test_vietnamese_docx_states_the_reports_figures(vi_docx: str) -> None:
    assert (
        "tổng cộng 3.037 triệu USD, bằng 193,75 % so với cùng kỳ, "
        "151,85 % kế hoạch năm" in vi_docx
    )
    assert "57 dự án cấp mới, 1.171 triệu USD" in vi_docx
    assert "511 dự án FDI, 25,863 tỷ USD" in vi_docx
    assert "KCN Đồ Sơn Hải Phòng | 96,3 %" in vi_docx
    assert "Bình quân các khu công nghiệp | 63,25 %" in vi_docx


def test_english_docx_states_them_the_english_way(client) -> None:
    text = docx_text(client.get(f"/reports/{REPORT}.docx?lang=en").data)
    assert (
        "3,037 M USD, 193.75 % of the same period, 151.85 % of the year's plan" in text
    )
    assert "1,171 M USD" in text and "25.863 bn USD" in text
    assert "96.3 %" in text and "63.25 %" in text


def test_xlsx_holds_the_figures_as_numbers(client) -> None:
    resp = client.get(f"/reports/{REPORT}.xlsx?lang=vi")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    values = xlsx_values(resp.data)
    for figure in (3037, 1171, 25863, 176284, 4469, 96.3, 63.25, 193.75):
        assert any(
            isinstance(v, int | float) and abs(v - figure) < 0.005 for v in values
        ), figure


def test_the_file_is_named_safely_for_download(client) -> None:
    resp = client.get(f"/reports/{REPORT}.docx?lang=en")
    assert resp.headers["Content-Disposition"] == (
        f'attachment; filename="bao-cao-{REPORT}-en.docx"'
    )


def test_latest_is_the_latest_published_period(client) -> None:
    resp = client.get("/reports/latest.xlsx?lang=en")
    assert resp.status_code == 200
    assert f"bao-cao-{REPORT}-en.xlsx" in resp.headers["Content-Disposition"]


def test_a_current_etag_answers_304(client) -> None:
    first = client.get(f"/reports/{REPORT}.docx?lang=vi")
    again = client.get(
        f"/reports/{REPORT}.docx?lang=vi",
        headers={"If-None-Match": first.get_etag()[0]},
    )
    assert again.status_code == 304 and again.data == b""
    other = client.get(f"/reports/{REPORT}.docx?lang=en")
    assert other.get_etag()[0] != first.get_etag()[0]


def test_an_unknown_period_is_a_404_problem(client) -> None:
    resp = client.get("/reports/2019-01-31-month.docx?lang=vi")
    assert resp.status_code == 404
    assert resp.mimetype == "application/problem+json"
    assert "2019-01-31-month" in resp.json["detail"]


@pytest.mark.parametrize("lang", ["ko", "fr", ""])
def test_a_bad_lang_is_a_400_naming_lang(client, lang: str) -> None:
    resp = client.get(f"/reports/{REPORT}.xlsx?lang={lang}")
    assert resp.status_code == 400
    assert resp.json["parameter"] == "lang"


def test_a_draft_is_refused_to_the_public(extra_app) -> None:
    resp = extra_app.test_client().get(f"/reports/{DRAFT}.docx?lang=vi")
    assert resp.status_code == 404


def test_a_draft_is_shown_to_an_admin_marked_draft(extra_app, store_kind) -> None:
    client = extra_app.test_client()
    make_user(extra_app, f"report-admin-{store_kind}", "admin")
    login(client, f"report-admin-{store_kind}")
    resp = client.get(f"/reports/{DRAFT}.docx?lang=vi")
    assert resp.status_code == 200
    assert "BẢN NHÁP" in docx_text(resp.data)
    assert "-draft-vi.docx" in resp.headers["Content-Disposition"]
    assert "no-store" in resp.headers["Cache-Control"]


def test_a_planner_does_not_see_drafts(extra_app, store_kind) -> None:
    client = extra_app.test_client()
    make_user(extra_app, f"report-planner-{store_kind}", "planner")
    login(client, f"report-planner-{store_kind}")
    assert client.get(f"/reports/{DRAFT}.xlsx?lang=en").status_code == 404


def test_publishing_a_period_changes_the_etag(app) -> None:
    client = app.test_client()
    before = client.get(f"/reports/{REPORT}.docx?lang=vi").get_etag()[0]
    with app.app_context():
        get_store().periods.publish(DRAFT, "admin")
    after = client.get(
        f"/reports/{REPORT}.docx?lang=vi", headers={"If-None-Match": before}
    )
    assert after.status_code == 200 and after.get_etag()[0] != before
