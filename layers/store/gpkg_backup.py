"""Back up and restore a GeoPackage store while the service runs.

A backup uses SQLite's online backup API: pages are copied in steps, and when
another connection (an edit, in any process) commits between two steps SQLite
starts the copy again, so the result is always one committed state of the store.
If edits keep restarting it, the last attempt copies everything in one step,
which holds a read lock for that step only (edits wait, within their busy timeout).
The copy goes to a temporary file beside the destination, is checked
(``PRAGMA integrity_check``, and that it opens as a store) and only then renamed.

A restore checks the source the same way, copies it beside the store and renames
it over the store while holding the store's write lock, as a build does: edits wait,
and open workers see the new inode and reopen. The old file is kept under a
``.before-restore-<timestamp>`` name unless asked not to.

What only the store holds, and so what a backup is for: the tables the stored
features name in ``StoredFeature.backed_up`` (the planners' clearance records and
their audit, investors' enquiries, the reporting periods). A build recreates the
rest. Files the features keep beside the store (imagery, 360° scenes) are not in it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geo.io import atomic_output
from layers.clearance import CLEARANCE
from layers.enquiries import ENQUIRIES
from layers.errors import BackupError
from layers.periods import PERIODS
from layers.store.gpkg_connection import write_lock
from layers.store.gpkg_format import quote

logger = logging.getLogger(__name__)

STEP_PAGES = 256  # 1 MiB of 4 KiB pages per step: edits get in between steps
MAX_RESTARTS = 5  # then copy the rest in one step (see the module docstring)
REQUIRED = ("parkmap_layers", "parkmap_build")
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True, slots=True)
class StoreSummary:
    """What a store file holds (printed after a backup or a restore)."""

    path: Path
    layers: int
    clearance: int
    audit: int
    enquiries: int
    periods: int
    size: int

    def describe(self) -> str:
        """One line for the operator."""
        return (
            f"{self.path}: {self.layers} layers, {self.clearance} clearance records, "
            f"{self.audit} audit records, {self.enquiries} enquiries, "
            f"{self.periods} reporting periods, "
            f"{self.size / 1e6:.1f} MB"
        )


class _Restarted(Exception):
    """Raised from the progress callback to stop a backup that keeps restarting."""


@contextlib.contextmanager
def _connect(path: Path, *, read_only: bool) -> Iterator[sqlite3.Connection]:
    """A connection to ``path`` that never creates it (closed on the way out)."""
    mode = "ro" if read_only else "rw"
    try:
        con = sqlite3.connect(f"file:{path}?mode={mode}", uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: cannot open: {exc}") from None
    try:
        con.execute("PRAGMA busy_timeout = 30000")
        yield con
    finally:
        con.close()


def _count(con: sqlite3.Connection, table: str, tables: set[str]) -> int:
    if table not in tables:
        return 0
    return int(con.execute(f"SELECT count(*) FROM {quote(table)}").fetchone()[0])


def check_store_file(path: Path) -> StoreSummary:
    """Check that ``path`` is an intact parkmap GeoPackage; summarise it.

    Raises:
        BackupError: missing, not SQLite, corrupt, or not a parkmap store (the
            message names the path).
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    with path.open("rb") as fh:
        if fh.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise BackupError(f"{path}: not a SQLite file")
    try:
        with _connect(path, read_only=True) as con:
            problems = [r[0] for r in con.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"{path}: corrupt: {'; '.join(problems[:5])}")
            sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
            tables = {r[0] for r in con.execute(sql)}
            missing = [t for t in REQUIRED if t not in tables]
            if missing:
                raise BackupError(
                    f"{path}: not a parkmap store (no {', '.join(missing)} table)"
                )
            state, audit = CLEARANCE.backed_up
            (enquiries,) = ENQUIRIES.backed_up
            periods = PERIODS.backed_up[0]  # one row per period
            return StoreSummary(
                path,
                _count(con, REQUIRED[0], tables),
                _count(con, state, tables),
                _count(con, audit, tables),
                _count(con, enquiries, tables),
                _count(con, periods, tables),
                path.stat().st_size,
            )
    except sqlite3.DatabaseError as exc:  # e.g. a truncated or garbled file
        raise BackupError(f"{path}: corrupt or not a store: {exc}") from None


