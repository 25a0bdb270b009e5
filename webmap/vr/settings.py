"""The VR360 settings (``PARKMAP_PANORAMA_*``, ``PARKMAP_ADMIN_TOKEN``, limits)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from webmap.config import ConfigError, whole_number


def defaults(config: dict[str, Any]) -> dict[str, Any]:
    """Defaults; the folders follow ``DATA_DIR``."""
    data = Path(config["DATA_DIR"])
    return {
        "PANORAMA_DIR": str(data / "build" / "panoramas"),
        "PANORAMA_SOURCE_DIR": str(data / "panoramas"),
        "PANORAMA_MAX_BYTES": 40_000_000,
        "PANORAMA_MAX_WIDTH": 12_288,
        "PANORAMA_WIDTH": 4096,
        "PANORAMA_HEIGHT_M": 300.0,
        "ADMIN_TOKEN": "",
        # Upload attempts one client address may make per hour; 0 turns it off.
        "UPLOAD_LIMIT_PER_HOUR": 30,
    }


def _number(config: dict[str, Any], key: str, kind: type, low: float) -> None:
    """Convert ``config[key]`` to ``kind`` and check it is ≥ ``low``."""
    try:
        config[key] = kind(config[key])
    except (TypeError, ValueError):
        raise ConfigError(
            f"PARKMAP_{key} must be a number, got {config[key]!r}"
        ) from None
    if not config[key] >= low:
        raise ConfigError(f"PARKMAP_{key} must be ≥ {low}, got {config[key]!r}")


def apply(config: dict[str, Any]) -> None:
    """Fill the VR360 defaults into ``config`` and validate them.

    Raises:
        ConfigError: naming the bad ``PARKMAP_*`` key.
    """
    for key, value in defaults(config).items():
        config.setdefault(key, value)
    _number(config, "PANORAMA_MAX_BYTES", int, 1)
    _number(config, "PANORAMA_MAX_WIDTH", int, 512)
    _number(config, "PANORAMA_WIDTH", int, 64)
    _number(config, "PANORAMA_HEIGHT_M", float, 0.5)
    if config["PANORAMA_WIDTH"] % 2:
        raise ConfigError(
            f"PARKMAP_PANORAMA_WIDTH must be even, got {config['PANORAMA_WIDTH']}"
        )
    config["UPLOAD_LIMIT_PER_HOUR"] = whole_number(
        config, "UPLOAD_LIMIT_PER_HOUR", 10_000
    )
    config["ADMIN_TOKEN"] = str(config["ADMIN_TOKEN"] or "")
    if config["ADMIN_TOKEN"] and len(config["ADMIN_TOKEN"]) < 16:
        raise ConfigError("PARKMAP_ADMIN_TOKEN must be at least 16 characters long")
