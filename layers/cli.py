"""Command line for the GIS officer: build, check a file, add a layer.

Registered on ``flask --app webmap ...`` (``python -m layers ...`` runs the same);
their settings come from the app (``layers.settings.current_settings``).
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
from layers.imagery.cli import sync_rasters
from layers.inspect import check_file, draft_spec
from layers.registry import SPEC_DIR
from layers.settings import current_settings
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
