"""Every ``PARKMAP_*`` setting, declared once: name, kind, default, doc, section.

``load(app, test_config)`` fills ``app.config`` in ``create_app``: the defaults, then
the ``PARKMAP_*`` environment (``from_prefixed_env``: a value that reads as JSON is
decoded), then the test config; then every setting in declaration order gets its
derived default if it has none (``STORE`` follows ``DATA_DIR``) and is parsed and
checked by its kind. A bad value stops the app with a ``ConfigError`` naming the
variable, the value and what is allowed; an unknown ``PARKMAP_*`` variable is
logged with the nearest known name. Nothing else reads the environment for a
setting: ``read(name)`` gives one setting outside the app (asset build, metrics).

``python -m webmap.settings > docs/settings.md`` writes the settings' reference.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import logging
import os
import secrets
import sys
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask

from geo.raster import DEFAULT_MAX_PIXELS
from geo.tiles import MAX_ZOOM
from layers.imagery.rasters import default_directory
from layers.settings import SETTINGS_KEY, Settings
from layers.workbook import MAX_BYTES as WORKBOOK_MAX_BYTES
from webmap import secretkey
from webmap.settingtypes import (
    PROJECT_ROOT,
    BaseUrl,
    Choice,
    ConfigError,
    Date,
    Derived,
    Flag,
    Folder,
    HashMethod,
    Hosts,
    Invalid,
    Kind,
    Number,
    Origins,
    Seconds,
    Secret,
    Store,
    Text,
    TileUrl,
    Whole,
)

__all__ = ["SETTINGS", "ConfigError", "Setting", "load", "markdown", "read"]

logger = logging.getLogger(__name__)
PREFIX = "PARKMAP_"
ASSET_BUILD_DIR = PROJECT_ROOT / "build" / "assets"  # where `make assets` writes
LANGUAGES = ("vi", "en", "ko", "ja")
BASEMAPS = ("osm", "satellite", "none")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")
MIB = 1024 * 1024
OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
    " contributors"
)
SATELLITE_URL = (
    "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer"
    "/tile/{z}/{y}/{x}"
)
SATELLITE_ATTRIBUTION = (
    "Tiles &copy; Esri &mdash; Source: Esri, Maxar, Earthstar Geographics,"
    " and the GIS User Community"
)
HEZA = "Hai Phong Economic Zone Authority (HEZA)"
# Flask extensions' settings the app fixes (env may still override them).
FIXED = {"WTF_CSRF_TIME_LIMIT": None}  # a CSRF token lives as long as the session


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: ``PARKMAP_<name>`` unless it has a ``prefix`` of its own."""

    name: str
    kind: Kind
    default: Any
    doc: str
    section: str
    blank_is_default: bool = False  # '' (or an empty list) also means the default
    app: bool = True  # False: read by another process (gunicorn), not create_app
    prefix: str = PREFIX
    shown: str | None = None  # the default as the docs show it

    @property
    def variable(self) -> str:
        """The environment variable."""
        return f"{self.prefix}{self.name}"


def _data(sub: str) -> Derived:
    """A folder under ``DATA_DIR``."""
    return Derived(lambda c: str(Path(c["DATA_DIR"]) / sub), f"`<DATA_DIR>/{sub}`")


def _not_development(c: Mapping[str, Any]) -> bool:
    return c["ENV_NAME"] != "development"


