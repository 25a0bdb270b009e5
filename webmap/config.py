"""Configuration: defaults, then ``PARKMAP_*`` environment variables, then tests'."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask

from layers.settings import Settings


class ConfigError(ValueError):
    """A configuration value is wrong; the message names the key."""


def defaults() -> dict[str, Any]:
    """Default settings (paths relative to the project root)."""
    settings = Settings.from_mapping({})
    return {
        "DATA_DIR": str(settings.data_dir),
        "STORE": settings.store,
        "HOST": "127.0.0.1",
        "PORT": 5000,
        "ENV_NAME": "development",
        "DEFAULT_LANGUAGE": "vi",
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    }


def load(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill ``app.config`` and validate it.

    Raises:
        ConfigError: naming the bad ``PARKMAP_*`` key.
    """
    app.config.from_mapping(defaults())
    app.config.from_prefixed_env("PARKMAP")
    if test_config:
        app.config.from_mapping(test_config)
    settings = Settings.from_mapping(
        {
            "PARKMAP_DATA_DIR": str(app.config["DATA_DIR"]),
            "PARKMAP_STORE": str(app.config["STORE"]),
        }
    )
    app.config["DATA_DIR"], app.config["STORE"] = str(settings.data_dir), settings.store
    if not app.config.get("SECRET_KEY"):
        # A per-process key: fine for one process; production sets PARKMAP_SECRET_KEY.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    validate(app.config)


def validate(config: dict[str, Any]) -> None:
    """Check types and ranges of the settings that a typo would break."""
    try:
        port = int(config["PORT"])
    except (TypeError, ValueError):
        raise ConfigError(
            f"PARKMAP_PORT must be a number, got {config['PORT']!r}"
        ) from None
    if not 0 < port < 65536:
        raise ConfigError(f"PARKMAP_PORT must be 1..65535, got {port}")
    config["PORT"] = port
    if config["DEFAULT_LANGUAGE"] not in ("vi", "en", "ko", "ja"):
        raise ConfigError(
            "PARKMAP_DEFAULT_LANGUAGE must be vi, en, ko or ja, "
            f"got {config['DEFAULT_LANGUAGE']!r}"
        )


def whole_number(config: dict[str, Any], key: str, high: int | None = None) -> int:
    """A setting that must be a whole number in 0..high (no upper bound if None).

    Raises:
        ConfigError: naming ``PARKMAP_<key>`` and the value that arrived.
    """
    value = config[key]
    limit = f"0..{high}" if high is not None else "a whole number ≥ 0"
    try:
        number = int(value) if float(value) == int(value) else -1
    except (TypeError, ValueError, OverflowError):
        number = -1
    if isinstance(value, bool) or number < 0 or (high is not None and number > high):
        raise ConfigError(f"PARKMAP_{key} must be {limit}, got {value!r}")
    return number
