"""The 360° page on a phone (issue 16): a still first, the viewer on demand, and
walk-to arrows that are 44 px touch targets not covering one another.

The site is the tiny map's two generated scenes plus two photos put east of park
a, so that park a links to three scenes in nearly the same direction.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.apps import isolated
from tests.support.scenes import TOKEN, photo_bytes, tiny_with_scenes
from tests.support.servers import serve
from webmap import create_app

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
}
SMALL_LAPTOP = {"viewport": {"width": 900, "height": 700}}  # no autostart
LIBRARIES = ("three.module.js", "psv-core/index.module.js", "/static/vr/viewer.js")
READY = "() => document.body.dataset.ready === 'true'"


@pytest.fixture(scope="module")
def tour_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The tiny store, its scenes and two photos east of park a (one app, once)."""
    root = tmp_path_factory.mktemp("vr-tour")
    data_dir, store, scenes = tiny_with_scenes(root, width=1024)
    config = {
        "TESTING": True,
        "DATA_DIR": str(data_dir),
        "STORE": str(store),
        **isolated(root),
        "PANORAMA_DIR": str(scenes),
        "ADMIN_TOKEN": TOKEN,
    }
    client = create_app(config).test_client()
    for scene_id, lon, lat in (
        ("east-gate", 106.605, 20.8752),
        ("far-east", 106.635, 20.8749),
    ):
        form = {"image": (io.BytesIO(photo_bytes()), "cam.jpg"), "id": scene_id}
        form |= {"lon": str(lon), "lat": str(lat)}  # ≈ 89° and 90° from park a
        resp = client.post(
            "/vr/scenes", data=form, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert resp.status_code == 201, resp.get_data(as_text=True)
    return data_dir, store, scenes


@pytest.fixture
def tour_site(tour_data) -> Iterator[str]:
    data_dir, store, scenes = tour_data
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "STORE": str(store),
            "PANORAMA_DIR": str(scenes),
        }
    )
    yield from serve(app)


@pytest.fixture
def sized_page(chromium, guard):
    """``sized_page(size)``: a guarded page with that context (viewport, touch)."""
    from tests.support.browser import _route  # noqa: PLC0415

    contexts = []

    def opener(size: dict):
        context = chromium.new_context(**size)
        contexts.append(context)
        context.route("**/*", _route(guard))
        page = context.new_page()
        page.on(
            "console",
            lambda m: guard.errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda exc: guard.errors.append(f"uncaught: {exc}"))
        return page

    yield opener
    for context in contexts:
        context.close()
    guard.check()


def loaded_libraries(guard) -> list[str]:
    return [url for url in guard.requests if any(lib in url for lib in LIBRARIES)]


def test_phone_paints_the_still_before_loading_the_viewer(
    tour_site, sized_page, guard
) -> None:
    page = sized_page(PHONE)
    page.goto(f"{tour_site}/vr/park-a?lang=en")
    page.wait_for_load_state("networkidle")
    painted = page.evaluate(
        """() => new Promise((done) => new PerformanceObserver((list) => {
            const last = list.getEntries().at(-1);
            done({element: last.element?.className, url: last.url});
        }).observe({type: 'largest-contentful-paint', buffered: true}))"""
    )
    assert painted["element"] == "vr-preview" and "shape=tall" in painted["url"]
    assert page.evaluate(
        "() => { const i = document.querySelector('.vr-preview');"
        " return i.complete && i.naturalWidth === 480; }"
    )
    page.wait_for_timeout(500)
    assert loaded_libraries(guard) == []  # nothing of three.js or the viewer yet
    start = page.get_by_role("button", name="View in 360°")
    box = start.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    start.tap()
    page.wait_for_function(READY, timeout=30_000)
    assert loaded_libraries(guard)
    assert page.locator("#vr-poster").is_hidden()
    assert page.locator(".psv-container canvas").count() >= 1


ARROWS = """() => [...document.querySelectorAll('.psv-virtual-tour-link')]
  .map((el) => [el.getAttribute('aria-label'), el.getBoundingClientRect().toJSON()])
  .filter(([, r]) => r.width && r.right > 0 && r.left < innerWidth
                     && r.bottom > 0 && r.top < innerHeight)"""


def overlap(a: dict, b: dict) -> bool:
    return not (
        a["right"] <= b["left"]
        or b["right"] <= a["left"]
        or a["bottom"] <= b["top"]
        or b["bottom"] <= a["top"]
    )


# The widest view, the opening one, the closest (where one arrow fills the width).
@pytest.mark.parametrize(("zoom", "seen"), [(0, 3), (30, 3), (100, 1)])
def test_walk_arrows_are_44px_and_apart_on_a_phone(
    tour_site, sized_page, zoom, seen
) -> None:
    page = sized_page(PHONE)
    page.goto(f"{tour_site}/vr/park-a?lang=en")
    page.get_by_role("button", name="View in 360°").tap()
    page.wait_for_function(READY, timeout=30_000)
    links = page.evaluate("() => parkmapVR.docs.get('park-a').links.length")
    assert links == 3  # park b and both photos, all to the east
    page.evaluate(
        f"""() => {{ parkmapVR.tour.gotoLink('park-b', 0);
            parkmapVR.viewer.zoom({zoom}); }}"""
    )
    page.wait_for_timeout(300)
    arrows = page.evaluate(ARROWS)
    assert len(arrows) == seen, arrows
    for name, rect in arrows:
        assert rect["width"] >= 44 and rect["height"] >= 44, name
    for i, (name, rect) in enumerate(arrows):
        for other, rect2 in arrows[i + 1 :]:
            assert not overlap(rect, rect2), f"{name} covers {other}"


def test_keyboard_starts_the_viewer_and_walks(tour_site, sized_page) -> None:
    page = sized_page(SMALL_LAPTOP)
    page.goto(f"{tour_site}/vr/park-a?lang=en")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "vr-start":
            break
    page.keyboard.press("Enter")
    page.wait_for_function(READY, timeout=30_000)
    assert page.evaluate("() => document.activeElement.id") == "vr-viewer"
    page.evaluate("() => parkmapVR.tour.gotoLink('park-b', 0)")
    for _ in range(40):
        page.keyboard.press("Tab")
        label = page.evaluate(
            "() => document.activeElement.closest('.psv-virtual-tour-link')"
            "?.getAttribute('aria-label') || ''"
        )
        if label.startswith("KCN Tràng Duệ"):
            break
    else:
        pytest.fail("no walk-to arrow of park b reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.body.dataset.scene === 'park-b'", timeout=30_000
    )
