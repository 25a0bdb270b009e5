"""``flask --app webmap vr generate``: the 360° scenes from photos and GIS layers."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click

from geo.errors import GeoError
from layers.cli import configure_logging, current_settings
from layers.errors import StoreUnavailable
from layers.scenes.build import GenerateOptions, generate
from layers.settings import Settings
from layers.store.open import open_store

logger = logging.getLogger(__name__)


def panorama_dirs(settings: Settings, config: dict | None = None) -> tuple[Path, Path]:
    """(source folder, output folder): app config, ``PARKMAP_*`` env, or defaults.

    Defaults: ``<data>/panoramas`` and ``<data>/build/panoramas``.
    """
    config = config or {}
    source = config.get("PANORAMA_SOURCE_DIR") or os.environ.get(
        "PARKMAP_PANORAMA_SOURCE_DIR"
    )
    out = config.get("PANORAMA_DIR") or os.environ.get("PARKMAP_PANORAMA_DIR")
    return (
        Path(source) if source else settings.data_dir / "panoramas",
        Path(out) if out else settings.data_dir / "build" / "panoramas",
    )


def _app_config() -> dict:
    """The Flask app's config when run as ``flask --app webmap``, else {}."""
    info = click.get_current_context().obj
    if info is not None and hasattr(info, "load_app"):
        return dict(info.load_app().config)
    return {}


@click.group("vr")
def vr_group() -> None:
    """360° scenes (VR360)."""


@vr_group.command("generate")
@click.option("--width", type=int, default=None, help="Panorama width (default 4096).")
@click.option("--height-m", type=float, default=None, help="Camera height (m).")
@click.option("--force", is_flag=True, help="Render every generated scene again.")
def generate_command(width: int | None, height_m: float | None, force: bool) -> None:
    """Tile the photos and render a panorama for every park without one."""
    configure_logging()
    config = _app_config()
    settings = current_settings()
    source_dir, out_dir = panorama_dirs(settings, config)
    options = GenerateOptions(
        source_dir=source_dir,
        out_dir=out_dir,
        width=width or int(config.get("PANORAMA_WIDTH", 4096)),
        height_m=height_m or float(config.get("PANORAMA_HEIGHT_M", 300.0)),
        max_photo_width=int(config.get("PANORAMA_MAX_WIDTH", 12288)),
        force=force,
    )
    try:
        store = open_store(settings.store)
        manifest = generate(store, options)
    except (GeoError, StoreUnavailable) as exc:
        raise click.ClickException(str(exc)) from None
    generated = sum(s.generated for s in manifest.scenes)
    click.echo(
        f"{len(manifest.scenes)} scene(s), {generated} generated, in {manifest.path}"
    )
