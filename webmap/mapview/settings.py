"""The map's settings: defaults for the ``PARKMAP_*`` keys it adds, and their checks.

``apply(config)`` runs after ``webmap.config.load``: it fills the keys nobody set and
normalises the ones that were (origins to a tuple, numbers to ints), failing with a
``ConfigError`` that names the variable.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from webmap.config import ConfigError

ROOT = Path(__file__).resolve().parents[2]
ASSET_BUILD_DIR = ROOT / "build" / "assets"  # where `make assets` writes (assetbuild)
BASEMAPS = ("osm", "satellite", "none")

OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
    " contributors"
)
SATELLITE_URL = (
    "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer"
    "/tile/{z}/{y}/{x}"
)
SATELLITE_ATTRIBUTION = (
    "Tiles &copy; Esri &mdash; Source: Esri, Maxar, Earthstar Geographics,"
    " and the GIS User Community"
)


def defaults(config: dict[str, Any]) -> dict[str, Any]:
    """Defaults of the map's keys (some depend on ``DATA_DIR``)."""
    return {
        "BASEMAP_OSM_URL": OSM_URL,
        "BASEMAP_OSM_ATTRIBUTION": OSM_ATTRIBUTION,
        "BASEMAP_SATELLITE_URL": SATELLITE_URL,
        "BASEMAP_SATELLITE_ATTRIBUTION": SATELLITE_ATTRIBUTION,
        "DEFAULT_BASEMAP": "osm",
        "EMBED_ORIGINS": (),
        "PUBLIC_URL": "",
        "INLINE_MAX_FEATURES": 2000,
        "FIGURES_AS_OF": "2023-10-14",
        "HEADLINE_FILE": str(Path(config["DATA_DIR"]) / "headline.toml"),
        "DATA_ATTRIBUTION": "",
        "VENDOR_DIR": str(ROOT / "node_modules"),
        # Minified copies; tests read the sources unless they name a build.
        "ASSET_BUILD_DIR": "" if config.get("TESTING") else str(ASSET_BUILD_DIR),
    }


def parse_origins(value: Any) -> tuple[str, ...]:
    """Origins from a space- or comma-separated string (or a list).

    Raises:
        ConfigError: an entry is not ``scheme://host[:port]``.
    """
    items = value.replace(",", " ").split() if isinstance(value, str) else value
    origins = []
    for item in items or ():
        parts = urlsplit(str(item))
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
        ):
            raise ConfigError(
                "PARKMAP_EMBED_ORIGINS must list origins like https://portal.example"
                f" (scheme://host[:port]), got {item!r}"
            )
        origins.append(f"{parts.scheme}://{parts.netloc}".lower())
    return tuple(dict.fromkeys(origins))


def _check_url(config: dict[str, Any], key: str) -> None:
    url = str(config[key])
    if not url.startswith(("http://", "https://", "/")) or "{z}" not in url:
        raise ConfigError(
            f"PARKMAP_{key} must be an http(s) or /path tile URL with {{z}}, {{x}} and"
            f" {{y}}, got {url!r}"
        )


def _check_int(config: dict[str, Any], key: str, low: int) -> None:
    try:
        config[key] = int(config[key])
    except (TypeError, ValueError):
        raise ConfigError(
            f"PARKMAP_{key} must be a number, got {config[key]!r}"
        ) from None
    if config[key] < low:
        raise ConfigError(f"PARKMAP_{key} must be ≥ {low}, got {config[key]}")


def _public_url(value: str) -> str:
    """``https://host[:port][/prefix]`` without a trailing slash, or ''."""
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise ConfigError(
            "PARKMAP_PUBLIC_URL must be the map's base URL like https://map.example,"
            f" got {value!r}"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def apply(config: dict[str, Any]) -> None:
    """Fill the map's defaults into ``config`` and validate them.

    Raises:
        ConfigError: naming the bad ``PARKMAP_*`` key.
    """
    for key, value in defaults(config).items():
        config.setdefault(key, value)
    for key in ("BASEMAP_OSM_URL", "BASEMAP_SATELLITE_URL"):
        _check_url(config, key)
    if config["DEFAULT_BASEMAP"] not in BASEMAPS:
        raise ConfigError(
            "PARKMAP_DEFAULT_BASEMAP must be osm, satellite or none, "
            f"got {config['DEFAULT_BASEMAP']!r}"
        )
    config["EMBED_ORIGINS"] = parse_origins(config["EMBED_ORIGINS"])
    if config["ASSET_BUILD_DIR"]:  # relative to the project root, like DATA_DIR
        config["ASSET_BUILD_DIR"] = str(ROOT / str(config["ASSET_BUILD_DIR"]))
    config["PUBLIC_URL"] = _public_url(str(config["PUBLIC_URL"]))
    _check_int(config, "INLINE_MAX_FEATURES", 0)
    try:
        dt.date.fromisoformat(str(config["FIGURES_AS_OF"]))
    except ValueError:
        raise ConfigError(
            "PARKMAP_FIGURES_AS_OF must be a date like 2023-10-14, "
            f"got {config['FIGURES_AS_OF']!r}"
        ) from None


def base_map() -> dict[str, str] | None:
    """The default base map's tile URL and attribution, for the pages' small maps.

    Returns:
        ``{"url", "attribution"}`` of ``PARKMAP_DEFAULT_BASEMAP``, or None for
        ``none`` (the map then needs no network).
    """
    config = current_app.config
    kind = config["DEFAULT_BASEMAP"]
    if kind == "none":
        return None
    key = "SATELLITE" if kind == "satellite" else "OSM"
    return {
        "url": config[f"BASEMAP_{key}_URL"],
        "attribution": config[f"BASEMAP_{key}_ATTRIBUTION"],
    }
