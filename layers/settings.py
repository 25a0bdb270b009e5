"""What the layer commands need, handed over by the web app's settings.

The values come from ``webmap.settings`` (the one place that reads ``PARKMAP_*``):
the app factory puts a callable returning a ``Settings`` in
``app.extensions[SETTINGS_KEY]``, and the commands (``flask --app webmap build``,
``raster …``, ``vr generate``, ``backup``) call it through ``current_settings()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SETTINGS_KEY = "parkmap.layer_settings"


@dataclass(frozen=True, slots=True)
class Settings:
    """The data, the store, and where imagery and 360° scenes go.

    ``store`` is a GeoPackage path, or a ``postgresql://`` URL (PostGIS).
    """

    data_dir: Path
    store: str
    raster_dir: Path
    raster_max_pixels: int
    panorama_dir: Path
    panorama_source_dir: Path
    panorama_width: int
    panorama_height_m: float
    panorama_max_width: int


def current_settings() -> Settings:
    """The running command's settings: from the click context or the Flask app.

    A ``Settings`` object in the context wins (tests); otherwise the app that
    ``flask --app webmap …`` loads hands them over.

    Raises:
        click.UsageError: the command runs outside the app, so it has no settings.
    """
    ctx = click.get_current_context()
    settings = ctx.find_object(Settings)
    if settings is not None:
        return settings
    info = ctx.find_root().obj
    if info is not None and hasattr(info, "load_app"):  # Flask's ScriptInfo
        provider = info.load_app().extensions.get(SETTINGS_KEY)
        if provider is not None:
            found = provider()
            if isinstance(found, Settings):
                return found
    raise click.UsageError(
        "the layer tools take their settings from the app: run `flask --app webmap "
        f"{ctx.command_path.split(' ', 1)[-1]}`"
    )
