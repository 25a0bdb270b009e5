"""What a feature that stores something adds to the store: ``StoredFeature``.

Each feature package (``layers.clearance``, ``layers.land``, ``layers.enquiries``,
``layers.imagery``, ``layers.scenes``) defines one ``StoredFeature`` in its
``__init__``; ``layers.store.catalogue`` lists them, and the build, the migrations
and the backup read what they need from there instead of naming the features.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from layers.store.base import LayerInfo
from layers.store.pg_schema import CORE_MIGRATIONS, Migration, migrations

Report = dict[str, Any] | None  # a build report's entry for the feature, or nothing
GpkgLayerHook = Callable[[sqlite3.Connection, LayerInfo, Path | None], Report]
GpkgStoreHook = Callable[[sqlite3.Connection, Path | None], Report]
GpkgLastEdit = Callable[[sqlite3.Connection], int]
GpkgEditedRows = Callable[[sqlite3.Connection, LayerInfo, int], list[tuple] | None]
PgLayerHook = Callable[[psycopg.Connection, str, LayerInfo], None]
PgSwapHook = Callable[
    [psycopg.Connection, str, str | None, Sequence[LayerInfo]], Report
]
PgLastEdit = Callable[[psycopg.Connection, str], int]
# (data directory, ids of each layer's features) → what a first build stores
SeedReader = Callable[[Path, Mapping[str, Sequence[str]]], Any]
GpkgSeedHook = Callable[[sqlite3.Connection, Any], Report]
PgSeedHook = Callable[[psycopg.Connection, str, Any], Report]


@dataclass(frozen=True, slots=True)
class StoredFeature:
    """One feature's tables, migrations, rebuild and backup rules, per backend.

    Attributes:
        name: the feature's name; also its key in the build report.
        tables: its tables (the same names in a GeoPackage and a PostGIS schema).
        carried: those of ``tables`` whose rows a rebuild copies from the store it
            replaces (what people did in the running service).
        backed_up: those of ``tables`` that only the store holds, so what a backup
            of the store is for.
        files: what it keeps as files beside the store instead of tables; a
            rebuild leaves them as they are and a store backup does not hold them.
        pg_migrations: its steps of the PostGIS layout, (version, description,
            step); steps of one version from several features run together.
        gpkg_layer: at build time, for each layer written to a new GeoPackage
            (before its indexes and GeoJSON texts): create tables, carry rows over
            from the old file; answers the report entry or None.
        gpkg_store: at build time, once after the layers (same contract).
        gpkg_last_edit: the number of the last in-place edit of a layer row
            (``build_id`` follows it, so caches see edits).
        gpkg_edited_rows: rows (fid, *tile fields) of a layer edited after an edit
            number; None when the feature never edits that layer.
        pg_layer: at build time, for each layer table written to the new schema.
        pg_swap: at build time, holding the store's lock, just before the new
            schema replaces ``old`` (None on a first build): carry rows over;
            answers the report entry or None.
        pg_last_edit: the last edit number in a schema (the build's edit counter
            starts there).
        seed: at build time, before anything is written: read what the feature
            starts a store with from the data directory (given the ids of each
            layer's features), checked; raises ``BuildFailed`` naming file and
            key, so a bad file leaves the store untouched.
        gpkg_seed: after ``gpkg_store``, with what ``seed`` read: store it if the
            new file holds none of the feature's rows (a first build); answers
            the report entry (merged into the feature's) or None.
        pg_seed: after ``pg_swap``, in the new schema (same contract).
    """

    name: str
    tables: tuple[str, ...] = ()
    carried: tuple[str, ...] = ()
    backed_up: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    pg_migrations: tuple[Migration, ...] = ()
    gpkg_layer: GpkgLayerHook | None = None
    gpkg_store: GpkgStoreHook | None = None
    gpkg_last_edit: GpkgLastEdit | None = None
    gpkg_edited_rows: GpkgEditedRows | None = None
    pg_layer: PgLayerHook | None = None
    pg_swap: PgSwapHook | None = None
    pg_last_edit: PgLastEdit | None = None
    seed: SeedReader | None = None
    gpkg_seed: GpkgSeedHook | None = None
    pg_seed: PgSeedHook | None = None


def pg_migrations(features: Sequence[StoredFeature]) -> tuple[Migration, ...]:
    """The PostGIS layout's steps: the core's, then the features', by version."""
    return migrations(CORE_MIGRATIONS, *(f.pg_migrations for f in features))
