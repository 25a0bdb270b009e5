"""``python -m layers build|check|layers add|backup|restore``."""

from layers.backupcli import backup_command, restore_command
from layers.cli import main

main.add_command(backup_command)
main.add_command(restore_command)
main(prog_name="python -m layers")
