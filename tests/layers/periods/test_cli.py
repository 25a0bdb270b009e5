"""``flask --app webmap periods list|publish`` over the tiny store."""

from __future__ import annotations

from pathlib import Path

from layers.store.open import open_store


def test_list_shows_every_period_with_kind_status_revision_and_title(runner):
    result = runner.invoke(args=["periods", "list"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "2023-06-30-quarter\tquarter\tpublished\t1\tQuý 2 năm 2023 (illustrative)",
        "2023-10-14-month\tmonth\tpublished\t1\tBáo cáo kết quả 10 tháng năm 2023",
        "2023-12-31-year\tyear\tdraft\t1\tBáo cáo năm 2023 (dự thảo)",
    ]


def test_publish_publishes_a_draft_by_the_user_named(runner, built: Path):
    result = runner.invoke(
        args=["periods", "publish", "2023-12-31-year", "--user", "chief"]
    )
    assert result.exit_code == 0, result.output
    assert "published 2023-12-31-year (revision 1)" in result.output
    store = open_store(built)
    try:
        period = store.periods.latest()
        assert period is not None
        assert (period.id, period.published_by) == ("2023-12-31-year", "chief")
    finally:
        store.close()


def test_publish_refuses_a_published_or_unknown_period_clearly(runner):
    again = runner.invoke(
        args=["periods", "publish", "2023-10-14-month", "--user", "chief"]
    )
    assert again.exit_code == 1
    assert "period '2023-10-14-month' is published" in again.output
    unknown = runner.invoke(
        args=["periods", "publish", "2031-01-31-month", "--user", "x"]
    )
    assert unknown.exit_code == 1
    assert "no reporting period '2031-01-31-month'" in unknown.output


def test_publish_needs_a_user(runner):
    result = runner.invoke(args=["periods", "publish", "2023-12-31-year"])
    assert result.exit_code == 2
    assert "--user" in result.output
    blank = runner.invoke(
        args=["periods", "publish", "2023-12-31-year", "--user", "  "]
    )
    assert blank.exit_code == 2
