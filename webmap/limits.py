"""Request size limits: small ones for forms and JSON, the photo upload's own.

Every body is refused with a 413 problem saying which limit it broke when it is
larger than ``PARKMAP_MAX_CONTENT_LENGTH`` (256 KiB by default: the largest
legitimate form, an enquiry of 5,000 Korean characters, is about 50 KB once
URL-encoded), whether it announces its length or arrives chunked. A multipart form
may also hold at most ``MAX_FORM_PARTS`` parts and ``MAX_FORM_MEMORY_SIZE`` bytes in
any text field. ``POST /vr/scenes`` raises the body limit to its own
(``PARKMAP_PANORAMA_MAX_BYTES`` plus room for the form fields) before it reads the
body, and refuses a larger photo itself.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from webmap.config import ConfigError, whole_number
from webmap.errors import problem

SMALLEST = 1024  # a sign-in form with its CSRF token needs a few hundred bytes


def apply(config: dict[str, Any]) -> None:
    """Check the limits (defaults come from ``webmap.config.defaults``).

    Raises:
        ConfigError: naming the bad ``PARKMAP_*`` key.
    """
    for key, low in (
        ("MAX_CONTENT_LENGTH", SMALLEST),
        ("MAX_FORM_MEMORY_SIZE", SMALLEST),
        ("MAX_FORM_PARTS", 8),
    ):
        number = whole_number(config, key)
        if number < low:
            raise ConfigError(f"PARKMAP_{key} must be ≥ {low}, got {config[key]!r}")
        config[key] = number


def too_large(_exc: RequestEntityTooLarge) -> Response:
    """A 413 problem naming the route and the limits it is held to."""
    limit = request.max_content_length
    setting = (
        " (PARKMAP_MAX_CONTENT_LENGTH)"
        if limit == current_app.config["MAX_CONTENT_LENGTH"]
        else ""
    )
    detail = (
        f"the request to {request.method} {request.path} is too large: bodies of "
        f"at most {limit:,} bytes{setting}, form fields of at most "
        f"{request.max_form_memory_size:,} bytes, at most "
        f"{request.max_form_parts} form parts"
    )
    return problem(RequestEntityTooLarge(detail))


def init_app(app: Flask) -> None:
    """Check the limits and answer a body over them with a clear 413 problem.

    Raises:
        ConfigError: a limit is not a whole number or too small to sign in with.
    """
    apply(app.config)
    app.register_error_handler(RequestEntityTooLarge, too_large)
