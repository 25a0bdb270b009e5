"""Configuration: defaults, then ``PARKMAP_*`` environment variables, then tests'."""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask

from layers.settings import PROJECT_ROOT, Settings

logger = logging.getLogger(__name__)
SECRET_KEY_FILE = "secret_key"


class ConfigError(ValueError):
    """A configuration value is wrong; the message names the key."""


def defaults() -> dict[str, Any]:
    """Default settings (paths relative to the project root).

    ``STORE`` is left empty here: ``load`` derives it from ``DATA_DIR`` once the
    environment and the test config have had their say, so another data directory
    brings its own store along.
    """
    return {
        "DATA_DIR": "data",
        "STORE": "",  # empty: <DATA_DIR>/build/parkmap.gpkg
        "HOST": "127.0.0.1",
        "PORT": 5000,
        # PARKMAP_ENV_NAME, or its short form PARKMAP_ENV (the name issue 10 uses).
        "ENV_NAME": os.environ.get("PARKMAP_ENV") or "development",
        "DEFAULT_LANGUAGE": "vi",
        # Request bodies (webmap/limits.py): forms and JSON are small; the photo
        # upload (POST /vr/scenes) raises the body limit to its own.
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "MAX_FORM_MEMORY_SIZE": 64 * 1024,
        "MAX_FORM_PARTS": 64,
        # Reverse proxies in front that set X-Forwarded-For/-Proto/-Host (0: none).
        "TRUSTED_PROXIES": 0,
        # Accounts and sessions (webmap/auth): empty STATE_DIR means <DATA_DIR>/state;
        # SESSION_COOKIE_SECURE None means "yes unless ENV_NAME is development".
        "STATE_DIR": "",
        "SESSION_COOKIE_SECURE": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": dt.timedelta(hours=8),
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
    settings = Settings.from_mapping(  # here, after both: STORE follows DATA_DIR
        {
            "PARKMAP_DATA_DIR": str(app.config["DATA_DIR"] or ""),
            "PARKMAP_STORE": str(app.config["STORE"] or ""),
        }
    )
    app.config["DATA_DIR"], app.config["STORE"] = str(settings.data_dir), settings.store
    app.config["STATE_DIR"] = str(state_dir(app.config))
    if not app.config.get("SECRET_KEY"):
        if app.config.get("TESTING"):
            app.config["SECRET_KEY"] = secrets.token_hex(32)  # per process
        else:  # one key on disk, shared by every worker and kept across restarts
            key_path = Path(app.config["STATE_DIR"]) / SECRET_KEY_FILE
            app.config["SECRET_KEY"] = secret_key_file(key_path)
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


def state_dir(config: dict[str, Any]) -> Path:
    """Where accounts and the session key live: ``STATE_DIR``, else ``DATA_DIR/state``.

    A relative path is taken from the project root, like ``DATA_DIR``.
    """
    value = str(config.get("STATE_DIR") or "").strip()
    if not value:
        return Path(config["DATA_DIR"]) / "state"
    path = Path(value)
    return path if path.is_absolute() else PROJECT_ROOT / path


def secret_key_file(path: Path) -> str:
    """The session key kept in ``path``, made on first use (mode 0600).

    The key is written to a private temporary file and hard-linked into place, which
    fails if another worker got there first; then that worker's key is read, so
    processes starting together agree.

    Raises:
        ConfigError: the file cannot be read or written, or holds too short a key.
    """
    try:
        try:
            return _read_secret_key(path)
        except FileNotFoundError:
            _create_secret_key(path)
        return _read_secret_key(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"PARKMAP_STATE_DIR: cannot use the session key {path}: {exc}; "
            "fix the folder's permissions or set PARKMAP_SECRET_KEY"
        ) from None


def _create_secret_key(path: Path) -> None:
    """Write a new random key to ``path`` unless another process just did."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)  # never replaces a key another worker already uses
        logger.info("created the session key %s", path)
    except FileExistsError:
        pass  # another process made it between our read and our link
    finally:
        Path(tmp).unlink(missing_ok=True)


def _read_secret_key(path: Path) -> str:
    """The key in ``path`` (FileNotFoundError if there is none yet)."""
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise ConfigError(
            f"PARKMAP_SECRET_KEY is unset and {path} holds too short a key "
            f"({len(key)} characters, 32 needed): delete the file to make a new one"
        )
    if path.stat().st_mode & 0o077:
        logger.warning("%s is readable by others: chmod 600 it", path)
    return key
