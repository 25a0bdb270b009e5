"""Enquiries in the GeoPackage store: one transaction each, kept across rebuilds."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from layers.build import build
from layers.enquiries import (
    EnquiryDraft,
    EnquiryRejected,
    RateLimit,
    TooManyEnquiries,
    check_enquiry,
)
from layers.errors import StoreUnavailable
from layers.store import gpkg_clearance
from layers.store.gpkg import GpkgStore
from layers.store.gpkg_carry import carry_over
from layers.store.gpkg_enquiries import TABLE

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(editable_store: Path) -> GpkgStore:
    opened = GpkgStore(editable_store)
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


def rows(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(f"SELECT * FROM {TABLE} ORDER BY id").fetchall()
    finally:
        con.close()


def test_a_build_creates_the_empty_table_listed_in_gpkg_contents(store: GpkgStore):
    assert store.enquiries().total == 0
    con = sqlite3.connect(store.path)
    kind = con.execute(
        "SELECT data_type FROM gpkg_contents WHERE table_name = ?", (TABLE,)
    ).fetchone()
    con.close()
    assert kind == ("attributes",)


def test_an_enquiry_is_stored_numbered_and_dated(store: GpkgStore):
    stored = store.add_enquiry(draft())
    assert stored.id >= 1
    assert stored.created_at.endswith("+00:00")
    page = store.enquiries()
    assert page.total == 1
    assert page.items == [stored]
    assert (stored.name, stored.park_id, stored.lang) == ("Kim Min-ji", "nomura", "ko")


def test_enquiries_come_newest_first_in_pages(store: GpkgStore):
    for i in range(5):
        store.add_enquiry(draft(name=f"sender {i}"))
    page = store.enquiries(limit=2, offset=1)
    assert page.total == 5
    assert [e.name for e in page.items] == ["sender 3", "sender 2"]


@pytest.mark.parametrize(("limit", "offset"), [(-1, 0), (10_001, 0), (10, -1)])
def test_a_bad_page_is_refused(store: GpkgStore, limit: int, offset: int):
    with pytest.raises(ValueError, match="limit"):
        store.enquiries(limit=limit, offset=offset)


def test_a_rejected_enquiry_writes_nothing(store: GpkgStore):
    before = store.path.read_bytes()
    with pytest.raises(EnquiryRejected):
        draft(email="not an address")
    assert store.path.read_bytes() == before
    assert rows(store.path) == []


def test_the_rate_limit_refuses_and_writes_nothing(store: GpkgStore):
    limit = RateLimit(count=2, window_s=3600)
    store.add_enquiry(draft(), limit)
    store.add_enquiry(draft(), limit)
    with pytest.raises(TooManyEnquiries) as caught:
        store.add_enquiry(draft(), limit)
    assert 3590 <= caught.value.retry_after <= 3600
    assert len(rows(store.path)) == 2
    store.add_enquiry(draft(client="another address"), limit)  # others may send
    assert store.enquiries().total == 3


def test_the_window_slides(store: GpkgStore):
    limit = RateLimit(count=1, window_s=0.05)
    store.add_enquiry(draft(), limit)
    con = sqlite3.connect(store.path)
    con.execute(f"UPDATE {TABLE} SET created_at = '2020-01-01T00:00:00.000000+00:00'")
    con.commit()
    con.close()
    store.add_enquiry(draft(), limit)  # the first one left the window
    assert store.enquiries().total == 2


def test_a_failed_insert_rolls_back(store: GpkgStore):
    con = sqlite3.connect(store.path)
    con.execute(
        f"CREATE TRIGGER boom BEFORE INSERT ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
    )
    con.commit()
    con.close()
    with pytest.raises(sqlite3.IntegrityError, match="disk on fire"):
        store.add_enquiry(draft())
    assert store.enquiries().total == 0
    assert store.clearances()  # the store is still readable


def test_the_limit_holds_under_concurrent_senders(editable_store: Path):
    limit = RateLimit(count=5)
    outcomes: list[str] = []

    def send() -> None:
        opened = GpkgStore(editable_store)  # one store per worker, as in gunicorn
        try:
            opened.add_enquiry(draft(), limit)
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
    assert len(rows(editable_store)) == 5


def test_a_rebuild_keeps_the_enquiries(store: GpkgStore):
    first = store.add_enquiry(draft(name="before the rebuild"))
    report = build(ROOT / "data", store.path, progress=lambda _m: None)
    assert report["enquiries"] == {"carried": 1}
    assert store.enquiries().items == [first]
    later = store.add_enquiry(draft(name="after the rebuild"))
    assert later.id > first.id  # numbers are never reused


def test_an_enquiry_waits_for_a_build_and_gives_up_clearly(
    store: GpkgStore, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(gpkg_clearance, "LOCK_TIMEOUT_S", 0.2)
    with gpkg_clearance.write_lock(store.path):
        with pytest.raises(StoreUnavailable, match="locked"):
            store.add_enquiry(draft())
    assert store.enquiries().total == 0


def test_a_store_built_before_enquiries_gets_the_table_on_first_use(
    store: GpkgStore,
):
    con = sqlite3.connect(store.path)
    con.execute(f"DROP TABLE {TABLE}")
    con.commit()
    con.close()
    assert store.enquiries().total == 0
    store.add_enquiry(draft())
    assert store.enquiries().total == 1


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
