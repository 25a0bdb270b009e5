"""The map page ``/``: overlays, languages, view state, bad input, escaping."""

from __future__ import annotations

import pytest

from tests.support.extra_layers import EVIL_NAME
from tests.support.pages import client_config, shows
from webmap.core.store import get_store

pytestmark = pytest.mark.both_stores  # every store-facing test: both backends

SAMPLE_TITLES_VI = (
    "Khu kinh tế",
    "Khu công nghiệp",
    "Lô đất",
    "Bến cảng Lạch Huyện",
    "Nhà ở công nhân và nhà ở xã hội",
    "Địa điểm mốc",
    "Đường giao thông chính",
    "Trạm biến áp",
    "Vùng thời gian lái xe",
)
MAP_ORDER = [
    *("zones", "isochrones", "parks", "parcels", "roads", "rail", "berths"),
    *("housing", "landmarks", "interchanges", "substations", "water_plants"),
    "river_ports",
]
# The infrastructure layers other than the roads, and the isochrones, are off
# until asked for (hidden = true in their style).
HIDDEN = {"isochrones", "rail", "interchanges", "substations", "water_plants"}
HIDDEN |= {"river_ports"}


def page(client, query: str = "", **headers: str) -> str:
    resp = client.get("/" + query, headers=headers)
    assert resp.status_code == 200, resp.data[:500]
    assert resp.mimetype == "text/html"
    return resp.get_data(as_text=True)


def test_page_is_a_folium_map(client) -> None:
    html = page(client)
    assert 'class="folium-map"' in html and "L.map(" in html
    assert "L.control.layers(" not in html  # the panel's Layers tab lists them
    assert "parkmap.shellLayers" in html


def test_every_sample_layer_is_an_overlay(sample_app) -> None:
    html = page(sample_app.test_client())
    config = client_config(html)
    names = [o["name"] for o in config["overlays"]]
    assert names == MAP_ORDER
    assert config["layers"] == [n for n in names if n not in HIDDEN]
    for title in SAMPLE_TITLES_VI:
        assert shows(html, title)


def test_parcels_come_as_tiles_never_inline(sample_app) -> None:
    client = sample_app.test_client()
    html = page(client)
    tiled = {o["name"]: o["tiled"] for o in client_config(html)["overlays"]}
    assert tiled == {name: name in ("parcels", "isochrones") for name in MAP_ORDER}
    assert (
        "L.vectorGrid.protobuf(\n                '/tiles/parcels/{z}/{x}/{y}.mvt'"
        in html
    )
    with sample_app.app_context():
        parcels = get_store().query("parcels", limit=50).features
    assert parcels
    assert not any(f'"{p.id}"' in html for p in parcels)


def test_a_hidden_layer_shows_when_the_url_names_it(sample_app) -> None:
    html = page(sample_app.test_client(), "?layers=parks,substations")
    assert client_config(html)["layers"] == ["parks", "substations"]


def test_sample_page_is_small(sample_app) -> None:
    html = page(sample_app.test_client())
    assert len(html.encode()) <= 300_000


def test_park_choropleth_planned_parks_and_legend(sample_app) -> None:
    html = page(sample_app.test_client(), "?lang=en")
    assert "Occupancy (fill rate)" in html and "planned park" in html
    assert '"dashArray": "6 5"' in html  # planned parks drawn dashed
    assert "#b30000" in html  # ≥ 95 % class (e.g. Nhật Bản – Hải Phòng, 100 %)


@pytest.mark.parametrize(
    ("query", "headers", "lang"),
    [
        ("", {}, "vi"),
        ("?lang=en", {}, "en"),
        ("?lang=ko", {}, "ko"),
        ("?lang=JA", {}, "ja"),
        ("", {"Accept-Language": "ja,en;q=0.5"}, "ja"),
        ("", {"Accept-Language": "fr"}, "vi"),
        ("?lang=fr", {}, "vi"),
        ("?lang=<b>", {"Accept-Language": "ko"}, "ko"),
        ("?lang=en", {"Accept-Language": "ko"}, "en"),
    ],
)
def test_language_choice(client, query, headers, lang) -> None:
    html = page(client, query, **headers)
    assert f'<html lang="{lang}">' in html
    assert client_config(html)["lang"] == lang


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("vi", ("Chú giải", "Không có bản đồ nền", "Tìm khu công nghiệp")),
        ("en", ("Legend", "No base map", "Search industrial parks")),
        ("ko", ("범례", "배경 지도 없음", "산업단지 검색")),
        ("ja", ("凡例", "背景地図なし", "工業団地を検索")),
    ],
)
def test_ui_text_is_translated(client, lang, words) -> None:
    html = page(client, f"?lang={lang}")
    for word in words:
        assert shows(html, word)


def test_switcher_links_keep_the_view(client) -> None:
    html = page(client, "?lang=en&center=20.875,106.6&zoom=14&layers=parks")
    for code in ("vi", "ko", "ja"):
        assert (
            f'href="/?lang={code}&amp;center=20.87500,106.60000&amp;zoom=14'
            "&amp;layers=parks&amp;base=osm" in html
        )


