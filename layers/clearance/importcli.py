"""``clearance import FILE``: a bulk clearance sheet into the store.

``import_command`` is a standalone click command; the ``clearance`` group
(``layers.clearancecli``) registers it, so it runs as::

    flask --app webmap clearance import FILE [--dry-run] [--user NAME]

Every row is read and previewed against the current records first
(``layers.clearance.bulk``) and printed; on any problem each is printed with its
sheet, row and column, the command exits with status 1 and nothing is changed.
Otherwise the changing rows are applied in one transaction, an audit record
each (``ClearanceStore.update_many``), unless ``--dry-run``.
"""

from __future__ import annotations

import getpass
import logging
from pathlib import Path

import click

from layers.clearance.bulk import Preview, RowPreview, preview, read_rows
from layers.clearance.rules import EditRejected, ParcelNotTracked, StaleEdit
from layers.errors import StoreUnavailable
from layers.settings import current_settings
from layers.store.open import open_store

logger = logging.getLogger(__name__)


def describe(change: RowPreview) -> str:
    """``row 3, P-1 (version 2): stage surveyed → cleared; …`` or unchanged."""
    row = change.row
    head = f"row {row.row}, {row.parcel_id} (version {row.base_version})"
    if change.after is None:
        return f"{head}: unchanged"
    parts = [
        f"{name} {getattr(change.before, name)!r} → {getattr(change.after, name)!r}"
        for name in change.changed()
    ]
    return f"{head}: " + "; ".join(parts)


def report(result: Preview) -> str:
    """The preview as lines: every row, then every problem."""
    lines = [describe(change) for change in result.rows]
    lines += [f"problem: {problem}" for problem in result.problems]
    return "\n".join(lines)


@click.command("import")
@click.argument(
    "file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)
)
@click.option("--dry-run", is_flag=True, help="Preview only; change nothing.")
@click.option(
    "--user",
    default=getpass.getuser,
    show_default="the system user",
    help="Who imports it (kept in each audit record).",
)
def import_command(file: Path, dry_run: bool, user: str) -> None:
    """Preview the bulk clearance sheet FILE and apply it, all rows or none."""
    try:
        store = open_store(current_settings().store)
    except StoreUnavailable as exc:
        raise click.ClickException(f"{exc} (run the build first?)") from None
    try:
        rows, problems = read_rows(file)
        result = preview(rows, store.clearance.records())
        result.problems[:0] = problems
        click.echo(report(result))
        if result.problems:
            raise click.ClickException(f"{file}: nothing was changed")
        if not dry_run:
            store.clearance.update_many(result.edits(), user)
    except (StaleEdit, EditRejected, ParcelNotTracked) as exc:
        raise click.ClickException(f"{exc}; nothing was changed") from None
    finally:
        store.close()
    changed = len(result.edits())
    done = "would change" if dry_run else "changed"
    logger.info("clearance import of %s by %s: %d changed", file, user, changed)
    click.echo(f"{done} {changed} of {len(result.rows)} parcel(s)")
