"""The GeoPackage store's fast path for the API: pre-rendered GeoJSON texts.

At build time every feature is serialised once (``features_json``) into a side table
``parkmap_geojson_<layer>`` keyed by fid. At request time candidates come from the
layer's R-tree or its envelopes in memory; a feature whose stored box lies inside the
bbox needs no test, one straddling the bbox edge is accepted when one of its vertices
(held in memory) lies inside, and only the others are decoded and tested exactly; the
answer is joined from stored strings without shapely or json per feature.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import shapely

from layers.store.base import BBox, Feature, LayerInfo, features_json
from layers.store.gpkg_boxes import Boxes
from layers.store.gpkg_connection import GpkgConnection
from layers.store.gpkg_format import (
    GEOM,
    decode_gpkg_geometry,
    quote,
    register_attributes_table,
    wkb_part,
)
from layers.store.gpkg_vertices import Vertices

GEOJSON_PREFIX = "parkmap_geojson_"
CHUNK = 5000  # fids per IN (...) list, well under SQLite's variable limit


def _ints(text: str | None) -> list[int]:
    """``"3,1,2"`` → ``[3, 1, 2]`` (SQLite's group_concat of ids)."""
    return list(map(int, text.split(","))) if text else []


def chunks(items: list[int], size: int = CHUNK) -> list[list[int]]:
    """``items`` cut into lists of at most ``size``."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def write_geojson_table(con: sqlite3.Connection, info: LayerInfo) -> None:
    """Pre-render every feature of a written layer as GeoJSON text, keyed by fid.

    The texts come from the rows as stored (the same values ``GpkgStore.query``
    reads back), through ``features_json``. The table is registered in
    gpkg_contents as an attributes table so that GeoPackage readers accept it.
    """
    table = GEOJSON_PREFIX + info.name
    con.execute(
        f"CREATE TABLE {quote(table)} (fid INTEGER PRIMARY KEY, json TEXT NOT NULL)"
    )
    render_geojson_rows(con, info)
    register_attributes_table(con, table)


def render_geojson_rows(
    con: sqlite3.Connection, info: LayerInfo, fids: list[int] | None = None
) -> None:
    """(Re)write the pre-rendered texts of ``fids`` (all features when None).

    An edit calls this for the features it changed, in its own transaction.
    """
    table = GEOJSON_PREFIX + info.name
    if fids is not None and not fids:
        return
    cols = [f.name for f in info.fields]
    bools = [i for i, f in enumerate(info.fields) if f.type == "bool"]
    id_pos = cols.index(info.id_field)
    select = ", ".join(["fid", GEOM, *(quote(c) for c in cols)])
    sql = f"SELECT {select} FROM {quote(info.name)}"
    batches = [None] if fids is None else chunks(sorted(fids))
    for batch in batches:
        where = "" if batch is None else f" WHERE fid IN ({','.join('?' * len(batch))})"
        cursor = con.execute(sql + where + " ORDER BY fid", batch or ())
        while rows := cursor.fetchmany(10_000):
            values = [list(r[2:]) for r in rows]
            for vals in values:
                for i in bools:
                    if vals[i] is not None:
                        vals[i] = bool(vals[i])
            texts = features_json(
                [str(v[id_pos]) for v in values],
                shapely.from_wkb([wkb_part(r[1]) for r in rows]),
                [dict(zip(cols, v, strict=True)) for v in values],
            )
            con.executemany(
                f"INSERT OR REPLACE INTO {quote(table)} VALUES (?, ?)",
                zip((r[0] for r in rows), texts, strict=True),
            )


def geojson_tables(con: sqlite3.Connection) -> set[str]:
    """Names of the pre-rendered tables in the store."""
    sql = "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE ?"
    return {r[0] for r in con.execute(sql, (GEOJSON_PREFIX + "%",))}


def bbox_fids(
    con: sqlite3.Connection,
    info: LayerInfo,
    bbox: BBox,
    where: tuple[str, list[Any]] = ("1", []),
    *,
    boxes: Boxes | None = None,
    vertices: Vertices | None = None,
) -> list[int]:
    """Fids of the features intersecting ``bbox`` and matching ``where``, in order.

    SQLite's R-tree stores float32 boxes rounded outwards, so a stored box inside
    the bbox proves the feature intersects it; only the features whose box
    straddles the bbox edge are tested: first whether one of their vertices lies
    inside the bbox (``vertices``, in memory), then the others decoded and tested
    exactly.

    Args:
        con: the store's connection.
        info: the layer.
        bbox: (min lon, min lat, max lon, max lat), minx ≤ maxx.
        where: an SQL condition on the layer's table aliased ``t`` and its values.
        boxes: the layer's envelopes in memory, used instead of the R-tree when
            there is no ``where`` condition.
        vertices: the layer's vertices in memory, to accept straddling features
            without fetching their geometry.
    """
    if boxes is not None and where[0] == "1":
        fids, edge = boxes.split(bbox)
    else:
        fids, edge = rtree_split(con, info, bbox, where)
    if edge and vertices is not None:
        near, edge = vertices.accept(edge, bbox)
        fids.extend(near)
    if edge:
        fids.extend(exact_hits(con, info, edge, bbox))
    fids.sort()
    return fids


def rtree_split(
    con: sqlite3.Connection,
    info: LayerInfo,
    bbox: BBox,
    where: tuple[str, list[Any]],
) -> tuple[list[int], list[int]]:
    """Ids whose R-tree box lies inside ``bbox`` and ids whose box straddles it."""
    condition, params = where
    rtree = quote(f"rtree_{info.name}_{GEOM}")
    join = f"JOIN {quote(info.name)} t ON t.fid = r.id" if condition != "1" else ""
    inside = "r.minx >= ? AND r.maxx <= ? AND r.miny >= ? AND r.maxy <= ?"
    overlaps = "r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ?"
    minx, miny, maxx, maxy = bbox
    # One R-tree walk, one row out: the ids inside and the ids on the edge, each
    # as comma-separated text (group_concat skips the NULLs of the other kind).
    sql = (
        f"SELECT group_concat(CASE WHEN {inside} THEN r.id END), "
        f"group_concat(CASE WHEN {inside} THEN NULL ELSE r.id END) "
        f"FROM {rtree} r {join} WHERE {overlaps} AND {condition}"
    )
    within = [minx, maxx, miny, maxy]
    args = [*within, *within, maxx, minx, maxy, miny, *params]
    inside_ids, edge_ids = con.execute(sql, args).fetchone()
    return _ints(inside_ids), _ints(edge_ids)


def exact_hits(
    con: sqlite3.Connection, info: LayerInfo, fids: list[int], bbox: BBox
) -> list[int]:
    """Those of ``fids`` whose geometry intersects ``bbox``."""
    area = shapely.box(*bbox)
    shapely.prepare(area)
    hits: list[int] = []
    for chunk in chunks(fids):
        sql = (
            f"SELECT fid, {GEOM} FROM {quote(info.name)} "
            f"WHERE fid IN ({','.join('?' * len(chunk))})"
        )
        rows = con.execute(sql, chunk).fetchall()
        geoms = shapely.from_wkb([wkb_part(r[1]) for r in rows])
        hit = shapely.intersects(geoms, area)
        hits.extend(r[0] for r, h in zip(rows, hit, strict=True) if h)
    return hits


def texts(con: sqlite3.Connection, table: str, fids: list[int]) -> list[str]:
    """The stored texts of ``fids``, in that order."""
    found: dict[int, str] = {}
    for chunk in chunks(fids):
        sql = (
            f"SELECT fid, json FROM {quote(table)} "
            f"WHERE fid IN ({','.join('?' * len(chunk))})"
        )
        found.update(con.execute(sql, chunk).fetchall())
    return [found[fid] for fid in fids]


def sorted_texts(con: sqlite3.Connection, table: str, fids: list[int]) -> list[str]:
    """The stored texts of ``fids`` (ascending, as paging makes them), in that order.

    SQLite joins each chunk's texts into one string (a compact JSON text holds no
    raw newline, so a newline separates them safely): one value to fetch instead of
    a row per feature, which halves the time of a 100-feature page.
    """
    out: list[str] = []
    for chunk in chunks(fids):
        sql = (
            "SELECT group_concat(json, char(10)) FROM "
            f"(SELECT json FROM {quote(table)} "
            f"WHERE fid IN ({','.join('?' * len(chunk))}) ORDER BY fid)"
        )
        joined = con.execute(sql, chunk).fetchone()[0]
        out.extend(joined.split("\n") if joined else ())
    if len(out) != len(fids):  # a fid without its text: the store is damaged
        raise LookupError(f"{table}: {len(fids) - len(out)} feature texts missing")
    return out


def first_texts(
    con: sqlite3.Connection, table: str, limit: int, offset: int
) -> list[str]:
    """A page of the stored texts in fid order, without any filter."""
    sql = f"SELECT json FROM {quote(table)} ORDER BY fid LIMIT ? OFFSET ?"
    return [r[0] for r in con.execute(sql, (limit, offset))]


def text_by_id(
    con: sqlite3.Connection, info: LayerInfo, table: str, feature_id: str
) -> str | None:
    """One feature's stored text by its id field, or None."""
    sql = (
        f"SELECT g.json FROM {quote(info.name)} t "
        f"JOIN {quote(table)} g ON g.fid = t.fid "
        f"WHERE t.{quote(info.id_field)} = ?"
    )
    row = con.execute(sql, (feature_id,)).fetchone()
    return row[0] if row else None


