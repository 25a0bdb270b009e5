"""Backup and restore of the GeoPackage store, while a planner keeps editing."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest

from layers.clearance.rules import StaleEdit
from layers.enquiries.rules import EnquiryDraft
from layers.store.gpkg_backup import backup, check_store_file, restore
from layers.store.open import FullGpkgStore
from tests.support.apps import isolated
from tests.support.stores import tables
from webmap import create_app

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def store(editable_store: Path):
    opened = FullGpkgStore(editable_store)
    yield opened
    opened.close()


@pytest.fixture
def cli(editable_store: Path, tmp_path: Path):
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(ROOT / "data"),
            "STORE": str(editable_store),
            **isolated(tmp_path),
        }
    )
    return app.test_cli_runner()


def edit(store: FullGpkgStore, n: int = 1, note: str = "x") -> None:
    parcel = store.clearance.records()[0].parcel_id
    for i in range(n):
        current = store.clearance.record(parcel)
        store.clearance.update(parcel, current.version, {"note": f"{note}{i}"}, "t")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(path: Path) -> tuple:
    con = sqlite3.connect(path)
    try:
        enquiries = con.execute("SELECT * FROM parkmap_enquiries ORDER BY 1").fetchall()
    finally:
        con.close()
    return (*tables(FullGpkgStore(path)), enquiries)


def assert_consistent(path: Path) -> None:
    """Every record's version is its number of audit records; seqs are 1..n."""
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        seqs = [r[0] for r in con.execute("SELECT seq FROM parkmap_clearance_audit")]
        assert sorted(seqs) == list(range(1, len(seqs) + 1))
        rows = con.execute(
            "SELECT c.version, (SELECT count(*) FROM parkmap_clearance_audit a "
            "WHERE a.parcel_id = c.parcel_id) FROM parkmap_clearance c"
        ).fetchall()
        assert all(version == audited for version, audited in rows)
    finally:
        con.close()


def test_backup_then_restore_round_trips(store: FullGpkgStore, tmp_path: Path):
    edit(store, 3)
    store.enquiries.add(
        EnquiryDraft("p-1", None, "An", "", "an@example.com", "Hello", "en", "c")
    )
    saved = snapshot(store.path)
    summary = backup(store.path, tmp_path / "b.gpkg")
    layers = len(store.layers())  # the sample's 13 (6 before issue 19's)
    assert (summary.audit, summary.enquiries, summary.layers) == (3, 1, layers)
    edit(store, 2, note="after")
    restore(store.path, tmp_path / "b.gpkg")
    assert snapshot(store.path) == saved


