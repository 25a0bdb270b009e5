"""Enquiries in both stores: one transaction each, rate-limited, kept across rebuilds."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import psycopg
import pytest

from layers.build import build
from layers.enquiries.rules import (
    TABLE,
    EnquiryDraft,
    EnquiryRejected,
    RateLimit,
    TooManyEnquiries,
    check_enquiry,
)
from layers.errors import StoreUnavailable
from layers.store import Store
from layers.store.gpkg import GpkgStore
from layers.store.gpkg_carry import carry_over
from layers.store.open import open_store
from tests.support.stores import KINDS, build_lock, location, open_kind, run_sql

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(params=KINDS)
def store(request: pytest.FixtureRequest) -> Store:
    opened = open_kind(request, "editable_store", "pg_editable_store")
    yield opened
    opened.close()


def draft(name: str = "Kim Min-ji", client: str = "c1", **more) -> EnquiryDraft:
    sent = {
        "name": name,
        "company": "Hanbit Co.",
        "email": "minji@example.kr",
        "message": "We need 5 ha near the port.",
        **more,
    }
    return check_enquiry(
        sent, parcel_id="nomura-001", park_id="nomura", lang="ko", client=client
    )


def rows(store: Store) -> list[tuple]:
    return run_sql(store, f"SELECT * FROM {{s}}{TABLE} ORDER BY id")


def test_a_build_creates_the_empty_table(store: Store):
    assert store.enquiries.page().total == 0
    assert rows(store) == []


def test_the_geopackage_lists_the_table_in_gpkg_contents(editable_store: Path):
    con = sqlite3.connect(editable_store)
    kind = con.execute(
        "SELECT data_type FROM gpkg_contents WHERE table_name = ?", (TABLE,)
    ).fetchone()
    con.close()
    assert kind == ("attributes",)


def test_an_enquiry_is_stored_numbered_and_dated(store: Store):
    stored = store.enquiries.add(draft())
    assert stored.id >= 1
    assert stored.created_at.endswith("+00:00")
    page = store.enquiries.page()
    assert page.total == 1
    assert page.items == [stored]
    assert (stored.name, stored.park_id, stored.lang) == ("Kim Min-ji", "nomura", "ko")


def test_enquiries_come_newest_first_in_pages(store: Store):
    for i in range(5):
        store.enquiries.add(draft(name=f"sender {i}"))
    page = store.enquiries.page(limit=2, offset=1)
    assert page.total == 5
    assert [e.name for e in page.items] == ["sender 3", "sender 2"]


@pytest.mark.parametrize(("limit", "offset"), [(-1, 0), (10_001, 0), (10, -1)])
def test_a_bad_page_is_refused(store: Store, limit: int, offset: int):
    with pytest.raises(ValueError, match="limit"):
        store.enquiries.page(limit=limit, offset=offset)


def test_a_rejected_enquiry_writes_nothing(store: Store):
    with pytest.raises(EnquiryRejected):
        draft(email="not an address")
    assert rows(store) == []


def test_the_rate_limit_refuses_and_writes_nothing(store: Store):
    limit = RateLimit(count=2, window_s=3600)
    store.enquiries.add(draft(), limit)
    store.enquiries.add(draft(), limit)
    with pytest.raises(TooManyEnquiries) as caught:
        store.enquiries.add(draft(), limit)
    assert 3590 <= caught.value.retry_after <= 3600
    assert len(rows(store)) == 2
    store.enquiries.add(draft(client="another address"), limit)  # others may send
    assert store.enquiries.page().total == 3


def test_the_window_slides(store: Store):
    limit = RateLimit(count=1, window_s=0.05)
    store.enquiries.add(draft(), limit)
    run_sql(
        store,
        f"UPDATE {{s}}{TABLE} SET created_at = '2020-01-01T00:00:00.000000+00:00'",
    )
    store.enquiries.add(draft(), limit)  # the first one left the window
    assert store.enquiries.page().total == 2


FAILING_TRIGGER = {
    "gpkg": [
        f"CREATE TRIGGER boom BEFORE INSERT ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
    ],
    "postgis": [
        "CREATE FUNCTION {s}boom() RETURNS trigger LANGUAGE plpgsql AS "
        "$$BEGIN RAISE EXCEPTION 'disk on fire'; END$$",
        f"CREATE TRIGGER boom BEFORE INSERT ON {{s}}{TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION {s}boom()",
    ],
}


def test_a_failed_insert_rolls_back(store: Store):
    kind = "gpkg" if isinstance(store, GpkgStore) else "postgis"
    run_sql(store, *FAILING_TRIGGER[kind])
    failed = (sqlite3.IntegrityError, psycopg.errors.RaiseException)
    with pytest.raises(failed, match="disk on fire"):
        store.enquiries.add(draft())
    assert store.enquiries.page().total == 0
    assert store.clearance.records()  # the store is still readable


def test_the_limit_holds_under_concurrent_senders(store: Store):
    limit = RateLimit(count=5)
    outcomes: list[str] = []

    def send() -> None:
        opened = open_store(location(store))  # one store per worker, as in gunicorn
        try:
            opened.enquiries.add(draft(), limit)
            outcomes.append("stored")
        except TooManyEnquiries:
            outcomes.append("refused")
        finally:
            opened.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 3 + ["stored"] * 5
    assert len(rows(store)) == 5


def test_a_rebuild_keeps_the_enquiries(store: Store):
    first = store.enquiries.add(draft(name="before the rebuild"))
    report = build(ROOT / "data", location(store), progress=lambda _m: None)
    assert report["enquiries"] == {"carried": 1}
    assert store.enquiries.page().items == [first]
    later = store.enquiries.add(draft(name="after the rebuild"))
    assert later.id > first.id  # numbers are never reused


def test_an_enquiry_waits_for_a_build_and_gives_up_clearly(
    store: Store, monkeypatch: pytest.MonkeyPatch
):
    with build_lock(store, monkeypatch):
        with pytest.raises(StoreUnavailable, match="locked"):
            store.enquiries.add(draft())
    assert store.enquiries.page().total == 0


BEFORE_ENQUIRIES = {
    "gpkg": [f"DROP TABLE {TABLE}"],
    "postgis": [
        f"DROP TABLE {{s}}{TABLE}",
        "DELETE FROM {s}parkmap_schema WHERE version >= 2",
    ],
}


def test_a_store_built_before_enquiries_gets_the_table_on_first_use(store: Store):
    kind = "gpkg" if isinstance(store, GpkgStore) else "postgis"
    run_sql(store, *BEFORE_ENQUIRIES[kind])
    store.close()
    again = open_store(location(store))  # PostGIS: a worker opening it migrates
    try:
        assert again.enquiries.page().total == 0
        again.enquiries.add(draft())
        assert again.enquiries.page().total == 1
    finally:
        again.close()


def test_carry_over_copies_shared_columns_by_name(tmp_path: Path):
    old, new = tmp_path / "old.sqlite", tmp_path / "new.sqlite"
    con = sqlite3.connect(old)
    con.execute("CREATE TABLE t (b TEXT, a INTEGER, gone TEXT)")
    con.execute("INSERT INTO t VALUES ('x', 1, 'dropped')")
    con.commit()
    con.close()
    con = sqlite3.connect(new)
    con.execute("CREATE TABLE t (a INTEGER, b TEXT, added TEXT DEFAULT 'd')")
    con.execute("CREATE TABLE absent_before (a INTEGER)")
    assert carry_over(con, old, ("t", "absent_before")) == {"t": 1}
    assert con.execute("SELECT * FROM t").fetchall() == [(1, "x", "d")]
    assert carry_over(con, tmp_path / "missing.sqlite", ("t",)) == {}
    assert carry_over(con, None, ("t",)) == {}
    con.close()