CORE, STORE, ACCOUNTS, LIMITS = "core", "data and store", "accounts, sessions", "limits"
MAP, TILES, IMAGERY, SCENES = "map", "vector tiles", "imagery", "360° scenes"
SPEED, OPS, GUNICORN, DEV = "compression", "metrics, logs", "gunicorn", "development"
S = Setting  # short: one declaration per line or two
SETTINGS: tuple[Setting, ...] = (
    # core
    S("ENV", Text(), "", "short form of `PARKMAP_ENV_NAME`", CORE),
    S("ENV_NAME", Text(), Derived(lambda c: str(c.get("ENV") or "") or "development",
      "`PARKMAP_ENV`, else `development`"),
      "`production`: `python -m webmap` runs gunicorn, Secure cookies, access log, "
      "and `PUBLIC_URL` (and `METRICS_TOKEN` with metrics) become required", CORE,
      blank_is_default=True),
    S("HOST", Text(), "127.0.0.1", "where `make run` / `python -m webmap` serve", CORE),
    S("PORT", Whole(1, 65535), 5000, "the port they serve on", CORE),
    S("DEFAULT_LANGUAGE", Choice(LANGUAGES), "vi", "the pages' language when the "
      "request names none", CORE),
    S("PUBLIC_URL", BaseUrl(), "", "the map's public base URL (a path prefix "
      "allowed): every absolute link starts with it, never with the request's Host; "
      "required in production", CORE),
    S("ALLOWED_HOSTS", Hosts(), Derived(
        lambda c: [] if c["PUBLIC_URL"] else list(LOOPBACK_HOSTS),
        "`localhost 127.0.0.1` without a public URL, any host with one"),
      "host names the app answers for (`.example.org`: it and its subdomains); "
      "any other Host gets a 400", CORE, blank_is_default=True),
    S("TRUSTED_PROXIES", Whole(0, 5), 0, "reverse proxies in front that set "
      "X-Forwarded-For/-Proto/-Host (1 behind nginx; 0 when clients reach gunicorn)",
      CORE),
    S("SECRET_KEY", Secret(), None, "session signing key", CORE,
      shown="made once in `<STATE_DIR>/secret_key`"),
    # data and store
    S("DATA_DIR", Folder(resolve=True), "data", "layer specs (`layers/*.toml`) and "
      "the files they name; relative paths are from the project root", STORE,
      blank_is_default=True),
    S("STORE", Store(), Derived(lambda c: str(Path(c["DATA_DIR"]) / "build" /
      "parkmap.gpkg"), "`<DATA_DIR>/build/parkmap.gpkg`"), "the built store: a "
      "GeoPackage, or a `postgresql://` URL (PostGIS; `?schema=&pool_max=`)", STORE,
      blank_is_default=True),
    S("STATE_DIR", Folder(resolve=True), _data("state"), "accounts database, "
      "sign-in limits and the session key file", STORE, blank_is_default=True),
    # accounts, sessions
    S("SESSION_COOKIE_SECURE", Flag(), Derived(_not_development, "`1` unless "
      "`ENV_NAME=development`"), "send the session cookie over https only", ACCOUNTS),
    S("SESSION_COOKIE_HTTPONLY", Flag(), True, "hide the session cookie from "
      "scripts", ACCOUNTS),
    S("SESSION_COOKIE_SAMESITE", Choice(("Lax", "Strict"), str.capitalize), "Lax",
      "the session cookie's SameSite", ACCOUNTS),
    S("PERMANENT_SESSION_LIFETIME", Seconds(), dt.timedelta(hours=8), "seconds a "
      "sign-in lasts", ACCOUNTS),
    S("LOGIN_MAX_FAILURES", Whole(1, 1000), 5, "failed sign-ins that lock an account "
      "from one client address (which gets 4× over all accounts)", ACCOUNTS),
    S("LOGIN_WINDOW_MINUTES", Whole(1, 1440), 15, "failures count within this "
      "window, and a lock lasts this long", ACCOUNTS),
    S("PASSWORD_HASH_METHOD", HashMethod(), "scrypt", "werkzeug's password hash "
      "method (tests use cheaper scrypt parameters)", ACCOUNTS),
    # limits
    S("MAX_CONTENT_LENGTH", Whole(1024), 256 * 1024, "largest request body of a "
      "form or JSON post, in bytes (the photo upload has its own limit)", LIMITS),
    S("MAX_FORM_MEMORY_SIZE", Whole(1024), 64 * 1024, "largest text field of a "
      "form, in bytes", LIMITS),
    S("MAX_FORM_PARTS", Whole(8), 64, "most parts a multipart form may have", LIMITS),
    S("ENQUIRY_LIMIT_PER_HOUR", Whole(0, 10_000), 5, "enquiries one client address "
      "may send an hour (0: no limit)", LIMITS),
    S("PERIOD_UPLOAD_MAX_BYTES", Whole(1024, WORKBOOK_MAX_BYTES), WORKBOOK_MAX_BYTES,
      "largest reporting-period spreadsheet (.xlsx) an admin may upload, in bytes",
      LIMITS),
    S("UPLOAD_LIMIT_PER_HOUR", Whole(0, 10_000), 30, "photo upload attempts one "
      "client address may make an hour, with the right token or not (0: no limit)",
      LIMITS),
    # map
    S("BASEMAP_OSM_URL", TileUrl(), OSM_URL, "the map base layer (`{s}` allowed)",
      MAP),
    S("BASEMAP_OSM_ATTRIBUTION", Text(), OSM_ATTRIBUTION, "its attribution (HTML)",
      MAP, shown="© OpenStreetMap contributors"),
    S("BASEMAP_SATELLITE_URL", TileUrl(), SATELLITE_URL, "the satellite base layer",
      MAP, shown="Esri World Imagery"),
    S("BASEMAP_SATELLITE_ATTRIBUTION", Text(), SATELLITE_ATTRIBUTION, "its "
      "attribution (HTML)", MAP, shown="Esri"),
    S("DEFAULT_BASEMAP", Choice(BASEMAPS), "osm", "the base map a page opens with "
      "(`none`: no network)", MAP),
    S("EMBED_ORIGINS", Origins(), (), "portal origins allowed to frame the map and "
      "message it, space- or comma-separated", MAP),
    S("INLINE_MAX_FEATURES", Whole(0), 2000, "added layers above this go out as "
      "vector tiles", MAP),
    S("FIGURES_AS_OF", Date(), "2023-10-14", "the date the figures are as of", MAP),
    S("HEADLINE_FILE", Folder(), _data("headline.toml"), "the key figures of the "
      "panel", MAP, blank_is_default=True),
    S("DATA_ATTRIBUTION", Text(), "", "the data's attribution line", MAP,
      shown="figures' source and date, geometry approximate"),
    S("VENDOR_DIR", Folder(), str(PROJECT_ROOT / "node_modules"), "where `npm ci` "
      "put the browser libraries and the site report's fonts", MAP,
      shown="`node_modules/`"),
    S("ASSET_BUILD_DIR", Folder(resolve=True), Derived(
        lambda c: "" if c.get("TESTING") else str(ASSET_BUILD_DIR),
        "`build/assets/` (empty under `TESTING`)"), "the minified copies "
      "`make assets` wrote; empty serves the sources", MAP),
    # vector tiles
    S("TILE_MAX_AGE", Whole(0), 3600, "seconds in the vector tiles' "
      "`Cache-Control: public, max-age`", TILES),
    S("TILE_CACHE_BYTES", Whole(0), 64 * MIB, "each worker's in-memory tile cache "
      "(0: off)", TILES),
    S("TILE_MAXZOOM", Whole(0, MAX_ZOOM), 16, "the `maxzoom` TileJSON announces; "
      "clients overzoom past it", TILES),
    S("TILE_ATTRIBUTION", Text(), f"{HEZA}; sample data, geometry is approximate",
      "the attribution in TileJSON", TILES, shown="HEZA, geometry "
      "approximate"),
    # imagery
    S("RASTER_DIR", Folder(resolve=True), Derived(lambda c: str(default_directory(
      c["STORE"])), "`rasters/` beside the store"), "COGs and `rasters.json`",
      IMAGERY, blank_is_default=True),
    S("RASTER_MAX_PIXELS", Whole(1), DEFAULT_MAX_PIXELS, "largest image accepted "
      "(width × height)", IMAGERY, blank_is_default=True),
    S("RASTER_TILE_MAX_AGE", Whole(0), 3600, "seconds in the raster tiles' "
      "`Cache-Control`", IMAGERY),
    S("RASTER_TILE_CACHE_BYTES", Whole(0), 64 * MIB, "each worker's cache of "
      "rendered raster tiles (0: off)", IMAGERY),
    S("RASTER_ATTRIBUTION", Text(), HEZA, "the attribution in TileJSON and on the "
      "map", IMAGERY, shown="HEZA"),
    # 360° scenes
    S("PANORAMA_DIR", Folder(), _data("build/panoramas"), "served manifest, tiles, "
      "mini-map", SCENES, blank_is_default=True),
    S("PANORAMA_SOURCE_DIR", Folder(), _data("panoramas"), "photos and their "
      "manifest", SCENES, blank_is_default=True),
    S("PANORAMA_MAX_BYTES", Whole(1), 40_000_000, "largest photo upload", SCENES),
    S("PANORAMA_MAX_WIDTH", Whole(512), 12_288, "widest photo accepted (pixels)",
      SCENES),
    S("PANORAMA_WIDTH", Whole(64, even=True), 4096, "width of generated views",
      SCENES),
    S("PANORAMA_HEIGHT_M", Number(0.5), 300.0, "camera height of generated views "
      "(m)", SCENES),
    S("ADMIN_TOKEN", Secret(16), "", "bearer token for `POST /vr/scenes` "
      "(empty: uploads refused)", SCENES),
    # compression
    S("COMPRESSION", Flag(), True, "compress answers by Accept-Encoding (brotli, "
      "else gzip); 0 when a proxy in front does it", SPEED),
    S("COMPRESSION_CACHE_BYTES", Whole(0), 16 * MIB, "each worker's LRU of "
      "compressed files, tiles and API pages (0: off)", SPEED),
    # metrics, logs
    S("METRICS", Flag(), False, "serve Prometheus metrics at `/metrics` (404 while "
      "off)", OPS),
    S("METRICS_TOKEN", Secret(), "", "when set, `/metrics` needs `Authorization: "
      "Bearer <token>`; required with metrics in production", OPS),
    S("ACCESS_LOG", Flag(), Derived(_not_development, "`1` unless "
      "`ENV_NAME=development`"), "one JSON line per request on stderr (logger "
      "`webmap.access`); gunicorn writes its own access log only when this is set "
      "to `0`", OPS),
    # gunicorn: read by deploy/gunicorn.conf.py, not by the app
    S("GUNICORN_BIND", Text(), "0.0.0.0:8000", "address gunicorn listens on "
      "(`python -m webmap` passes `-b HOST:PORT` instead)", GUNICORN, app=False,
      prefix=""),
    S("GUNICORN_WORKERS", Whole(1), None, "worker processes", GUNICORN, app=False,
      prefix="", shown="2 × CPUs"),
    S("GUNICORN_THREADS", Whole(1), 4, "threads per worker (keep workers × threads "
      "≤ the store's `pool_max`)", GUNICORN, app=False, prefix=""),
    S("GUNICORN_FORWARDED_ALLOW_IPS", Text(), "127.0.0.1", "proxies gunicorn takes "
      "X-Forwarded-* from", GUNICORN, app=False, prefix=""),
    S("PROMETHEUS_MULTIPROC_DIR", Folder(), "", "with metrics under gunicorn: a "
      "folder for every worker's counters (a scrape then sums them)", GUNICORN,
      app=False, prefix=""),
    # development
    S("FUZZ_EXAMPLES", Whole(1), 50, "examples per operation in `tests/fuzz`", DEV,
      app=False),
)  # fmt: skip
BY_VARIABLE = {s.variable: s for s in SETTINGS}
BY_NAME = {s.name: s for s in SETTINGS}


