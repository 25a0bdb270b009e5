"""``flask --app webmap periods list|publish``: the reporting periods in the store.

``periods import FILE`` (the spreadsheet) is ``layers.periods.importcli``'s
command, added to this group.
"""

from __future__ import annotations

import logging

import click

from layers.cli import configure_logging
from layers.errors import StoreUnavailable
from layers.periods.importcli import import_command
from layers.periods.rules import PeriodNotFound, PeriodPublished
from layers.settings import current_settings
from layers.store.open import FullStore, open_store

logger = logging.getLogger(__name__)


def _store() -> FullStore:
    """The store the app's settings name; a clear message when there is none."""
    try:
        return open_store(current_settings().store)
    except StoreUnavailable as exc:
        raise click.ClickException(str(exc)) from None


@click.group("periods")
def periods_group() -> None:
    """Reporting periods: the authority's figures over time."""


periods_group.add_command(import_command)


@periods_group.command("list")
def list_command() -> None:
    """Every period, drafts too, oldest first: id, kind, status, revision, title."""
    configure_logging(logging.WARNING)
    store = _store()
    try:
        for period in store.periods.periods(include_drafts=True):
            flag = " (illustrative)" if period.illustrative else ""
            click.echo(
                f"{period.id}\t{period.kind}\t{period.status}\t"
                f"{period.revision}\t{period.title}{flag}"
            )
    finally:
        store.close()


@periods_group.command("publish")
@click.argument("period_id", metavar="ID")
@click.option("--user", required=True, help="Who publishes it (kept in the store).")
def publish_command(period_id: str, user: str) -> None:
    """Publish the draft ID as it stands; it can then only be corrected."""
    configure_logging()
    if not user.strip():
        raise click.BadParameter("must name who publishes", param_hint="--user")
    store = _store()
    try:
        period = store.periods.publish(period_id, user.strip())
    except (PeriodNotFound, PeriodPublished) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()
    click.echo(f"published {period.id} (revision {period.revision}): {period.title}")
