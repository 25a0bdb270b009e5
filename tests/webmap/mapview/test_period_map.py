"""The map as of a reporting period: ``?period=``, the choropleth, the panel."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from layers.periods.rules import PeriodDraft
from tests.support.pages import client_config
from webmap.core.store import get_store
from webmap.core.styles import NO_DATA, occupancy_color

pytestmark = pytest.mark.both_stores

EARLIER, LATEST, DRAFT = "2023-06-30-quarter", "2023-10-14-month", "2023-12-31-year"


def publish(app, end: dt.date, parks: dict) -> None:
    """Store and publish a month period ending ``end`` with ``parks``' figures."""
    with app.app_context():
        periods = get_store().periods
        draft = PeriodDraft(end, "month", "test", parks=parks)
        periods.save_draft(draft, "test")
        periods.publish(draft.period_id, "test")


def page(client, query: str) -> str:
    resp = client.get("/?lang=en&layers=parks" + query)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def fill_of(html: str, park: str) -> str:
    """The fill colour the page's park styler gives ``park``."""
    match = re.search(
        rf'case "{park}":\s*return \{{[^}}]*"fillColor": "(#[0-9a-f]+)"', html
    )
    assert match, "no style for park " + park
    return match[1]


def test_park_colour_follows_the_period(client) -> None:
    # park a: 40 % in the earlier period, 50 % in the latest (two classes)
    assert fill_of(page(client, f"&period={EARLIER}"), "a") == occupancy_color(40)
    assert fill_of(page(client, f"&period={LATEST}"), "a") == occupancy_color(50)
    assert occupancy_color(40) != occupancy_color(50)


@pytest.mark.parametrize("asked", ["", f"&period={DRAFT}", "&period=nope", "&period="])
def test_absent_unknown_or_draft_period_shows_the_latest(client, asked) -> None:
    html = page(client, asked)
    assert fill_of(html, "a") == occupancy_color(50)
    assert f'<option value="{LATEST}" selected>' in html
    assert DRAFT not in html


def test_park_without_a_figure_in_the_period_is_grey(client, app) -> None:
    # a newer period that gives park a no occupancy: no fallback to the layer's
    publish(app, dt.date(2023, 11, 30), {"a": {"leased_ha": 61.0}})
    html = page(client, "")
    assert fill_of(html, "a") == NO_DATA
    assert "no figure" in html


def test_popup_and_tooltip_say_as_of_the_period(client) -> None:
    html = page(client, f"&period={EARLIER}")
    assert "Occupancy as of Jun 30, 2023" in html
    assert "An Dương · 40 %" in html or "An D\\u01b0\\u01a1ng \\u00b7 40 %" in html


def test_panel_shows_the_periods_headline_figures(client) -> None:
    latest = page(client, "&tab=figures")
    earlier = page(client, f"&period={EARLIER}&tab=figures")
    assert "<dd>3,037 M USD</dd>" in latest and "<dd>57</dd>" in latest
    assert "<dd>1,790 M USD</dd>" in earlier and "<dd>33</dd>" in earlier
    assert "Figures as of Oct 14, 2023" in latest
    assert "Figures as of Jun 30, 2023" in earlier


def test_selector_lists_published_periods_newest_first(client) -> None:
    html = page(client, f"&period={EARLIER}&zoom=12&center=20.9,106.6")
    form = re.search(r'<form class="pm-period".*?</form>', html, re.S)[0]
    assert 'method="get"' in form and '<label for="pm-period">' in form
    options = re.findall(r'<option value="([^"]+)"( selected)?>([^<]*)<', form)
    assert [(v, bool(s)) for v, s, _ in options] == [(LATEST, False), (EARLIER, True)]
    assert "(illustrative)" in options[1][2] and "(illustrative)" not in options[0][2]
    assert '<input type="hidden" name="zoom" value="12">' in form
    assert 'name="period" value' not in form  # only the select carries it


def test_attribution_and_client_config_follow_the_period(client) -> None:
    config = client_config(page(client, f"&period={EARLIER}"))
    assert config["period"] == EARLIER
    assert "Jun 30, 2023" in config["attribution"]
    assert client_config(page(client, ""))["period"] is None


def test_embed_honours_the_period(client) -> None:
    html = client.get(f"/embed?lang=en&layers=parks&period={EARLIER}").get_data(
        as_text=True
    )
    assert fill_of(html, "a") == occupancy_color(40)


def test_a_published_period_shows_up_on_a_cached_page(client, app) -> None:
    assert fill_of(page(client, ""), "a") == occupancy_color(50)
    publish(app, dt.date(2023, 11, 30), {"a": {"occupancy_pct": 97}})
    assert fill_of(page(client, ""), "a") == occupancy_color(97)


HOSTILE_TITLE = "</script><script>window.__xss=1</script>${window.__xss=2}`"


@pytest.mark.parametrize(
    "path", ["/?lang=en&layers=parks&sel=parks:a", "/figures?lang=en", "/parks/a"]
)
def test_a_hostile_period_title_is_text_everywhere(client, app, path) -> None:
    # an admin's title reaches the selector, the park card (JSON) and the pages
    with app.app_context():
        periods = get_store().periods
        draft = PeriodDraft(
            dt.date(2023, 12, 15),
            "month",
            HOSTILE_TITLE,
            parks={"a": {"occupancy_pct": 60}},
        )
        periods.save_draft(draft, "test")
        periods.publish(draft.period_id, "test")
    resp = client.get(path)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "window.__xss" in html  # the title is on the page…
    assert "<script>window.__xss" not in html  # …as text
    assert "</script><script>window" not in html  # no way out of a script
