"""The map-first panel's server side: its tabs, their URL state, the Layers list."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from geo import crs as geocrs
from layers.imagery.rasters import RasterRegistry
from tests.support.accounts import login, make_user
from tests.support.apps import close_store
from tests.support.rasters import marked_image
from webmap import create_app
from webmap.core.shell import short_name

LAYERS = re.compile(
    r"parkmap\.shellLayers = \{\s*groups: (.*?),\s*entries: (.*?),\s*layers:", re.S
)


def shell_layers(html: str) -> tuple[list, list]:
    """The groups and entries the page hands to the Layers tab."""
    match = LAYERS.search(html)
    assert match, "no Layers list on the page"
    return json.loads(match.group(1)), json.loads(match.group(2))


def sheet(html: str) -> dict[str, str]:
    aside = re.search(
        r'<aside id="pm-sheet"[^>]*data-tab="([^"]*)" data-sheet="([^"]*)"', html
    )
    assert aside
    tabs = re.findall(r'role="tab" id="pm-tab-([a-z]+)"', html)
    return {"tab": aside.group(1), "sheet": aside.group(2), "tabs": tabs}


ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def figures_client(client, data_dir: Path):
    """The tiny map with the sample's key figures (the Key figures tab needs them)."""
    shutil.copy(ROOT / "data" / "headline.toml", data_dir / "headline.toml")
    return client


@pytest.mark.parametrize(
    ("query", "tab", "height"),
    [
        ("", "layers", "peek"),
        ("?tab=legend&sheet=full", "legend", "full"),
        ("?tab=figures&sheet=half", "figures", "half"),
        ("?tab=none", "none", "peek"),
        ("?tab=<script>&sheet=huge", "layers", "peek"),
        ("?land=1&tab=legend", "land", "peek"),  # the land search's own flag wins
    ],
)
def test_the_url_picks_the_tab_and_sheet(figures_client, query, tab, height) -> None:
    html = figures_client.get("/" + query).get_data(as_text=True)
    assert sheet(html) == {
        "tab": tab,
        "sheet": height,
        "tabs": ["layers", "figures", "land", "legend"],
    }
    if tab not in ("none", "layers"):
        assert re.search(rf'id="pm-pane-{tab}" [^>]*tabindex="0">', html)  # shown


def test_the_embed_opens_closed_without_land_and_figures(figures_client) -> None:
    found = sheet(figures_client.get("/embed").get_data(as_text=True))
    assert found["tab"] == "none" and found["tabs"] == ["layers", "legend"]


@pytest.mark.parametrize(
    ("path", "tabs", "tab"),
    [
        ("/?legend=0&tab=legend", ["layers", "figures", "land"], "layers"),
        ("/embed?legend=0&tab=legend", ["layers"], "none"),  # embeds open closed
    ],
)
def test_legend_0_drops_the_legend_tab(figures_client, path, tabs, tab) -> None:
    html = figures_client.get(path).get_data(as_text=True)
    assert sheet(html) == {"tabs": tabs, "tab": tab, "sheet": "peek"}
    assert 'id="pm-legend"' not in html


def test_without_a_legend_the_embed_keeps_its_notes_in_layers(figures_client) -> None:
    html = figures_client.get("/embed?legend=0").get_data(as_text=True)
    layers = html[html.index('id="pm-pane-layers"') :]
    layers = layers[: layers.index("</section>")]
    assert 'id="pm-asof"' in layers and 'class="pm-open-full"' in layers


def test_the_planner_map_has_its_own_first_tab(app) -> None:
    make_user(app, "lan")
    client = app.test_client()
    login(client, "lan")
    found = sheet(client.get("/planner/map").get_data(as_text=True))
    assert found["tabs"][0] == "clearance" and found["tab"] == "clearance"
    assert "land" not in found["tabs"]


