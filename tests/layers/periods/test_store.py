"""Reporting periods in both stores: drafts, publication, corrections, rebuilds."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path

import pytest

from layers.build import build
from layers.periods.records import PERIODS, REVISIONS, TABLES, VALUES
from layers.periods.rules import (
    PUBLISHED,
    PeriodDraft,
    PeriodNotFound,
    PeriodNotPublished,
    PeriodPublished,
    StalePeriod,
)
from layers.store import Store
from layers.store.gpkg_backup import backup, restore
from layers.store.open import open_store
from tests.support.stores import KINDS, location, open_kind, run_sql

ROOT = Path(__file__).resolve().parents[3]
SAMPLE_IDS = [
    "2022-10-14-month",
    "2022-12-31-year",
    "2023-06-30-quarter",
    "2023-10-14-month",
]


@pytest.fixture(params=KINDS)
def store(request: pytest.FixtureRequest) -> Store:
    opened = open_kind(request, "editable_store", "pg_editable_store")
    yield opened
    opened.close()


def draft(
    end: dt.date = dt.date(2024, 1, 31),
    kind: str = "month",
    vsip: float = 80.0,
    title: str = "Báo cáo tháng 1 năm 2024",
) -> PeriodDraft:
    return PeriodDraft(
        end,
        kind,
        title,
        headline={"fdi_total_musd": 210.5, "fdi_new_projects": 4},
        parks={"vsip": {"occupancy_pct": vsip, "workers": 25000}},
    )


def count(store: Store, table: str) -> int:
    return run_sql(store, f"SELECT count(*) FROM {{s}}{table}")[0][0]


def test_a_first_build_stores_the_sample_periods_published(store: Store):
    found = store.periods.periods()
    assert [p.id for p in found] == SAMPLE_IDS
    assert {(p.status, p.revision, p.created_by) for p in found} == {
        (PUBLISHED, 1, "sample")
    }
    assert [p.illustrative for p in found] == [True, True, True, False]


def test_a_draft_is_created_then_its_saves_replace_its_values(store: Store):
    first = store.periods.save_draft(draft(vsip=80.0), "admin")
    assert (first.id, first.status, first.revision) == ("2024-01-31-month", "draft", 1)
    assert first.parks == {"vsip": {"occupancy_pct": 80.0, "workers": 25000}}
    assert first.headline == {"fdi_new_projects": 4, "fdi_total_musd": 210.5}
    second = store.periods.save_draft(draft(vsip=82.5), "editor", base_revision=1)
    assert second.revision == 2
    assert second.parks["vsip"]["occupancy_pct"] == 82.5
    assert (second.created_by, second.updated_by) == ("admin", "editor")
    assert store.periods.get(first.id) == second
    assert [r.user for r in store.periods.history(first.id)] == ["admin", "editor"]


def test_drafts_are_listed_only_when_asked_and_never_latest(store: Store):
    store.periods.save_draft(draft(), "admin")
    assert [p.id for p in store.periods.periods()] == SAMPLE_IDS
    assert store.periods.periods(include_drafts=True)[-1].id == "2024-01-31-month"
    latest = store.periods.latest()
    assert latest is not None and latest.id == "2023-10-14-month"


def test_creating_a_period_that_exists_is_stale(store: Store):
    store.periods.save_draft(draft(vsip=80.0), "admin")
    with pytest.raises(StalePeriod) as info:
        store.periods.save_draft(draft(vsip=10.0), "other")
    assert (info.value.current, info.value.base) == (1, 0)
    assert store.periods.get("2024-01-31-month").parks["vsip"]["occupancy_pct"] == 80


def test_a_save_on_a_stale_base_writes_nothing(store: Store):
    store.periods.save_draft(draft(), "admin")
    store.periods.save_draft(draft(vsip=81.0), "admin", base_revision=1)
    before = count(store, VALUES)
    with pytest.raises(StalePeriod):
        store.periods.save_draft(draft(vsip=99.0), "late", base_revision=1)
    assert count(store, VALUES) == before
    assert store.periods.get("2024-01-31-month").revision == 2


def test_saving_onto_a_missing_period_is_not_found(store: Store):
    with pytest.raises(PeriodNotFound):
        store.periods.save_draft(draft(), "admin", base_revision=3)


def test_publishing_makes_the_latest_end_date_the_latest(store: Store):
    store.periods.save_draft(draft(), "admin")
    published = store.periods.publish("2024-01-31-month", "chief")
    assert (published.status, published.published_by) == (PUBLISHED, "chief")
    assert published.published_at
    assert published.revision == 1  # publishing adds no revision
    assert store.periods.latest() == published
    with pytest.raises(PeriodPublished):
        store.periods.publish("2024-01-31-month", "chief")


def test_a_published_period_refuses_a_draft_save(store: Store):
    period = store.periods.get("2023-10-14-month")
    with pytest.raises(PeriodPublished):
        store.periods.save_draft(
            draft(dt.date(2023, 10, 14)), "admin", base_revision=period.revision
        )
    assert store.periods.get("2023-10-14-month") == period


def test_a_correction_adds_a_revision_and_keeps_the_old_values(store: Store):
    old = store.periods.get("2023-10-14-month")
    fixed = draft(dt.date(2023, 10, 14), vsip=76.9, title=old.title)
    corrected = store.periods.correct(fixed, "  typo in VSIP  ", "chief", 1)
    assert (corrected.revision, corrected.status) == (2, PUBLISHED)
    assert corrected.parks == {"vsip": {"occupancy_pct": 76.9, "workers": 25000}}
    assert corrected.published_by == old.published_by  # first publication kept
    assert store.periods.get("2023-10-14-month", revision=1) == old
    history = store.periods.history("2023-10-14-month")
    assert [(r.revision, r.user, r.reason) for r in history] == [
        (1, "sample", ""),
        (2, "chief", "typo in VSIP"),
    ]


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_without_a_reason_is_refused(store: Store, reason: str):
    before = count(store, REVISIONS)
    with pytest.raises(ValueError, match="reason"):
        store.periods.correct(draft(dt.date(2023, 10, 14)), reason, "chief", 1)
    assert count(store, REVISIONS) == before


def test_a_correction_on_a_stale_base_is_refused(store: Store):
    fixed = draft(dt.date(2023, 10, 14))
    store.periods.correct(fixed, "first fix", "chief", 1)
    with pytest.raises(StalePeriod):
        store.periods.correct(fixed, "second fix", "other", 1)
    assert store.periods.get("2023-10-14-month").revision == 2


def test_a_draft_is_edited_not_corrected(store: Store):
    store.periods.save_draft(draft(), "admin")
    with pytest.raises(PeriodNotPublished):
        store.periods.correct(draft(), "why", "admin", 1)


def test_a_draft_is_deleted_with_its_revisions_a_published_period_never(
    store: Store,
):
    before = {table: count(store, table) for table in TABLES}
    store.periods.save_draft(draft(), "admin")
    store.periods.save_draft(draft(vsip=85.0), "admin", base_revision=1)
    store.periods.delete_draft("2024-01-31-month", "admin")
    assert {table: count(store, table) for table in TABLES} == before
    with pytest.raises(PeriodNotFound):
        store.periods.get("2024-01-31-month")
    with pytest.raises(PeriodPublished):
        store.periods.delete_draft("2023-10-14-month", "admin")
    with pytest.raises(PeriodNotFound):
        store.periods.delete_draft("2024-01-31-month", "admin")


def test_unknown_periods_and_revisions_are_not_found(store: Store):
    with pytest.raises(PeriodNotFound):
        store.periods.get("2030-01-31-month")
    with pytest.raises(PeriodNotFound, match="revision 2"):
        store.periods.get("2023-10-14-month", revision=2)
    with pytest.raises(PeriodNotFound):
        store.periods.history("2030-01-31-month")


def test_periods_come_by_end_date_then_month_quarter_year(store: Store):
    for kind in ("year", "quarter", "month"):
        store.periods.save_draft(draft(dt.date(2021, 12, 31), kind), "admin")
    ids = [p.id for p in store.periods.periods(include_drafts=True)]
    assert ids[:3] == ["2021-12-31-month", "2021-12-31-quarter", "2021-12-31-year"]
    assert ids[3:] == SAMPLE_IDS


def test_every_change_is_logged_with_user_and_period(
    store: Store, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.INFO, logger="layers.periods.records")
    store.periods.save_draft(draft(), "admin")
    store.periods.publish("2024-01-31-month", "chief")
    store.periods.correct(draft(), "late figures", "chief", 1)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "period 2024-01-31-month draft saved by admin (revision 1)",
        "period 2024-01-31-month published by chief (revision 1)",
        "period 2024-01-31-month corrected by chief (revision 2): late figures",
    ]


def test_a_rebuild_carries_the_periods_and_seeds_nothing(store: Store):
    store.periods.correct(draft(dt.date(2023, 10, 14)), "fix", "chief", 1)
    store.periods.save_draft(draft(), "admin")
    before = store.periods.periods(include_drafts=True)
    report = build(ROOT / "data", location(store), progress=lambda _m: None)
    assert report["periods"] == {"carried": 5, "seeded": 0}
    again = open_store(location(store))
    try:
        assert again.periods.periods(include_drafts=True) == before
        assert len(again.periods.history("2023-10-14-month")) == 2
    finally:
        again.close()


def test_a_backup_holds_the_periods(editable_store: Path, tmp_path: Path):
    store = open_store(editable_store)
    store.periods.correct(draft(dt.date(2023, 10, 14)), "fix", "chief", 1)
    store.close()
    summary = backup(editable_store, tmp_path / "copy.gpkg")
    assert summary.periods == 4
    assert "4 reporting periods" in summary.describe()
    copy = open_store(tmp_path / "copy.gpkg")
    try:
        assert [p.id for p in copy.periods.periods()] == SAMPLE_IDS
        assert copy.periods.get("2023-10-14-month", revision=1).parks["vsip"] == {
            "occupancy_pct": 76.6
        }
        assert copy.periods.get("2023-10-14-month").revision == 2
    finally:
        copy.close()


def test_the_geopackage_lists_the_tables_in_gpkg_contents(editable_store: Path):
    con = sqlite3.connect(editable_store)
    kinds = con.execute(
        "SELECT table_name, data_type FROM gpkg_contents WHERE table_name IN "
        f"({', '.join('?' * len(TABLES))}) ORDER BY 1",
        TABLES,
    ).fetchall()
    con.close()
    assert kinds == sorted((t, "attributes") for t in TABLES)


def test_a_geopackage_built_before_periods_gets_the_tables_on_first_write(
    editable_store: Path,
):
    con = sqlite3.connect(editable_store)
    for table in (VALUES, REVISIONS, PERIODS):
        con.execute(f"DROP TABLE {table}")
    con.commit()
    con.close()
    store = open_store(editable_store)
    try:
        assert store.periods.periods() == []
        assert store.periods.latest() is None
        store.periods.save_draft(draft(), "admin")
        found = store.periods.periods(include_drafts=True)
        assert [p.id for p in found] == ["2024-01-31-month"]
    finally:
        store.close()


def test_a_restore_brings_the_periods_back(editable_store: Path, tmp_path: Path):
    backup(editable_store, tmp_path / "copy.gpkg")
    store = open_store(editable_store)
    try:
        store.periods.save_draft(draft(), "admin")  # after the backup: undone
        summary, _kept = restore(editable_store, tmp_path / "copy.gpkg", keep=False)
        assert summary.periods == 4
        assert [p.id for p in store.periods.periods(include_drafts=True)] == SAMPLE_IDS
    finally:
        store.close()


def test_a_postgis_store_built_before_periods_gets_them_when_opened(
    pg_editable_store: str,
):
    old = open_store(pg_editable_store)
    run_sql(
        old,
        *(f"DROP TABLE {{s}}{t}" for t in (VALUES, REVISIONS, PERIODS)),
        "DELETE FROM {s}parkmap_schema WHERE version >= 4",
    )
    old.close()
    store = open_store(pg_editable_store)  # a worker opening it migrates
    try:
        assert store.periods.periods() == []
        store.periods.save_draft(draft(), "admin")
        assert store.periods.get("2024-01-31-month").revision == 1
    finally:
        store.close()
