"""The one settings module: declarations, checks, the generated docs, no other reader."""

from __future__ import annotations

import ast
import datetime as dt
import logging
from pathlib import Path
from typing import Any

import pytest

from webmap import create_app, settings
from webmap.settings import SETTINGS, ConfigError, Derived, Setting

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "settings.md"
COMMAND = ".venv/bin/python -m webmap.settings > docs/settings.md"
APP = [s for s in SETTINGS if s.app]


def resolved(**values: Any) -> dict[str, Any]:
    """The app settings from their defaults and ``values``, as create_app sees them."""
    config = settings.defaults() | {"TESTING": True} | values
    settings.resolve(config)
    return config


def refused(name: str, value: Any) -> str:
    """The message of the ConfigError that ``value`` for ``name`` raises."""
    with pytest.raises(ConfigError) as caught:
        resolved(**{name: value})
    return str(caught.value)


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_default_parses(setting: Setting) -> None:
    default = setting.default
    if default is None or isinstance(default, Derived):
        return
    assert setting.kind.parse(default) is not None


def test_every_app_setting_is_in_the_app_config() -> None:
    app = create_app({"TESTING": True})
    missing = [s.name for s in APP if s.name not in app.config]
    assert not missing


def test_names_are_declared_once() -> None:
    names = [s.variable for s in SETTINGS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("PORT", "http", "a whole number in 1..65535"),
        ("INLINE_MAX_FEATURES", 1.5, "a whole number ≥ 0"),
        ("TRUSTED_PROXIES", True, "a whole number in 0..5"),
        ("PANORAMA_HEIGHT_M", "tall", "a number ≥ 0.5"),
        ("METRICS", "maybe", "0, 1, true or false"),
        ("DEFAULT_LANGUAGE", "fr", "vi, en, ko or ja"),
        ("FIGURES_AS_OF", "14/10/2023", "a date like 2023-10-14"),
        ("PERMANENT_SESSION_LIFETIME", "soon", "a whole number of seconds ≥ 1"),
        ("BASEMAP_OSM_URL", "ftp://tiles/{z}/{x}/{y}.png", "an http(s) or /path"),
        ("PUBLIC_URL", "map.example", "the map's base URL"),
        ("EMBED_ORIGINS", "portal.example", "a list of origins"),
        ("ALLOWED_HOSTS", "https://map.example", "a list of host names"),
        ("PASSWORD_HASH_METHOD", "pbkdf2:sha256", "an scrypt method"),
        ("ADMIN_TOKEN", "too-short", "at least 16 characters long"),
    ],
)
def test_each_kind_names_the_variable_and_what_is_allowed(
    name: str, value: Any, allowed: str
) -> None:
    message = refused(name, value)
    assert message.startswith(f"PARKMAP_{name} must be {allowed}")
    assert "got" in message


def test_a_secret_is_not_echoed() -> None:
    message = refused("ADMIN_TOKEN", "hunter2-secret")
    assert "hunter2" not in message
    assert "14 characters" in message


def test_a_list_names_the_entry_at_fault() -> None:
    message = refused("EMBED_ORIGINS", "https://ok.example bad.example")
    assert message.endswith("got 'bad.example'")


@pytest.mark.parametrize(
    ("name", "low", "high"),
    [("PORT", 1, 65535), ("TRUSTED_PROXIES", 0, 5), ("TILE_MAXZOOM", 0, 22)],
)
def test_ranges_hold_at_both_ends(name: str, low: int, high: int) -> None:
    assert resolved(**{name: str(low)})[name] == low
    assert resolved(**{name: high})[name] == high
    refused(name, low - 1)
    refused(name, high + 1)


@pytest.mark.parametrize(
    ("name", "low"), [("MAX_FORM_PARTS", 8), ("MAX_CONTENT_LENGTH", 1024)]
)
def test_lower_bounds(name: str, low: int) -> None:
    assert resolved(**{name: low})[name] == low
    refused(name, low - 1)


def test_an_odd_panorama_width_is_refused() -> None:
    assert "even" in refused("PANORAMA_WIDTH", 4097)


@pytest.mark.parametrize(("value", "expected"), [("lax", "Lax"), ("STRICT", "Strict")])
def test_a_choice_is_folded_to_its_spelling(value: str, expected: str) -> None:
    assert (
        resolved(SESSION_COOKIE_SAMESITE=value)["SESSION_COOKIE_SAMESITE"] == expected
    )


def test_an_unknown_choice_lists_the_choices() -> None:
    message = refused("SESSION_COOKIE_SAMESITE", "None")
    assert message == (
        "PARKMAP_SESSION_COOKIE_SAMESITE must be Lax or Strict, got 'None'"
    )


def test_seconds_become_a_duration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARKMAP_PERMANENT_SESSION_LIFETIME", "3600")
    app = create_app({"TESTING": True})
    assert app.permanent_session_lifetime == dt.timedelta(hours=1)


def test_derived_defaults_follow_the_settings_before_them(tmp_path: Path) -> None:
    config = resolved(DATA_DIR=str(tmp_path))
    assert config["STORE"] == str(tmp_path / "build" / "parkmap.gpkg")
    assert config["STATE_DIR"] == str(tmp_path / "state")
    assert config["RASTER_DIR"] == str(tmp_path / "build" / "rasters")
    assert config["PANORAMA_DIR"] == str(tmp_path / "build" / "panoramas")
    assert config["HEADLINE_FILE"] == str(tmp_path / "headline.toml")


