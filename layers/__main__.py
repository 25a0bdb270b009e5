"""``python -m layers build|check|layers add``."""

from layers.cli import main

main(prog_name="python -m layers")
