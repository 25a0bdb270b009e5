"""Audit every HTML page of the service for issue 16; print the figures it asks for.

Serves the sample data as deployed (gunicorn, ``PARKMAP_ENV_NAME=production``) on
127.0.0.1 with the base map set to none, over a store, demo rasters and generated
360° scenes built into ``.bench/audit/`` (rebuilt when ``data/`` changes), and
signs an admin in through the real form for the signed-in pages. No request leaves
127.0.0.1 (any other is aborted and counted). Then:

- every HTML page, listed from the app's URL map with sample ids filled in plus the
  HTML error pages, at 390×844 (touch, mobile user agent) and 1366×800, signed out
  and in: axe-core's WCAG 2.0/2.1 A and AA violations, horizontal overflow and
  controls under 44×44 CSS px (``scripts/audit_browser.py``);
- on the map pages, the share of a 20×20 grid over the map that hits the map;
- the map page's bytes over the wire on a cold load before its first parcel tile;
- Lighthouse 12, mobile preset, on ``/``, ``/land``, a parcel page, a park page, a
  360° scene and ``/planner`` signed in (``scripts/audit_lighthouse.py``).

Run: ``python -m scripts.audit_pages [--pages PATTERN ...] [--skip-lighthouse]
[--langs vi en ...] [--json FILE] [--strict]``. With ``--strict`` the exit status is
1 when a target of issue 16 is missed.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import logging
import re
import secrets
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

from layers.scenes.build import GenerateOptions, generate
from layers.store.open import open_store
from scripts import audit_browser as measure
from scripts.audit_lighthouse import Scores, lighthouse
from scripts.audit_report import print_tables, targets_missed
from scripts.bench_api import free_port, server
from scripts.load import get_json, sample_rasters, sample_store
from webmap import create_app
from webmap.__main__ import production_command

ROOT = Path(__file__).resolve().parents[1]
WORKDIR = ROOT / ".bench" / "audit"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
MOBILE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36"
)
SIZES = {
    "390": {"viewport": {"width": 390, "height": 844}, "is_mobile": True,
            "has_touch": True, "device_scale_factor": 3, "user_agent": MOBILE_UA},
    "1366": {"viewport": {"width": 1366, "height": 800}},
}  # fmt: skip
MAP_READY = (
    "() => window.parkmap && window.parkmap.map &&"
    " performance.getEntriesByName('parkmap:overlays-painted').length > 0"
)
READY = {
    "map.index": MAP_READY,
    "embed.embed": MAP_READY,
    "planner_map.map_page": "() => window.parkmap && parkmap.planner"
    " && parkmap.planner.loaded > 0",
    "investor.parcel_page": "() => window.parkmapParcel && parkmapParcel.map",
    # The 360° page shows a still first; on a phone the viewer starts on the button.
    "vr.viewer": "() => { const go = document.getElementById('vr-start');"
    " if (go && !go.hidden && !go.disabled) go.click();"
    " return document.body.dataset.ready === 'true'; }",
}
MAP_PAGES = {"map.index", "embed.embed", "planner_map.map_page", "land.page"}
LIGHTHOUSE = ("map.index", "land.page", "investor.parcel_page",
              "investor.park_page", "vr.viewer", "planner.dashboard")  # fmt: skip
ARG = re.compile(r"<(?:[^:<>]+:)?([a-z_]+)>")
USER = "audit-admin"
ACCEPT_HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"  # as a browser asks
SKIP = ("static", "vendor.file")  # files, not pages
logger = logging.getLogger("audit")


@dataclass(frozen=True)
class Page:
    """One HTML page of the service."""

    endpoint: str
    path: str


@dataclass
class Visit:
    """What one page showed at one size, signed in or out."""

    path: str
    size: str
    signed_in: bool
    status: int = 0
    axe: dict[str, list[str]] = field(default_factory=dict)
    overflow: int = 0
    small: list[str] = field(default_factory=list)
    grid: measure.Grid | None = None
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)


@dataclass
class Audit:
    """Everything one run found."""

    visits: list[Visit] = field(default_factory=list)
    lighthouse: dict[str, Scores] = field(default_factory=dict)
    load: measure.Load | None = None


def prepare(rebuild: bool) -> tuple[str, Path, Path]:
    """Store, rasters and 360° scenes of the sample data under ``.bench/audit``."""
    WORKDIR.mkdir(parents=True, exist_ok=True)
    store = str(sample_store(WORKDIR, rebuild))
    rasters = sample_rasters(store, WORKDIR / "rasters")
    scenes = WORKDIR / "panoramas"
    db = open_store(store)
    try:
        source = ROOT / "data" / "panoramas"
        generate(db, GenerateOptions(source_dir=source, out_dir=scenes))
    finally:
        db.close()
    return store, rasters, scenes


def environment(store: str, rasters: Path, scenes: Path, port: int) -> dict[str, str]:
    """The ``PARKMAP_*`` settings of the audited service."""
    return {
        "PARKMAP_ENV_NAME": "production",
        "PARKMAP_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "PARKMAP_DEFAULT_BASEMAP": "none",
        "PARKMAP_STORE": store,
        "PARKMAP_DATA_DIR": str(ROOT / "data"),
        "PARKMAP_RASTER_DIR": str(rasters),
        "PARKMAP_PANORAMA_DIR": str(scenes),
        "PARKMAP_STATE_DIR": str(WORKDIR / "state"),
        "GUNICORN_WORKERS": "2",
    }


def app_config(env: dict[str, str]) -> dict[str, str]:
    """``env`` as a ``create_app`` test config (``PARKMAP_`` dropped)."""
    return {k.removeprefix("PARKMAP_"): v for k, v in env.items() if "PARKMAP_" in k}


def add_admin(env: dict[str, str]) -> str:
    """A fresh admin account in the audited service's state; returns its password."""
    shutil.rmtree(WORKDIR / "state", ignore_errors=True)
    app = create_app(app_config(env))
    password = secrets.token_urlsafe(16)
    from webmap.auth.service import get_accounts  # noqa: PLC0415

    with app.app_context():
        get_accounts().add(USER, password, "admin")
    return password


