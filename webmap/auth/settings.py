"""The sign-in settings (``PARKMAP_LOGIN_*``, session cookies) and their checks."""

from __future__ import annotations

from typing import Any

from webmap.config import ConfigError, whole_number

DEFAULTS: dict[str, Any] = {
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_WINDOW_MINUTES": 15,
    # werkzeug's method string; tests use cheaper scrypt parameters.
    "PASSWORD_HASH_METHOD": "scrypt",
    # A CSRF token lives as long as the session (itself at most 8 hours).
    "WTF_CSRF_TIME_LIMIT": None,
}
TRUE, FALSE = ("1", "true"), ("0", "false")


def strict_bool(config: dict[str, Any], key: str) -> bool:
    """A yes/no setting given as 0, 1, true or false (nothing else).

    Raises:
        ConfigError: naming ``PARKMAP_<key>`` and the value that arrived.
    """
    value = config[key]
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, int | str) else None
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ConfigError(f"PARKMAP_{key} must be 0, 1, true or false, got {value!r}")


def _positive(config: dict[str, Any], key: str, high: int) -> int:
    """A whole number in 1..high."""
    number = whole_number(config, key, high)
    if number < 1:
        raise ConfigError(f"PARKMAP_{key} must be 1..{high}, got {config[key]!r}")
    return number


def apply(config: dict[str, Any]) -> None:
    """Fill the sign-in defaults into ``config`` and validate the settings.

    ``SESSION_COOKIE_SECURE`` left at None becomes True unless ``ENV_NAME`` is
    ``development`` (plain-HTTP ``make run``).

    Raises:
        ConfigError: naming the bad ``PARKMAP_*`` key.
    """
    for key, value in DEFAULTS.items():
        config.setdefault(key, value)
    config["LOGIN_MAX_FAILURES"] = _positive(config, "LOGIN_MAX_FAILURES", 1000)
    config["LOGIN_WINDOW_MINUTES"] = _positive(config, "LOGIN_WINDOW_MINUTES", 1440)
    if config.get("SESSION_COOKIE_SECURE") is None:
        config["SESSION_COOKIE_SECURE"] = config.get("ENV_NAME") != "development"
    else:
        config["SESSION_COOKIE_SECURE"] = strict_bool(config, "SESSION_COOKIE_SECURE")
    config["SESSION_COOKIE_HTTPONLY"] = strict_bool(config, "SESSION_COOKIE_HTTPONLY")
    samesite = str(config.get("SESSION_COOKIE_SAMESITE") or "").capitalize()
    if samesite not in ("Lax", "Strict"):
        raise ConfigError(
            "PARKMAP_SESSION_COOKIE_SAMESITE must be Lax or Strict, "
            f"got {config.get('SESSION_COOKIE_SAMESITE')!r}"
        )
    config["SESSION_COOKIE_SAMESITE"] = samesite
    method = str(config["PASSWORD_HASH_METHOD"])
    if method.split(":", 1)[0] != "scrypt":
        raise ConfigError(
            f"PARKMAP_PASSWORD_HASH_METHOD must be an scrypt method, got {method!r}"
        )
