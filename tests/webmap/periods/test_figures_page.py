"""The /figures page: headline figures as of a period, their changes, trends."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from tests.support.accounts import login, make_user
from tests.support.extra_layers import EVIL_NAME
from tests.support.figures import figure_cell, trend_charts
from tests.support.investor import investor_client

pytestmark = pytest.mark.both_stores


@pytest.fixture(scope="module")
def client(sample_location: str, tmp_path_factory: pytest.TempPathFactory):
    with investor_client(sample_location, tmp_path_factory.mktemp("figures")) as c:
        yield c


@pytest.fixture(scope="module")
def vi_page(client) -> str:
    resp = client.get("/figures?lang=vi")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_the_latest_period_is_stated_as_the_report_states_it(vi_page: str) -> None:
    assert "Số liệu tính đến ngày 14/10/2023" in vi_page
    said = re.search(r'data-statement="fdi_total_musd">([^<]*)<', vi_page).group(1)
    assert (
        said == "3.037 triệu USD, bằng 193,75 % so với cùng kỳ, 151,85 % kế hoạch năm"
    )
    assert figure_cell(vi_page, "pf-headline-table", "occupancy_avg_pct") == "63,25 %"


def test_english_statements_and_bases(client) -> None:
    text = client.get("/figures?lang=en").get_data(as_text=True)
    assert "3,037 M USD, 193.75 % of the same period, 151.85 % of the year" in text
    row = re.search(r'data-field="fdi_total_musd">.*?</tr>', text, re.S).group(0)
    assert "1,567.5 M USD (now 193.75 % of it)" in row


def test_trend_charts_name_themselves(vi_page: str) -> None:
    charts = trend_charts(vi_page)
    assert sorted(charts) == [
        "fdi_capital_musd", "leased_ha", "occupancy_pct", "workers"
    ]  # fmt: skip
    for chart in charts.values():
        assert "<title" in chart and "<desc" in chart and "<script" not in chart
    assert "14/10/2023: 63,25 %" in vi_page  # all parks' occupancy: the average


def test_the_parks_table_and_the_report_links(vi_page: str) -> None:
    row = re.search(r'<tr data-park="vsip">.*?</tr>', vi_page, re.S).group(0)
    assert "76,6 %" in row and "cùng kỳ năm trước: 45 %" in row
    assert 'href="/reports/2023-10-14-month.docx?lang=vi"' in vi_page
    assert 'href="/reports/2023-10-14-month.xlsx?lang=en"' in vi_page


def test_another_period_changes_the_figures(client) -> None:
    text = client.get("/figures?lang=en&period=2023-06-30-quarter").get_data(
        as_text=True
    )
    assert "As of Jun 30, 2023" in text
    assert figure_cell(text, "pf-headline-table", "fdi_total_musd") == "1,790 M USD"
    assert '<option value="2023-06-30-quarter" selected>' in text


def test_korean_page_speaks_korean(client) -> None:
    text = client.get("/figures?lang=ko").get_data(as_text=True)
    assert "산업단지 수치" in text and "2023. 10. 14. 기준" in text


def test_an_unknown_period_is_a_404_page(client) -> None:
    resp = client.get("/figures?lang=en&period=%3Cb%3Ex")
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    text = resp.get_data(as_text=True)
    assert "No published reporting period has the id &lt;b&gt;x" in text


def test_the_navigation_links_the_page(client) -> None:
    text = client.get("/parks/vsip?lang=en").get_data(as_text=True)
    assert '<a href="/figures?lang=en">Figures over time</a>' in text


def test_a_hostile_park_name_stays_text(extra_app) -> None:
    text = extra_app.test_client().get("/figures?lang=en").get_data(as_text=True)
    assert "<script>window.__xss" not in text
    assert str(escape(EVIL_NAME)) in text
    assert text.count("</script>") == len(re.findall(r"<script\b", text))


def test_a_draft_is_for_admins_only(extra_app, store_kind: str) -> None:
    url = "/figures?lang=en&period=2023-12-31-year"
    client = extra_app.test_client()
    assert client.get(url).status_code == 404
    make_user(extra_app, f"figures-admin-{store_kind}", "admin")
    login(client, f"figures-admin-{store_kind}")
    resp = client.get(url)
    assert resp.status_code == 200
    assert "DRAFT: these figures are not published." in resp.get_data(as_text=True)
    assert "no-store" in resp.headers["Cache-Control"]
