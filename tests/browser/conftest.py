"""Browser fixtures: Debian's Chromium through Playwright, guarded pages, map servers.

Every page opened through ``guarded_page`` fails its test on a console error, an
uncaught exception, a dialog, or any request to a host other than 127.0.0.1 (such
requests are aborted). On failure a screenshot goes to ``test-artifacts/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.support.apps import isolated
from tests.support.browser import ARTIFACTS, Guard, _route, sample_map_app
from tests.support.extra_layers import build_extra_store
from tests.support.servers import serve
from tests.support.system_deps import missing
from webmap import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
REPORTS = pytest.StashKey[dict]()


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
        missing("Debian's chromium", f"apt-get install chromium (for {CHROMIUM})")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


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