class Writer(threading.Thread):
    """Edits one parcel over and over until stopped."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.store = FullGpkgStore(path)
        self.stop = threading.Event()
        self.edits = 0

    def run(self) -> None:
        parcel = self.store.clearance.records()[0].parcel_id
        while not self.stop.is_set():
            current = self.store.clearance.record(parcel)
            try:
                self.store.clearance.update(
                    parcel, current.version, {"note": str(self.edits)}, user="w"
                )
            except StaleEdit:  # pragma: no cover - one writer only
                continue
            self.edits += 1
        self.store.close()


def test_a_backup_taken_while_a_planner_edits_is_consistent(
    editable_store: Path, tmp_path: Path
):
    writer = Writer(editable_store)
    writer.start()
    try:
        while writer.edits < 3:
            writer.stop.wait(0.01)
        before = writer.edits
        for i in range(3):
            backup(editable_store, tmp_path / f"b{i}.gpkg", pages=4)
        during = writer.edits - before
    finally:
        writer.stop.set()
        writer.join(timeout=30)
    assert during > 0  # the writer committed while the backups ran
    for i in range(3):
        assert_consistent(tmp_path / f"b{i}.gpkg")
        assert check_store_file(tmp_path / f"b{i}.gpkg").audit >= 3
    assert_consistent(editable_store)


def test_a_store_opened_before_a_restore_sees_the_restored_data(
    store: FullGpkgStore, tmp_path: Path
):
    edit(store, 2)
    backup(store.path, tmp_path / "b.gpkg")
    saved, history = store.clearance.records(), store.clearance.history()
    edit(store, 5, note="later")
    assert len(store.clearance.history()) == 7
    _, kept = restore(store.path, tmp_path / "b.gpkg")
    assert store.clearance.records() == saved
    assert store.clearance.history() == history
    assert kept is not None
    assert check_store_file(kept).audit == 7  # the replaced store, as it was


def test_backup_refuses_an_existing_destination_unless_forced(
    cli, store: FullGpkgStore, tmp_path: Path
):
    dest = tmp_path / "b.gpkg"
    dest.write_text("keep me")
    result = cli.invoke(args=["backup", str(dest)])
    assert result.exit_code != 0
    assert str(dest) in result.output and "--force" in result.output
    assert dest.read_text() == "keep me"
    result = cli.invoke(args=["backup", str(dest), "--force"])
    assert result.exit_code == 0, result.output
    assert "saved" in result.output and "158 clearance records" in result.output
    check_store_file(dest)


def test_backup_into_a_missing_directory_fails_naming_it(cli, tmp_path: Path):
    dest = tmp_path / "nowhere" / "b.gpkg"
    result = cli.invoke(args=["backup", str(dest)])
    assert result.exit_code != 0
    assert str(dest.parent) in result.output
    assert not dest.parent.exists()


def not_sqlite(path: Path, _store: Path) -> None:
    path.write_text("parcel_id,stage\n")


def not_parkmap(path: Path, _store: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE things (x)")
    con.commit()
    con.close()


def corrupt(path: Path, store: Path) -> None:
    data = bytearray(store.read_bytes())
    data[4096 * 3 : 4096 * 40] = b"\xff" * (4096 * 37)
    path.write_bytes(bytes(data))


def truncated(path: Path, store: Path) -> None:
    data = store.read_bytes()
    path.write_bytes(data[: len(data) // 3])


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (None, "no such file"),
        (not_sqlite, "not a SQLite file"),
        (not_parkmap, "not a parkmap store"),
        (corrupt, "corrupt"),
        (truncated, "corrupt"),
    ],
)
def test_restore_refuses_a_bad_source_and_changes_nothing(
    cli, editable_store: Path, tmp_path: Path, make, words: str
):
    src = tmp_path / "bad.gpkg"
    if make is not None:
        make(src, editable_store)
    before = digest(editable_store)
    result = cli.invoke(args=["restore", str(src), "--yes"])
    assert result.exit_code != 0
    assert str(src) in result.output and words in result.output
    assert digest(editable_store) == before
    assert sorted(p.name for p in editable_store.parent.iterdir()) == [
        "parkmap.gpkg",
    ]


def test_restore_asks_unless_yes(cli, store: FullGpkgStore, tmp_path: Path):
    backup(store.path, tmp_path / "b.gpkg")
    edit(store, 1)
    before = digest(store.path)
    result = cli.invoke(args=["restore", str(tmp_path / "b.gpkg")], input="n\n")
    assert result.exit_code != 0
    assert digest(store.path) == before
    result = cli.invoke(args=["restore", str(tmp_path / "b.gpkg")], input="y\n")
    assert result.exit_code == 0, result.output
    assert store.clearance.history() == []
    assert "kept as" in result.output


def test_restore_no_keep_leaves_no_copy(cli, store: FullGpkgStore, tmp_path: Path):
    backup(store.path, tmp_path / "b.gpkg")
    result = cli.invoke(
        args=["restore", str(tmp_path / "b.gpkg"), "--yes", "--no-keep"]
    )
    assert result.exit_code == 0, result.output
    assert not list(store.path.parent.glob("*.before-restore-*"))


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            ["backup", "heza.dump"],
            "pg_dump -Fc -n pm -f heza.dump "
            "'postgresql://u@db:5432/heza?sslmode=require'",
        ),
        (
            ["restore", "heza.dump", "--yes"],
            "pg_restore --clean --if-exists -d "
            "'postgresql://u@db:5432/heza?sslmode=require' heza.dump",
        ),
    ],
)
def test_on_postgis_the_commands_print_pg_tools(
    tmp_path: Path, command: list[str], expected: str
):
    url = "postgresql://u:secret@db:5432/heza?schema=pm&pool_max=3&sslmode=require"
    app = create_app({"TESTING": True, "STORE": url, **isolated(tmp_path)})
    result = app.test_cli_runner().invoke(args=command)
    assert result.exit_code != 0
    assert expected in result.output
    assert "secret" not in result.output
