"""A GeoPackage's connections: a reader per thread, one writer at a time, the lock.

Every part of the GeoPackage store (the core and each stored feature) reads and
writes through one ``GpkgConnection``. Writers and the build share a file lock
(``<store>.lock``): a build copies what people wrote into the new file and renames
it while holding it, so no write lands in a file about to be replaced.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from layers.errors import StoreUnavailable
from layers.store.gpkg_format import decode_gpkg_geometry

T = TypeVar("T")
LOCK_TIMEOUT_S = 60.0
MMAP_BYTES = 1 << 30


@contextlib.contextmanager
def write_lock(store_path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the store's write lock (``<store>.lock``), shared by builds and edits.

    Args:
        store_path: the GeoPackage.
        timeout: seconds to wait (default ``LOCK_TIMEOUT_S``).

    Raises:
        StoreUnavailable: the lock was not free within ``timeout`` seconds.
    """
    timeout = LOCK_TIMEOUT_S if timeout is None else timeout
    lock_path = Path(store_path).with_name(Path(store_path).name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreUnavailable(
                        f"{store_path} is locked by a build or another edit "
                        f"for over {timeout:.0f} s; try again"
                    ) from None
                time.sleep(0.001)
        yield
    finally:
        os.close(fd)  # releases the lock


def gpkg_functions(con: sqlite3.Connection) -> None:
    """Define the SQL functions the GeoPackage R-tree triggers name.

    GDAL's triggers call ST_IsEmpty/ST_MinX/...; SQLite compiles every trigger of
    a table when an UPDATE is prepared, so a plain connection needs them defined
    even though changing attributes never fires them.
    """

    def bound(index: int) -> Any:
        def fn(blob: bytes | None) -> float | None:
            if blob is None:
                return None
            return float(decode_gpkg_geometry(blob).bounds[index])

        return fn

    con.create_function(
        "ST_IsEmpty",
        1,
        lambda b: None if b is None else int(decode_gpkg_geometry(b).is_empty),
        deterministic=True,
    )
    for i, name in enumerate(("ST_MinX", "ST_MinY", "ST_MaxX", "ST_MaxY")):
        con.create_function(name, 1, bound(i), deterministic=True)


def connect_writer(store_path: Path) -> sqlite3.Connection:
    """A read-write connection in autocommit mode (transactions are explicit)."""
    con = sqlite3.connect(store_path, timeout=30, isolation_level=None)
    con.execute("PRAGMA busy_timeout = 30000")
    gpkg_functions(con)
    return con


def _open_reader(path: Path) -> sqlite3.Connection:
    """A connection for reads: read-write capable when the file allows.

    Readers never write, but one that can will roll back the hot journal an edit
    killed mid-transaction leaves behind; a read-only one would fail instead.
    """
    try:
        con = sqlite3.connect(f"file:{path}?mode=rw", uri=True, check_same_thread=False)
        con.execute("PRAGMA schema_version").fetchone()
        return con
    except sqlite3.OperationalError:  # a read-only file or directory
        uri = f"file:{path}?mode=ro"
        return sqlite3.connect(uri, uri=True, check_same_thread=False)


class GpkgConnection:
    """The connections to one GeoPackage file, shared by the core and the features."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()

    def file_stamp(self) -> tuple[int, int]:
        """The file's (inode, device).

        A build replaces the file by rename (new inode); an edit changes it in
        place, which ``reader`` sees through data_version instead.

        Raises:
            StoreUnavailable: there is no file.
        """
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise StoreUnavailable(
                f"no store at {self.path}: run 'flask --app webmap build' first"
            ) from None
        return (st.st_ino, st.st_dev)

    def reader(self) -> sqlite3.Connection:
        """This thread's connection, reopened when the file was replaced.

        ``stamp`` then also carries SQLite's data_version, which moves when any
        other connection (an edit, in any process) commits, so the per-thread
        caches keyed on it (``cached``) see edits even within one mtime tick.
        """
        con = getattr(self._local, "con", None)
        if con is not None and getattr(self._local, "held", False):
            return con  # checked once already in this request (``hold``)
        stamp = self.file_stamp()
        if con is None or getattr(self._local, "file_stamp", None) != stamp:
            if con is not None:
                con.close()
            con = _open_reader(self.path)
            # Read-only: map the file, so page reads are memory reads shared by all
            # worker processes instead of a pread() each into a small private cache.
            con.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
            con.execute("PRAGMA busy_timeout = 10000")  # an edit may be committing
            self._local.con, self._local.file_stamp = con, stamp
        version = con.execute("PRAGMA data_version").fetchone()[0]
        self._local.stamp = (*stamp, version)
        self._local.held = getattr(self._local, "holding", False)
        return con

    def hold(self) -> None:
        """Check the file on the next ``reader`` call only, until ``release``.

        One request then sees one state of the store (the web app holds from its
        first store call to the end of the request) and pays for one check instead
        of one per store call. A ``writer`` releases: after an edit, reads check
        again and see it.
        """
        self._local.holding = True

    def release(self) -> None:
        """Check the file on every ``reader`` call again."""
        self._local.holding = self._local.held = False

    @property
    def stamp(self) -> tuple[int, int, int]:
        """(inode, device, data_version) as this thread's last ``reader`` saw them."""
        return self._local.stamp

    def cached(self, key: str, make: Callable[[], T]) -> T:
        """This thread's value of ``key``, made again when ``stamp`` moved.

        Call after ``reader``: the value belongs to the data that reader sees.
        """
        found = getattr(self._local, "cache", {}).get(key)
        if found is not None and found[0] == self.stamp:
            return found[1]
        value = make()
        if not hasattr(self._local, "cache"):
            self._local.cache = {}
        self._local.cache[key] = (self.stamp, value)
        return value

    @contextlib.contextmanager
    def writer(self) -> Iterator[sqlite3.Connection]:
        """The writer: a connection to the live file, opened under the write lock.

        Raises:
            StoreUnavailable: the lock stayed taken (a long build).
        """
        with write_lock(self.path):
            con = connect_writer(self.path)  # opened under the lock: the live file
            try:
                yield con
            finally:
                con.close()
                self._local.held = False  # the next read sees this edit

    def close(self) -> None:
        """Close this thread's reader."""
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None
