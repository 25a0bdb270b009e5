"""The interactive map: the Folium page, its overlays, controls and popups.

``init_app`` wires it into the app factory: translations, asset versions and the
legend's icons; the factory registers the map's blueprints (``views.map``,
``views.embed``, ``views.vendor``).
"""

from __future__ import annotations

import logging

from flask import Flask

from webmap.core import assets, i18n
from webmap.mapview import icons

logger = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Add the map's languages, asset versions and icons to ``app``."""
    i18n.init_app(app)
    app.url_defaults(assets.add_version)  # ?v=<hash> on static and vendor URLs
    app.add_template_global(icons.icon_svg, "icon_svg")  # the legend's icons
    with app.app_context():
        if not assets.installed():
            logger.warning(
                "map libraries missing under %s: run `make assets` (npm ci)",
                app.config["VENDOR_DIR"],
            )
