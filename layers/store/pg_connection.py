"""A PostGIS store's connections: one pool per process, shared by every part.

The core and each stored feature take connections from one ``PgConnection``
(``psycopg_pool``; ``pool_min``/``pool_max`` in the URL), so web workers keep no
state of their own. Writers take the store's advisory lock shared
(``take_edit_lock``); a build's swap takes it alone.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

from layers.errors import StoreUnavailable
from layers.store.pg_schema import PgLocation, lock_key

CONNECT_TIMEOUT_S = 10
LOCK_TIMEOUT_S = 60.0


def _configure(con: psycopg.Connection) -> None:
    """Session settings of every pooled connection.

    JIT compilation is off: the planner's cost of ``ST_AsMVTGeom`` puts a dense
    tile's query above ``jit_above_cost``, and compiling it then takes longer
    (40 ms and more) than these short queries ever gain.
    """
    con.execute("SET jit = off")
    con.commit()


def take_edit_lock(con: psycopg.Connection, schema: str, timeout_s: float) -> None:
    """Take the store's lock shared, waiting at most ``timeout_s`` for a build.

    Raises:
        StoreUnavailable: a build held it for longer.
    """
    con.execute(
        sql.SQL("SET LOCAL lock_timeout = {}").format(
            sql.Literal(f"{int(timeout_s * 1000)}ms")
        )
    )
    try:
        con.execute(
            sql.SQL("SELECT pg_advisory_xact_lock_shared({})").format(lock_key(schema))
        )
    except psycopg.errors.LockNotAvailable:
        raise StoreUnavailable(
            f"store '{schema}' is locked by a build for over {timeout_s:.0f} s; "
            "try again"
        ) from None


class PgConnection:
    """The pool of one PostGIS store, opened on first use.

    Attributes:
        location: where the store is.
        schema: its schema.
        lock_timeout_s: how long a write waits for a build's swap.
    """

    def __init__(self, location: PgLocation):
        self.location = location
        self.schema = location.schema
        self.lock_timeout_s = LOCK_TIMEOUT_S
        self._lock = threading.Lock()
        self._pool: ConnectionPool | None = None

    def pool(self) -> ConnectionPool:
        """The pool, opened now if it is not yet."""
        with self._lock:
            if self._pool is None:
                loc = self.location
                self._pool = ConnectionPool(
                    loc.conninfo,
                    min_size=loc.pool_min,
                    max_size=loc.pool_max,
                    timeout=loc.pool_timeout,
                    kwargs={"connect_timeout": CONNECT_TIMEOUT_S},
                    check=ConnectionPool.check_connection,
                    configure=_configure,
                    name=f"parkmap-{self.schema}",
                    open=True,
                )
            return self._pool

    @contextlib.contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """A pooled connection; its transaction commits at the end of the block.

        Raises:
            StoreUnavailable: the database is unreachable or the store went away.
        """
        try:
            with self.pool().connection() as con:
                yield con
        except psycopg.OperationalError as exc:
            if isinstance(exc, psycopg.errors.LockNotAvailable):
                raise
            raise StoreUnavailable(
                f"database {self.location.redacted()}: {exc}"
            ) from None
        except psycopg.errors.UndefinedTable as exc:  # the schema went away
            raise StoreUnavailable(f"store '{self.schema}' is gone: {exc}") from None

    def close(self) -> None:
        """Close the pool (a later call opens a new one)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
