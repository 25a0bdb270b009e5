"""The interactive map: Folium pages, embedding, languages and self-hosted assets.

``init_app`` wires it into the app factory: settings, translations, blueprints.
"""

from __future__ import annotations

import logging

from flask import Flask

from webmap.core import assets, i18n
from webmap.mapview import icons, settings
from webmap.views import embed, vendor
from webmap.views import map as map_views

logger = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Add the map's settings, languages and blueprints to ``app``.

    Raises:
        ConfigError: a map setting is wrong (the message names the variable).
    """
    settings.apply(app.config)
    i18n.init_app(app)
    app.register_blueprint(vendor.bp)
    app.view_functions["static"] = vendor.static_file  # minified copies, versions
    app.url_defaults(assets.add_version)  # ?v=<hash> on static and vendor URLs
    app.register_blueprint(map_views.bp)
    app.register_blueprint(embed.bp)
    app.add_template_global(icons.icon_svg, "icon_svg")  # the legend's icons
    with app.app_context():
        if not assets.installed():
            logger.warning(
                "map libraries missing under %s: run `make assets` (npm ci)",
                app.config["VENDOR_DIR"],
            )
