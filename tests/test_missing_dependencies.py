"""The suite's policy for missing system tools (tests/support/system_deps.py).

Without PostgreSQL, Chromium or GDAL about 620 tests cannot run. On a developer's
machine they skip, saying what to install; under ``CI`` or as root a missing tool
fails the run (issue 18: they used to skip silently everywhere). Shown here by
faking a missing tool: a PATH without GDAL, a PostgreSQL lookup that finds nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.support import system_deps

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("ci", ["1", "true", "yes"])
def test_ci_makes_it_strict_even_when_not_root(monkeypatch, ci) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setenv("CI", ci)
    assert system_deps.strict()


@pytest.mark.parametrize("ci", [None, "", "0", "false"])
def test_a_developer_s_machine_is_not_strict(monkeypatch, ci) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    assert not system_deps.strict()


def test_root_is_strict_without_ci(monkeypatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.delenv("CI", raising=False)
    assert system_deps.strict()


def test_strict_fails_naming_the_tool_and_how_to_install_it(monkeypatch) -> None:
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception) as caught:
        system_deps.missing("GDAL's ogrinfo/ogr2ogr", "apt-get install gdal-bin")
    message = str(caught.value)
    assert "GDAL's ogrinfo/ogr2ogr is missing: apt-get install gdal-bin" in message
    assert "CI is set" in message and "scripts/install_system_deps.sh" in message


def test_not_strict_skips_naming_the_tool(monkeypatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium is missing"):
        system_deps.missing("Debian's chromium", "apt-get install chromium")


def run_pytest(target: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", target]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip


def test_gdal_missing_from_path_fails_a_ci_run(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path), "CI": "1"}  # no ogrinfo on PATH
    done = run_pytest("tests/webmap/ogc/test_gdal.py", env)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "GDAL's ogrinfo/ogr2ogr is missing: apt-get install gdal-bin" in out
    assert " skipped" not in out.splitlines()[-1]


def test_postgresql_not_found_fails_a_ci_run(tmp_path: Path) -> None:
    (tmp_path / "no_postgres.py").write_text(
        textwrap.dedent(
            """
            import tests.conftest

            def pytest_sessionstart(session):
                tests.conftest.find_bindir = lambda: None
            """
        ),
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "CI": "1"}
    target = "tests/layers/clearance/test_store.py::test_unknown_parcel_is_not_tracked"
    done = run_pytest(f"{target}[postgis]", {**env, "PYTEST_ADDOPTS": "-p no_postgres"})
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "PostgreSQL with PostGIS is missing" in out, out


def test_poppler_missing_from_path_fails_a_ci_run(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path), "CI": "1"}  # no pdftotext on PATH
    target = "tests/webmap/report/test_fonts.py"
    done = run_pytest(
        f"{target}::test_the_text_reads_back_from_the_pdf_with_every_font_embedded", env
    )
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "pdftotext (poppler-utils) is missing: apt-get install poppler-utils" in out
    assert " skipped" not in out.splitlines()[-1]
