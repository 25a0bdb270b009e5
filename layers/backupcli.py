"""``backup DEST`` and ``restore SRC``: copies of the store, taken while it serves.

For a GeoPackage store the work is in ``layers.store.gpkg_backup``. For a PostGIS
store the commands do not shell out: they print the ``pg_dump``/``pg_restore``
command to run, since those tools, their version and the credentials belong to the
database host, not to this service.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import click

from layers.cli import configure_logging
from layers.errors import BackupError, StoreUnavailable
from layers.settings import current_settings
from layers.store import is_url
from layers.store.gpkg_backup import backup, check_store_file, restore
from layers.store.pg_schema import PgLocation


def _without_password(url: str) -> tuple[str, str]:
    """(libpq URL without its password, the store's schema)."""
    where = PgLocation.parse(url)
    parts = urlsplit(where.conninfo)
    netloc = parts.netloc
    if parts.password is not None:
        netloc = netloc.replace(f":{parts.password}@", "@", 1)
    return urlunsplit(parts._replace(netloc=netloc)), where.schema


def pg_dump_command(url: str, dest: Path) -> str:
    """The ``pg_dump`` command that backs up the PostGIS store at ``url``."""
    conninfo, schema = _without_password(url)
    args = ["pg_dump", "-Fc", "-n", schema, "-f", str(dest), conninfo]
    return shlex.join(args)


def pg_restore_command(url: str, src: Path) -> str:
    """The ``pg_restore`` command that puts a ``pg_dump -Fc`` file back."""
    conninfo, _schema = _without_password(url)
    args = ["pg_restore", "--clean", "--if-exists", "-d", conninfo, str(src)]
    return shlex.join(args)


def _postgis(what: str, command: str) -> click.ClickException:
    return click.ClickException(
        f"the store is a PostGIS database; to {what} it, run\n  {command}\n"
        "(the password from ~/.pgpass or PGPASSWORD; see docs/operations.md, Backups)"
    )


@click.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace DEST if it exists.")
def backup_command(dest: Path, force: bool) -> None:
    """Copy the store to DEST while the service keeps serving and editing."""
    configure_logging()
    store = current_settings().store
    if is_url(store):
        raise _postgis("back up", pg_dump_command(store, dest))
    try:
        summary = backup(Path(store), dest, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"saved {summary.describe()}")


@click.command("restore")
@click.argument("src", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the store.")
@click.option("--no-keep", is_flag=True, help="Do not keep the replaced store.")
def restore_command(src: Path, yes: bool, no_keep: bool) -> None:
    """Replace the store with the backup SRC (checked first), atomically."""
    configure_logging()
    store = current_settings().store
    if is_url(store):
        raise _postgis("restore", pg_restore_command(store, src))
    try:
        check_store_file(src)  # before asking: a bad file needs no confirmation
        if not yes:
            click.confirm(f"Replace the store {store} with {src}?", abort=True)
        summary, kept = restore(Path(store), src, keep=not no_keep)
    except (BackupError, StoreUnavailable) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored {summary.describe()}")
    if kept is not None:
        click.echo(f"the replaced store is kept as {kept}")