@contextmanager
def service(env: dict[str, str], port: int) -> Iterator[str]:
    """Run gunicorn with ``env`` on 127.0.0.1:``port``; yields the base URL."""
    config = {"ENV_NAME": "production", "HOST": "127.0.0.1", "PORT": port}
    command = [*(production_command(config) or []), "--no-control-socket",
               "webmap:create_app()"]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    logger.info("starting gunicorn on %s", base)
    with server(command, env, base + "/readyz", WORKDIR / "gunicorn.log"):
        yield base


def sample_ids(base: str) -> dict[str, str]:
    """Ids to put in the URL rules: a parcel and its park, a scene, a collection."""
    scene = get_json(base + "/vr/scenes.json")["scenes"][0]
    park = scene["park"]
    items = get_json(f"{base}/api/collections/parcels/items?limit=1&park_id={park}")
    parcel = str(items["features"][0]["id"])
    return {"parcel_id": parcel, "park_id": park, "scene_id": scene["id"],
            "collection_id": "parcels", "feature_id": parcel}  # fmt: skip


def pages(env: dict[str, str], ids: dict[str, str]) -> list[Page]:
    """Every GET rule of the app whose arguments have a sample, plus error pages.

    Which of them answer HTML is found out in the browser (``is_html``).
    """
    app = create_app(app_config(env))
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()) or rule.endpoint in SKIP:
            continue
        if not set(rule.arguments) <= ids.keys():
            continue
        path = ARG.sub(lambda m: quote(ids[m[1]], safe=""), rule.rule)
        found.append(Page(rule.endpoint, path))
    return [
        *found,
        Page("investor.not_found", "/parcels/no-such-parcel"),
        Page("vr.not_found", "/vr/no-such-scene"),
    ]


def is_html(context, base: str, page: Page) -> int | None:
    """The status of ``page`` if it answers an HTML document in place, else None."""
    resp = context.request.get(
        base + page.path, max_redirects=0, headers={"Accept": ACCEPT_HTML}
    )
    kind = resp.headers.get("content-type", "")
    if resp.status in (301, 302, 303) or not kind.startswith("text/html"):
        return None
    whole = resp.text().lstrip()[:15].lower() == "<!doctype html>"
    return resp.status if whole else None


def new_context(browser, size: str, state: dict | None) -> tuple[object, list[str]]:
    """A context at ``size`` that aborts requests off 127.0.0.1, and their list."""
    context = browser.new_context(**SIZES[size], storage_state=state)
    foreign: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith("http://127.0.0.1:"):
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return context, foreign


def settle(page, endpoint: str) -> None:
    """Wait for the page's own ready signal, then for the network to go quiet."""
    if endpoint in READY:
        try:
            page.wait_for_function(READY[endpoint], timeout=20_000)
        except measure.PlaywrightError:
            logger.warning("%s: no ready signal after 20 s", page.url)
    try:
        page.wait_for_load_state("networkidle", timeout=10_000)
    except measure.PlaywrightError:
        logger.warning("%s: network still busy after 10 s", page.url)


