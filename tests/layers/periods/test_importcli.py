"""``flask --app webmap periods import FILE``: a spreadsheet into the store (issue 20).

The command is registered by the ``periods`` group (part A); here it runs as the
standalone command over the tiny store (parks ``a`` and ``b``). The tests that
store a period wait for ``store.periods`` (part A) and skip, saying so, until it
is there.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import Result
from flask.testing import FlaskCliRunner

from layers.periods.importcli import import_command, vietnam_today
from layers.periods.rules import PUBLISHED
from layers.store.open import open_store
from tests.support.data_dirs import digest
from tests.support.period_sheets import END, filled, headline, meta, park

TINY_PARKS = (("a", "KCN An Dương"), ("b", "KCN Tràng Duệ"))
# The tiny data set already holds a period ending on END; these import a new one.
NEW_END = END.replace(day=31)
PERIOD_ID = f"{NEW_END.isoformat()}-month"


def workbook(tmp_path: Path, *edits, name: str = "period.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(filled(meta(end=NEW_END), *edits, parks=TINY_PARKS))
    return path


def run(runner: FlaskCliRunner, *args: str) -> Result:
    return runner.invoke(import_command, list(args))


def test_a_bad_workbook_prints_every_problem_exits_1_and_stores_nothing(
    runner: FlaskCliRunner, built: Path, tmp_path: Path
) -> None:
    path = workbook(
        tmp_path,
        meta(end=dt.date(2999, 1, 1)),
        park("a", occupancy_pct="120"),
        park("b", park_id="zz"),
    )
    before = digest(built)
    result = run(runner, str(path), "--publish")
    assert result.exit_code == 1
    assert "3 problem(s)" in result.output
    for line in (
        "sheet 'period', row 2, column 'value': the end date 01/01/2999 is after",
        "sheet 'parks', row 2, column 'occupancy_pct': occupancy_pct is a percentage",
        "sheet 'parks', row 3, column 'park_id': unknown park id 'zz'",
        "nothing was stored",
    ):
        assert line in result.output
    assert digest(built) == before


def test_a_file_that_is_not_a_workbook_is_refused(
    runner: FlaskCliRunner, built: Path, tmp_path: Path
) -> None:
    path = tmp_path / "figures.xlsx"
    path.write_text("park_id;occupancy_pct\na;50\n", encoding="utf-8")
    result = run(runner, str(path))
    assert result.exit_code == 1
    assert "not an Excel workbook" in result.output


@pytest.mark.parametrize(
    ("utc", "day"),
    [
        (dt.datetime(2023, 10, 13, 16, 59, tzinfo=dt.UTC), dt.date(2023, 10, 13)),
        (dt.datetime(2023, 10, 13, 17, 0, tzinfo=dt.UTC), dt.date(2023, 10, 14)),
    ],
)
def test_today_is_the_date_in_vietnam(utc: dt.datetime, day: dt.date) -> None:
    assert vietnam_today(utc) == day


def test_a_good_workbook_is_stored_as_a_draft_then_published(
    runner: FlaskCliRunner, built: Path, tmp_path: Path
) -> None:
    path = workbook(
        tmp_path, park("a", occupancy_pct="96,3"), headline(workers_foreign=7)
    )
    result = run(runner, str(path), "--user", "officer")
    assert result.exit_code == 0, result.output
    assert f"{PERIOD_ID}: draft" in result.output
    result = run(runner, str(path), "--replace", "--publish", "--user", "chief")
    assert result.exit_code == 0, result.output
    store = open_store(built)
    try:
        period = store.periods
        stored = period.get(PERIOD_ID)
    finally:
        store.close()
    assert (stored.status, stored.published_by) == (PUBLISHED, "chief")
    assert stored.parks == {"a": {"occupancy_pct": 96.3}}
    assert stored.headline == {"workers_foreign": 7}


def test_an_existing_period_is_not_replaced_without_asking(
    runner: FlaskCliRunner, built: Path, tmp_path: Path
) -> None:
    path = workbook(tmp_path, park("a", occupancy_pct="50"))
    assert run(runner, str(path)).exit_code == 0
    result = run(runner, str(path))
    assert result.exit_code == 1
    assert "--replace" in result.output
    assert run(runner, str(path), "--publish", "--replace").exit_code == 0
    result = run(runner, str(path), "--replace")
    assert result.exit_code == 1
    assert "is published" in result.output
