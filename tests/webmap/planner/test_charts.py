"""The server-drawn SVG charts: well-formed, escaped, printable."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from layers.clearance.rules import ParkProgress
from tests.support.clearance import PARK_A_NAME, PARK_B_NAME
from webmap.planner.charts import (
    ProgressLabels,
    TimelineLabels,
    progress_chart,
    timeline_chart,
)
from webmap.planner.svg import nice_step

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends

SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script> & 'x'"
PROGRESS_LABELS = ProgressLabels(
    title=EVIL, planned="P", cleared="C", bottleneck="B", stages={}, empty="none"
)
TIMELINE_LABELS = TimelineLabels(title=EVIL, total="All", axis="ha", empty="none")


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("name", ["progress", "timeline"])
def test_chart_is_well_formed_svg_with_the_park_names(planner, name):
    planner.patch("a-3", {"version": 0, "changes": {"cleared_ha": 2.0}})
    resp = planner.client.get(f"/planner/charts/{name}.svg?lang=en")
    assert resp.status_code == 200
    assert resp.mimetype == "image/svg+xml"
    svg = resp.get_data(as_text=True)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox", "").startswith("0 0 ")
    shown = " ".join(texts(svg))
    assert PARK_A_NAME in shown  # escaped in the file, so text again when parsed
    assert PARK_B_NAME[:20] in shown
    assert "<b>" not in svg
    assert "<script" not in svg and "style=" not in svg and "http-equiv" not in svg


def test_charts_use_no_external_fonts_or_links(planner_ro):
    for name in ("progress", "timeline"):
        svg = planner_ro.client.get(f"/planner/charts/{name}.svg").get_data(
            as_text=True
        )
        assert "@import" not in svg and "href" not in svg
        assert 'font-family="sans-serif"' in svg


def test_progress_chart_escapes_every_label():
    park = ParkProgress("p", EVIL, True, parcels=2, planned_ha=10.0, cleared_ha=4.0)
    park.stages["surveyed"] = 2
    svg = progress_chart([park], PROGRESS_LABELS)
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == EVIL
    assert "<script>" not in svg
    assert any("4.0 / 10.0 ha (40.0 %)" in t for t in texts(svg))


def test_progress_chart_describes_its_figures_in_words():
    park = ParkProgress("p", EVIL, True, parcels=2, planned_ha=10.0, cleared_ha=4.0)
    park.stages["surveyed"] = 2
    desc = ET.fromstring(progress_chart([park], PROGRESS_LABELS)).find(f"{SVG}desc")
    assert desc.text == f"{EVIL} (B): C 4.0 / P 10.0 ha (40.0 %), surveyed 2"


def test_timeline_describes_each_line_from_first_to_last_day():
    points = [
        {"date": "2026-01-01", "parks": {"p": 1.0}, "total": 1.0},
        {"date": "2026-02-01", "parks": {"p": 3.0}, "total": 3.0},
    ]
    svg = timeline_chart(points, {"p": EVIL}, TIMELINE_LABELS)
    desc = ET.fromstring(svg).find(f"{SVG}desc").text
    assert desc == (
        f"ha, 2026-01-01 – 2026-02-01; All: 1.0 → 3.0 ha; {EVIL}: 1.0 → 3.0 ha"
    )


def test_progress_chart_without_parks_says_so():
    svg = progress_chart([], PROGRESS_LABELS)
    assert "none" in texts(svg)


def test_timeline_with_one_point_draws_a_dot():
    points = [{"date": "2026-01-01", "parks": {"p": 1.0}, "total": 1.0}]
    svg = timeline_chart(points, {"p": EVIL}, TIMELINE_LABELS)
    root = ET.fromstring(svg)
    assert root.findall(f"{SVG}circle")
    assert EVIL in texts(svg)


def test_timeline_steps_through_the_days():
    points = [
        {"date": "2026-01-01", "parks": {"p": 1.0}, "total": 1.0},
        {"date": "2026-02-01", "parks": {"p": 3.0}, "total": 3.0},
    ]
    root = ET.fromstring(timeline_chart(points, {}, TIMELINE_LABELS))
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 2  # all parks, and park p
    assert len(lines[0].get("points").split()) == 3  # flat, then up


@pytest.mark.parametrize(
    ("span", "step"), [(0, 1.0), (7, 2.0), (1819, 500.0), (0.3, 0.1), (100, 20.0)]
)
def test_nice_step(span, step):
    assert nice_step(span) == pytest.approx(step)
