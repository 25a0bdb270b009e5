"""PostGIS store basics: where it is (URL → conninfo, schema, pool) and its migrations.

A store lives in one PostgreSQL schema (``parkmap`` unless the URL says
``?schema=...``): a table per layer plus the ``parkmap_*`` tables. The layout of those
tables is versioned in ``parkmap_schema``; its migrations are the numbered steps
from an empty schema to the current layout: the core's (``CORE_MIGRATIONS``) and each
stored feature's (``StoredFeature.pg_migrations``), merged by ``migrations``. A build
applies them all to the schema it writes; opening a store built by an older version
applies the ones it lacks.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from layers.errors import StoreUnavailable

logger = logging.getLogger(__name__)

DEFAULT_SCHEMA = "parkmap"
SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,39}")
META_LAYERS = "parkmap_layers"
META_BUILD = "parkmap_build"
VERSIONS = "parkmap_schema"
EDITS = "edits"  # the parkmap_build key of the edit counter (see build_id)
# URL parameters that are ours, not libpq's.
POOL_PARAMETERS = {"schema", "pool_min", "pool_max", "pool_timeout"}


@dataclass(frozen=True, slots=True)
class PgLocation:
    """A PostGIS store's address, parsed from ``PARKMAP_STORE``.

    ``postgresql://user:password@host:port/db?schema=parkmap&pool_max=10`` — libpq
    parameters (``sslmode``, ``connect_timeout``…) pass through; ``schema`` and the
    ``pool_*`` ones are the store's.

    Attributes:
        conninfo: the URL without the store's own parameters, for libpq.
        schema: the schema the store lives in.
        pool_min: connections the pool keeps open.
        pool_max: connections it opens at most (per process).
        pool_timeout: seconds a request waits for a free connection.
    """

    conninfo: str
    schema: str = DEFAULT_SCHEMA
    pool_min: int = 1
    pool_max: int = 10
    pool_timeout: float = 30.0

    @classmethod
    def parse(cls, url: str) -> PgLocation:
        """Parse a ``postgresql://`` URL.

        Raises:
            StoreUnavailable: a store parameter is malformed (the message names it).
        """
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        ours = {k: v for k, v in query if k in POOL_PARAMETERS}
        rest = [(k, v) for k, v in query if k not in POOL_PARAMETERS]
        conninfo = urlunsplit(parts._replace(query=urlencode(rest)))
        schema = ours.get("schema", DEFAULT_SCHEMA)
        if not SCHEMA_NAME.fullmatch(schema):
            raise StoreUnavailable(
                f"store URL: schema must be lower-case letters, digits and _ "
                f"(at most 40), got {schema!r}"
            )
        try:
            pool_min = int(ours.get("pool_min", 1))
            pool_max = int(ours.get("pool_max", 10))
            timeout = float(ours.get("pool_timeout", 30))
        except ValueError as exc:
            raise StoreUnavailable(f"store URL: pool setting: {exc}") from None
        if not 0 <= pool_min <= pool_max or pool_max < 1 or timeout <= 0:
            raise StoreUnavailable(
                "store URL: need 0 ≤ pool_min ≤ pool_max, pool_max ≥ 1, "
                f"pool_timeout > 0 (got {pool_min}, {pool_max}, {timeout})"
            )
        return cls(conninfo, schema, pool_min, pool_max, timeout)

    def redacted(self) -> str:
        """The URL without its password, for reports and logs."""
        parts = urlsplit(self.conninfo)
        if parts.password is None:
            netloc = parts.netloc
        else:
            netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc)) + f"#schema={self.schema}"


def storable(value: object) -> bool:
    """Whether PostgreSQL text can hold ``value`` (not a text with a NUL).

    Nothing stored equals such a text, so callers answer "no match" (as SQLite
    does) instead of sending it and failing.
    """
    return not (isinstance(value, str) and "\x00" in value)


def ident(schema: str, name: str) -> sql.Identifier:
    """``"schema"."name"``."""
    return sql.Identifier(schema, name)


def lock_key(schema: str) -> sql.Composed:
    """The advisory-lock key of a store: edits take it shared, a build's swap alone."""
    return sql.SQL("hashtext({})").format(sql.Literal(f"parkmap:{schema}"))


