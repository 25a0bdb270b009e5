"""``flask --app webmap clearance import FILE``: a bulk sheet into the store (issue 21)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner

from layers.clearance.bulk import write_template
from layers.clearance.rules import Clearance
from layers.store.open import open_store

pytestmark = pytest.mark.both_stores


@pytest.fixture
def app_store(editable_location: str) -> str:
    """The app's store: a private copy of the sample, whose parcels have records."""
    return editable_location


def records(app: Flask) -> list[Clearance]:
    store = open_store(app.config["STORE"])
    try:
        return store.clearance.records()
    finally:
        store.close()


def sheet(tmp_path: Path, rows: list[Clearance]) -> Path:
    path = tmp_path / "clearance.xlsx"
    path.write_bytes(write_template(rows))
    return path


def run(runner: FlaskCliRunner, *args: str) -> Result:
    return runner.invoke(args=["clearance", "import", *args])


def test_a_sheet_is_previewed_then_applied_with_the_users_name(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    first, second = records(app)[:2]
    edited = Clearance(**{**first.to_dict(), "note": "weekly board sheet"})
    path = sheet(tmp_path, [edited, second])
    dry = run(runner, str(path), "--dry-run", "--user", "board")
    assert dry.exit_code == 0, dry.output
    assert (
        f"{first.parcel_id} (version 0): note '' → 'weekly board sheet'" in dry.output
    )
    assert f"{second.parcel_id} (version 0): unchanged" in dry.output
    assert "would change 1 of 2 parcel(s)" in dry.output
    assert records(app)[0] == first
    done = run(runner, str(path), "--user", "board")
    assert done.exit_code == 0, done.output
    now = records(app)[0]
    assert (now.note, now.version, now.updated_by) == ("weekly board sheet", 1, "board")


def test_any_problem_prints_every_one_exits_1_and_changes_nothing(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    first, second = records(app)[:2]
    good = Clearance(**{**first.to_dict(), "note": "fine"})
    stale = Clearance(**{**second.to_dict(), "version": 4, "note": "old"})
    before = records(app)
    result = run(runner, str(sheet(tmp_path, [good, stale])), "--user", "board")
    assert result.exit_code == 1
    assert "problem: sheet 'clearance', row 3, column 'version': stale" in result.output
    assert "nothing was changed" in result.output
    assert records(app) == before