def prerendered_table(
    db: GpkgConnection, con: sqlite3.Connection, info: LayerInfo
) -> str | None:
    """The layer's pre-rendered table (None in stores built before it existed).

    Args:
        db: the store's connections (the table list is cached per thread).
        con: this thread's reader, from ``db.reader()``.
        info: the layer.
    """
    tables = db.cached("geojson_tables", lambda: geojson_tables(con))
    table = GEOJSON_PREFIX + info.name
    return table if table in tables else None


def read_features(
    con: sqlite3.Connection, info: LayerInfo, fids: list[int]
) -> list[Feature]:
    """The features of rows ``fids`` of a layer, in the order of ``fids``."""
    if not fids:
        return []
    cols = [f.name for f in info.fields]
    select = ", ".join(["t.fid", f"t.{GEOM}", *(f"t.{quote(c)}" for c in cols)])
    marks = ",".join("?" * len(fids))
    sql = f"SELECT {select} FROM {quote(info.name)} t WHERE t.fid IN ({marks})"
    rows = {r[0]: r for r in con.execute(sql, fids)}
    bools = {f.name for f in info.fields if f.type == "bool"}
    out = []
    for fid in fids:
        row = rows[fid]
        props = dict(zip(cols, row[2:], strict=True))
        for b in bools:
            if props[b] is not None:
                props[b] = bool(props[b])
        out.append(
            Feature(str(props[info.id_field]), decode_gpkg_geometry(row[1]), props)
        )
    return out


def feature_texts(
    db: GpkgConnection, con: sqlite3.Connection, info: LayerInfo, fids: list[int]
) -> list[str]:
    """The GeoJSON texts of rows ``fids``, pre-rendered when the store has them."""
    if not fids:
        return []
    table = prerendered_table(db, con, info)
    if table is not None:
        return texts(con, table, fids)
    found = read_features(con, info, fids)
    return features_json(
        [f.id for f in found],
        [f.geometry for f in found],
        [f.properties for f in found],
    )
