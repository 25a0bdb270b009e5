"""Browser tests' helpers: the page guard, local base-map tiles, the sample map app,
waiting for the map, and where failure screenshots go."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response

from tests.support.apps import isolated
from webmap import create_app

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# A 1×1 light-grey PNG served as every base-map tile in tests.
TILE_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mN4+P//fwAJ"
    "xgPt1xp6NQAAAABJRU5ErkJggg=="
)


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


def wait_for_map(page, frame=None) -> None:
    """Wait until parkmap.js has started and the inline overlays are painted."""
    target = frame or page
    target.wait_for_function(
        "() => window.parkmap && window.parkmap.map &&"
        " performance.getEntriesByName('parkmap:overlays-painted').length > 0",
        timeout=15_000,
    )
