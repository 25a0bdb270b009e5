"""``flask --app webmap vr generate``: the 360° scenes from photos and GIS layers."""

from __future__ import annotations

import logging

import click

from geo.errors import GeoError
from layers.cli import configure_logging
from layers.errors import StoreUnavailable
from layers.scenes.build import GenerateOptions, generate
from layers.settings import current_settings
from layers.store.open import open_store

logger = logging.getLogger(__name__)


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
    settings = current_settings()
    options = GenerateOptions(
        source_dir=settings.panorama_source_dir,
        out_dir=settings.panorama_dir,
        width=width or settings.panorama_width,
        height_m=height_m or settings.panorama_height_m,
        max_photo_width=settings.panorama_max_width,
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
