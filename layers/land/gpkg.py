"""The land search over the GeoPackage: SQL on the parcels table, one covering index.

``land_index`` runs at build time: one index on the parcels layer that leads with
``status`` and then ``area_ha`` and carries every other column a land search reads
(park, clearance stage, price, block, id and each ``dist_<landmark>_km``), so a
search reads the index alone, never the table rows with their geometries. SQLite
keeps it current through clearance edits like any index.

At request time (``GpkgLand.search``) one statement counts the matches and
sums their hectares, a second one picks the page's fids in sort order, and the
page's features come from the pre-rendered GeoJSON texts (``gpkg_geojson``), all
in one read transaction so the figures and the page agree.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import Any

from layers.land.parkfacts import ParkFacts, check_park_fields
from layers.land.query import (
    INDEX,
    INDEX_COLUMNS,
    INDEX_LEADING,
    LAYER,
    PARKS,
    READY_STAGES,
    LandQuery,
    LandResult,
    check_fields,
)
from layers.land.vocabulary import is_drive_field
from layers.store.base import MAX_LIMIT, LayerInfo
from layers.store.gpkg_connection import GpkgConnection
from layers.store.gpkg_format import quote
from layers.store.gpkg_geojson import feature_texts

logger = logging.getLogger(__name__)


def land_index(con: sqlite3.Connection, info: LayerInfo) -> None:
    """Create the land search's covering index on the parcels layer (others: no-op).

    Args:
        con: the GeoPackage being built.
        info: a layer just written.
    """
    if info.name != LAYER:
        return
    names = {f.name for f in info.fields}
    if not set(INDEX_LEADING) <= names:
        return
    wanted = [*INDEX_LEADING, *INDEX_COLUMNS, info.id_field]
    wanted += sorted(n for n in names if n.startswith("dist_") and n.endswith("_km"))
    wanted += sorted(n for n in names if is_drive_field(n))
    columns = ", ".join(quote(n) for n in dict.fromkeys(wanted) if n in names)
    con.execute(f"CREATE INDEX {quote(INDEX)} ON {quote(LAYER)} ({columns})")


def _expression(fields: tuple[str, ...]) -> str:
    """The minimum of ``fields`` of row ``t`` (NULL if any is NULL)."""
    cols = [f"t.{quote(f)}" for f in fields]
    return cols[0] if len(cols) == 1 else f"min({', '.join(cols)})"


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join('?' * len(values))})"


def where(query: LandQuery) -> tuple[str, list[Any]]:
    """The SQL condition on the parcels table (aliased ``t``) and its values."""
    clauses = [_in("t.status", query.status)]
    params: list[Any] = list(query.status)
    for name, op, value in query.bounds():
        clauses.append(f"t.{quote(name)} {op} ?")
        params.append(value)
    if query.parks:
        clauses.append(_in("t.park_id", query.parks))
        params.extend(query.parks)
    if query.zones:
        zone_in = _in("zone_id", query.zones)
        clauses.append(f"t.park_id IN (SELECT park_id FROM {PARKS} WHERE {zone_in})")
        params.extend(query.zones)
    for limit in query.within:
        clauses.append(f"{_expression(limit.fields)} <= ?")
        params.append(limit.km)
    for drive in query.drive_within:  # min_<target>: minutes by road
        clauses.append(f"{_expression(drive.fields)} <= ?")
        params.append(drive.minutes)
    if query.ready:
        clauses.append(
            "t.status = 'available' AND (t.clr_stage IS NULL OR "
            + _in("t.clr_stage", READY_STAGES)
            + ")"
        )
        params.extend(READY_STAGES)
    if query.facts:
        condition, values = park_fact_condition(query.facts)
        clauses.append(f"t.park_id IN (SELECT park_id FROM {PARKS} WHERE {condition})")
        params.extend(values)
    return " AND ".join(clauses), params


def park_fact_condition(facts: ParkFacts) -> tuple[str, list[Any]]:
    """The SQL condition on the parks table for the park-fact conditions."""
    parts: list[str] = []
    values: list[Any] = []
    for name, op, value in facts.conditions():
        column = quote(name)
        if op == "has":  # exact item of a comma-separated list
            parts.append(f"instr(',' || {column} || ',', ?) > 0")
            values.append(f",{value},")
        elif op == "in":
            parts.append(_in(column, value))
            values.extend(value)
        else:
            parts.append(f"{column} >= ?")
            values.append(value)
    return " AND ".join(parts), values


def order_by(query: LandQuery, id_field: str) -> str:
    """The SQL ordering: the sort value (missing last), then the parcel id."""
    expr = _expression(query.sort_fields)
    direction = "DESC" if query.order == "desc" else "ASC"
    # NULLS LAST (SQLite ≥ 3.30) sorts a third faster than a leading "IS NULL" key.
    return f"{expr} {direction} NULLS LAST, t.{quote(id_field)}"


def build_layer(con: sqlite3.Connection, info: LayerInfo, _old: object) -> None:
    """The build's hook for each layer: ``land_index`` (nothing for the report)."""
    land_index(con, info)


class GpkgLand:
    """``LandStore`` over a GeoPackage's connections."""

    def __init__(self, db: GpkgConnection, layer: Callable[[str], LayerInfo]):
        """Read through ``db``; ``layer`` gives a layer's metadata."""
        self._db = db
        self._layer = layer

    def search(self, query: LandQuery) -> LandResult:
        """Parcels matching ``query``: a page of GeoJSON texts, count and hectares."""
        info = self._layer(LAYER)
        if not 0 <= query.limit <= MAX_LIMIT or query.offset < 0:
            raise ValueError(f"limit must be 0..{MAX_LIMIT} and offset ≥ 0")
        check_fields(query, info)
        if query.facts:
            parks = {f.name for f in self._layer(PARKS).fields}
            check_park_fields(query.facts.parameters(), parks)
        condition, params = where(query)
        table = quote(info.name)
        area = "t.area_ha" if any(f.name == "area_ha" for f in info.fields) else "0"
        con = self._db.reader()
        con.execute("BEGIN")  # figures and page from one snapshot
        try:
            count, total = con.execute(
                f"SELECT count(*), total({area}) FROM {table} t WHERE {condition}",
                params,
            ).fetchone()
            fids: list[int] = []
            if count > query.offset and query.limit:
                sql = (
                    f"SELECT t.fid FROM {table} t WHERE {condition} "
                    f"ORDER BY {order_by(query, info.id_field)} LIMIT ? OFFSET ?"
                )
                rows = con.execute(sql, [*params, query.limit, query.offset])
                fids = [r[0] for r in rows]
            features = feature_texts(self._db, con, info, fids)
        finally:
            con.execute("COMMIT")
        return LandResult(features, int(count), round(float(total), 4))
