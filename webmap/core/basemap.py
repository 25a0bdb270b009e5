"""The configured base map, for the pages' small maps."""

from __future__ import annotations

from flask import current_app


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
