"""``periods import FILE``: a filled-in periods spreadsheet into the store.

``import_command`` is a standalone click command; the ``periods`` group
(``layers.periods.cli``) registers it, so it runs as::

    flask --app webmap periods import FILE [--publish] [--replace] [--user NAME]

The workbook is read and checked in full first (``read_workbook``); on any
problem every one is printed with its sheet, row and column, the command exits
with status 1 and nothing is stored. A checked period is saved as a draft
(``--replace`` replaces the figures of an existing draft of the same period)
and, with ``--publish``, published at once. A published period is never
replaced: correct it instead, with a reason.
"""

from __future__ import annotations

import datetime as dt
import getpass
import logging
from collections.abc import Collection
from pathlib import Path

import click

from layers.errors import LayerNotFound, StoreUnavailable
from layers.periods.contract import PeriodStore
from layers.periods.rules import (
    Period,
    PeriodDraft,
    PeriodNotFound,
    PeriodPublished,
    PeriodRejected,
    StalePeriod,
)
from layers.periods.spreadsheet import read_workbook
from layers.settings import current_settings
from layers.store.base import MAX_LIMIT, Store
from layers.store.open import open_store

logger = logging.getLogger(__name__)

# The authority's calendar: a report dated today in Hai Phong is not in the
# future even while the server's UTC clock is still on yesterday.
VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")


def vietnam_today(now: dt.datetime | None = None) -> dt.date:
    """The date in Vietnam (UTC+7, no daylight saving) now or at aware ``now``."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(VIETNAM).date()


def save_period(
    periods: PeriodStore,
    draft: PeriodDraft,
    user: str,
    publish: bool = False,
    replace: bool = False,
) -> Period:
    """Store a checked draft, replacing an existing draft only if asked.

    Raises:
        StalePeriod: the period exists and ``replace`` is not set.
        PeriodPublished: the period is published (correct it instead).
    """
    base = None
    if replace:
        try:
            base = periods.get(draft.period_id).revision
        except PeriodNotFound:
            base = None
    period = periods.save_draft(draft, user, base_revision=base)
    if publish:
        period = periods.publish(period.id, user)
    return period


def park_ids(store: Store) -> Collection[str]:
    """The ids of the parks layer's features.

    Raises:
        LayerNotFound: the store has no parks layer.
    """
    return {f.id for f in store.query("parks", limit=MAX_LIMIT).features}


@click.command("import")
@click.argument(
    "file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)
)
@click.option("--publish", is_flag=True, help="Publish the period once it is stored.")
@click.option("--replace", is_flag=True, help="Replace the figures of a draft.")
@click.option(
    "--user",
    default=getpass.getuser,
    show_default="the system user",
    help="Who imports it (kept with the period).",
)
def import_command(file: Path, publish: bool, replace: bool, user: str) -> None:
    """Check the periods spreadsheet FILE and store it as a draft period."""
    try:
        store = open_store(current_settings().store)
    except StoreUnavailable as exc:
        raise click.ClickException(f"{exc} (run the build first?)") from None
    try:
        draft = read_workbook(file, park_ids(store), vietnam_today())
        periods: PeriodStore = store.periods
        period = save_period(periods, draft, user, publish=publish, replace=replace)
    except PeriodRejected as exc:
        raise click.ClickException(f"{file}: {exc}\nnothing was stored") from None
    except StalePeriod as exc:
        raise click.ClickException(f"{exc}; use --replace to replace it") from None
    except (PeriodPublished, LayerNotFound) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()
    logger.info("imported period %s from %s by %s", period.id, file, user)
    click.echo(f"{period.id}: {period.status}, revision {period.revision}")
