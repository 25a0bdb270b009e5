"""Self-hosted browser libraries: which npm files the app serves, and their URLs.

The libraries are installed from npm by ``make`` (``npm ci`` from package-lock.json
into ``node_modules/``); nothing is copied into the repository. The app serves only
the files whitelisted below, under ``/static/vendor/<package>/<path>``, so a map page
loads nothing from a CDN and works with no network.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from flask import current_app, url_for


@dataclass(frozen=True, slots=True)
class Package:
    """An npm package and the files of it that pages may load."""

    npm: str
    files: tuple[str, ...]  # patterns; ``*`` never crosses a ``/``


PACKAGES: dict[str, Package] = {
    "leaflet": Package(
        "leaflet", ("dist/leaflet.js", "dist/leaflet.css", "dist/images/*.png")
    ),
    "vectorgrid": Package(
        "leaflet.vectorgrid", ("dist/Leaflet.VectorGrid.bundled.min.js",)
    ),
    "fullscreen": Package(
        "leaflet.fullscreen",
        ("Control.FullScreen.js", "Control.FullScreen.css", "icon-fullscreen.svg"),
    ),
    "minimap": Package(
        "leaflet-minimap",
        (
            "dist/Control.MiniMap.min.js",
            "dist/Control.MiniMap.min.css",
            "dist/images/*",
        ),
    ),
    "search": Package(
        "leaflet-search",
        (
            "dist/leaflet-search.min.js",
            "dist/leaflet-search.min.css",
            "images/*.png",
            "images/*.gif",
        ),
    ),
    "measure": Package(
        "leaflet.polylinemeasure",
        ("Leaflet.PolylineMeasure.js", "Leaflet.PolylineMeasure.css"),
    ),
    "fontawesome": Package(
        "@fortawesome/fontawesome-free",
        ("css/all.min.css", "webfonts/*.woff2", "webfonts/*.ttf"),
    ),
}

# The VR360 viewer (webmap/views/vr.py): ES modules, loaded through an import map.
_ESM, _CSS = "index.module.js", "index.css"
PACKAGES["three"] = Package("three", ("build/three.module.js", "build/three.core.js"))
for _name, _npm, _files in (
    ("psv-core", "core", (_ESM, _CSS)),
    ("psv-markers", "markers-plugin", (_ESM, _CSS)),
    ("psv-virtual-tour", "virtual-tour-plugin", (_ESM, _CSS)),
    ("psv-map", "map-plugin", (_ESM, _CSS)),
    ("psv-compass", "compass-plugin", (_ESM, _CSS)),
    ("psv-gyroscope", "gyroscope-plugin", (_ESM,)),
    ("psv-tiles", "equirectangular-tiles-adapter", (_ESM,)),
):
    PACKAGES[_name] = Package(f"@photo-sphere-viewer/{_npm}", _files)

# What a map page loads, in order (name, package, file).
JS: tuple[tuple[str, str, str], ...] = (
    ("leaflet", "leaflet", "dist/leaflet.js"),
    ("vectorGrid", "vectorgrid", "dist/Leaflet.VectorGrid.bundled.min.js"),
    ("fullscreen", "fullscreen", "Control.FullScreen.js"),
    ("minimap", "minimap", "dist/Control.MiniMap.min.js"),
    ("search", "search", "dist/leaflet-search.min.js"),
    ("measure", "measure", "Leaflet.PolylineMeasure.js"),
)
CSS: tuple[tuple[str, str, str], ...] = (
    ("leaflet_css", "leaflet", "dist/leaflet.css"),
    ("fullscreen_css", "fullscreen", "Control.FullScreen.css"),
    ("minimap_css", "minimap", "dist/Control.MiniMap.min.css"),
    ("search_css", "search", "dist/leaflet-search.min.css"),
    ("measure_css", "measure", "Leaflet.PolylineMeasure.css"),
    ("fontawesome", "fontawesome", "css/all.min.css"),
)


def allowed(package: str, path: str) -> bool:
    """Whether ``path`` of ``package`` is on the whitelist (and is a clean path)."""
    pkg = PACKAGES.get(package)
    if pkg is None or not path or "\\" in path or "\x00" in path:
        return False
    parts = path.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return False
    for pattern in pkg.files:
        pattern_parts = pattern.split("/")
        if len(pattern_parts) == len(parts) and all(
            fnmatchcase(p, q) for p, q in zip(parts, pattern_parts, strict=True)
        ):
            return True
    return False


def resolve(package: str, path: str, vendor_dir: Path) -> Path | None:
    """The file to send for ``/static/vendor/<package>/<path>``, or None.

    Only whitelisted paths resolve, and only to regular files inside the
    package's own folder under ``vendor_dir`` (symlinks out of it are refused).

    Args:
        package: the short name in ``PACKAGES`` (``leaflet``, ``fontawesome``…).
        path: the file's path inside the npm package, as the URL gives it.
        vendor_dir: the ``node_modules`` folder.

    Returns:
        The resolved file, or None for anything not whitelisted or missing.
    """
    if not allowed(package, path):
        return None
    root = (vendor_dir / PACKAGES[package].npm).resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        return None
    return target


def url(package: str, path: str) -> str:
    """The URL this app serves ``path`` of ``package`` at."""
    return url_for("vendor.file", package=package, path=path)


def js_links() -> list[tuple[str, str]]:
    """(name, url) of every script a map page loads, for Folium's ``default_js``."""
    return [(name, url(pkg, path)) for name, pkg, path in JS]


def css_links() -> list[tuple[str, str]]:
    """(name, url) of every stylesheet a map page loads, for ``default_css``."""
    return [(name, url(pkg, path)) for name, pkg, path in CSS]


def installed() -> bool:
    """Whether ``npm ci`` has put the libraries where the app looks for them."""
    vendor = Path(current_app.config["VENDOR_DIR"])
    return all(resolve(pkg, path, vendor) for _, pkg, path in (*JS, *CSS))