def _copy(source: sqlite3.Connection, target: Path, pages: int) -> None:
    """Copy ``source`` into ``target`` with the online backup API, in steps."""
    restarts, last = 0, None

    def progress(_status: int, remaining: int, total: int) -> None:
        nonlocal restarts, last
        if last is not None and remaining > last:  # another connection committed
            restarts += 1
            logger.info("backup restarted by an edit (%d)", restarts)
            if restarts > MAX_RESTARTS:
                raise _Restarted
        last = remaining
        logger.info("backup: %d of %d pages copied", total - remaining, total)

    dest = sqlite3.connect(target)
    try:
        try:
            source.backup(dest, pages=pages, progress=progress)
        except _Restarted:
            logger.info("edits keep restarting the backup: copying in one step")
            source.backup(dest, pages=-1)
        dest.execute("PRAGMA journal_mode = DELETE")  # one file, as the build writes
    finally:
        dest.close()


def backup(
    store: Path, dest: Path, *, force: bool = False, pages: int = STEP_PAGES
) -> StoreSummary:
    """Write a consistent copy of the live ``store`` to ``dest`` atomically.

    Args:
        store: the GeoPackage the service uses (may be read and edited meanwhile).
        dest: the backup file to write.
        force: replace ``dest`` if it exists.
        pages: pages copied per step.

    Returns:
        What the backup holds.

    Raises:
        BackupError: the store is unusable, ``dest`` exists (without ``force``) or
            its directory does not; the copy failed its check. Nothing is written.
    """
    store, dest = Path(store), Path(dest)
    if not dest.parent.is_dir():
        raise BackupError(f"{dest}: directory {dest.parent} does not exist")
    if dest.is_dir():
        raise BackupError(f"{dest}: is a directory")
    if dest.exists() and not force:
        raise BackupError(f"{dest} exists; use --force to replace it")
    if not store.is_file():
        raise BackupError(f"{store}: no store to back up")
    with atomic_output(dest) as tmp:
        # Read-write, so a hot journal a killed edit left is rolled back first.
        with _connect(store, read_only=False) as source:
            try:
                _copy(source, tmp, pages)
            except sqlite3.Error as exc:
                raise BackupError(
                    f"backup of {store} to {dest} failed: {exc}"
                ) from None
        checked = check_store_file(tmp)
    summary = StoreSummary(dest, *_counts(checked), dest.stat().st_size)
    logger.info("backed up %s", summary.describe())
    return summary


def _counts(summary: StoreSummary) -> tuple[int, int, int, int, int]:
    return (
        summary.layers,
        summary.clearance,
        summary.audit,
        summary.enquiries,
        summary.periods,
    )


def _kept_name(store: Path) -> Path:
    """``<store>.before-restore-<UTC timestamp>`` that does not exist yet."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = store.with_name(f"{store.name}.before-restore-{stamp}")
    n = 1
    while kept.exists():
        n += 1
        kept = store.with_name(f"{store.name}.before-restore-{stamp}-{n}")
    return kept


def _settle_old(store: Path) -> None:
    """Roll back a hot journal a killed edit left, so it cannot touch the new file."""
    if not store.is_file():
        return
    try:
        with _connect(store, read_only=False) as con:
            con.execute("PRAGMA schema_version").fetchone()
    except (sqlite3.DatabaseError, BackupError):  # a broken store: replace it anyway
        logger.warning("%s could not be opened; replacing it as it is", store)


def _keep(store: Path) -> Path | None:
    """Keep the current store under a new name (a hard link: same inode)."""
    if not store.is_file():
        return None
    kept = _kept_name(store)
    try:
        os.link(store, kept)
    except OSError:  # a file system without hard links
        shutil.copy2(store, kept)
    return kept


def restore(
    store: Path, src: Path, *, keep: bool = True
) -> tuple[StoreSummary, Path | None]:
    """Replace ``store`` with the backup ``src``, atomically, under the write lock.

    Args:
        store: the GeoPackage the service uses (need not exist).
        src: a backup written by ``backup`` (or any parkmap store).
        keep: keep the replaced store as ``<store>.before-restore-<timestamp>``.

    Returns:
        What the store now holds, and where the old one was kept (None if not).

    Raises:
        BackupError: ``src`` is missing, not SQLite, corrupt or not a parkmap
            store; nothing is changed.
        StoreUnavailable: the write lock stayed taken (a build or a long edit).
    """
    store, src = Path(store), Path(src)
    check_store_file(src)
    if store.resolve() == src.resolve():
        raise BackupError(f"{src} is the store itself")
    if not store.parent.is_dir():
        raise BackupError(f"{store}: directory {store.parent} does not exist")
    with write_lock(store), atomic_output(store) as tmp:
        with _connect(src, read_only=True) as source:
            _copy(source, tmp, -1)
        restored = check_store_file(tmp)
        _settle_old(store)
        kept = _keep(store) if keep else None
    summary = StoreSummary(store, *_counts(restored), store.stat().st_size)
    logger.info("restored %s from %s (old store kept as %s)", store, src, kept)
    return summary, kept
