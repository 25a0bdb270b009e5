"""The build's PostGIS writer: a new schema, filled in one transaction, swapped in.

Everything goes into a schema of its own (``<schema>__new_<token>``): the layout
(``pg_schema.migrate``), a table per layer with its indexes and GeoJSON texts, the
layer metadata and the build's facts. Then, still in the same transaction and holding
the store's advisory lock alone (edits take it shared, so none is in flight), each
stored feature copies the rows people made in the running service from the old
schema (``StoredFeature.pg_swap``: clearance records and their audit, investors'
enquiries), the old schema is renamed away and dropped, and the new one takes the
store's name. Readers see the old
store or the new one, never a mix; a build that fails leaves the old store as it was.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import psycopg
from psycopg import sql

from layers.errors import StoreUnavailable
from layers.store.base import LayerInfo
from layers.store.feature import StoredFeature, pg_migrations
from layers.store.pg_layers import write_layer
from layers.store.pg_schema import (
    EDITS,
    META_BUILD,
    META_LAYERS,
    PgLocation,
    ident,
    lock_key,
    migrate,
    schema_version,
)

logger = logging.getLogger(__name__)

SWAP_LOCK_TIMEOUT_S = 300.0  # a build waits this long for edits in flight


def ensure_postgis(con: psycopg.Connection) -> None:
    """Create the PostGIS extension if the database lacks it (needs the right).

    Raises:
        StoreUnavailable: it is missing and this role may not create it.
    """
    row = con.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone()
    if row:
        return
    try:
        with con.transaction():
            con.execute("CREATE EXTENSION postgis")
    except psycopg.errors.InsufficientPrivilege:
        raise StoreUnavailable(
            "the database has no PostGIS: ask its owner to run CREATE EXTENSION postgis"
        ) from None


def _meta(
    con: psycopg.Connection,
    schema: str,
    frames: Sequence[tuple[LayerInfo, gpd.GeoDataFrame]],
) -> None:
    with con.cursor() as cur:
        cur.executemany(
            sql.SQL("INSERT INTO {} VALUES (%s, %s, %s)").format(
                ident(schema, META_LAYERS)
            ),
            [(pos, info.name, info.to_json()) for pos, (info, _) in enumerate(frames)],
        )


def _facts(
    con: psycopg.Connection,
    schema: str,
    report: dict[str, Any],
    features: Sequence[StoredFeature],
) -> None:
    """The build id, the report and the edit counter (the last edit's number)."""
    last = max(
        (f.pg_last_edit(con, schema) for f in features if f.pg_last_edit),
        default=0,
    )
    facts = [
        ("build_id", uuid.uuid4().hex),
        ("report", json.dumps(report, ensure_ascii=False)),
        (EDITS, str(last)),
    ]
    with con.cursor() as cur:
        cur.executemany(
            sql.SQL("INSERT INTO {} VALUES (%s, %s)").format(ident(schema, META_BUILD)),
            facts,
        )


def _swap(con: psycopg.Connection, new: str, target: str, token: str) -> None:
    """Give ``new`` the store's name; the schema it replaces is dropped."""
    if schema_version(con, target) is not None:
        old = f"{target}__old_{token}"
        con.execute(
            sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
                sql.Identifier(target), sql.Identifier(old)
            )
        )
        con.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(old)))
    con.execute(
        sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
            sql.Identifier(new), sql.Identifier(target)
        )
    )


def _check_target(con: psycopg.Connection, target: str) -> None:
    """Refuse to replace a schema that is not a parkmap store (never drop theirs)."""
    if schema_version(con, target) is None and _exists(con, target):
        raise StoreUnavailable(
            f"schema '{target}' exists and holds no parkmap store: "
            "name another one with ?schema=... or drop it"
        )


def _exists(con: psycopg.Connection, schema: str) -> bool:
    row = con.execute(
        "SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)
    ).fetchone()
    return row is not None


def _carry_feature(
    con: psycopg.Connection,
    schemas: tuple[str, str | None],
    infos: Sequence[LayerInfo],
    feature: StoredFeature,
    *,
    seeds: Mapping[str, Any],
    report: dict[str, Any],
) -> None:
    """A feature's ``pg_swap`` (carry over) then ``pg_seed``, into the report."""
    new, old = schemas
    entries = []
    if feature.pg_swap is not None:
        entries.append(feature.pg_swap(con, new, old, infos))
    if feature.pg_seed is not None and feature.name in seeds:
        entries.append(feature.pg_seed(con, new, seeds[feature.name]))
    for entry in entries:
        if entry is not None:
            report.setdefault(feature.name, {}).update(entry)


def write_postgis(
    url: str,
    frames: Sequence[tuple[LayerInfo, gpd.GeoDataFrame]],
    report: dict[str, Any],
    features: Sequence[StoredFeature] = (),
    seeds: Mapping[str, Any] | None = None,
) -> None:
    """Write all layers and their metadata to the store at ``url``, atomically.

    Args:
        url: ``postgresql://...`` (see ``pg_schema.PgLocation``).
        frames: (metadata, GeoDataFrame in EPSG:4326) per layer, in order.
        report: the build report, stored in the ``parkmap_build`` table; each
            feature's entry is added to it under the feature's name.
        features: the stored features whose tables the store carries (their
            migrations and ``pg_layer``/``pg_swap``/``pg_seed`` hooks run here).
        seeds: what each feature's ``seed`` read, by feature name.

    Raises:
        StoreUnavailable: the database cannot be reached or lacks PostGIS.
    """
    location = PgLocation.parse(url)
    target, token = location.schema, uuid.uuid4().hex[:12]
    new = f"{target}__new_{token}"
    try:
        con = psycopg.connect(location.conninfo)
    except psycopg.OperationalError as exc:
        raise StoreUnavailable(f"cannot reach {location.redacted()}: {exc}") from None
    with con:
        ensure_postgis(con)
        _check_target(con, target)
        steps = pg_migrations(features)
        migrate(con, new, steps, create=True)
        for info, gdf in frames:
            logger.info("writing %s (%d features)", info.name, len(gdf))
            write_layer(con, new, info, gdf)
            for feature in features:
                if feature.pg_layer is not None:
                    feature.pg_layer(con, new, info)
        _meta(con, new, frames)
        # From here on edits wait: their rows are copied and the schemas swapped.
        con.execute(
            sql.SQL("SET LOCAL lock_timeout = {}").format(
                sql.Literal(f"{int(SWAP_LOCK_TIMEOUT_S * 1000)}ms")
            )
        )
        con.execute(
            sql.SQL("SELECT pg_advisory_xact_lock({})").format(lock_key(target))
        )
        _check_target(con, target)
        old = target if schema_version(con, target) is not None else None
        infos = [info for info, _ in frames]
        for feature in features:
            _carry_feature(
                con, (new, old), infos, feature, seeds=seeds or {}, report=report
            )
        _facts(con, new, report, features)
        _swap(con, new, target, token)
    logger.info("store %s built", location.redacted())