def load(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """Fill ``app.config`` from the defaults, the environment and ``test_config``.

    Raises:
        ConfigError: naming the bad ``PARKMAP_*`` variable.
    """
    app.config.from_mapping(FIXED)
    app.config.from_mapping(defaults())
    app.config.from_prefixed_env(PREFIX[:-1])
    warn_unknown(os.environ)
    if test_config:
        app.config.from_mapping(test_config)
    resolve(app.config)
    check_production(app.config)
    app.config["TRUSTED_HOSTS"] = app.config["ALLOWED_HOSTS"] or None
    if not app.config["SECRET_KEY"]:
        if app.config.get("TESTING"):
            app.config["SECRET_KEY"] = secrets.token_hex(32)  # per process
        else:  # one key on disk, shared by every worker and kept across restarts
            key_path = Path(app.config["STATE_DIR"]) / secretkey.FILENAME
            app.config["SECRET_KEY"] = secretkey.load(key_path)
    app.extensions[SETTINGS_KEY] = partial(for_layers, app.config)


def _app() -> tuple[Setting, ...]:
    return tuple(s for s in SETTINGS if s.app)


def defaults() -> dict[str, Any]:
    """The app settings' defaults; None where ``resolve`` derives one later."""
    derived = (s for s in _app() if isinstance(s.default, Derived))
    return {s.name: s.default for s in _app()} | dict.fromkeys(s.name for s in derived)


def resolve(config: MutableMapping[str, Any], upto: str | None = None) -> None:
    """Give each app setting its derived default if unset, then parse and check it.

    Args:
        config: the settings by name (without ``PARKMAP_``), changed in place.
        upto: stop after this setting (``read`` needs only those before it).

    Raises:
        ConfigError: naming the variable, the value and what is allowed.
    """
    for setting in _app():
        config[setting.name] = _value(setting, config)
        if setting.name == upto:
            return


def _value(setting: Setting, config: Mapping[str, Any]) -> Any:
    """The parsed value of ``setting`` in ``config`` (its default when unset)."""
    value = config.get(setting.name)
    if _unset(setting, value):
        default = setting.default
        value = default.compute(config) if isinstance(default, Derived) else default
        if value is None:
            return None
    try:
        return setting.kind.parse(value)
    except Invalid as exc:
        got = exc.got if exc.got is not None else value
        shown = f"{len(str(got))} characters" if setting.kind.secret else repr(got)
        raise ConfigError(
            f"{setting.variable} must be {exc.expected}, got {shown}"
        ) from None


def _unset(setting: Setting, value: Any) -> bool:
    """Whether ``value`` stands for the setting's default."""
    if value is None:
        return True
    blank = value == "" or (isinstance(value, list | tuple) and not value)
    return blank and setting.blank_is_default


def check_production(config: Mapping[str, Any]) -> None:
    """The settings production needs (``PARKMAP_ENV_NAME=production``).

    Raises:
        ConfigError: ``PUBLIC_URL`` is missing, or metrics are on without a token.
    """
    if config["ENV_NAME"] != "production":
        return
    if not config["PUBLIC_URL"]:
        raise ConfigError(
            "PARKMAP_PUBLIC_URL is required when PARKMAP_ENV_NAME=production: "
            "absolute links (tiles, API, embeds) come from it, never from the "
            "request's Host header"
        )
    if config["METRICS"] and not config["METRICS_TOKEN"]:
        raise ConfigError(
            "PARKMAP_METRICS_TOKEN is required when PARKMAP_METRICS=1 and "
            "PARKMAP_ENV_NAME=production: without it /metrics (routes, store, "
            "cache figures) is open to anyone who can reach the app"
        )


def warn_unknown(environ: Mapping[str, str]) -> list[str]:
    """Log every ``PARKMAP_*`` variable no setting declares (a typo, most likely).

    Returns:
        The unknown variables.
    """
    unknown = sorted(
        k for k in environ if k.startswith(PREFIX) and k not in BY_VARIABLE
    )
    known = [v for v in BY_VARIABLE if v.startswith(PREFIX)]
    for variable in unknown:
        nearest = difflib.get_close_matches(variable, known, n=1, cutoff=0.0)
        logger.warning(
            "%s is not a parkmap setting and is ignored by its checks; did you mean "
            "%s? (every setting: docs/settings.md)",
            variable,
            nearest[0] if nearest else "none",
        )
    return unknown


def read(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """One setting's value from the environment alone, parsed (outside the app).

    Args:
        name: the setting's name (``ASSET_BUILD_DIR``, ``GUNICORN_WORKERS``).
        environ: the environment (default: this process's).

    Raises:
        ConfigError: the variable (or one its default follows) is malformed.
    """
    setting = BY_NAME[name]
    environ = os.environ if environ is None else environ
    if not setting.app:
        raw = environ.get(setting.variable)
        return _value(setting, {} if raw is None else {name: raw})
    config = defaults()
    for other in _app():
        raw = environ.get(other.variable)
        if raw is not None:
            config[other.name] = _decode(raw)
    resolve(config, upto=name)
    return config[name]


def _decode(raw: str) -> Any:
    """A variable's value as Flask's ``from_prefixed_env`` decodes it."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def for_layers(config: Mapping[str, Any]) -> Settings:
    """What the layer commands (``flask --app webmap build``, …) need."""
    return Settings(
        data_dir=Path(config["DATA_DIR"]),
        store=str(config["STORE"]),
        raster_dir=Path(config["RASTER_DIR"]),
        raster_max_pixels=int(config["RASTER_MAX_PIXELS"]),
        panorama_dir=Path(config["PANORAMA_DIR"]),
        panorama_source_dir=Path(config["PANORAMA_SOURCE_DIR"]),
        panorama_width=int(config["PANORAMA_WIDTH"]),
        panorama_height_m=float(config["PANORAMA_HEIGHT_M"]),
        panorama_max_width=int(config["PANORAMA_MAX_WIDTH"]),
    )


def _shown(setting: Setting) -> str:
    """The default as the docs show it."""
    if setting.shown is not None:
        return setting.shown
    value = setting.default
    if isinstance(value, Derived):
        return value.shown
    if isinstance(value, bool):
        return f"`{int(value)}`"
    if isinstance(value, dt.timedelta):
        return f"`{int(value.total_seconds())}`"
    if value in (None, "", ()):
        return "unset"
    text = str(value)
    return f"`{text.removeprefix(str(PROJECT_ROOT) + '/')}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown() -> str:
    """The settings reference (``docs/settings.md``): a table per section."""
    lines = [
        "# Settings",
        "",
        "<!-- Generated from webmap/settings.py by "
        "`python -m webmap.settings > docs/settings.md`; do not edit. -->",
        "",
        "Every setting is an environment variable, checked when the app starts "
        "(`create_app`): a wrong type, a number out of range or an unknown choice "
        "stops it with a message naming the variable, and an unknown `PARKMAP_*` "
        "variable is logged with the nearest known name. Values that read as JSON "
        "are decoded (`1`, `true`); a relative `DATA_DIR`, `STORE`, `STATE_DIR`, "
        "`RASTER_DIR` or `ASSET_BUILD_DIR` is taken from the project root.",
    ]
    for section in dict.fromkeys(s.section for s in SETTINGS):
        lines += ["", f"## {section[0].upper()}{section[1:]}", ""]
        if section == GUNICORN:
            lines += ["Read by `deploy/gunicorn.conf.py` (and `webmap.metrics`).", ""]
        lines += [
            "| Variable | Type | Default | Allowed | Meaning |",
            "| --- | --- | --- | --- | --- |",
        ]
        for s in (s for s in SETTINGS if s.section == section):
            allowed = s.kind.allowed()
            row = (f"`{s.variable}`", s.kind.name, _shown(s), allowed, s.doc)
            lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Print the settings reference."""
    sys.stdout.write(markdown())


if __name__ == "__main__":
    main()
