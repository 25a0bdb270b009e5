"""The investor pages' settings (``PARKMAP_ENQUIRY_*``) and their checks."""

from __future__ import annotations

from typing import Any

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
