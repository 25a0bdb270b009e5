"""Clearance records in both stores: edits, audit, rebuilds, crashes, races."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import mapbox_vector_tile
import pytest

from geo.tiles import tile_for_lonlat
from layers.build import build
from layers.clearance import rules as model
from layers.clearance.contract import Edit
from layers.errors import StoreUnavailable
from layers.store import Store
from layers.store.gpkg import GpkgStore
from layers.store.open import open_store
from tests.support.stores import KINDS, build_lock, location, open_kind, tables

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(params=KINDS)
def store(request: pytest.FixtureRequest) -> Store:
    opened = open_kind(request, "editable_store", "pg_editable_store")
    yield opened
    opened.close()


def first_at(store: Store, stage: str) -> model.Clearance:
    return next(c for c in store.clearance.records() if c.stage == stage)


def test_build_seeds_a_record_per_parcel_with_a_stage(store: Store):
    page = store.query("parcels", limit=10_000)
    staged = {f.id: f.properties for f in page.features if f.properties["clr_stage"]}
    rows = store.clearance.records()
    assert {r.parcel_id for r in rows} == set(staged)
    for row in rows:
        assert row.stage == staged[row.parcel_id]["clr_stage"]
        assert row.version == 0
        done = row.stage in model.DONE
        assert row.cleared_ha == (staged[row.parcel_id]["area_ha"] if done else 0.0)


def test_unedited_records_are_dated_by_the_layers_as_of_day(store: Store):
    assert store.layer("parcels").as_of == "2023-10-14"
    assert {c.updated_at[:10] for c in store.clearance.records()} == {"2023-10-14"}
    long_ago = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    assert store.clearance.at(long_ago) == store.clearance.records()  # nothing changed


def test_an_edit_bumps_the_version_and_appends_one_audit_record(store: Store):
    row = first_at(store, "compensating")
    after, record = store.clearance.update(
        row.parcel_id, 0, {"stage": "cleared", "households_affected": 12}, user="lan"
    )
    assert (after.stage, after.version, after.updated_by) == ("cleared", 1, "lan")
    assert after.cleared_ha == row.area_ha  # cleared means the whole parcel
    assert record.before["stage"] == "compensating"
    assert record.after["stage"] == "cleared"
    assert store.clearance.record(row.parcel_id) == after
    assert store.clearance.history(row.parcel_id) == [record]


def test_an_edit_reaches_the_layer_its_geojson_and_the_build_id(store: Store):
    row = first_at(store, "compensating")
    build_before = store.build_id()
    store.clearance.update(row.parcel_id, 0, {"stage": "cleared"}, user="lan")
    text = json.loads(store.get_geojson("parcels", row.parcel_id))
    assert text["properties"]["clr_stage"] == "cleared"
    assert store.get("parcels", row.parcel_id).properties["clr_stage"] == "cleared"
    assert store.build_id() != build_before


def test_an_edit_within_a_hold_is_seen_at_once(store: Store):
    """A request that edits and then reads sees its own edit (the writer releases)."""
    row = first_at(store, "compensating")
    store.hold()
    try:
        build_before = store.build_id()
        store.clearance.update(row.parcel_id, 0, {"stage": "cleared"}, user="lan")
        text = json.loads(store.get_geojson("parcels", row.parcel_id))
        assert text["properties"]["clr_stage"] == "cleared"
        assert store.build_id() != build_before
    finally:
        store.release()


def test_a_hold_keeps_one_state_until_released(store: Store):
    """Another process's edit during a hold shows after release (PostGIS: at once)."""
    row = first_at(store, "surveyed")
    store.hold()
    seen_before = store.build_id()
    other = open_store(location(store))
    other.clearance.update(row.parcel_id, 0, {"note": "from elsewhere"}, user="x")
    other.close()
    held = store.build_id()
    store.release()
    assert store.build_id() != seen_before
    if isinstance(store, GpkgStore):  # checked once per hold: the same id
        assert held == seen_before
    else:  # every PostGIS call reads the database afresh
        assert held != seen_before


