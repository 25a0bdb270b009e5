"""The park page's reported figures as of a period and its trends over periods."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from tests.support.extra_layers import EVIL_NAME
from tests.support.figures import figure_cell, trend_charts
from tests.support.investor import investor_client
from webmap.core.store import get_store

pytestmark = pytest.mark.both_stores


@pytest.fixture(scope="module")
def sample(sample_location: str, tmp_path_factory: pytest.TempPathFactory):
    with investor_client(sample_location, tmp_path_factory.mktemp("park-periods")) as c:
        yield c


def test_the_latest_period_by_default(sample) -> None:
    text = sample.get("/parks/vsip?lang=en").get_data(as_text=True)
    assert "As of Oct 14, 2023" in text
    assert figure_cell(text, "iv-period-figures", "occupancy_pct") == "76.6 %"
    assert 'id="iv-summary"' in text and 'id="iv-map-data"' in text  # kept


def test_an_earlier_period_shows_its_occupancy(sample) -> None:
    text = sample.get("/parks/vsip?lang=vi&period=2022-10-14-month").get_data(
        as_text=True
    )
    assert "Số liệu tính đến ngày 14/10/2022" in text
    assert figure_cell(text, "iv-period-figures", "occupancy_pct") == "45 %"
    assert figure_cell(text, "iv-period-figures", "leased_ha") == "495 ha"


def test_trends_over_the_periods_with_gaps(sample) -> None:
    text = sample.get("/parks/vsip?lang=en").get_data(as_text=True)
    charts = trend_charts(text)
    occupancy = charts["occupancy_pct"]
    assert "Oct 14, 2022: 45 %" in occupancy and "Oct 14, 2023: 76.6 %" in occupancy
    leased = charts["leased_ha"]
    assert "Oct 14, 2023: not given" in leased  # the report gives occupancy only


def test_an_unknown_period_is_a_404_page(sample) -> None:
    resp = sample.get("/parks/vsip?lang=en&period=2001-01-31-month")
    assert resp.status_code == 404 and resp.mimetype == "text/html"


def test_the_language_links_keep_the_period(sample) -> None:
    text = sample.get("/parks/vsip?lang=en&period=2022-10-14-month").get_data(
        as_text=True
    )
    assert "/parks/vsip?period=2022-10-14-month&amp;lang=ko" in text


def test_publishing_a_period_shows_it_as_the_latest(app) -> None:
    client = app.test_client()
    before = client.get("/parks/a?lang=en").get_data(as_text=True)
    assert figure_cell(before, "iv-period-figures", "occupancy_pct") == "50 %"
    with app.app_context():
        get_store().periods.publish("2023-12-31-year", "admin")
    after = client.get("/parks/a?lang=en").get_data(as_text=True)
    assert figure_cell(after, "iv-period-figures", "occupancy_pct") == "55 %"
    quarter = client.get("/parks/a?lang=en&period=2023-06-30-quarter")
    assert (
        figure_cell(
            quarter.get_data(as_text=True), "iv-period-figures", "occupancy_pct"
        )
        == "40 %"
    )


def test_a_hostile_park_name_stays_text_in_the_charts(extra_app) -> None:
    text = extra_app.test_client().get("/parks/a?lang=en").get_data(as_text=True)
    assert "<script>window.__xss" not in text
    trends = trend_charts(text)
    assert len(trends) == 4
    for chart in trends.values():
        assert str(escape(EVIL_NAME)) in chart
    assert text.count("</script>") == len(re.findall(r"<script\b", text))
