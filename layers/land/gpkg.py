"""The land search over the GeoPackage: SQL on the parcels table, one covering index.

``land_index`` runs at build time: one index on the parcels layer that leads with
``status`` and then ``area_ha`` and carries every other column a land search reads
(park, clearance stage, price, block, id and each ``dist_<landmark>_km``), so a
search reads the index alone, never the table rows with their geometries. SQLite
keeps it current through clearance edits like any index.

At request time (``GpkgLand.search_parcels``) one statement counts the matches and
sums their hectares, a second one picks the page's fids in sort order, and the
page's features come from the pre-rendered GeoJSON texts (``gpkg_geojson``), all
in one read transaction so the figures and the page agree.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from layers.errors import InvalidQuery
from layers.land.query import LAYER, READY_STAGES, LandQuery, LandResult
from layers.store.base import MAX_LIMIT, LayerInfo, features_json
from layers.store.gpkg_format import quote
from layers.store.gpkg_geojson import texts

logger = logging.getLogger(__name__)

INDEX = f"ix_{LAYER}_land"
INDEX_LEADING = ("status", "area_ha")
INDEX_COLUMNS = ("park_id", "clr_stage", "price_usd", "block_ha")
PARKS = "parks"


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
    columns = ", ".join(quote(n) for n in dict.fromkeys(wanted) if n in names)
    con.execute(f"CREATE INDEX {quote(INDEX)} ON {quote(LAYER)} ({columns})")


def _expression(fields: tuple[str, ...]) -> str:
    """The minimum of ``fields`` of row ``t`` (NULL if any is NULL)."""
    cols = [f"t.{quote(f)}" for f in fields]
    return cols[0] if len(cols) == 1 else f"min({', '.join(cols)})"


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join('?' * len(values))})"


def check_fields(query: LandQuery, info: LayerInfo) -> None:
    """Refuse a query naming a field the layer lacks (an SQL error otherwise)."""
    names = {f.name for f in info.fields}
    used = [("sort", f) for f in query.sort_fields]
    used += [
        (p, "area_ha") for p in ("min_ha", "max_ha") if getattr(query, p) is not None
    ]
    used += [(f"km_{d.target}", f) for d in query.within for f in d.fields]
    if query.min_price is not None or query.max_price is not None:
        used.append(("min_price", "price_usd"))
    if query.min_block_ha is not None:
        used.append(("min_block_ha", "block_ha"))
    if query.ready:
        used.append(("ready", "clr_stage"))
    for parameter, name in used:
        if name not in names:
            raise InvalidQuery(
                parameter, f"the parcels have no field {name!r}", "unavailable"
            )


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
    if query.ready:
        clauses.append(
            "t.status = 'available' AND (t.clr_stage IS NULL OR "
            + _in("t.clr_stage", READY_STAGES)
            + ")"
        )
        params.extend(READY_STAGES)
    return " AND ".join(clauses), params


def order_by(query: LandQuery, id_field: str) -> str:
    """The SQL ordering: the sort value (missing last), then the parcel id."""
    expr = _expression(query.sort_fields)
    direction = "DESC" if query.order == "desc" else "ASC"
    # NULLS LAST (SQLite ≥ 3.30) sorts a third faster than a leading "IS NULL" key.
    return f"{expr} {direction} NULLS LAST, t.{quote(id_field)}"


class GpkgLand:
    """The land-search half of ``GpkgStore`` (mixed in; needs its helpers)."""

    _con: Any  # GpkgStore's per-thread read connection
    layer: Any  # Store.layer
    _geojson_table: Any
    _features: Any

    def search_parcels(self, query: LandQuery) -> LandResult:
        """Parcels matching ``query``: a page of GeoJSON texts, count and hectares."""
        info = self.layer(LAYER)
        if not 0 <= query.limit <= MAX_LIMIT or query.offset < 0:
            raise ValueError(f"limit must be 0..{MAX_LIMIT} and offset ≥ 0")
        check_fields(query, info)
        condition, params = where(query)
        table = quote(info.name)
        area = "t.area_ha" if any(f.name == "area_ha" for f in info.fields) else "0"
        con = self._con()
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
            features = self._texts(con, info, fids)
        finally:
            con.execute("COMMIT")
        return LandResult(features, int(count), round(float(total), 4))

    def _texts(
        self, con: sqlite3.Connection, info: LayerInfo, fids: list[int]
    ) -> list[str]:
        """The features' GeoJSON texts, pre-rendered when the store has them."""
        if not fids:
            return []
        table = self._geojson_table(con, info)
        if table is not None:
            return texts(con, table, fids)
        found = self._features(info, fids)
        return features_json(
            [f.id for f in found],
            [f.geometry for f in found],
            [f.properties for f in found],
        )