def test_development_and_production_defaults() -> None:
    assert resolved()["SESSION_COOKIE_SECURE"] is False
    assert resolved()["ACCESS_LOG"] is False
    production = resolved(ENV_NAME="production")
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["ACCESS_LOG"] is True


def test_the_short_env_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARKMAP_ENV", "staging")
    assert create_app({"TESTING": True}).config["ENV_NAME"] == "staging"


def test_an_unknown_variable_is_logged_with_the_nearest_name(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("PARKMAP_TILE_MAX_AEG", "60")
    with caplog.at_level(logging.WARNING, logger="webmap.settings"):
        create_app({"TESTING": True})
    (record,) = [r for r in caplog.records if "PARKMAP_TILE_MAX_AEG" in r.message]
    assert record.levelno == logging.WARNING
    assert "did you mean PARKMAP_TILE_MAX_AGE?" in record.getMessage()


def test_known_variables_are_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    environ = {s.variable: "1" for s in SETTINGS}
    with caplog.at_level(logging.WARNING, logger="webmap.settings"):
        assert settings.warn_unknown(environ) == []
    assert not caplog.records


def test_read_outside_the_app() -> None:
    assert settings.read("ASSET_BUILD_DIR", {}) == str(settings.ASSET_BUILD_DIR)
    assert settings.read("GUNICORN_THREADS", {"GUNICORN_THREADS": "8"}) == 8
    assert settings.read("PROMETHEUS_MULTIPROC_DIR", {}) == ""
    with pytest.raises(ConfigError, match="GUNICORN_THREADS must be"):
        settings.read("GUNICORN_THREADS", {"GUNICORN_THREADS": "many"})


def test_the_layer_commands_get_the_apps_settings(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path), "PANORAMA_WIDTH": 64})
    layer_settings = app.extensions[settings.SETTINGS_KEY]()
    assert layer_settings.data_dir == tmp_path
    assert layer_settings.raster_dir == tmp_path / "build" / "rasters"
    assert layer_settings.panorama_width == 64


# --- the docs -----------------------------------------------------------------------


def test_the_docs_are_generated_from_the_module() -> None:
    on_disk = DOCS.read_text(encoding="utf-8") if DOCS.exists() else ""
    assert on_disk == settings.markdown(), f"docs/settings.md is stale: run {COMMAND}"


def test_the_docs_have_a_table_per_section() -> None:
    text = settings.markdown()
    for section in dict.fromkeys(s.section for s in SETTINGS):
        assert f"\n## {section[0].upper()}{section[1:]}\n" in text
    for setting in SETTINGS:
        assert f"| `{setting.variable}` |" in text


@pytest.mark.parametrize(
    "variable",
    [
        "PARKMAP_MAX_FORM_PARTS",
        "PARKMAP_MAX_FORM_MEMORY_SIZE",
        "PARKMAP_SESSION_COOKIE_SAMESITE",
        "PARKMAP_SESSION_COOKIE_HTTPONLY",
        "PARKMAP_PASSWORD_HASH_METHOD",
        "PARKMAP_PERMANENT_SESSION_LIFETIME",
        "GUNICORN_BIND",
        "GUNICORN_WORKERS",
        "GUNICORN_THREADS",
        "GUNICORN_FORWARDED_ALLOW_IPS",
    ],
)
def test_settings_the_readme_left_out_are_documented(variable: str) -> None:
    assert variable in settings.BY_VARIABLE


def test_the_gunicorn_config_reads_only_declared_variables() -> None:
    source = (ROOT / "deploy" / "gunicorn.conf.py").read_text(encoding="utf-8")
    read = environment_keys(ast.parse(source))
    assert read, "deploy/gunicorn.conf.py reads no variables?"
    assert read <= set(settings.BY_VARIABLE)


# --- no other reader ----------------------------------------------------------------


def environment_keys(tree: ast.AST) -> set[str]:
    """The literal keys of ``os.environ.get(...)`` / ``os.environ[...]`` calls."""
    keys = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = node.func.value
            if _is_environ(target) and node.args:
                keys.add(ast.literal_eval(node.args[0]))
        if isinstance(node, ast.Subscript) and _is_environ(node.value):
            keys.add(ast.literal_eval(node.slice))
    return keys


def _is_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def environment_reads(source: str) -> list[int]:
    """Lines that reach the process environment (``os.environ``, ``getenv``)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "os" and node.attr in ("environ", "environb", "getenv"):
                lines.append(node.lineno)
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            names = {alias.name for alias in node.names}
            if names & {"environ", "environb", "getenv"}:
                lines.append(node.lineno)
    return lines


@pytest.mark.parametrize(
    "snippet",
    [
        'import os\nvalue = os.environ.get("PARKMAP_X")',
        'import os\nvalue = os.getenv("PARKMAP_X", "1")',
        'from os import environ\nvalue = environ["PARKMAP_X"]',
        "import os\nsettings = dict(os.environ)",
    ],
)
def test_the_reader_check_catches_a_new_reader(snippet: str) -> None:
    assert environment_reads(snippet)


def test_only_the_settings_module_reads_the_environment() -> None:
    allowed = {ROOT / "webmap" / "settings.py"}
    found = []
    for package in ("geo", "layers", "webmap"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path in allowed:
                continue
            for line in environment_reads(path.read_text(encoding="utf-8")):
                found.append(f"{path.relative_to(ROOT)}:{line}")
    assert not found, (
        "read settings through webmap.settings (declare them there), not os.environ: "
        + ", ".join(found)
    )
