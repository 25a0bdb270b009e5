"""``raster import|list|remove|sample|sync``: the imagery commands.

Registered on ``flask --app webmap raster ...``; the raster directory and pixel
limit come from the app's settings (``PARKMAP_RASTER_DIR``,
``PARKMAP_RASTER_MAX_PIXELS``) through ``layers.settings.current_settings``.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click

from geo.errors import GeoError
from layers.errors import InvalidRasterMetadata, LayerNotFound, StoreUnavailable
from layers.imagery.rasters import RasterRegistry, RasterSettings
from layers.imagery.sample import make_sample
from layers.imagery.sync import RASTER_DIR, SyncReport, sync_directory
from layers.settings import Settings, current_settings
from layers.store.open import open_store

logger = logging.getLogger(__name__)


def _settings() -> tuple[Settings, RasterSettings]:
    """The data/store settings and the raster ones, of the running command."""
    settings = current_settings()
    return settings, RasterSettings(settings.raster_dir, settings.raster_max_pixels)


def raster_settings() -> RasterSettings:
    """The raster settings of the running command."""
    return _settings()[1]


def _echo(line: str) -> None:
    click.echo(line, err=True)


def sync_rasters() -> SyncReport:
    """Register every GeoTIFF in ``DATA_DIR/rasters`` (the build's raster step).

    Raises:
        click.ClickException: listing the files that could not be imported.
    """
    settings, rasters = _settings()
    report = sync_directory(
        RasterRegistry(rasters.directory),
        settings.data_dir / RASTER_DIR,
        rasters.max_pixels,
        _echo,
    )
    if report.imported or report.removed or report.unchanged:
        click.echo(
            f"rasters: {len(report.imported)} imported, {len(report.unchanged)} "
            f"unchanged, {len(report.removed)} removed"
        )
    if report.problems:
        lines = "\n".join(f"  - {p}" for p in report.problems)
        raise click.ClickException(
            f"{len(report.problems)} raster(s) not imported:\n{lines}"
        )
    return report


@click.group("raster")
def raster_group() -> None:
    """Manage imagery layers (GeoTIFF → Cloud-Optimized GeoTIFF tiles)."""


@raster_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", required=True, help="URL-safe id: a-z, 0-9, '-', '_'.")
@click.option("--date", required=True, help="When it was taken: YYYY-MM[-DD].")
@click.option("--label", required=True, help="What the map shows; say the source.")
@click.option("--crs", "source_crs", help="CRS to use instead of the file's.")
@click.option("--replace", is_flag=True, help="Replace a raster of the same name.")
def import_command(  # noqa: PLR0917 - one parameter per click option
    file: Path,
    name: str,
    date: str,
    label: str,
    source_crs: str | None,
    replace: bool,
) -> None:
    """Check FILE, reproject it to EPSG:3857 as a COG and register it."""
    settings = raster_settings()
    registry = RasterRegistry(settings.directory)
    try:
        if not replace and name in {i.name for i in registry.list()}:
            raise click.ClickException(
                f"a raster named {name!r} exists; use --replace to replace it"
            )
        info = registry.import_file(
            file,
            name=name,
            date=date,
            label=label,
            max_pixels=settings.max_pixels,
            source_crs=source_crs,
            progress=_echo,
        )
    except (GeoError, InvalidRasterMetadata) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"imported {info.name} ({info.date}): {info.width} × {info.height} px, "
        f"{info.resolution_m} m/px, zoom {info.minzoom}-{info.maxzoom}"
    )


@raster_group.command("list")
def list_command() -> None:
    """List the registered rasters."""
    for info in RasterRegistry(raster_settings().directory).list():
        bbox = ", ".join(f"{v:.5f}" for v in info.bbox)
        click.echo(
            f"{info.name}\t{info.date}\t{info.resolution_m} m\t[{bbox}]\t{info.label}"
        )


@raster_group.command("remove")
@click.argument("name")
def remove_command(name: str) -> None:
    """Unregister raster NAME and delete its COG."""
    try:
        RasterRegistry(raster_settings().directory).remove(name)
    except (LookupError, InvalidRasterMetadata) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"removed {name}")


@raster_group.command("sync")
def sync_command() -> None:
    """Import every GeoTIFF in the data directory's rasters/ (as the build does)."""
    sync_rasters()


@raster_group.command("sample")
@click.option("--force", is_flag=True, help="Remake them even if up to date.")
def sample_command(force: bool) -> None:
    """Rasterize the parcels' clearance stages at two dates (the demo imagery)."""
    settings, rasters = _settings()
    try:
        store = open_store(settings.store)
        try:
            infos = make_sample(
                store,
                RasterRegistry(rasters.directory),
                rasters.max_pixels,
                _echo,
                force=force,
            )
        finally:
            store.close()
    except (GeoError, LayerNotFound, StoreUnavailable) as exc:
        raise click.ClickException(f"{exc} (run the build first?)") from None
    for info in infos:
        click.echo(f"sample raster {info.name}: {info.label}")
