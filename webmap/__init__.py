"""Parkmap web service: Flask app factory."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from webmap import cli, config, errors
from webmap.views import pages


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build a configured app.

    Args:
        test_config: settings applied last (tests point ``STORE`` at a temp file).

    Returns:
        The Flask app; nothing is opened until the first request needs it.
    """
    app = Flask(__name__)
    config.load(app, test_config)
    logging.getLogger("webmap").setLevel(logging.INFO)
    errors.register(app)
    cli.register(app)
    app.register_blueprint(pages.bp)
    return app