def test_another_process_edit_is_seen_by_an_open_store(store: Store):
    row = first_at(store, "surveyed")
    seen_before = store.build_id()
    other = open_store(location(store))
    other.clearance.update(row.parcel_id, 0, {"note": "from elsewhere"}, user="x")
    other.close()
    assert store.clearance.record(row.parcel_id).note == "from elsewhere"
    assert store.build_id() != seen_before


def test_a_stale_edit_is_refused_and_changes_nothing(store: Store):
    row = first_at(store, "surveyed")
    store.clearance.update(row.parcel_id, 0, {"note": "first"}, user="a")
    before = tables(store)
    with pytest.raises(model.StaleEdit) as caught:
        store.clearance.update(row.parcel_id, 0, {"note": "second"}, user="b")
    assert caught.value.current.note == "first"
    assert caught.value.current.version == 1
    assert tables(store) == before


def test_a_base_version_newer_than_the_stored_one_is_stale_too(store: Store):
    # An edit based on a version the store never had is as stale as an older one:
    # only the exact stored version may be edited (issue 18: `!=` mutated to `>`).
    row = first_at(store, "surveyed")
    store.clearance.update(row.parcel_id, 0, {"note": "first"}, user="a")
    before = tables(store)
    with pytest.raises(model.StaleEdit) as caught:
        store.clearance.update(row.parcel_id, 2, {"note": "from the future"}, user="b")
    assert caught.value.current.note == "first"
    assert caught.value.current.version == 1
    assert tables(store) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"stage": "handed_over"}, "reason"),
        ({"stage": "not_started"}, "reason"),
        ({"cleared_ha": 10_000.0}, "cleared_ha"),
        ({"cleared_ha": -1}, "cleared_ha"),
        ({"households_affected": 2, "households_relocated": 3}, "households_relocated"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_rejected_edit_names_the_field_and_writes_nothing(
    store: Store, changes: dict, field: str
):
    row = first_at(store, "surveyed")
    before = tables(store)
    with pytest.raises(model.EditRejected) as caught:
        store.clearance.update(row.parcel_id, 0, changes, user="a")
    assert caught.value.field == field
    assert tables(store) == before


def test_unknown_parcel_is_not_tracked(store: Store):
    with pytest.raises(model.ParcelNotTracked):
        store.clearance.update("no-such-parcel", 0, {"note": "x"}, user="a")
    with pytest.raises(model.ParcelNotTracked):
        store.clearance.history("no-such-parcel")


def test_a_change_that_changes_nothing_is_not_audited(store: Store):
    row = first_at(store, "surveyed")
    same, record = store.clearance.update(
        row.parcel_id, 0, {"stage": row.stage}, user="a"
    )
    assert record is None
    assert same.version == 0
    assert store.clearance.history() == []


def test_history_per_park_and_state_on_a_past_date(store: Store):
    row = first_at(store, "compensating")
    other = next(
        c
        for c in store.clearance.records()
        if c.park_id != row.park_id and c.version == 0
    )
    store.clearance.update(row.parcel_id, 0, {"stage": "cleared"}, user="a")
    moment = dt.datetime.now(dt.UTC)
    store.clearance.update(row.parcel_id, 1, {"stage": "handed_over"}, user="a")
    store.clearance.update(other.parcel_id, 0, {"note": "elsewhere"}, user="a")
    park = store.clearance.history(park_id=row.park_id)
    assert [r.after["stage"] for r in park] == ["cleared", "handed_over"]
    then = {c.parcel_id: c for c in store.clearance.at(moment)}
    assert then[row.parcel_id].stage == "cleared"
    assert then[other.parcel_id].note == ""
    long_ago = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert {c.parcel_id: c.stage for c in store.clearance.at(long_ago)}[
        row.parcel_id
    ] == "compensating"


def test_a_rebuild_keeps_edits_and_the_audit(store: Store):
    row = first_at(store, "compensating")
    store.clearance.update(row.parcel_id, 0, {"stage": "cleared"}, user="a")
    report = build(ROOT / "data", location(store), progress=lambda _m: None)
    assert report["clearance"]["carried_edited"] == 1
    assert store.clearance.record(row.parcel_id).stage == "cleared"
    assert store.clearance.record(row.parcel_id).version == 1
    assert len(store.clearance.history()) == 1
    assert store.get("parcels", row.parcel_id).properties["clr_stage"] == "cleared"


def test_an_edit_waits_for_a_build_and_gives_up_clearly(
    store: Store, monkeypatch: pytest.MonkeyPatch
):
    row = first_at(store, "surveyed")
    before = tables(store)
    with build_lock(store, monkeypatch), pytest.raises(StoreUnavailable):
        store.clearance.update(row.parcel_id, 0, {"note": "x"}, user="a")
    assert tables(store) == before


def test_threads_in_one_process_serialise(store: Store):
    row = first_at(store, "surveyed")
    accepted: list[int] = []

    def edit(n: int) -> None:
        for i in range(10):
            while True:
                current = store.clearance.record(row.parcel_id)
                try:
                    _, rec = store.clearance.update(
                        row.parcel_id, current.version, {"note": f"{n}-{i}"}, user="t"
                    )
                except model.StaleEdit:
                    continue
                accepted.append(rec.seq)
                break

    workers = [threading.Thread(target=edit, args=(n,)) for n in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(accepted) == [r.seq for r in store.clearance.history()]
    assert store.clearance.record(row.parcel_id).version == 30


WRITER = textwrap.dedent(
    """
    import json, sys
    from layers.clearance.rules import StaleEdit
    from layers.store.open import open_store

    path, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    parcels = sys.argv[4].split(",")
    store = open_store(path)
    accepted, conflicts = [], 0
    for i in range(n):
        pid = parcels[i % len(parcels)]
        while True:
            current = store.clearance.record(pid)
            changes = {
                "note": f"{name}-{i}",
                "households_affected": i,
                "cleared_ha": round(current.area_ha * (i % 10) / 10, 4),
            }
            try:
                after, rec = store.clearance.update(
                    pid, current.version, changes, user=name
                )
            except StaleEdit:
                conflicts += 1
                continue
            accepted.append([rec.seq, pid, after.note])
            break
    print(json.dumps({"accepted": accepted, "conflicts": conflicts}))
    """
)


def run_writers(path: str, parcels: list[str], edits: int) -> list[dict]:
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                str(path),
                name,
                str(edits),
                ",".join(parcels),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("alpha", "beta")
    ]
    results = []
    for proc in procs:
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0
        results.append(json.loads(out))
    return results


def test_two_processes_of_500_edits_each_lose_nothing(store: Store):
    parcels = [c.parcel_id for c in store.clearance.records() if c.stage == "surveyed"][
        :3
    ]
    results = run_writers(location(store), parcels, 500)
    accepted = [a for r in results for a in r["accepted"]]
    audit = store.clearance.history()
    assert len(accepted) == 1000
    assert sorted(a[0] for a in accepted) == [r.seq for r in audit]
    for pid in parcels:
        mine = [r for r in audit if r.parcel_id == pid]
        assert [r.version for r in mine] == list(range(1, len(mine) + 1))
        assert all(r.before["version"] == r.version - 1 for r in mine)
        last = max((a for a in accepted if a[1] == pid), key=lambda a: a[0])
        now = store.clearance.record(pid)
        assert now.note == last[2] == mine[-1].after["note"]
        assert now.version == len(mine)


KILLED = textwrap.dedent(
    """
    import sys, time
    from layers.store.open import open_store
    from layers.clearance import gpkg as gpkg_clearance, postgis as pg_clearance

    def slow(real):
        def render(*args):
            real(*args)
            print("inside", flush=True)  # record and layer written, not committed
            time.sleep(60)

        return render

    gpkg_clearance.render_geojson_rows = slow(gpkg_clearance.render_geojson_rows)
    pg_clearance.render_rows = slow(pg_clearance.render_rows)
    open_store(sys.argv[1]).clearance.update(
        sys.argv[2], 0, {"stage": "cleared"}, user="doomed"
    )
    """
)


def test_a_writer_killed_mid_edit_leaves_the_store_as_it_was(store: Store):
    row = first_at(store, "compensating")
    before = tables(store)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED, location(store), row.parcel_id],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "inside"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    assert store.clearance.record(row.parcel_id) == row  # a reader rolls a journal back
    assert tables(store) == before
    if isinstance(store, GpkgStore):
        con = sqlite3.connect(store.path)
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        con.close()
    after, _ = store.clearance.update(row.parcel_id, 0, {"stage": "cleared"}, user="a")
    assert after.version == 1