def visit(
    context, foreign: list[str], base: str, page: Page, *, size: str, signed_in: bool
) -> Visit:
    """Open ``page`` in ``context`` and take its measures."""
    tab = context.new_page()
    result = Visit(page.path, size, signed_in)
    tab.on("console", lambda m: m.type == "error" and result.errors.append(m.text))
    tab.on("pageerror", lambda exc: result.errors.append(str(exc)))
    try:
        response = tab.goto(base + page.path)
        result.status = response.status if response else 0
        settle(tab, page.endpoint)
        result.axe = measure.axe_violations(tab)
        result.overflow = measure.overflow(tab)
        result.small = measure.small_targets(tab)
        if page.endpoint in MAP_PAGES:
            result.grid = measure.map_grid(tab)
    except measure.PlaywrightError as exc:
        logger.error("%s: %s", page.path, exc)
        result.errors.append(f"audit failed: {exc}")
    result.foreign = list(foreign)
    foreign.clear()
    tab.close()
    return result


def sign_in(browser, base: str, password: str) -> dict:
    """Sign the admin in through the form; the session as Playwright storage state."""
    context, _ = new_context(browser, "1366", None)
    page = context.new_page()
    page.goto(base + "/login?lang=en&next=/planner")
    page.fill("#username", USER)
    page.fill("#password", password)
    page.click("form.auth-form button[type=submit]")
    page.wait_for_url("**/planner**")
    state = context.storage_state()
    context.close()
    return state


def sweep(browser, base: str, todo: list[Page], state: dict, langs) -> list[Visit]:
    """Every page at both sizes, signed out then in, in each of ``langs``."""
    visits = []
    for signed_in in (False, True):
        for size in SIZES:
            context, foreign = new_context(browser, size, state if signed_in else None)
            for page in todo:
                if is_html(context, base, page) is None:
                    continue
                for lang in langs:
                    joined = "&" if "?" in page.path else "?"
                    path = page.path + (f"{joined}lang={lang}" if lang else "")
                    logger.info("%s %s %s", "in" if signed_in else "out", size, path)
                    where = Page(page.endpoint, path)
                    visits.append(
                        visit(
                            context,
                            foreign,
                            base,
                            where,
                            size=size,
                            signed_in=signed_in,
                        )
                    )
            context.close()
    return visits


def lighthouse_all(base: str, todo: list[Page], state: dict) -> dict[str, Scores]:
    """Lighthouse on the issue's six pages (``/planner`` with the admin's cookie)."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in state["cookies"])
    out = {}
    for page in todo:
        if page.endpoint in LIGHTHOUSE:
            signed = page.endpoint.startswith("planner.")
            out[page.path] = lighthouse(base + page.path, cookie if signed else "")
    return out


def first_load(browser, base: str) -> measure.Load:
    """The map page's bytes before its first parcel tile, on a cold 1366×800 load."""
    context, _ = new_context(browser, "1366", None)
    try:
        return measure.first_load_bytes(
            context, base + "/", lambda page: settle(page, "map.index")
        )
    finally:
        context.close()


def chosen(page: Page, patterns: list[str]) -> bool:
    """Whether ``page``'s path or endpoint matches one of the glob ``patterns``."""
    return any(
        fnmatch.fnmatch(page.path, pat) or fnmatch.fnmatch(page.endpoint, pat)
        for pat in patterns
    )


def main(argv: list[str] | None = None) -> int:
    """Build, serve, audit, print; the exit status follows ``--strict``."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pages", nargs="+", default=["*"], help="globs of paths or endpoints"
    )
    parser.add_argument("--langs", nargs="+", default=[""])
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    store, rasters, scenes = prepare(args.rebuild)
    port = free_port()
    env = environment(store, rasters, scenes, port)
    password = add_admin(env)
    audit = Audit()
    with service(env, port) as base, sync_playwright() as playwright:
        ids = sample_ids(base)
        todo = [p for p in pages(env, ids) if chosen(p, args.pages)]
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        state = sign_in(browser, base, password)
        if any(p.endpoint == "map.index" for p in todo):
            audit.load = first_load(browser, base)
        audit.visits = sweep(browser, base, todo, state, args.langs)
        browser.close()
        if not args.skip_lighthouse:
            audit.lighthouse = lighthouse_all(base, todo, state)
    print_tables(audit)
    if args.json:
        args.json.write_text(json.dumps(asdict(audit), indent=1), encoding="utf-8")
    missed = targets_missed(audit)
    for line in missed:
        print(f"MISSED: {line}")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
