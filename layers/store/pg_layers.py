"""One layer as a PostGIS table: columns, COPY, indexes and pre-rendered GeoJSON.

A layer table holds ``fid`` (the row's position in the build, the store's stable
order), one typed column per field, ``geom`` (EPSG:4326), ``mvt_id`` (the vector
tiles' feature id, ``geo.mvt.stable_id``) and ``json``: the feature's GeoJSON text,
rendered by ``features_json`` from the very values stored, so the API answers the
same bytes as the GeoPackage store.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import shapely
from psycopg import sql

from geo.mvt import stable_id
from layers.store.base import FieldInfo, LayerInfo, features_json
from layers.store.pg_schema import ident

logger = logging.getLogger(__name__)

SQL_TYPES = {
    "str": "text",
    "date": "text",  # ISO text, as the GeoPackage keeps it
    "int": "bigint",
    "float": "double precision",
    "bool": "boolean",
}
BATCH = 10_000  # rows rendered and copied at a time


def python_values(series: pd.Series, ftype: str) -> list[Any]:
    """A column as plain Python values of the field's type, None where missing."""
    values = series.astype(object).where(series.notna(), None).tolist()
    convert = {"int": int, "float": float, "bool": bool}.get(ftype, str)
    return [None if v is None else convert(v) for v in values]


def columns_sql(info: LayerInfo) -> sql.Composed:
    """The field columns, quoted, in the layer's order."""
    return sql.SQL(", ").join(sql.Identifier(f.name) for f in info.fields)


def _create_table(con: psycopg.Connection, schema: str, info: LayerInfo) -> None:
    fields = [
        sql.SQL("{} {}").format(sql.Identifier(f.name), sql.SQL(SQL_TYPES[f.type]))
        for f in info.fields
    ]
    con.execute(
        sql.SQL(
            "CREATE TABLE {} (fid bigint PRIMARY KEY, {}, "
            "geom geometry(Geometry, 4326), mvt_id bigint NOT NULL, json text NOT NULL)"
        ).format(ident(schema, info.name), sql.SQL(", ").join(fields))
    )


def _rows(info: LayerInfo, gdf: gpd.GeoDataFrame) -> Iterator[tuple[Any, ...]]:
    """(fid, *fields, EWKB hex, mvt_id, json) per feature, rendered in batches."""
    names = [f.name for f in info.fields]
    columns = [python_values(gdf[f.name], f.type) for f in info.fields]
    id_pos = names.index(info.id_field)
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    for start in range(0, len(gdf), BATCH):
        stop = min(start + BATCH, len(gdf))
        values = [list(v) for v in zip(*(c[start:stop] for c in columns), strict=True)]
        ids = [str(v[id_pos]) for v in values]
        chunk = geoms[start:stop]
        texts = features_json(
            ids, chunk, [dict(zip(names, v, strict=True)) for v in values]
        )
        ewkb = shapely.to_wkb(
            shapely.set_srid(chunk, 4326), hex=True, include_srid=True
        )
        for i, vals in enumerate(values):
            yield (start + i + 1, *vals, ewkb[i], stable_id(ids[i]), texts[i])


def write_layer(
    con: psycopg.Connection, schema: str, info: LayerInfo, gdf: gpd.GeoDataFrame
) -> None:
    """Create and fill the layer's table, index it and gather its statistics.

    Args:
        con: a connection inside the build's transaction.
        schema: the schema being built.
        info: the layer's metadata (its fields are the columns).
        gdf: the features, in EPSG:4326, in store order.
    """
    _create_table(con, schema, info)
    copy_sql = sql.SQL("COPY {} (fid, {}, geom, mvt_id, json) FROM STDIN").format(
        ident(schema, info.name), columns_sql(info)
    )
    with con.cursor() as cur, cur.copy(copy_sql) as copy:
        for row in _rows(info, gdf):
            copy.write_row(row)
    index_layer(con, schema, info)
    con.execute(sql.SQL("ANALYZE {}").format(ident(schema, info.name)))


def indexed_fields(info: LayerInfo) -> list[FieldInfo]:
    """Fields with a b-tree index besides the id: enumerated ones and ``*_id``."""
    return [
        f
        for f in info.fields
        if f.name != info.id_field and (f.allowed or f.name.endswith("_id"))
    ]


def index_layer(con: psycopg.Connection, schema: str, info: LayerInfo) -> None:
    """GiST on the geometry, unique on the id, b-trees on the fields filtered most.

    Features add their own indexes after this (``StoredFeature.pg_layer``).
    """
    table = ident(schema, info.name)
    con.execute(sql.SQL("CREATE INDEX ON {} USING gist (geom)").format(table))
    con.execute(
        sql.SQL("CREATE UNIQUE INDEX ON {} ({})").format(
            table, sql.Identifier(info.id_field)
        )
    )
    for f in indexed_fields(info):
        con.execute(
            sql.SQL("CREATE INDEX ON {} ({})").format(table, sql.Identifier(f.name))
        )


def render_rows(
    con: psycopg.Connection, schema: str, info: LayerInfo, fids: Sequence[int]
) -> None:
    """Re-render the GeoJSON texts of rows ``fids`` from their stored values.

    An edit calls this for the features it changed, inside its transaction.
    """
    if not len(fids):
        return
    table = ident(schema, info.name)
    names = [f.name for f in info.fields]
    rows = con.execute(
        sql.SQL("SELECT fid, ST_AsBinary(geom), {} FROM {} WHERE fid = ANY(%s)").format(
            columns_sql(info), table
        ),
        (list(fids),),
    ).fetchall()
    id_pos = names.index(info.id_field)
    texts = features_json(
        [str(r[2 + id_pos]) for r in rows],
        shapely.from_wkb([r[1] for r in rows]),
        [dict(zip(names, r[2:], strict=True)) for r in rows],
    )
    with con.cursor() as cur:
        cur.executemany(
            sql.SQL("UPDATE {} SET json = %s WHERE fid = %s").format(table),
            [(text, r[0]) for r, text in zip(rows, texts, strict=True)],
        )
