"""The 360° page's preview still and its walk-to arrows (issue 16: LCP, TBT, targets)."""

from __future__ import annotations

import html as htmllib
import io
import math
import re
from pathlib import Path

import pytest
from PIL import Image

from tests.support.scenes import tiny_with_scenes
from webmap import create_app


@pytest.fixture(scope="module")
def vr(tmp_path_factory: pytest.TempPathFactory):
    """A client over the tiny store and its two generated scenes (parks a and b)."""
    data_dir, store, scenes = tiny_with_scenes(tmp_path_factory.mktemp("vr-preview"))
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "STORE": str(store),
            "PANORAMA_DIR": str(scenes),
        }
    )
    return app.test_client()


def page(vr, url: str) -> str:
    resp = vr.get(url)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def preview_urls(html: str) -> dict[str, str]:
    """Shape → URL of the page's preview (the <source> is the tall one)."""
    tall = re.search(r'<source media="[^"]+" srcset="([^"]+)"', html).group(1)
    wide = re.search(r'<img class="vr-preview" src="([^"]+)"', html).group(1)
    return {"tall": htmllib.unescape(tall), "wide": htmllib.unescape(wide)}


def test_page_paints_a_sized_preview_and_loads_no_viewer_library(vr) -> None:
    html = page(vr, "/vr/park-a?lang=en")
    img = re.search(r'<img class="vr-preview"[^>]*>', html).group(0)
    assert 'width="960"' in img and 'height="480"' in img and 'alt="' in img
    assert 'fetchpriority="high"' in img
    head = html.split("</head>")[0]
    assert "psv-core/index.css" not in head  # the viewer's styles come with it
    scripts = re.findall(r'<script type="module" src="([^"]+)"', head)
    assert [s.split("?")[0] for s in scripts] == ["/static/vr/start.js"]


@pytest.mark.parametrize(
    ("shape", "size"), [("wide", (960, 480)), ("tall", (480, 720))]
)
def test_preview_is_a_webp_of_the_opening_view(vr, shape, size) -> None:
    resp = vr.get(preview_urls(page(vr, "/vr/park-a"))[shape])
    assert resp.status_code == 200
    assert resp.mimetype == "image/webp"
    assert resp.headers["Cache-Control"] == "public, max-age=3600"
    with Image.open(io.BytesIO(resp.data)) as image:
        assert image.format == "WEBP" and image.size == size


def test_preview_answers_not_modified_to_its_etag(vr) -> None:
    url = "/vr/park-a/preview.webp?shape=tall"
    etag = vr.get(url).headers["ETag"]
    again = vr.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    assert vr.get(url + "&yaw=90").headers["ETag"] != etag


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("shape=round", "shape"),
        ("yaw=east", "yaw"),
        ("yaw=nan", "yaw"),
        ("pitch=95", "pitch"),
    ],
)
def test_bad_preview_query_is_a_400_naming_it(vr, query, parameter) -> None:
    resp = vr.get(f"/vr/park-a/preview.webp?{query}")
    assert resp.status_code == 400
    assert resp.mimetype == "application/problem+json"
    assert parameter in resp.get_json()["detail"]


def test_preview_of_an_unknown_scene_is_a_404_problem(vr) -> None:
    resp = vr.get("/vr/no-such-place/preview.webp")
    assert resp.status_code == 404
    assert resp.mimetype == "application/problem+json"


def test_parcel_view_preview_faces_the_parcel(vr) -> None:
    parcel = vr.get("/vr/park-a.json?parcel=b-2").get_json()["parcel"]
    url = preview_urls(page(vr, "/vr/park-a?parcel=b-2"))["wide"]
    yaw = int(re.search(r"yaw=(-?\d+)", url).group(1))
    pitch = int(re.search(r"pitch=(-?\d+)", url).group(1))
    assert yaw == pytest.approx(math.degrees(parcel["yaw"]) % 360, abs=2.5)
    assert pitch == pytest.approx(math.degrees(parcel["pitch"]), abs=2.5)


def test_walk_arrow_stands_below_the_horizon_towards_its_scene(vr) -> None:
    (link,) = vr.get("/vr/park-a.json").get_json()["links"]
    assert link["arrow"]["yaw"] == pytest.approx(link["position"]["yaw"])
    assert math.degrees(link["arrow"]["pitch"]) == pytest.approx(-15.0, abs=0.01)


def test_preview_needs_the_scene_tiles(vr, tmp_path: Path) -> None:
    app = vr.application
    folder = Path(app.config["PANORAMA_DIR"]) / "park-b" / "0"
    hidden = tmp_path / "tiles"
    folder.rename(hidden)
    try:
        resp = vr.get("/vr/park-b/preview.webp?shape=wide&yaw=35")
    finally:
        hidden.rename(folder)
    assert resp.status_code == 404
