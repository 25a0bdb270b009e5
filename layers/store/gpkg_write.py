"""The build's GeoPackage writer: every layer, its indexes and texts, then a rename.

Layers go through pyogrio (GDAL) into a temporary file beside the store; each
stored feature adds its tables and carries its rows over from the old file
(``StoredFeature.gpkg_layer`` and ``gpkg_store``); the file replaces the old one
only when complete, under the store's write lock, so no edit lands in the file
being replaced.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio

from geo.io import atomic_output
from layers.store.base import LayerInfo
from layers.store.feature import StoredFeature
from layers.store.gpkg import META_BUILD, META_LAYERS
from layers.store.gpkg_connection import write_lock
from layers.store.gpkg_format import GEOM, quote, register_attributes_table
from layers.store.gpkg_geojson import write_geojson_table

logger = logging.getLogger(__name__)


def write_gpkg(
    path: Path,
    frames: Sequence[tuple[LayerInfo, gpd.GeoDataFrame]],
    report: dict[str, Any],
    features: Sequence[StoredFeature] = (),
    seeds: Mapping[str, Any] | None = None,
) -> None:
    """Write all layers and their metadata to ``path`` atomically.

    Args:
        path: the GeoPackage to create or replace.
        frames: (metadata, GeoDataFrame in EPSG:4326) per layer, in order.
        report: the build report, stored in the ``parkmap_build`` table; each
            feature's entry is added to it under the feature's name.
        features: the stored features whose tables the store carries (their
            ``gpkg_layer``, ``gpkg_store`` and ``gpkg_seed`` hooks run here).
        seeds: what each feature's ``seed`` read, by feature name.
    """
    seeds = seeds or {}
    path.parent.mkdir(parents=True, exist_ok=True)
    # The lock spans reading what the features carry over from the old file and
    # the rename, so no edit lands in the file being replaced.
    with write_lock(path), atomic_output(path) as tmp:
        for info, gdf in frames:
            logger.info("writing %s (%d features)", info.name, len(gdf))
            pyogrio.write_dataframe(
                gdf,
                tmp,
                layer=info.name,
                driver="GPKG",
                layer_options={"GEOMETRY_NAME": GEOM, "SPATIAL_INDEX": "YES"},
            )
        con = sqlite3.connect(tmp)
        try:
            con.execute(
                f"CREATE TABLE {META_LAYERS} "
                "(pos INTEGER, name TEXT PRIMARY KEY, info TEXT)"
            )
            con.execute(f"CREATE TABLE {META_BUILD} (key TEXT PRIMARY KEY, value TEXT)")
            for pos, (info, _) in enumerate(frames):
                con.execute(
                    f"INSERT INTO {META_LAYERS} VALUES (?, ?, ?)",
                    (pos, info.name, info.to_json()),
                )
                for feature in features:
                    if feature.gpkg_layer is not None:
                        _report(report, feature, feature.gpkg_layer(con, info, path))
                _index_fields(con, info)
                write_geojson_table(con, info)
            for feature in features:
                if feature.gpkg_store is not None:
                    _report(report, feature, feature.gpkg_store(con, path))
                if feature.gpkg_seed is not None and feature.name in seeds:
                    _report(
                        report, feature, feature.gpkg_seed(con, seeds[feature.name])
                    )
            con.execute(
                f"INSERT INTO {META_BUILD} VALUES ('build_id', ?)", (uuid.uuid4().hex,)
            )
            con.execute(
                f"INSERT INTO {META_BUILD} VALUES ('report', ?)",
                (json.dumps(report, ensure_ascii=False),),
            )
            register_attributes_table(con, META_LAYERS)
            register_attributes_table(con, META_BUILD)
            con.commit()
        finally:
            con.close()


def _report(
    report: dict[str, Any], feature: StoredFeature, entry: dict[str, Any] | None
) -> None:
    """Add a feature's build figures to the report under its name."""
    if entry is not None:
        report.setdefault(feature.name, {}).update(entry)


def _index_fields(con: sqlite3.Connection, info: LayerInfo) -> None:
    table = quote(info.name)
    con.execute(
        f"CREATE UNIQUE INDEX {quote('ux_' + info.name + '_id')} "
        f"ON {table} ({quote(info.id_field)})"
    )
    for f in info.fields:
        if f.name != info.id_field and (f.allowed or f.name.endswith("_id")):
            con.execute(
                f"CREATE INDEX {quote('ix_' + info.name + '_' + f.name)} "
                f"ON {table} ({quote(f.name)})"
            )
