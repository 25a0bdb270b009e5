"""PostGIS store basics: where it is (URL → conninfo, schema, pool) and its migrations.

A store lives in one PostgreSQL schema (``parkmap`` unless the URL says
``?schema=...``): a table per layer plus the ``parkmap_*`` tables. The layout of those
tables is versioned in ``parkmap_schema``; ``MIGRATIONS`` lists the numbered steps
from an empty schema to the current layout. A build applies them all to the schema
it writes; opening a store built by an older version applies the ones it lacks.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
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
STATE = "parkmap_clearance"
AUDIT = "parkmap_clearance_audit"
ENQUIRIES = "parkmap_enquiries"
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
    """Layer metadata, the build's facts, clearance records and their audit."""
    s = sql.Identifier(schema)
    statements = [
        "CREATE TABLE {s}.parkmap_layers (pos integer NOT NULL, "
        "name text PRIMARY KEY, info text NOT NULL)",
        "CREATE TABLE {s}.parkmap_build (key text PRIMARY KEY, value text NOT NULL)",
        "CREATE TABLE {s}.parkmap_clearance (parcel_id text PRIMARY KEY, "
        "park_id text NOT NULL, area_ha double precision NOT NULL, "
        "stage text NOT NULL, "
        "cleared_ha double precision NOT NULL CHECK (cleared_ha >= 0), "
        "households_affected bigint, households_relocated bigint, "
        "target_date text, note text NOT NULL DEFAULT '', "
        "version integer NOT NULL, updated_at text NOT NULL, "
        "updated_by text NOT NULL)",
        "CREATE INDEX ON {s}.parkmap_clearance (park_id)",
        # seq is given under the store's edit counter (see pg_clearance), so the
        # order of seq is the order of commits.
        "CREATE TABLE {s}.parkmap_clearance_audit (seq bigint PRIMARY KEY, "
        "parcel_id text NOT NULL, park_id text NOT NULL, version integer NOT NULL, "
        'at text NOT NULL, "user" text NOT NULL, reason text NOT NULL, '
        "before text NOT NULL, after text NOT NULL)",
        "CREATE INDEX ON {s}.parkmap_clearance_audit (parcel_id, seq)",
        "CREATE INDEX ON {s}.parkmap_clearance_audit (park_id, seq)",
    ]
    for text in statements:
        con.execute(sql.SQL(text).format(s=s))  # type: ignore[arg-type]


def _v2(con: psycopg.Connection, schema: str) -> None:
    """Investors' enquiries (``pg_enquiries``; times as ISO text, compared as bytes)."""
    table = ident(schema, ENQUIRIES)
    con.execute(
        sql.SQL(
            "CREATE TABLE {} ("
            "id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
            'created_at text COLLATE "C" NOT NULL, parcel_id text NOT NULL, '
            "park_id text, name text NOT NULL, company text NOT NULL DEFAULT '', "
            "email text NOT NULL, message text NOT NULL, "
            "lang text NOT NULL DEFAULT '', client text NOT NULL DEFAULT '')"
        ).format(table)
    )
    con.execute(sql.SQL("CREATE INDEX ON {} (client, created_at)").format(table))


def _v3(con: psycopg.Connection, schema: str) -> None:
    """The land search's covering index, for stores built before builds made it.

    A new store gets it from its build (the layers come after the migrations).
    """
    # pg_land imports this module, so not at the top
    from layers.land.postgis import add_land_index  # noqa: PLC0415

    add_land_index(con, schema)


Migration = Callable[[psycopg.Connection, str], None]
MIGRATIONS: tuple[tuple[int, str, Migration], ...] = (
    (1, "layers, build, clearance and audit tables", _v1),
    (2, "investors' enquiries", _v2),
    (3, "the land search's covering index on parcels", _v3),
)


def latest() -> int:
    """The layout version this code writes and expects."""
    return MIGRATIONS[-1][0]


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


def migrate(con: psycopg.Connection, schema: str, create: bool = False) -> list[int]:
    """Bring ``schema`` to the current layout, in the caller's transaction.

    Args:
        con: a connection inside a transaction.
        schema: the store's schema.
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
    for version, description, step in MIGRATIONS:
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
