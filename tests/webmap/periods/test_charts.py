"""Trend charts: well-formed SVG, escaped, gaps kept, one point or two."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from tests.support.period_reports import make_period, report_period, year_earlier
from webmap.periods.charts import TrendLabels, series, trend_chart, trend_table

SVG = "{http://www.w3.org/2000/svg}"
LABELS = TrendLabels(
    title="Occupancy of <script>alert(1)</script>",
    unit="%",
    empty="No period gives this figure.",
    date="Period ending",
    value="Occupancy (%)",
    missing="not given",
)
D1, D2, D3 = dt.date(2022, 10, 14), dt.date(2023, 4, 14), dt.date(2023, 10, 14)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_a_park_named_script_is_escaped() -> None:
    svg = trend_chart([(D1, 70.5), (D3, 76.6)], LABELS)
    root = parse(svg)  # well-formed: the name did not open an element
    assert "<script" not in svg
    assert root.find(f"{SVG}title").text == LABELS.title
    assert [e for e in root.iter() if e.tag == f"{SVG}script"] == []
    assert root.get("role") == "img"


def test_two_points_are_one_line_with_their_figures() -> None:
    root = parse(trend_chart([(D1, 70.5), (D3, 76.6)], LABELS))
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 1
    assert len(lines[0].get("points").split()) == 2
    assert root.find(f"{SVG}desc").text == "2022-10-14: 70.5 %; 2023-10-14: 76.6 %"


def test_one_point_is_a_dot() -> None:
    root = parse(trend_chart([(D3, 76.6)], LABELS))
    assert list(root.iter(f"{SVG}polyline")) == []
    assert len(list(root.iter(f"{SVG}circle"))) == 1


def test_a_gap_breaks_the_line_and_is_said() -> None:
    points = [(D1, 70.0), (D2, None), (D3, 76.6), (dt.date(2024, 4, 14), 80.0)]
    root = parse(trend_chart(points, LABELS))
    lines = list(root.iter(f"{SVG}polyline"))
    assert [len(line.get("points").split()) for line in lines] == [2]  # D3 → 2024
    assert len(list(root.iter(f"{SVG}circle"))) == 3  # D1 alone is a dot
    assert "2023-04-14: not given" in root.find(f"{SVG}desc").text


def test_no_figure_at_all_says_so() -> None:
    root = parse(trend_chart([(D1, None)], LABELS))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert LABELS.empty in texts


def test_the_text_alternative_table_is_escaped() -> None:
    html = str(trend_table([(D1, 70.5), (D2, None)], LABELS, day=lambda d: f"<{d}>"))
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert "<td>not given</td>" in html and "&lt;2022-10-14&gt;" in html


def test_series_per_park_and_for_all_parks() -> None:
    extra = make_period(dt.date(2023, 4, 14), {}, {"vsip": {"leased_ha": 10}})
    periods = [report_period(), year_earlier(), extra]
    assert series(periods, "occupancy_pct", "vsip") == [
        (D1, 70.5), (D2, None), (D3, 76.6),
    ]  # fmt: skip
    assert series(periods, "occupancy_pct") == [(D1, 60), (D2, None), (D3, 63.25)]
    assert series(periods, "workers") == [(D1, 164000), (D2, None), (D3, 180753)]
    assert series(periods, "leased_ha") == [(D1, None), (D2, 10), (D3, None)]