def test_layers_are_grouped_in_panel_order(client) -> None:
    groups, entries = shell_layers(client.get("/?lang=en").get_data(as_text=True))
    assert [key for key, _ in groups][:2] == ["base", "zones"]
    assert {e["key"]: e["group"] for e in entries if not e["base"]} == {
        "parks": "zones",
        "parcels": "land",
        "landmarks": "port",
    }
    bases = [e["key"] for e in entries if e["base"]]
    assert bases == ["base:osm", "base:satellite", "base:none"]
    order = [key for key, _ in groups]
    assert [order.index(e["group"]) for e in entries] == sorted(
        order.index(e["group"]) for e in entries
    )


def test_group_names_are_translated(client) -> None:
    groups, _ = shell_layers(client.get("/?lang=vi").get_data(as_text=True))
    assert dict(groups)["base"] == "Bản đồ nền"
    groups, _ = shell_layers(client.get("/?lang=ja").get_data(as_text=True))
    assert dict(groups)["zones"] == "経済区と工業団地"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        (
            "Land status 2023-06: generated from stages",
            ("Land status 2023-06", "generated from stages"),
        ),
        ("2023-10 · Orthophoto", ("2023-10 · Orthophoto", "")),
        ("Odd: ", ("Odd: ", "")),
    ],
)
def test_short_name(label, expected) -> None:
    assert short_name(label) == expected


@pytest.fixture
def raster_app(shared_tiny: tuple[Path, str], tmp_path: Path):
    data, store = shared_tiny
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data),
            "STORE": store,
            "RASTER_DIR": str(tmp_path),
        }
    )
    src = marked_image(tmp_path, geocrs.UTM48N, name="status.tif")
    RasterRegistry(app.config["RASTER_DIR"]).import_file(
        src,
        name="status",
        date="2023-06",
        label='Land status 2023-06: generated from the parcels\' stages <b>"x"</b>',
        progress=lambda _m: None,
    )
    yield app
    close_store(app)


def test_a_raster_gets_a_short_name_and_its_description_as_help(raster_app) -> None:
    html = raster_app.test_client().get("/?lang=en").get_data(as_text=True)
    _, entries = shell_layers(html)
    (raster,) = [e for e in entries if e["group"] == "imagery"]
    assert raster["key"] == "raster:status" and raster["name"] == "Land status 2023-06"
    assert raster["help"] == 'generated from the parcels\' stages <b>"x"</b>'  # text
    assert "<b>" not in html.split("parkmap.shellLayers")[1].split("layers:")[0]


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_pinch_zoom_is_allowed(client, path: str) -> None:
    html = client.get(path).get_data(as_text=True)
    (viewport,) = re.findall(r'<meta name="viewport"[^>]*>', html)
    assert "user-scalable=no" not in viewport and "maximum-scale" not in viewport


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_no_script_blocks_rendering(client, path: str) -> None:
    html = client.get(path).get_data(as_text=True)
    head = html.split("</head>")[0]
    scripts = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", head)
    assert len(scripts) >= 5
    assert all(" defer" in tag for tag in scripts), scripts
    # The map's own script waits for the deferred ones.
    assert 'document.addEventListener("DOMContentLoaded", function () {' in html


def test_parcel_status_shows_in_outline_as_well_as_colour(sample_app) -> None:
    """WCAG 1.4.1: the tiles' style and the legend give each status its own line."""
    html = sample_app.test_client().get("/?lang=en&tab=legend").get_data(as_text=True)
    specs = re.findall(r"parkmap\.tileOptions\((\{.*?\})\)", html)
    spec = next(s for s in map(json.loads, specs) if s["layer"] == "parcels")
    lines = {k: (v["weight"], v["dash"]) for k, v in spec["lines"].items()}
    assert set(lines) == set(spec["colors"]) and len(lines) == 4  # every status
    assert len(set(lines.values())) == len(lines)  # each its own outline
    legend = html[html.index('data-layer="parcels"') :]
    legend = legend[: legend.index("</section>")]
    borders = re.findall(r"border: ([^\"]+)\"", legend)
    assert len(borders) == len(lines) and len(set(borders)) == len(borders)
    assert {"3px solid #1d2731", "2px dashed #1d2731", "2px dotted #1d2731"} <= set(
        borders
    )
