"""docs/architecture.md names every package of the code, and only those."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
TOPS = ("geo", "layers", "webmap")
NAMED = re.compile(r"^\| `((?:geo|layers|webmap)/[a-z_/]*)`", re.MULTILINE)


def packages() -> set[str]:
    """Every package below the top-level ones, as ``layers/clearance/``."""
    found = set()
    for top in TOPS:
        for init in (ROOT / top).rglob("__init__.py"):
            folder = init.parent.relative_to(ROOT).as_posix()
            if folder != top:
                found.add(folder + "/")
    return found


def named() -> set[str]:
    """The packages the page's tables have a row for (not the modules rows)."""
    return {name for name in NAMED.findall(DOC.read_text()) if name.count("/") > 1}


def test_the_page_names_every_package() -> None:
    missing = packages() - named()
    assert not missing, f"add a row to docs/architecture.md for {sorted(missing)}"


def test_the_page_names_no_package_that_is_gone() -> None:
    gone = named() - packages()
    assert not gone, f"docs/architecture.md names packages that do not exist: {gone}"


def test_the_page_finds_the_rows() -> None:
    assert {"layers/store/", "webmap/core/", "webmap/views/"} <= named()
