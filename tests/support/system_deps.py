"""What the suite does when a system tool is missing: skip, or fail under CI or root.

PostgreSQL with PostGIS, Debian's Chromium and GDAL's command-line tools back about
620 tests (poppler-utils and zbar-tools the site report's, ``tests/support/pdf.py``). On a developer's machine without them those tests skip, saying why; when
the ``CI`` environment variable is set or the run is as root (where ``make test``
installs them through ``scripts/install_system_deps.sh``), a missing tool fails the
run instead, so a broken install cannot pass as a green suite (issue 18).
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

INSTALL = (
    "`make test` (as root) installs it: scripts/install_system_deps.sh, "
    "or `make system-deps`"
)
FALSE = {"", "0", "false", "no", "off"}


def strict() -> bool:
    """True when a missing tool must fail the run: ``CI`` set, or running as root."""
    ci = os.environ.get("CI")
    return (ci is not None and ci.strip().lower() not in FALSE) or os.geteuid() == 0


def missing(tool: str, hint: str) -> NoReturn:
    """Skip the test for want of ``tool``, or fail it when ``strict()``.

    Args:
        tool: what is missing, as a person would name it ("Debian's chromium").
        hint: how to get it (a package, a command).
    """
    message = f"{tool} is missing: {hint}"
    if strict():
        why = "CI is set" if os.environ.get("CI") else "running as root"
        pytest.fail(
            f"{message}. {why}, so a missing dependency fails the run instead of "
            f"skipping; {INSTALL}",
            pytrace=False,
        )
    pytest.skip(message)
