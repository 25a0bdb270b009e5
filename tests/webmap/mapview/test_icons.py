"""Map icons as inline SVG from Font Awesome's SVG files: no icon font on the map."""

from __future__ import annotations

import re

import pytest

from webmap.mapview.icons import icon_svg


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def path_of(svg: str) -> str:
    match = re.search(r' d="([^"]+)"', svg)
    assert match, svg
    return match.group(1)


def test_an_icon_is_one_coloured_path(ctx) -> None:
    svg = str(icon_svg("ship", "#1f4e79"))
    assert svg.startswith('<svg viewBox="0 0 576 512"') and 'aria-hidden="true"' in svg
    assert 'fill="#1f4e79"' in svg and len(path_of(svg)) > 100
    assert (
        "<!--" not in svg and "fontawesome" not in svg
    )  # the file's comment stays out


@pytest.mark.parametrize("name", ["no-such-icon", "../../package", "SHIP", ""])
def test_unknown_or_odd_names_fall_back_to_a_pin(ctx, name: str) -> None:
    assert path_of(str(icon_svg(name, "#000"))) == path_of(
        str(icon_svg("location-dot", "#000"))
    )


def test_a_colour_that_is_not_one_draws_nothing(ctx) -> None:
    assert str(icon_svg("ship", 'red" onload="x')) == ""


def test_the_map_page_loads_no_icon_font(sample_app) -> None:
    html = sample_app.test_client().get("/?lang=en&tab=legend").get_data(as_text=True)
    assert "fontawesome" not in html and "fa-solid" not in html
    legend = html[html.index('id="pm-legend"') :]
    assert legend.count("<svg viewBox") >= 4  # the landmarks' kinds, in the legend
