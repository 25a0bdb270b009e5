"""PostGIS store: the same interface as the GeoPackage, on a shared database.

Chosen by ``PARKMAP_STORE=postgresql://user@host:port/db?schema=parkmap``. Requests
take a connection from one pool (``pg_connection``), so web workers keep no state of
their own. Queries use the layer's GiST index for bboxes and answer in the
GeoPackage store's order (by ``fid``); the API's GeoJSON comes pre-rendered
(``pg_layers``); vector tiles are drawn by the database with ``ST_AsMVT``. How the
build writes the schema: ``pg_write``; the versioned layout: ``pg_schema``. The
stored features (clearance, land search, enquiries) live in their own packages and
share the pool (``layers.store.open``).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from typing import Any

import psycopg
import shapely
from psycopg import sql

from geo.mvt import BUFFER, EXTENT
from geo.tiles import bounds_to_wgs84, parse_tile, tile_bounds_3857
from layers.errors import FeatureNotFound, LayerNotFound, StoreUnavailable
from layers.store.base import (
    MAX_LIMIT,
    BBox,
    Feature,
    GeoJSONPage,
    LayerInfo,
    Page,
    Store,
)
from layers.store.feature import StoredFeature, pg_migrations
from layers.store.pg_connection import CONNECT_TIMEOUT_S, PgConnection
from layers.store.pg_layers import columns_sql
from layers.store.pg_schema import (
    EDITS,
    META_BUILD,
    META_LAYERS,
    PgLocation,
    ident,
    latest,
    migrate,
    schema_version,
    storable,
)

logger = logging.getLogger(__name__)

WHOLE = re.compile(r"-?\d{1,19}")


class PostgisStore(Store):
    """A store in a PostgreSQL schema, read through a connection pool (``db``).

    The core feature store; the stored features (``layers.store.open``) share its
    pool and add their migrations (``features``).
    """

    def __init__(self, url: str, features: Sequence[StoredFeature] = ()):
        self.location = PgLocation.parse(url)
        self.schema = self.location.schema
        self.db = PgConnection(self.location)
        self._infos: tuple[str, dict[str, LayerInfo]] | None = None
        self._check(features)

    def __repr__(self) -> str:
        return f"PostgisStore({self.location.redacted()!r})"

    def _check(self, features: Sequence[StoredFeature]) -> None:
        """Fail now when the database is unreachable or holds no store; migrate."""
        try:
            con = psycopg.connect(
                self.location.conninfo, connect_timeout=CONNECT_TIMEOUT_S
            )
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(
                f"cannot reach {self.location.redacted()}: {exc}"
            ) from None
        steps = pg_migrations(features)
        with con:
            version = schema_version(con, self.schema)
            if version is None or version < latest(steps):
                migrate(con, self.schema, steps)  # StoreUnavailable: no store

    def close(self) -> None:
        """Close the pool (a later call opens a new one)."""
        self.db.close()

    # --- metadata -------------------------------------------------------------

    def _facts(self, con: psycopg.Connection) -> dict[str, str]:
        rows = con.execute(
            sql.SQL("SELECT key, value FROM {} WHERE key IN ('build_id', %s)").format(
                ident(self.schema, META_BUILD)
            ),
            (EDITS,),
        ).fetchall()
        return dict(rows)

    def _layer_infos(self, con: psycopg.Connection) -> dict[str, LayerInfo]:
        """Every layer's metadata, read again only when the build changed."""
        build = self._facts(con).get("build_id", "")
        cached = self._infos
        if cached is not None and cached[0] == build:
            return cached[1]
        rows = con.execute(
            sql.SQL("SELECT name, info FROM {} ORDER BY pos").format(
                ident(self.schema, META_LAYERS)
            )
        ).fetchall()
        infos = {name: LayerInfo.from_json(text) for name, text in rows}
        self._infos = (build, infos)
        return infos

    def layer_info(self, con: psycopg.Connection, name: str) -> LayerInfo:
        """One layer's metadata read on ``con``; raise LayerNotFound."""
        try:
            return self._layer_infos(con)[name]
        except KeyError:
            raise LayerNotFound(name) from None

    def layers(self) -> list[LayerInfo]:
        """Every layer, in build order."""
        with self.db.connection() as con:
            return list(self._layer_infos(con).values())

    def layer(self, name: str) -> LayerInfo:
        """One layer's metadata; raise LayerNotFound."""
        with self.db.connection() as con:
            return self.layer_info(con, name)

    def build_id(self) -> str | None:
        """The build's id, plus the number of the last clearance edit if any."""
        with self.db.connection() as con:
            facts = self._facts(con)
        value = facts.get("build_id")
        edits = int(facts.get(EDITS) or 0)
        return f"{value}.{edits}" if value and edits else value

    def build_report(self) -> dict[str, Any]:
        """The report of the build that wrote this store."""
        with self.db.connection() as con:
            row = con.execute(
                sql.SQL("SELECT value FROM {} WHERE key = 'report'").format(
                    ident(self.schema, META_BUILD)
                )
            ).fetchone()
        return json.loads(row[0]) if row else {}

    # --- queries --------------------------------------------------------------

    @staticmethod
    def _where(
        bbox: BBox | None, filters: dict[str, Any]
    ) -> tuple[sql.Composable, list[Any]]:
        clauses: list[sql.Composable] = []
        params: list[Any] = []
        if bbox is not None:
            clauses.append(
                sql.SQL("ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, 4326))")
            )
            params.extend(float(v) for v in bbox)
        for name, value in filters.items():
            if not storable(value):
                clauses.append(sql.SQL("false"))
                continue
            clauses.append(sql.SQL("{} = %s").format(sql.Identifier(name)))
            params.append(value)
        return sql.SQL(" AND ").join(clauses) if clauses else sql.SQL("true"), params

    def _checked(
        self, con: psycopg.Connection, layer: str, limit: int, offset: int
    ) -> LayerInfo:
        """The layer's metadata (LayerNotFound first), then a check of the page."""
        info = self.layer_info(con, layer)
        if not 0 <= limit <= MAX_LIMIT or offset < 0:
            raise ValueError("limit must be 0..10000 and offset ≥ 0")
        return info

    def _page(
        self,
        con: psycopg.Connection,
        info: LayerInfo,
        columns: sql.Composable,
        where: tuple[sql.Composable, list[Any]],
        *,
        limit: int,
        offset: int,
    ) -> tuple[list[tuple], int]:
        """Rows of ``columns`` in fid order, one page, and how many match in all."""
        condition, params = where
        table = ident(self.schema, info.name)
        rows = con.execute(
            sql.SQL(
                "SELECT {}, count(*) OVER () FROM {} WHERE {} "
                "ORDER BY fid LIMIT %s OFFSET %s"
            ).format(columns, table, condition),
            [*params, limit, offset],
        ).fetchall()
        if rows:
            return [r[:-1] for r in rows], int(rows[0][-1])
        found = con.execute(
            sql.SQL("SELECT count(*) FROM {} WHERE {}").format(table, condition),
            params,
        ).fetchone()
        return [], int(found[0]) if found else 0

    @staticmethod
    def _feature(info: LayerInfo, row: tuple) -> Feature:
        props = dict(zip((f.name for f in info.fields), row[1:], strict=True))
        return Feature(str(props[info.id_field]), shapely.from_wkb(row[0]), props)

    def query(
        self,
        layer: str,
        bbox: BBox | None = None,
        filters: dict[str, str] | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Page:
        """Features intersecting ``bbox`` whose fields equal ``filters``."""
        with self.db.connection() as con:
            info = self._checked(con, layer, limit, offset)
            where = self._where(bbox, self.parse_filters(info, filters))
            columns = sql.SQL("ST_AsBinary(geom), {}").format(columns_sql(info))
            rows, matched = self._page(
                con, info, columns, where, limit=limit, offset=offset
            )
        return Page([self._feature(info, r) for r in rows], matched)

    def query_geojson(
        self,
        layer: str,
        bbox: BBox | None = None,
        filters: dict[str, str] | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> GeoJSONPage:
        """Features as their pre-rendered GeoJSON texts."""
        with self.db.connection() as con:
            info = self._checked(con, layer, limit, offset)
            parsed = self.parse_filters(info, filters)
            where = self._where(bbox, parsed)
            rows, matched = self._page(
                con, info, sql.SQL("json"), where, limit=limit, offset=offset
            )
        return GeoJSONPage([r[0] for r in rows], matched)

    def _by_id(
        self,
        con: psycopg.Connection,
        info: LayerInfo,
        columns: sql.Composable,
        fid: str,
    ) -> tuple | None:
        """The row of feature ``fid`` (compared as the id field's type), or None."""
        if not storable(fid):
            return None
        ftype = info.field(info.id_field).type
        column: sql.Composable = sql.Identifier(info.id_field)
        value: Any = fid
        if ftype == "int":
            if not WHOLE.fullmatch(fid) or not -(2**63) <= int(fid) < 2**63:
                return None
            value = int(fid)
        elif ftype not in ("str", "date"):
            column = sql.SQL("{}::text").format(column)
        return con.execute(
            sql.SQL("SELECT {} FROM {} WHERE {} = %s").format(
                columns, ident(self.schema, info.name), column
            ),
            (value,),
        ).fetchone()

    def get(self, layer: str, feature_id: str) -> Feature:
        """One feature by id."""
        with self.db.connection() as con:
            info = self.layer_info(con, layer)
            columns = sql.SQL("ST_AsBinary(geom), {}").format(columns_sql(info))
            row = self._by_id(con, info, columns, feature_id)
        if row is None:
            raise FeatureNotFound(layer, feature_id)
        return self._feature(info, row)

    def get_geojson(self, layer: str, feature_id: str) -> str:
        """One feature's GeoJSON text by id."""
        with self.db.connection() as con:
            info = self.layer_info(con, layer)
            row = self._by_id(con, info, sql.SQL("json"), feature_id)
        if row is None:
            raise FeatureNotFound(layer, feature_id)
        return str(row[0])

    # --- vector tiles -----------------------------------------------------------

    def tile(self, layer: str, z: int, x: int, y: int) -> bytes:
        """One Mapbox Vector Tile of ``layer``, drawn by ``ST_AsMVT``.

        The features are those ``query`` finds in the tile's area (in WGS84, as
        the GeoPackage store selects them); ids are ``stable_id`` of the feature
        ids and properties the id field then the display fields, as there.

        ``ST_AsMVT`` skips the rows whose clipped geometry is NULL by itself; a
        ``WHERE geom IS NOT NULL`` on the subquery would be pushed down into it and
        run ``ST_AsMVTGeom`` twice a row (a third of a dense tile's time).
        """
        tile = parse_tile(z, x, y)
        bounds = tile_bounds_3857(tile.z, tile.x, tile.y)
        with self.db.connection() as con:
            info = self.layer_info(con, layer)
            fields = sql.SQL(", ").join(sql.Identifier(n) for n in info.tile_fields())
            query = sql.SQL(
                "SELECT ST_AsMVT(q, %s, %s, 'geom', 'mvt_id') FROM ("
                "SELECT mvt_id, {fields}, ST_AsMVTGeom(ST_Transform(geom, 3857), "
                "ST_MakeEnvelope(%s, %s, %s, %s, 3857), %s, %s, true) AS geom "
                "FROM {table} "
                "WHERE ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, 4326)) "
                "ORDER BY fid) AS q"
            ).format(fields=fields, table=ident(self.schema, info.name))
            params = [
                info.name, EXTENT, *bounds, EXTENT, BUFFER, *bounds_to_wgs84(bounds),
            ]  # fmt: skip
            row = con.execute(query, params).fetchone()
        return bytes(row[0]) if row and row[0] else b""
