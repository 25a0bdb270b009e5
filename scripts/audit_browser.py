"""What ``scripts/audit_pages.py`` measures inside one page, through Playwright.

- ``axe_violations``: axe-core's WCAG 2.0/2.1 A and AA rules (node_modules/axe-core);
- ``overflow``: how much wider than the window the document is (horizontal scroll);
- ``small_targets``: visible controls smaller than 44×44 CSS px, links inside a
  sentence excepted (WCAG 2.5.5's inline exception);
- ``map_grid``: a 20×20 grid of ``document.elementFromPoint`` over the part of the
  first Leaflet map inside the window; a point counts as map when it lands in the map's
  panes (tiles, features, labels) or on its background, not on a control, a popup or
  anything drawn over the map;
- ``first_load_bytes``: bytes over the wire on a cold load until the first request for
  a parcel tile.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
TARGET_PX = 44
GRID = 20
PARCEL_TILES = "/tiles/parcels/"
logger = logging.getLogger(__name__)

AXE_RUN = """(tags) => axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
}).then(r => r.violations.map(v => ({
    id: v.id, impact: v.impact,
    targets: v.nodes.map(n => n.target.join(' ')),
})))"""

DESCRIBE = """const describe = (el) => {
    if (!el) return 'nothing';
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    else if (typeof el.className === 'string' && el.className.trim())
        s += '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.');
    return s;
};"""

SMALL_TARGETS = (
    """(px) => {"""
    + DESCRIBE
    + r"""
    const sel = 'a[href], button, input:not([type=hidden]), select, textarea, '
        + 'summary, [role=button], [role=link], [role=tab], [role=checkbox], '
        + '[role=radio], [role=menuitem], [tabindex]:not([tabindex="-1"])';
    // WCAG 2.5.5's exception: a link inside running text (a word of its own beside it).
    const inSentence = (el) => {
        const box = el.parentElement;
        if (getComputedStyle(el).display !== 'inline' || !box) return false;
        const words = [...box.childNodes].filter(n => n.nodeType === 3);
        return /[\p{L}\p{N}]{2,}/u.test(words.map(n => n.textContent).join(' '));
    };
    const small = [];
    for (const el of document.querySelectorAll(sel)) {
        if (el.closest('[hidden], [inert], [aria-hidden=true]')) continue;
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || el.getClientRects().length === 0) continue;
        let box = el.getBoundingClientRect();
        const label = el.labels && [...el.labels].find(l => l.contains(el));
        if (label) box = label.getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || inSentence(el)) continue;
        const w = Math.round(box.width), h = Math.round(box.height);
        if (w < px || h < px) small.push(`${describe(el)} ${w}×${h}`);
    }
    return small;
}"""
)

MAP_GRID = (
    """(n) => {"""
    + DESCRIBE
    + """
    const map = document.querySelector('.leaflet-container');
    if (!map) return null;
    const r = map.getBoundingClientRect();
    const left = Math.max(r.left, 0), top = Math.max(r.top, 0);
    const right = Math.min(r.right, innerWidth);
    const bottom = Math.min(r.bottom, innerHeight);
    if (right <= left || bottom <= top) return {hits: 0, total: n * n, blockers: {}};
    let hits = 0;
    const blockers = {};
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        const x = left + (i + 0.5) * (right - left) / n;
        const y = top + (j + 0.5) * (bottom - top) / n;
        const el = document.elementFromPoint(x, y);
        const onMap = el && (el === map || (map.contains(el)
            && el.closest('.leaflet-pane') && !el.closest('.leaflet-popup')));
        if (onMap) hits++;
        else blockers[describe(el)] = (blockers[describe(el)] || 0) + 1;
    }
    return {hits, total: n * n, blockers};
}"""
)


@dataclass
class Grid:
    """Points of the grid that landed on the map, and what covered the others."""

    hits: int
    total: int
    blockers: dict[str, int] = field(default_factory=dict)

    @property
    def percent(self) -> float:
        """Share of the points on the map, in per cent."""
        return 100.0 * self.hits / self.total


def axe_violations(page) -> dict[str, list[str]]:
    """axe-core's WCAG 2 A/AA violations on ``page``: rule id → failing elements."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        # Evaluated through DevTools, not as a <script>: the page's CSP stays in force.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    found = page.evaluate(AXE_RUN, list(WCAG_TAGS))
    return {v["id"]: v["targets"] for v in found}


def overflow(page) -> int:
    """CSS px by which the document is wider than the window (0: no h-scroll).

    Measured against the layout viewport (``clientWidth``): a mobile browser zooms
    out to fit wide content, and then ``innerWidth`` grows with it.
    """
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth"
            " - document.documentElement.clientWidth"
        )
    )


def small_targets(page) -> list[str]:
    """Visible controls under 44×44 CSS px, as ``tag#id W×H``."""
    return list(page.evaluate(SMALL_TARGETS, TARGET_PX))


def map_grid(page) -> Grid | None:
    """The 20×20 grid over the page's first map, or None without a map."""
    found = page.evaluate(MAP_GRID, GRID)
    return None if found is None else Grid(**found)


@dataclass
class Load:
    """Bytes over the wire (headers plus encoded bodies) of one cold page load."""

    before_tile: int | None  # before the first parcel tile; None: no tile asked for
    total: int
    largest: list[tuple[str, int]] = field(default_factory=list)  # (path, bytes)


def first_load_bytes(context, url: str, ready) -> Load:
    """Bytes on a cold load of ``url``, in all and before its first parcel tile.

    Args:
        context: a fresh Playwright browser context (empty cache).
        url: the map page.
        ready: called with the page; returns when the page has settled.
    """
    order: list = []
    page = context.new_page()
    page.on("request", lambda r: order.append(r))  # noqa: PLW0108 (Playwright tags handlers)
    page.goto(url)
    ready(page)
    page.wait_for_load_state("networkidle")
    tiles = [urlsplit(r.url).path.startswith(PARCEL_TILES) for r in order]
    sizes = [_wire_bytes(r) for r in order]
    page.close()
    paths = [urlsplit(r.url).path for r in order]
    largest = sorted(zip(paths, sizes, strict=True), key=lambda p: -p[1])[:8]
    before = sum(sizes[: tiles.index(True)]) if True in tiles else None
    return Load(before, sum(sizes), largest)


def _wire_bytes(request) -> int:
    """Headers plus encoded body of a finished request; 0 when it never finished."""
    if request.url.startswith("data:") or request.failure is not None:
        return 0
    try:
        sizes = request.sizes()
    except PlaywrightError:
        logger.debug("no sizes for %s", request.url)
        return 0
    return sizes["responseHeadersSize"] + sizes["responseBodySize"]
