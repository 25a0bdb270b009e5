"""Command line for the GIS officer: build, check a file, add a layer.

The same click commands serve ``python -m layers ...`` and ``flask --app webmap ...``;
under Flask the settings come from the app's config, otherwise from ``PARKMAP_*``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from geo.errors import GeoError
from geo.io import atomic_output
from layers.build import build
from layers.errors import BuildFailed, StoreUnavailable
from layers.imagery.cli import raster_group, sync_rasters
from layers.inspect import check_file, draft_spec
from layers.registry import SPEC_DIR
from layers.settings import Settings
from layers.spec import dump_spec
from layers.store import is_url

logger = logging.getLogger(__name__)


def configure_logging(level: int = logging.INFO) -> None:
    """Log to stderr with timestamps (only if nothing configured logging yet)."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(
            level=level,
            stream=sys.stderr,
            format="%(asctime)s %(levelname)s %(message)s",
        )
    root.setLevel(level)
    logging.getLogger("pyogrio").setLevel(logging.WARNING)  # one line per layer written


def current_settings() -> Settings:
    """Settings from the click context: a Settings object, a Flask app, or the env."""
    ctx = click.get_current_context()
    settings = ctx.find_object(Settings)
    if settings is not None:
        return settings
    info = ctx.obj
    if info is not None and hasattr(info, "load_app"):  # Flask's ScriptInfo
        app = info.load_app()
        return Settings(Path(app.config["DATA_DIR"]), str(app.config["STORE"]))
    return Settings.from_env()


@click.command("build")
def build_command() -> None:
    """Build the store from the layer specs and files in the data directory."""
    configure_logging()
    settings = current_settings()
    store = settings.store if is_url(settings.store) else Path(settings.store)
    try:
        report = build(settings.data_dir, store)
    except StoreUnavailable as exc:  # the database is unreachable or not ours
        raise click.ClickException(str(exc)) from None
    except BuildFailed as exc:
        raise click.ClickException(str(exc)) from None
    except GeoError as exc:
        raise click.ClickException(str(exc)) from None
    total = sum(lr["count"] for lr in report["layers"].values())
    warnings = sum(len(lr["warnings"]) for lr in report["layers"].values())
    click.echo(
        f"built {len(report['layers'])} layers, {total} features, {warnings} warning(s)"
    )
    sync_rasters()  # every GeoTIFF in data/rasters/, into the raster registry


@click.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "id_field", help="Field that should hold unique ids.")
def check_command(file: Path, id_field: str | None) -> None:
    """Report what the importer sees in FILE; writes nothing."""
    configure_logging(logging.WARNING)
    try:
        report = check_file(file, id_field)
    except GeoError as exc:
        raise click.ClickException(str(exc)) from None
    for line in report.lines():
        click.echo(line)
    if report.empty_rows or report.duplicates:
        sys.exit(1)


@click.group("layers")
def layers_group() -> None:
    """Manage layer specs."""


@layers_group.command("add")
@click.argument("name")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "id_field", help="A unique field to use as feature id.")
@click.option("--force", is_flag=True, help="Replace an existing spec of that name.")
def add_command(name: str, file: Path, id_field: str | None, force: bool) -> None:
    """Write a spec for a new layer NAME read from FILE; the next build stores it."""
    configure_logging(logging.WARNING)
    settings = current_settings()
    target = settings.data_dir / SPEC_DIR / f"{name}.toml"
    if target.exists() and not force:
        raise click.ClickException(f"{target} exists; use --force to replace it")
    try:
        spec = draft_spec(name, file, id_field, settings.data_dir)
    except GeoError as exc:
        raise click.ClickException(str(exc)) from None
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(target) as tmp:
        tmp.write_text(dump_spec(spec, settings.data_dir), encoding="utf-8")
    click.echo(f"wrote {target}: {spec.geometry} layer with {len(spec.fields)} fields")
    click.echo("edit the title and fields there, then run the build")


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """Parkmap layer tools (settings from PARKMAP_* environment variables)."""
    ctx.obj = Settings.from_env()


main.add_command(build_command)
main.add_command(check_command)
main.add_command(layers_group)
main.add_command(raster_group)