def tile_properties(store: Store, lon: float, lat: float) -> dict[str, dict]:
    tile = tile_for_lonlat(lon, lat, 15)
    data = mapbox_vector_tile.decode(store.tile("parcels", tile.z, tile.x, tile.y))
    return {
        f["properties"]["parcel_id"]: f["properties"]
        for f in data["parcels"]["features"]
    }


def test_tiles_after_edits_equal_tiles_of_a_freshly_opened_store(store: Store):
    rows = [c for c in store.clearance.records() if c.park_id == "tien_thanh"][:3]
    lon, lat = store.get("parcels", rows[0].parcel_id).geometry.centroid.coords[0]
    tile_properties(store, lon, lat)  # the properties are built before the edits
    for row in rows:
        stage = "cleared" if row.stage != "cleared" else "handed_over"
        store.clearance.update(
            row.parcel_id, row.version, {"stage": stage}, user="a", reason="test"
        )
    patched = tile_properties(store, lon, lat)
    fresh = open_store(location(store))
    assert patched == tile_properties(fresh, lon, lat)
    fresh.close()
    edited = [patched[r.parcel_id]["clr_stage"] for r in rows if r.parcel_id in patched]
    assert edited and "compensating" not in edited


def test_a_nul_in_an_id_matches_nothing(store: Store):
    with pytest.raises(model.ParcelNotTracked):
        store.clearance.record("a-1\x00")
    assert store.clearance.records(park_id="\x00") == []
    assert store.clearance.history(park_id="\x00") == []


