"""Text from the data never becomes JavaScript source on the map pages (issue 15).

A 360° scene titled with template-literal syntax, a backtick, quotes and
``</script>`` is uploaded; every inline script of the public map, the embed, the
planner's map and the viewer must carry that title only inside JSON string
literals (data), never as code or inside a template literal.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.support.accounts import login, make_user
from tests.support.apps import isolated
from tests.support.pages import code_outside_strings
from tests.support.scenes import TOKEN, tiny_with_scenes, upload_titled
from webmap import create_app

MARK = "PWNED"
HOSTILE = (
    "Cam ${window.PWNED=document.domain} `x` \"q\" 'a' </script><b>PWNED</b>",
    "${alert(1)}`;window.PWNED=2;`</script><script>window.PWNED=3</script>",
)


@pytest.fixture(scope="module")
def hostile_base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return tiny_with_scenes(tmp_path_factory.mktemp("hostile-vr"))


@pytest.fixture(params=HOSTILE, ids=["template", "close-script"])
def hostile_app(request, hostile_base, tmp_path: Path):
    """An app with one uploaded scene whose titles are ``request.param``."""
    data_dir, store, scenes = hostile_base
    shutil.copytree(scenes, tmp_path / "panoramas")
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "STORE": str(store),
            **isolated(tmp_path),
            "ADMIN_TOKEN": TOKEN,
        }
    )
    app.config["HOSTILE_SCENE"] = upload_titled(app, request.param)
    return app


def assert_title_is_data(html: str) -> None:
    # The closing tag never appears raw: the page has exactly the scripts it wrote.
    assert "<script>window.PWNED" not in html
    assert "<b>PWNED</b>" not in html
    for code in code_outside_strings(html):
        assert MARK not in code, f"title reached script source: {code[:300]}"


@pytest.mark.parametrize("path", ["/?lang=en", "/?lang=vi", "/embed?lang=en"])
def test_public_maps_carry_titles_as_data(hostile_app, path: str) -> None:
    html = hostile_app.test_client().get(path).get_data(as_text=True)
    assert MARK in html  # the camera is on the page, its title with it
    assert_title_is_data(html)


def test_planner_map_carries_titles_as_data(hostile_app) -> None:
    make_user(hostile_app, "lan")
    client = hostile_app.test_client()
    login(client, "lan")
    resp = client.get("/planner/map?lang=en")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert MARK in html
    assert_title_is_data(html)


def test_viewer_carries_titles_as_data(hostile_app) -> None:
    scene = hostile_app.config["HOSTILE_SCENE"]
    client = hostile_app.test_client()
    html = client.get(f"/vr/{scene}?lang=en").get_data(as_text=True)
    assert_title_is_data(html)
    doc = client.get(f"/vr/{scene}.json?lang=en").get_json()
    assert MARK in doc["name"]  # the viewer's script escapes it before PSV shows it


def test_the_check_finds_a_template_literal() -> None:
    """The scan above would see Folium's own tooltip, which pastes into backticks."""
    import folium  # noqa: PLC0415

    fmap = folium.Map(location=[20.9, 106.6])
    folium.Marker([20.9, 106.6], tooltip=folium.Tooltip(HOSTILE[0])).add_to(fmap)
    html = fmap.get_root().render()
    assert any(MARK in code for code in code_outside_strings(html))


def test_no_module_uses_folium_text_elements() -> None:
    """New code gets the JSON-safe Tooltip, not Folium's template-literal ones."""
    root = Path(__file__).resolve().parents[2] / "webmap"
    unsafe = re.compile(
        r"folium\.(Tooltip|Popup|Html|IFrame)\(|ClickForMarker|tooltip=\""
    )
    found = [
        f"{path.relative_to(root)}:{n}"
        for path in root.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if unsafe.search(line)
    ]
    assert not found, f"Folium elements that paste text into JS source: {found}"
