"""Self-hosted browser libraries: which npm files the app serves, and their URLs.

The libraries are installed from npm by ``make`` (``npm ci`` from package-lock.json
into ``node_modules/``); nothing is copied into the repository. The app serves only
the files whitelisted below, under ``/static/vendor/<package>/<path>``, so a map page
loads nothing from a CDN and works with no network.

``make assets`` also writes minified copies of the JS and CSS that have none, and of
the app's own, under ``PARKMAP_ASSET_BUILD_DIR`` (``webmap.assetbuild``); a copy is
served instead of its source while it is at least as new. Every URL the app makes
for a static or vendor file (``url_for``, ``url``) carries ``?v=<hash>`` of the
bytes served, and such a URL is cached for a year as immutable.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app, url_for
from werkzeug.security import safe_join


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

BUILD_VENDOR = "vendor"  # <ASSET_BUILD_DIR>/vendor/<npm name>/<path>
BUILD_STATIC = "static"  # <ASSET_BUILD_DIR>/static/<filename>
VERSIONED = frozenset({"static", "vendor.file"})
VERSION_LENGTH = 12

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
)  # icons are inline SVG (webmap/mapview/icons.py): no icon font on the map page


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
    """The versioned URL this app serves ``path`` of ``package`` at."""
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


def build_dir() -> Path | None:
    """Where ``make assets`` put the minified copies (None: serve the sources)."""
    value = current_app.config.get("ASSET_BUILD_DIR")
    return Path(value) if value else None


def _fresh(source: Path, built: Path) -> Path:
    """``built`` if it exists and is at least as new as ``source``, else ``source``."""
    try:
        if built.stat().st_mtime_ns >= source.stat().st_mtime_ns:
            return built
    except OSError:
        pass
    return source


def vendor_file(package: str, path: str) -> Path | None:
    """The file to send for ``/static/vendor/<package>/<path>``: minified if built.

    Returns:
        The built copy or the whitelisted source, or None for anything else.
    """
    source = resolve(package, path, Path(current_app.config["VENDOR_DIR"]))
    build = build_dir()
    if source is None or build is None:
        return source
    return _fresh(source, build / BUILD_VENDOR / PACKAGES[package].npm / path)


def static_file(filename: str) -> Path | None:
    """The file to send for ``/static/<filename>``: minified if built.

    Returns:
        The built copy or the source inside the static folder, or None.
    """
    folder = current_app.static_folder
    joined = safe_join(folder, filename) if folder and filename else None
    if joined is None or not Path(joined).is_file():
        return None
    build = build_dir()
    if build is None:
        return Path(joined)
    built = safe_join(str(build / BUILD_STATIC), filename)
    return _fresh(Path(joined), Path(built)) if built else Path(joined)


def version(path: Path) -> str:
    """A short hash of the file's bytes, computed once per (path, mtime, size)."""
    stat = path.stat()
    return _digest(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=1024)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    """Hash of the file's bytes (the key's mtime and size make a change a miss)."""
    del mtime_ns, size
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()[:VERSION_LENGTH]


def served_file(endpoint: str, values: dict[str, Any]) -> Path | None:
    """The file the ``static`` or ``vendor.file`` endpoint sends for ``values``."""
    if endpoint == "static":
        return static_file(str(values.get("filename") or ""))
    if endpoint == "vendor.file":
        return vendor_file(str(values.get("package")), str(values.get("path") or ""))
    return None


def add_version(endpoint: str, values: dict[str, Any]) -> None:
    """``url_for`` defaults: ``v=<hash>`` on every static and vendor file's URL.

    Registered with ``app.url_defaults``; a URL given its own ``v`` keeps it, and
    a file that does not exist gets none.
    """
    if endpoint not in VERSIONED or "v" in values:
        return
    target = served_file(endpoint, values)
    if target is not None:
        values["v"] = version(target)


def is_current(target: Path, requested: str | None) -> bool:
    """Whether a URL's ``v`` is ``target``'s version (cache it as immutable)."""
    return requested is not None and requested == version(target)
