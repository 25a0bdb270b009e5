"""Parkmap web service: Flask app factory."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from webmap import accesslog, auth, cli, mapview, metrics, settings
from webmap.core import compression, errors, limits, ratelimit, security, store
from webmap.imagery import service as imagery_service
from webmap.views import api as api_views
from webmap.views import apidoc as apidoc_views
from webmap.views import embed as embed_views
from webmap.views import enquiries as enquiry_views
from webmap.views import figures as figure_views
from webmap.views import land as land_views
from webmap.views import map as map_views
from webmap.views import pages
from webmap.views import parcels as parcel_views
from webmap.views import periods_admin as periods_admin_views
from webmap.views import periods_api as periods_api_views
from webmap.views import planner as planner_views
from webmap.views import planner_map as planner_map_views
from webmap.views import rasters as raster_views
from webmap.views import tiles as tile_views
from webmap.views import vendor as vendor_views
from webmap.views import vr as vr_views


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build a configured app.

    Args:
        test_config: settings applied last (tests point ``STORE`` at a temp file).

    Returns:
        The Flask app; nothing is opened until the first request needs it.
    """
    app = Flask(__name__)
    settings.load(app, test_config)  # every PARKMAP_* setting, checked: ConfigError
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:  # client address and https as the proxy saw them (limits, HSTS)
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    logging.getLogger("webmap").setLevel(logging.INFO)
    errors.register(app)
    ratelimit.init_app(app)  # 429 problems for used-up allowances
    limits.init_app(app)  # 413 problems naming the body limits
    accesslog.init_app(app)  # first: times every request, X-Request-ID, access log
    compression.init_app(app)  # br/gzip by Accept-Encoding, just before the log
    security.init_app(app)  # headers on every response, the CSP nonce
    store.init_app(app)  # one check of the store per request
    cli.register(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(apidoc_views.bp)  # /openapi.json: every route
    mapview.init_app(app)  # languages, asset versions, icons
    app.register_blueprint(vendor_views.bp)
    app.view_functions["static"] = vendor_views.static_file  # minified, versioned
    app.register_blueprint(map_views.bp)
    app.register_blueprint(embed_views.bp)
    app.register_blueprint(api_views.bp)
    app.register_blueprint(tile_views.bp)
    app.register_blueprint(raster_views.bp)
    app.register_blueprint(vr_views.bp)  # after mapview: uses its languages
    app.register_blueprint(land_views.bp)  # /land: the investor land finder
    auth.init_app(app)  # accounts, /login, /logout, CSRF on every POST
    app.register_blueprint(planner_views.bp)  # /planner: clearance tracker
    app.register_blueprint(planner_map_views.bp)  # /planner/map: map, time slider
    app.register_blueprint(parcel_views.bp)  # /parcels, /parks, /compare: investors
    app.register_blueprint(enquiry_views.bp)  # /admin/enquiries: investors' leads
    app.register_blueprint(figure_views.bp)  # /figures, /reports: reporting periods
    app.register_blueprint(periods_admin_views.bp)  # /admin/periods: reporting periods
    app.register_blueprint(periods_api_views.bp)  # /admin/api/periods: the same, JSON
    caches = {
        "vector": app.extensions[tile_views.CACHE_KEY],
        "raster": app.extensions[imagery_service.SERVICE_KEY].cache,
        "encoded": app.extensions[compression.CACHE_KEY],  # compressed bodies
    }
    metrics.init_app(app, caches)  # /metrics when PARKMAP_METRICS=1
    return app
