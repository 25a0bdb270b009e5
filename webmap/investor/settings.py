"""The investor pages' settings (``PARKMAP_ENQUIRY_*``) and their checks."""

from __future__ import annotations

from typing import Any

from layers.enquiries import RateLimit
from webmap.config import whole_number

DEFAULTS: dict[str, Any] = {
    # Enquiries one client address may send per hour; 0 turns the limit off.
    "ENQUIRY_LIMIT_PER_HOUR": 5,
}


def apply(config: dict[str, Any]) -> None:
    """Fill the defaults into ``config`` and validate them.

    Raises:
        ConfigError: naming the bad ``PARKMAP_*`` key.
    """
    for key, value in DEFAULTS.items():
        config.setdefault(key, value)
    config["ENQUIRY_LIMIT_PER_HOUR"] = whole_number(
        config, "ENQUIRY_LIMIT_PER_HOUR", 10_000
    )


def rate_limit(config: dict[str, Any]) -> RateLimit | None:
    """The enquiry allowance per client address, or None when it is off."""
    count = int(config["ENQUIRY_LIMIT_PER_HOUR"])
    return RateLimit(count=count, window_s=3600.0) if count else None
