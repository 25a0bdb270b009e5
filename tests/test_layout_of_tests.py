"""tests/ mirrors the packages, and shared helpers live in tests/support/ (issue 17).

- tests/ root holds only conftest, ``__init__`` and the few test files that cut
  across every package (``CROSS_CUTTING``); anything else goes to the directory of
  the package it tests, or to tests/support/ if it is a helper.
- Each directory under tests/geo, tests/layers, tests/webmap names a package of the
  code (tests/layers/store/ ↔ layers/store/), so the mirror cannot drift.
- Outside tests/support/, a module is a test file, a conftest or an ``__init__``.
"""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
MIRRORED = ("geo", "layers", "webmap")
OWN = ("support", "browser", "fuzz", "load", "data")
CROSS_CUTTING = {
    "test_architecture_doc.py",  # docs/architecture.md against every package
    "test_bad_corpus.py",  # tests/data/bad/ through every entry point
    "test_layout_of_tests.py",  # this file
    "test_missing_dependencies.py",  # skip or fail without PostgreSQL, Chromium, GDAL
}
PLUMBING = {"__init__.py", "conftest.py"}


def directories() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*") if p.is_dir() and p.name != "__pycache__")


def test_the_root_holds_only_conftest_and_cross_cutting_tests() -> None:
    extra = {p.name for p in TESTS.glob("*.py")} - PLUMBING - CROSS_CUTTING
    assert not extra, f"move these to tests/<package>/ or tests/support/: {extra}"


def test_top_directories_are_the_code_s_or_the_suite_s_own() -> None:
    tops = {p.name for p in TESTS.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert tops <= set(MIRRORED) | set(OWN), tops - set(MIRRORED) - set(OWN)


def test_every_mirrored_directory_names_a_package() -> None:
    mirrored = [d for d in directories() if d.relative_to(TESTS).parts[0] in MIRRORED]
    assert len(mirrored) > len(MIRRORED)  # the walk finds the tree
    missing = [
        str(d.relative_to(TESTS))
        for d in mirrored
        if not (ROOT / d.relative_to(TESTS) / "__init__.py").is_file()
    ]
    assert not missing, f"tests/<dir> for no package of the code: {missing}"


def test_every_test_directory_is_a_package() -> None:
    without = [
        str(d.relative_to(TESTS))
        for d in directories()
        if d.relative_to(TESTS).parts[0] != "data" and not (d / "__init__.py").is_file()
    ]
    assert not without, f"add __init__.py (basenames repeat across dirs): {without}"


def test_helpers_live_in_support() -> None:
    stray = [
        str(p.relative_to(TESTS))
        for p in TESTS.rglob("*.py")
        if p.parent != TESTS
        and p.relative_to(TESTS).parts[0] != "support"
        and p.name not in PLUMBING
        and not p.name.startswith("test_")
    ]
    assert not stray, f"move shared helpers to tests/support/: {stray}"