def _v1(con: psycopg.Connection, schema: str) -> None:
    """Layer metadata and the build's facts."""
    s = sql.Identifier(schema)
    statements = [
        "CREATE TABLE {s}.parkmap_layers (pos integer NOT NULL, "
        "name text PRIMARY KEY, info text NOT NULL)",
        "CREATE TABLE {s}.parkmap_build (key text PRIMARY KEY, value text NOT NULL)",
    ]
    for text in statements:
        con.execute(sql.SQL(text).format(s=s))  # type: ignore[arg-type]


Step = Callable[[psycopg.Connection, str], None]
Migration = tuple[int, str, Step]  # (version, description, step)
CORE_MIGRATIONS: tuple[Migration, ...] = ((1, "layers, build", _v1),)


def migrations(*groups: Sequence[Migration]) -> tuple[Migration, ...]:
    """The core's and the features' steps as one list, by version.

    Steps of one version (the core's and a feature's tables of the first layout)
    run together, in the order of ``groups``, and are recorded as one version.
    """
    by_version: dict[int, list[Migration]] = {}
    for group in groups:
        for migration in group:
            by_version.setdefault(migration[0], []).append(migration)
    merged: list[Migration] = []
    for version in sorted(by_version):
        parts = by_version[version]
        if len(parts) == 1:
            merged.append(parts[0])
            continue
        description = ", ".join(p[1] for p in parts)
        merged.append((version, description, _together(tuple(p[2] for p in parts))))
    return tuple(merged)


def _together(steps: tuple[Step, ...]) -> Step:
    """One step that runs ``steps`` in order."""

    def run(con: psycopg.Connection, schema: str) -> None:
        for step in steps:
            step(con, schema)

    return run


def latest(steps: Sequence[Migration]) -> int:
    """The layout version ``steps`` lead to (what this code writes and expects)."""
    return steps[-1][0]


def schema_version(con: psycopg.Connection, schema: str) -> int | None:
    """The store's layout version; None when the schema holds no store."""
    found = con.execute(
        "SELECT to_regclass(%s) IS NOT NULL", (f'"{schema}".{VERSIONS}',)
    ).fetchone()
    if not found or not found[0]:
        return None
    row = con.execute(
        sql.SQL("SELECT max(version) FROM {}").format(ident(schema, VERSIONS))
    ).fetchone()
    return int(row[0] or 0) if row else 0


def migrate(
    con: psycopg.Connection,
    schema: str,
    steps: Sequence[Migration],
    create: bool = False,
) -> list[int]:
    """Bring ``schema`` to the layout ``steps`` lead to, in the caller's transaction.

    Args:
        con: a connection inside a transaction.
        schema: the store's schema.
        steps: every migration, by version (see ``migrations``).
        create: create the schema and the version table first (a build).

    Returns:
        The versions applied.

    Raises:
        StoreUnavailable: the schema holds no store (and ``create`` is false).
    """
    if create:
        con.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        con.execute(
            sql.SQL(
                "CREATE TABLE {} (version integer PRIMARY KEY, "
                "applied_at timestamptz NOT NULL DEFAULT now(), "
                "description text NOT NULL)"
            ).format(ident(schema, VERSIONS))
        )
    else:  # one migrator at a time per store; the others wait, then find it done
        con.execute(
            sql.SQL("SELECT pg_advisory_xact_lock({})").format(lock_key(schema))
        )
    current = schema_version(con, schema)
    if current is None:
        raise StoreUnavailable(
            f"no parkmap store in schema '{schema}': "
            "run 'flask --app webmap build' first"
        )
    applied = []
    for version, description, step in steps:
        if version > current:
            step(con, schema)
            con.execute(
                sql.SQL("INSERT INTO {} (version, description) VALUES (%s, %s)").format(
                    ident(schema, VERSIONS)
                ),
                (version, description),
            )
            applied.append(version)
    if applied and not create:
        logger.info("store schema %s migrated to version %d", schema, applied[-1])
    return applied
