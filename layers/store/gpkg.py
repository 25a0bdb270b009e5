"""GeoPackage store: one file that QGIS opens and the web service queries.

Writing (``gpkg_write``) goes through pyogrio (GDAL) into a temporary file that
replaces the old one only when complete. Reading uses SQLite directly: the R-tree
the GeoPackage carries for each layer answers bbox queries, and geometries are
decoded from the GeoPackage binary header + WKB with shapely, which keeps requests
free of GDAL overhead. The stored features share the store's connections (``db``).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import shapely

from geo.mvt import TileFeatures
from geo.tiles import bounds_to_wgs84, lonlat_to_mercator_coords
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
from layers.store.feature import StoredFeature
from layers.store.gpkg_boxes import Boxes
from layers.store.gpkg_connection import GpkgConnection
from layers.store.gpkg_format import (
    GEOM,
    decode_gpkg_geometry,
    quote,
)
from layers.store.gpkg_format import wkb_part as _wkb
from layers.store.gpkg_geojson import (
    bbox_fids,
    first_texts,
    prerendered_table,
    read_features,
    sorted_texts,
    text_by_id,
)
from layers.store.gpkg_vertices import Vertices
from layers.store.tileprops import TileProperties

logger = logging.getLogger(__name__)

META_LAYERS = "parkmap_layers"
META_BUILD = "parkmap_build"
Held = TypeVar("Held", Boxes, Vertices)  # what a layer keeps in memory per build


class GpkgStore(Store):
    """Read-only access to a built GeoPackage's layers; follows rebuilds and edits.

    The core feature store: the stored features (``layers.store.open``) share its
    ``db``, and those that edit layer rows in place tell it how to see their edits
    (``StoredFeature.gpkg_last_edit`` and ``gpkg_edited_rows``).
    """

    def __init__(self, path: Path, features: Sequence[StoredFeature] = ()):
        self.db = GpkgConnection(path)
        self.path = self.db.path
        self._stored = tuple(features)
        self._lock = threading.Lock()
        self._infos: dict[str, LayerInfo] | None = None
        self._stamp: tuple[int, int] | None = None
        self._tile_lock = threading.Lock()  # builds TileProperties, one at a time
        self._tile_props: dict[str, tuple[str, int, TileProperties]] = {}
        self._held: dict[tuple[str, type], tuple[tuple[int, int], Any]] = {}
        self.db.file_stamp()

    def _con(self) -> sqlite3.Connection:
        """This thread's reader; forget the layer metadata when the file changed."""
        con = self.db.reader()
        stamp = self.db.stamp[:2]
        with self._lock:
            if self._stamp != stamp:
                self._infos, self._stamp = None, stamp
        return con

    def layers(self) -> list[LayerInfo]:
        """Every layer, in build order."""
        return list(self._layer_infos(self._con()).values())

    def _layer_infos(self, con: sqlite3.Connection) -> dict[str, LayerInfo]:
        """The layers by name, read once per file state (``con`` just from _con)."""
        with self._lock:
            if self._infos is None:
                try:
                    rows = con.execute(
                        f"SELECT name, info FROM {META_LAYERS} ORDER BY pos"
                    ).fetchall()
                except sqlite3.DatabaseError as exc:
                    raise StoreUnavailable(
                        f"{self.path} is not a parkmap store: {exc}"
                    ) from exc
                self._infos = {name: LayerInfo.from_json(text) for name, text in rows}
            return self._infos

    def layer(self, name: str) -> LayerInfo:
        """One layer's metadata; raise LayerNotFound."""
        return self._layer_in(self._con(), name)

    def _layer_in(self, con: sqlite3.Connection, name: str) -> LayerInfo:
        """``layer`` for a reader just checked by ``_con`` (one stat per call)."""
        try:
            return self._layer_infos(con)[name]
        except KeyError:
            raise LayerNotFound(name) from None

    def build_report(self) -> dict[str, Any]:
        """The report of the build that wrote this store."""
        row = (
            self._con()
            .execute(f"SELECT value FROM {META_BUILD} WHERE key='report'")
            .fetchone()
        )
        return json.loads(row[0]) if row else {}

    def _where(self, info: LayerInfo, filters: dict[str, Any]) -> tuple[str, list[Any]]:
        clauses, params = [], []
        for name, value in filters.items():
            clauses.append(f"t.{quote(name)} = ?")
            params.append(int(value) if isinstance(value, bool) else value)
        return (" AND ".join(clauses) or "1"), params

    def _matching_fids(
        self, info: LayerInfo, bbox: BBox | None, filters: dict[str, Any]
    ) -> list[int]:
        table = quote(info.name)
        where, params = self._where(info, filters)
        if bbox is None:
            sql = f"SELECT t.fid FROM {table} t WHERE {where} ORDER BY t.fid"
            return [r[0] for r in self._con().execute(sql, params)]
        rtree = quote(f"rtree_{info.name}_{GEOM}")
        sql = (
            f"SELECT t.fid, t.{GEOM} FROM {table} t JOIN {rtree} r ON t.fid = r.id "
            "WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ? "
            f"AND {where} "
            "ORDER BY t.fid"
        )
        minx, miny, maxx, maxy = bbox
        rows = self._con().execute(sql, [maxx, minx, maxy, miny, *params]).fetchall()
        if not rows:
            return []
        geoms = np.array([decode_gpkg_geometry(r[1]) for r in rows], dtype=object)
        hit = shapely.intersects(geoms, shapely.box(minx, miny, maxx, maxy))
        return [r[0] for r, h in zip(rows, hit, strict=True) if h]

    def _features(self, info: LayerInfo, fids: list[int]) -> list[Feature]:
        return read_features(self._con(), info, fids)

    def _paged_layer(
        self,
        layer: str,
        limit: int,
        offset: int,
        con: sqlite3.Connection | None = None,
    ) -> LayerInfo:
        """The layer's metadata (LayerNotFound first), then a check of the page.

        ``con``: a reader the caller just had from ``_con`` (else one is checked).
        """
        info = self.layer(layer) if con is None else self._layer_in(con, layer)
        if not 0 <= limit <= MAX_LIMIT or offset < 0:
            raise ValueError("limit must be 0..10000 and offset ≥ 0")
        return info

    def query(
        self,
        layer: str,
        bbox: BBox | None = None,
        filters: dict[str, str] | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Page:
        """Features intersecting ``bbox`` whose fields equal ``filters``."""
        info = self._paged_layer(layer, limit, offset)
        fids = self._matching_fids(info, bbox, self.parse_filters(info, filters))
        return Page(self._features(info, fids[offset : offset + limit]), len(fids))

    def get(self, layer: str, feature_id: str) -> Feature:
        """One feature by id."""
        info = self.layer(layer)
        sql = f"SELECT fid FROM {quote(info.name)} WHERE {quote(info.id_field)} = ?"
        row = self._con().execute(sql, (feature_id,)).fetchone()
        if row is None:
            raise FeatureNotFound(layer, feature_id)
        return self._features(info, [row[0]])[0]

    def close(self) -> None:
        """Close this thread's connection."""
        self.db.close()

    def hold(self) -> None:
        """Check the file once until ``release`` (see ``GpkgConnection.hold``)."""
        self.db.hold()

    def release(self) -> None:
        """Check the file on every call again."""
        self.db.release()

    # Fast path for the API: feature texts pre-rendered at build time (see
    # ``write_geojson_table``), candidates from the R-tree, exact tests only on the
    # features whose envelope straddles the bbox edge.

    def build_id(self) -> str | None:
        """The build's id, plus the number of the last edit of a layer row if any.

        Caches and ETags key on it, so an edit changes it as a rebuild does.
        """
        con = self._con()
        return self.db.cached("build_id", lambda: self._build_id(con))

    def _build_id(self, con: sqlite3.Connection) -> str:
        try:
            row = con.execute(
                f"SELECT value FROM {META_BUILD} WHERE key='build_id'"
            ).fetchone()
        except sqlite3.DatabaseError:
            row = None
        if row is None:  # stores from before build ids: the file's identity
            st = os.stat(self.path)
            row = (f"{st.st_ino:x}-{st.st_mtime_ns:x}",)
        value = str(row[0])
        edits = max(
            (f.gpkg_last_edit(con) for f in self._stored if f.gpkg_last_edit),
            default=0,
        )
        return f"{value}.{edits}" if edits else value

    def _geojson_table(self, con: sqlite3.Connection, info: LayerInfo) -> str | None:
        """The layer's pre-rendered table (None in stores built before it existed)."""
        return prerendered_table(self.db, con, info)

    def query_geojson(
        self,
        layer: str,
        bbox: BBox | None = None,
        filters: dict[str, str] | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> GeoJSONPage:
        """Features as GeoJSON texts, from the pre-rendered table when there is one."""
        con = self._con()  # one file check for the whole query
        info = self._paged_layer(layer, limit, offset, con)
        parsed = self.parse_filters(info, filters)
        table = self._geojson_table(con, info)
        if table is None:
            return super().query_geojson(layer, bbox, filters, limit, offset)
        if bbox is None and not parsed:
            return GeoJSONPage(first_texts(con, table, limit, offset), info.count)
        if bbox is None:
            fids = self._matching_fids(info, None, parsed)
        else:
            boxes = None if parsed else self._boxes(con, info)
            vertices = self._in_memory(con, info, Vertices)
            where = self._where(info, parsed)
            fids = bbox_fids(con, info, bbox, where, boxes=boxes, vertices=vertices)
        page = sorted_texts(con, table, fids[offset : offset + limit])
        return GeoJSONPage(page, len(fids))

    def _boxes(self, con: sqlite3.Connection, info: LayerInfo) -> Boxes:
        """The layer's envelopes in memory (see ``_in_memory``)."""
        return self._in_memory(con, info, Boxes)

    def _in_memory(
        self, con: sqlite3.Connection, info: LayerInfo, kind: type[Held]
    ) -> Held:
        """``kind.read`` of the layer, read once per store file (per process).

        Builds replace the file and only builds change geometries, so the file's
        identity keys the envelopes and vertices; ``con`` is this thread's reader,
        just checked.
        """
        stamp = self.db.stamp[:2]
        with self._lock:
            found = self._held.get((info.name, kind))
        if found is not None and found[0] == stamp:
            return found[1]
        held = kind.read(con, info)  # outside the lock: other layers go on
        with self._lock:
            self._held[(info.name, kind)] = (stamp, held)
        return held

    def get_geojson(self, layer: str, feature_id: str) -> str:
        """One feature's GeoJSON text by id."""
        con = self._con()  # one file check for the whole lookup
        info = self._layer_in(con, layer)
        table = self._geojson_table(con, info)
        if table is None:
            return super().get_geojson(layer, feature_id)
        text = text_by_id(con, info, table, feature_id)
        if text is None:
            raise FeatureNotFound(layer, feature_id)
        return text

    def tile_features(self, layer: str, bbox_3857: BBox) -> TileFeatures:
        """Features for a vector tile: the same set as ``query``, found the same way.

        Candidates come from the R-tree; envelopes inside the bbox need no test,
        the others are tested exactly in WGS84. Properties come from the layer's
        ``TileProperties``, built on first use and kept for this build.
        """
        info = self.layer(layer)
        props = self._tile_properties(info)
        minx, miny, maxx, maxy = bounds_to_wgs84(bbox_3857)
        sql = (
            f"SELECT r.id, r.minx, r.maxx, r.miny, r.maxy, t.{GEOM} "
            f"FROM {quote(f'rtree_{info.name}_{GEOM}')} r "
            f"JOIN {quote(info.name)} t ON t.fid = r.id "
            "WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ? "
            "ORDER BY r.id"
        )
        rows = self._con().execute(sql, (maxx, minx, maxy, miny)).fetchall()
        if not rows:
            return props.features(np.zeros(0, np.int64), np.zeros(0, object))
        env = np.array([r[1:5] for r in rows])
        hit = (env[:, 0] >= minx) & (env[:, 1] <= maxx)
        hit &= (env[:, 2] >= miny) & (env[:, 3] <= maxy)
        geoms = shapely.from_wkb([_wkb(r[5]) for r in rows])
        edge = np.flatnonzero(~hit)
        if len(edge):
            box = shapely.box(minx, miny, maxx, maxy)
            hit[edge] = shapely.intersects(geoms[edge], box)
        fids = np.array([r[0] for r in rows], dtype=np.int64)[hit]
        projected = shapely.transform(geoms[hit], lonlat_to_mercator_coords)
        return props.features(fids, projected)

    def _tile_properties(self, info: LayerInfo) -> TileProperties:
        """The layer's TileProperties for the current build, built once.

        Edits of layer rows (clearance) do not rebuild it: the rows edited since it
        was made are read again and patched in (a whole rebuild takes seconds at
        100k rows).
        """
        build, _, edits = (self.build_id() or "").partition(".")
        seq = int(edits or 0)
        with self._tile_lock:
            found = self._tile_props.get(info.name)
            if found is None or found[0] != build:
                cols = ", ".join(quote(n) for n in info.tile_fields())
                cursor = self._con().execute(
                    f"SELECT fid, {cols} FROM {quote(info.name)} ORDER BY fid"
                )
                found = (build, seq, TileProperties.from_rows(info, cursor))
            elif found[1] != seq:
                edited = self._edited_rows(info, found[1])
                if edited is not None:
                    found = (build, seq, found[2].with_rows(info, edited))
            self._tile_props[info.name] = found
            return found[2]

    def _edited_rows(self, info: LayerInfo, since: int) -> list[tuple] | None:
        """Rows of ``info`` edited after edit ``since`` (None: no feature edits it)."""
        con = self._con()
        found: list[tuple] | None = None
        for feature in self._stored:
            if feature.gpkg_edited_rows is not None:
                rows = feature.gpkg_edited_rows(con, info, since)
                if rows is not None:
                    found = (found or []) + rows
        return found
