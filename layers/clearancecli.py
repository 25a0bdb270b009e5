"""``flask --app webmap clearance import``: bulk site clearance from a sheet.

``clearance import FILE`` is ``layers.clearance.importcli``'s command, added to
this group.
"""

from __future__ import annotations

import click

from layers.clearance.importcli import import_command


@click.group("clearance")
def clearance_group() -> None:
    """Site clearance records: bulk updates from a spreadsheet."""


clearance_group.add_command(import_command)