def test_update_many_applies_every_edit_with_one_audit_record_each(store: Store):
    first, second = store.clearance.records()[:2]
    done = store.clearance.update_many(
        [
            Edit(first.parcel_id, 0, {"note": "weekly sheet"}),
            Edit(second.parcel_id, 0, {"note": second.note}),  # changes nothing
            Edit(first.parcel_id, 1, {"households_affected": 7}),
        ],
        user="board",
    )
    assert [(row.version, record is None) for row, record in done] == [
        (1, False),
        (0, True),
        (2, False),
    ]
    audit = store.clearance.history()
    assert [(r.parcel_id, r.version, r.user) for r in audit] == [
        (first.parcel_id, 1, "board"),
        (first.parcel_id, 2, "board"),
    ]
    now = store.clearance.record(first.parcel_id)
    assert (now.note, now.households_affected, now.version) == ("weekly sheet", 7, 2)


@pytest.mark.parametrize(
    ("last", "error"),
    [
        (Edit("", 0, {"note": "stale"}), model.StaleEdit),
        (Edit("", 1, {"cleared_ha": -1.0}), model.EditRejected),
        (Edit("no-such-parcel", 0, {"note": "x"}), model.ParcelNotTracked),
    ],
)
def test_update_many_writes_nothing_when_one_edit_fails(
    store: Store, last: Edit, error: type
):
    good, bad = store.clearance.records()[:2]
    store.clearance.update(bad.parcel_id, 0, {"note": "meanwhile"}, user="a")
    before = tables(store)
    if not last.parcel_id:
        last = last._replace(parcel_id=bad.parcel_id)
    edits = [Edit(good.parcel_id, 0, {"note": "would be applied"}), last]
    with pytest.raises(error):
        store.clearance.update_many(edits, user="board")
    assert tables(store) == before
    assert store.clearance.record(good.parcel_id).version == 0
