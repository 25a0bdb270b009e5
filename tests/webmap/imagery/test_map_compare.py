"""Comparing two imagery dates: ``compare=before,after`` in the URL, and the page."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from geo import crs as geocrs
from layers.imagery.rasters import RasterRegistry
from tests.support.apps import close_store
from tests.support.rasters import marked_image
from webmap import create_app
from webmap.core.state import ViewState, parse_compare, parse_view
from webmap.imagery.overlay import raster_overlays

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends

RASTERS = ("site-2023-06", "site-2023-10", "evil")
EVIL_LABEL = '<img src=x onerror="window.__xss=1">'


def view(known_rasters=RASTERS, **args: str) -> ViewState:
    return parse_view(
        args,
        lang="vi",
        known_layers=("parks",),
        default_base="osm",
        known_rasters=known_rasters,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("site-2023-06,site-2023-10", ("site-2023-06", "site-2023-10")),
        ("site-2023-10,site-2023-06", ("site-2023-10", "site-2023-06")),
        (" site-2023-06 , evil ", ("site-2023-06", "evil")),
        ("site-2023-06,site-2023-06", None),
        ("site-2023-06", None),
        ("site-2023-06,", None),
        ("site-2023-06,site-2023-10,evil", None),
        ("site-2023-06,nope", None),
        ("<b>,evil", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_compare(text, expected) -> None:
    assert parse_compare(text, RASTERS) == expected


def test_compare_in_the_view() -> None:
    state = view(compare="site-2023-06,site-2023-10")
    assert state.compare == ("site-2023-06", "site-2023-10")


def test_unknown_compare_falls_back_to_none() -> None:
    state = view(compare="site-2023-06,nope", base="mars")
    assert state.compare is None and state.base == "osm"
    assert view(known_rasters=(), compare="site-2023-06,site-2023-10").compare is None


def test_compare_round_trips_through_the_query() -> None:
    state = view(compare="site-2023-10,site-2023-06")
    query = state.query()
    assert "compare=site-2023-10,site-2023-06" in query
    assert view(**dict(parse_qsl(query))) == state
    assert "compare" not in view().query()


# --- the map page -----------------------------------------------------------------


@pytest.fixture(scope="module")
def compare_app(
    shared_tiny: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory
):
    """The tiny store with two dates of one site and a raster labelled with HTML."""
    root = tmp_path_factory.mktemp("compare")
    data, store = shared_tiny
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data),
            "STORE": store,
            "RASTER_DIR": str(root / "rasters"),
        }
    )
    registry = RasterRegistry(app.config["RASTER_DIR"])
    for name, date, label in (
        ("site-2023-06", "2023-06", "Site 2023-06"),
        ("site-2023-10", "2023-10", "Site 2023-10"),
        ("evil", "2024-01", EVIL_LABEL),
    ):
        src = marked_image(root, geocrs.UTM48N, name=f"{name}.tif")
        registry.import_file(
            src, name=name, date=date, label=label, progress=lambda _m: None
        )
    yield app
    close_store(app)


def page(app, query: str = "") -> str:
    resp = app.test_client().get("/" + query)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_compare_is_off_without_the_parameter(compare_app) -> None:
    html = page(compare_app, "?lang=en")
    assert "pm.compare = {" in html and "Compare two dates" in html
    assert "var initial = null;" in html  # nothing compared at load


def test_compare_from_the_url_is_on_at_load(compare_app) -> None:
    html = page(compare_app, "?lang=en&compare=site-2023-10,site-2023-06")
    assert 'var initial = ["site-2023-10", "site-2023-06"];' in html
    assert "compare=site-2023-10,site-2023-06" in html  # the share and language links


def test_unknown_compare_leaves_the_page_as_without(compare_app) -> None:
    html = page(compare_app, "?lang=en&compare=site-2023-06,nope")
    assert "var initial = null;" in html and "compare=" not in html


def test_compare_texts_are_translated(compare_app) -> None:
    html = page(compare_app, "?lang=vi&compare=site-2023-06,site-2023-10")
    for text in ("So sánh hai thời điểm", "Trước: 2023-06", "Sau: 2023-10"):
        assert json.dumps(text) in html  # as the script holds it


def test_raster_labels_never_reach_the_page_as_html(compare_app) -> None:
    html = page(compare_app, "?lang=en&compare=site-2023-06,evil")
    assert EVIL_LABEL not in html and "<img src=x" not in html
    assert "\\u003cimg src=x onerror=" in html  # JSON for textContent


def test_overlays_compare_only_names_they_hold(compare_app) -> None:
    with compare_app.test_request_context("/"):
        on = raster_overlays(compare=("site-2023-06", "site-2023-10"))
        off = raster_overlays(compare=("site-2023-06", "gone"))
    assert on.pair is not None and [i.name for i in on.pair] == [
        "site-2023-06",
        "site-2023-10",
    ]
    assert on.swipe is not None and on.swipe.initial == ["site-2023-06", "site-2023-10"]
    assert off.pair is None and off.swipe is not None and off.swipe.initial is None
    # the choices start on two dates of the same area (all three are), the latest
    assert off.swipe.choice == ["site-2023-06", "evil"]