def test_feature_names_in_english_ui_show_both(sample_app) -> None:
    vi = page(sample_app.test_client(), "?lang=vi")
    en = page(sample_app.test_client(), "?lang=en")
    assert "KCN Nh\\u1eadt B\\u1ea3n \\u2013 H\\u1ea3i Ph\\u00f2ng" in vi
    assert "(Japan \\u2013 Hai Phong (Nomura) IP)" in en
    assert "(Japan \\u2013 Hai Phong (Nomura) IP)" not in vi


def test_key_figures_and_date(sample_app) -> None:
    vi = page(sample_app.test_client(), "?lang=vi")
    en = page(sample_app.test_client(), "?lang=en")
    assert "63,25 %" in vi and "180.753" in vi and "14/10/2023" in vi
    assert "63.25 %" in en and "180,753" in en and "Oct 14, 2023" in en


def test_period_figures_shown_without_figures_file(client) -> None:
    # no headline.toml in the tiny data set: the latest published period's figures
    html = page(client)
    assert "Số liệu tính đến 14/10/2023" in html
    assert "Số liệu chính" in html and "<dd>3.037 triệu USD</dd>" in html


@pytest.mark.parametrize(
    "query",
    [
        "?center=abc&zoom=12",
        "?center=20.8,106.7&zoom=99",
        "?center=1e999,5&zoom=3",
        "?zoom=-4",
        "?bbox=1,2,3",
        "?bbox=107,21,106,20",
        "?layers=%3Cscript%3E,nope",
        "?layers=",
        "?sel=parks:nope",
        "?sel=%3Cscript%3E:1",
        "?base=mars",
        "?lang=%00",
        "?park=zzz",
        "?legend=maybe",
        "?center=20.8&zoom=&bbox=&layers=,,,&sel=:",
        "?center=" + "9" * 5000,
    ],
)
def test_bad_input_falls_back_to_the_default_view(client, query) -> None:
    config = client_config(page(client, query))
    assert "bounds" in config["view"]  # fit to the data
    assert config["layers"] == ["parks", "parcels", "landmarks"]
    assert config["selected"] is None and config["park"] is None


def test_view_from_centre_and_zoom(client) -> None:
    config = client_config(page(client, "?center=20.875,106.6&zoom=15&base=none"))
    assert config["view"] == {"center": [20.875, 106.6], "zoom": 15}
    assert config["base"] == "none"


def test_view_from_bbox(client) -> None:
    config = client_config(page(client, "?bbox=106.59,20.87,106.62,20.88"))
    assert config["view"] == {"bounds": [[20.87, 106.59], [20.88, 106.62]]}


def test_layers_and_selection_restored(client) -> None:
    config = client_config(page(client, "?layers=parks&sel=parcels:a-3&lang=en"))
    assert config["layers"] == ["parks"]
    sel = config["selected"]
    assert sel["layer"] == "parcels" and sel["id"] == "a-3"
    assert "available" in sel["html"]
    assert config["view"]["bounds"] == [[20.875, 106.59], [20.88, 106.595]]


def test_hidden_layers_stay_in_the_switcher(client) -> None:
    html = page(client, "?layers=parks&lang=en")
    start = html.index("parkmap.shellLayers")
    listed = html[
        html.index("layers: {", start) : html.index("}", html.index("layers: {", start))
    ]
    assert listed.count(": geo_json_") == 2  # parks and landmarks, inline
    assert listed.count(": vector_grid_protobuf_") == 1  # parcels
    assert client_config(html)["layers"] == ["parks"]
    assert html.count(".addTo(map_") >= 1


def test_legend_off(client) -> None:
    assert client_config(page(client, "?legend=0"))["legend"] is False
    assert client_config(page(client))["legend"] is True


def test_html_in_attributes_is_escaped(extra_app) -> None:
    html = page(extra_app.test_client(), "?sel=parks:a")
    assert EVIL_NAME not in html
    assert "<script>window.__xss" not in html and "<img src=x" not in html
    assert "bad()" not in html  # a colour that was really markup
    selected = client_config(html)["selected"]
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in selected["html"]
    assert "&#39;KCN&#39; &amp; co" in selected["html"]


def test_added_layers_small_inline_big_as_tiles(extra_app) -> None:
    config = client_config(page(extra_app.test_client(), "?lang=en"))
    overlays = {o["name"]: o for o in config["overlays"]}
    assert overlays["wells"]["tiled"] is False
    assert (
        overlays["plots"]["tiled"] is True and overlays["plots"]["idField"] == "plot_id"
    )
    html = page(extra_app.test_client(), "?lang=en")
    assert "/tiles/plots/{z}/{x}/{y}.mvt" in html and shows(html, "Wells")


def test_security_headers(client) -> None:
    resp = client.get("/")
    policy = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self';" in policy
    assert "script-src 'self' 'nonce-" in policy  # Folium's inline scripts
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "img-src 'self' data: blob: https://tile.openstreetmap.org" in policy
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_oembed_discovery_link(client) -> None:
    html = page(client, "?layers=parks")
    assert '<link rel="alternate" type="application/json+oembed"' in html
    assert "/oembed?url=http%3A%2F%2Flocalhost%2F%3Flang%3Dvi%26layers%3Dparks" in html


def test_missing_store_is_503(tmp_path) -> None:
    from webmap import create_app  # noqa: PLC0415

    app = create_app({"TESTING": True, "STORE": str(tmp_path / "none.gpkg")})
    assert app.test_client().get("/").status_code == 503
