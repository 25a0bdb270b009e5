"""``flask --app webmap build|check|layers add|backup|restore|periods`` (the tools)."""

from __future__ import annotations

from flask import Flask

from layers.backupcli import backup_command, restore_command
from layers.clearancecli import clearance_group
from layers.cli import build_command, check_command, layers_group
from layers.imagery.cli import raster_group
from layers.periodscli import periods_group
from layers.scenes.cli import vr_group
from webmap.auth.cli import users_group


def register(app: Flask) -> None:
    """Add the layer tools to the app's CLI."""
    app.cli.add_command(build_command)
    app.cli.add_command(check_command)
    app.cli.add_command(layers_group)
    app.cli.add_command(vr_group)
    app.cli.add_command(raster_group)
    app.cli.add_command(users_group)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(periods_group)
    app.cli.add_command(clearance_group)
