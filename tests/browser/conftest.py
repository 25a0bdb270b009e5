"""Browser fixtures: Debian's Chromium through Playwright, guarded pages, map servers.

Every page opened through ``guarded_page`` fails its test on a console error, an
uncaught exception, a dialog, or any request to a host other than 127.0.0.1 (such
requests are aborted). On failure a screenshot goes to ``test-artifacts/``.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask, Response

from tests.conftest import isolated, serve
from tests.mapdata import build_extra_store
from webmap import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
REPORTS = pytest.StashKey[dict]()
# A 1×1 light-grey PNG served as every base-map tile in tests.
TILE_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mN4+P//fwAJ"
    "xgPt1xp6NQAAAABJRU5ErkJggg=="
)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the item, for the screenshot on failure."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium per test process (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's chromium is not installed (scripts/install_system_deps.sh)"
        )
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@dataclass
class Guard:
    """What a page did that a test must not allow."""

    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def check(self) -> None:
        """Fail on console errors, page errors, dialogs or requests off 127.0.0.1."""
        assert not self.foreign, f"requests left 127.0.0.1: {self.foreign}"
        assert not self.errors, f"console errors: {self.errors}"


def _route(guard: Guard):
    def handle(route) -> None:
        url = route.request.url
        guard.requests.append(url)
        if urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            guard.foreign.append(url)
            route.abort()

    return handle


@pytest.fixture
def guard() -> Guard:
    """The record of one test's page misbehaviour."""
    return Guard()


@pytest.fixture
def guarded_page(chromium, guard: Guard, request: pytest.FixtureRequest) -> Iterator:
    """A fresh 1280×800 page that records errors and blocks foreign requests.

    Ask for the site's fixture *before* this one: fixtures end in reverse order,
    and a server that stops under a page still loading tiles logs console errors.
    """
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/*", _route(guard))
    page = context.new_page()
    page.on(
        "console", lambda m: guard.errors.append(m.text) if m.type == "error" else None
    )
    page.on(
        "pageerror",
        lambda exc: guard.errors.append(f"uncaught: {exc} {exc.stack or ''}"),
    )
    page.on(
        "dialog", lambda d: (guard.errors.append(f"dialog: {d.message}"), d.dismiss())
    )
    yield page
    reports = request.node.stash.get(REPORTS, {})
    if any(r.failed for r in reports.values()):
        print(f"page errors: {guard.errors}; blocked: {guard.foreign}")
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()
    if not any(r.failed for r in reports.values()):
        guard.check()


def add_test_tiles(app: Flask) -> list[str]:
    """Serve a grey PNG at ``/test-tiles/...`` and point both base maps at it."""
    hits: list[str] = []

    def tile(kind: str, z: int, x: int, y: int) -> Response:
        hits.append(f"{kind}/{z}/{x}/{y}")
        return Response(TILE_PNG, mimetype="image/png")

    app.add_url_rule("/test-tiles/<kind>/<int:z>/<int:x>/<int:y>.png", view_func=tile)
    app.config["BASEMAP_OSM_URL"] = "/test-tiles/osm/{z}/{x}/{y}.png"
    app.config["BASEMAP_SATELLITE_URL"] = "/test-tiles/sat/{z}/{x}/{y}.png"
    return hits


def sample_map_app(sample_store: Path, scratch: Path) -> Flask:
    """An app over the sample data whose base maps are served locally."""
    root = Path(__file__).resolve().parents[2]
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(root / "data"),
            "STORE": str(sample_store),
            **isolated(scratch),
        }
    )
    app.extensions["test_tile_hits"] = add_test_tiles(app)
    return app


@pytest.fixture
def map_app(sample_store: Path, tmp_path: Path) -> Flask:
    """The sample map app with local base-map tiles."""
    return sample_map_app(sample_store, tmp_path)


@pytest.fixture
def map_site(map_app: Flask) -> Iterator[str]:
    """``map_app`` served on 127.0.0.1; yields its base URL."""
    yield from serve(map_app)


@pytest.fixture
def two_sites(sample_store: Path, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A map site and a portal site on two 127.0.0.1 ports that trust each other."""
    map_app = sample_map_app(sample_store, tmp_path / "map")
    portal_app = sample_map_app(sample_store, tmp_path / "portal")
    map_serving, portal_serving = serve(map_app), serve(portal_app)
    map_url, portal_url = next(map_serving), next(portal_serving)
    map_app.config["EMBED_ORIGINS"] = (portal_url,)
    portal_app.config["PUBLIC_URL"] = map_url
    yield map_url, portal_url
    for serving in (portal_serving, map_serving):
        next(serving, None)


@pytest.fixture
def evil_site(tmp_path: Path) -> Iterator[str]:
    """A map whose park 'a' is named with HTML, served on 127.0.0.1."""
    data, store = build_extra_store(tmp_path)
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data),
            "STORE": str(store),
            **isolated(tmp_path),
        }
    )
    yield from serve(app)


def wait_for_map(page, frame=None) -> None:
    """Wait until parkmap.js has started and the inline overlays are painted."""
    target = frame or page
    target.wait_for_function(
        "() => window.parkmap && window.parkmap.map &&"
        " performance.getEntriesByName('parkmap:overlays-painted').length > 0",
        timeout=15_000,
    )
