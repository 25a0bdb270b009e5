"""Clearance records and their audit trail, kept inside the GeoPackage.

Two attribute tables (QGIS opens them like any other):

- ``parkmap_clearance``: one row per tracked parcel, with a ``version`` that every
  accepted change increments;
- ``parkmap_clearance_audit``: append-only, one row per accepted change with the
  values before and after as JSON.

A change is one SQLite transaction (``BEGIN IMMEDIATE``) that checks the version
it was based on, updates the row, appends the audit record, copies the stage into
the parcels layer and re-renders that parcel's GeoJSON text, so the API and tiles
never disagree with the tracker. Writers and the build share a file lock
(``layers.store.gpkg_connection``): a build copies the records and the audit into
the new file and renames it while holding it, so no change lands in a file about to
be replaced.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from layers.clearance.contract import Edit
from layers.clearance.rules import (
    AUDIT,
    COLUMNS,
    LAYER,
    STATE,
    AuditRecord,
    Clearance,
    ParcelNotTracked,
    StaleEdit,
    apply_change,
    audit_time,
    baseline,
    now,
    state_at,
    tracks_clearance,
)
from layers.store.base import LayerInfo
from layers.store.gpkg_carry import carry_over
from layers.store.gpkg_connection import GpkgConnection, gpkg_functions
from layers.store.gpkg_format import quote, register_attributes_table
from layers.store.gpkg_geojson import render_geojson_rows

logger = logging.getLogger(__name__)

CARRIED = (AUDIT, STATE)  # what a rebuild copies from the store it replaces
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {STATE} (
    parcel_id TEXT PRIMARY KEY, park_id TEXT NOT NULL, area_ha REAL NOT NULL,
    stage TEXT NOT NULL, cleared_ha REAL NOT NULL CHECK (cleared_ha >= 0),
    households_affected INTEGER, households_relocated INTEGER, target_date TEXT,
    note TEXT NOT NULL DEFAULT '', version INTEGER NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ix_{STATE}_park ON {STATE} (park_id);
CREATE TABLE IF NOT EXISTS {AUDIT} (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, parcel_id TEXT NOT NULL,
    park_id TEXT NOT NULL, version INTEGER NOT NULL, at TEXT NOT NULL,
    user TEXT NOT NULL, reason TEXT NOT NULL, before TEXT NOT NULL,
    after TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ix_{AUDIT}_parcel ON {AUDIT} (parcel_id, seq);
CREATE INDEX IF NOT EXISTS ix_{AUDIT}_park ON {AUDIT} (park_id, seq);
"""


def has_tables(con: sqlite3.Connection) -> bool:
    """Whether the store carries clearance tables."""
    row = con.execute(
        "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", (STATE,)
    ).fetchone()
    return bool(row[0])


def last_edit(con: sqlite3.Connection) -> int:
    """The sequence number of the last audit record (0 if none)."""
    if not has_tables(con):
        return 0
    return con.execute(f"SELECT coalesce(max(seq), 0) FROM {AUDIT}").fetchone()[0]


def edited_rows(con: sqlite3.Connection, info: LayerInfo, since: int) -> list[tuple]:
    """Rows (fid, *tile fields) of the layer's features edited after audit ``since``."""
    cols = ", ".join(quote(n) for n in info.tile_fields())
    return con.execute(
        f"SELECT fid, {cols} FROM {quote(info.name)} WHERE {quote(info.id_field)} "
        f"IN (SELECT parcel_id FROM {AUDIT} WHERE seq > ?) ORDER BY fid",
        (since,),
    ).fetchall()


def _row(values: tuple) -> Clearance:
    return Clearance(*values)


def _record(values: tuple) -> AuditRecord:
    seq, parcel, park, version, at, user, reason, before, after = values
    return AuditRecord(
        seq, parcel, park, version, at, user, reason, json.loads(before),
        json.loads(after),
    )  # fmt: skip


def select_rows(con: sqlite3.Connection, park_id: str | None = None) -> list[Clearance]:
    """Every record (of one park), ordered by parcel id."""
    if not has_tables(con):
        return []
    sql = f"SELECT {', '.join(COLUMNS)} FROM {STATE}"
    args: tuple = ()
    if park_id is not None:
        sql, args = sql + " WHERE park_id = ?", (park_id,)
    return [_row(r) for r in con.execute(sql + " ORDER BY parcel_id", args)]


def select_row(con: sqlite3.Connection, parcel_id: str) -> Clearance:
    """One parcel's record; raise ParcelNotTracked."""
    row = None
    if has_tables(con):
        row = con.execute(
            f"SELECT {', '.join(COLUMNS)} FROM {STATE} WHERE parcel_id = ?",
            (parcel_id,),
        ).fetchone()
    if row is None:
        raise ParcelNotTracked(parcel_id)
    return _row(row)


def select_audit(
    con: sqlite3.Connection,
    parcel_id: str | None = None,
    park_id: str | None = None,
) -> list[AuditRecord]:
    """Audit records (of one parcel or park), oldest first."""
    if not has_tables(con):
        return []
    sql = f"SELECT * FROM {AUDIT}"
    where: list[str] = []
    args: list[str] = []
    if parcel_id is not None:
        where, args = [*where, "parcel_id = ?"], [*args, parcel_id]
    if park_id is not None:
        where, args = [*where, "park_id = ?"], [*args, park_id]
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [_record(r) for r in con.execute(sql + " ORDER BY seq", args)]


def update_many(
    con: sqlite3.Connection, info: LayerInfo, edits: Sequence[Edit], user: str
) -> list[tuple[Clearance, AuditRecord | None]]:
    """Apply every edit in one transaction (see the module docstring).

    Returns:
        Per edit, the record after it and its audit record; (current, None) when
        the edit changes nothing.

    Raises:
        ParcelNotTracked, StaleEdit, EditRejected: nothing is written.
    """
    con.execute("BEGIN IMMEDIATE")
    try:
        done = [_change(con, info, edit, user) for edit in edits]
        con.execute("COMMIT" if any(r for _, r in done) else "ROLLBACK")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    return done


def _change(
    con: sqlite3.Connection, info: LayerInfo, edit: Edit, user: str
) -> tuple[Clearance, AuditRecord | None]:
    current = select_row(con, edit.parcel_id)
    if current.version != edit.base_version:
        raise StaleEdit(current, edit.base_version)
    changed = apply_change(current, edit.changes, edit.reason)
    if changed is None:
        return current, None
    after = _write(con, info, current, changed, user)
    return after, _append_audit(con, current, after, user, edit.reason.strip())


def _write(
    con: sqlite3.Connection,
    info: LayerInfo,
    current: Clearance,
    changed: Clearance,
    user: str,
) -> Clearance:
    after = Clearance(
        **{
            **changed.to_dict(),
            "version": current.version + 1,
            "updated_at": now(),
            "updated_by": user,
        }
    )
    sets = ", ".join(f"{c} = ?" for c in COLUMNS[3:])
    values = [getattr(after, c) for c in COLUMNS[3:]]
    cursor = con.execute(
        f"UPDATE {STATE} SET {sets} WHERE parcel_id = ? AND version = ?",
        (*values, current.parcel_id, current.version),
    )
    if cursor.rowcount != 1:  # cannot happen under BEGIN IMMEDIATE; refuse anyway
        raise StaleEdit(select_row(con, current.parcel_id), current.version)
    fids = [
        r[0]
        for r in con.execute(
            f"UPDATE {quote(info.name)} SET clr_stage = ? WHERE "
            f"{quote(info.id_field)} = ? RETURNING fid",
            (after.stage, after.parcel_id),
        )
    ]
    render_geojson_rows(con, info, fids)
    return after


def _append_audit(
    con: sqlite3.Connection,
    before: Clearance,
    after: Clearance,
    user: str,
    reason: str,
) -> AuditRecord:
    row = (
        after.parcel_id,
        after.park_id,
        after.version,
        after.updated_at,
        user,
        reason,
        json.dumps(before.editable(), ensure_ascii=False),
        json.dumps(after.editable(), ensure_ascii=False),
    )
    cursor = con.execute(
        f"INSERT INTO {AUDIT} (parcel_id, park_id, version, at, user, reason, "
        "before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        row,
    )
    seq = cursor.lastrowid
    return _record((seq, *row))


def create(con: sqlite3.Connection, info: LayerInfo, old_store: Path | None) -> dict:
    """At build time: create the tables, carry records over, seed new parcels.

    Records carried from ``old_store`` win over the layer's ``clr_stage`` when
    they have been edited (version > 0); the layer's values then follow them.

    Returns:
        Counts for the build report (seeded, carried, dropped, differing).
    """
    con.executescript(SCHEMA)
    register_attributes_table(con, STATE)
    register_attributes_table(con, AUDIT)
    if old_store is not None:
        _carry_over(con, old_store)
    # Unedited records follow the layer (the authority may have updated it).
    con.execute(f"DELETE FROM {STATE} WHERE version = 0")
    con.execute(
        f"UPDATE {STATE} AS c SET area_ha = p.area_ha FROM {quote(info.name)} AS p "
        f"WHERE p.{quote(info.id_field)} = c.parcel_id"
    )
    carried = con.execute(f"SELECT count(*) FROM {STATE}").fetchone()[0]
    # The layer's stages describe its as_of day (the report's date), else today.
    at = f"{info.as_of}T00:00:00.000000+00:00" if info.as_of else now()
    sql = (
        f"SELECT fid, {quote(info.id_field)}, park_id, area_ha, clr_stage FROM "
        f"{quote(info.name)} WHERE clr_stage IS NOT NULL ORDER BY fid"
    )
    known = {r[0] for r in con.execute(f"SELECT parcel_id FROM {STATE}")}
    layer_ids, seeded = set(), 0
    for _fid, parcel_id, park_id, area_ha, stage in con.execute(sql).fetchall():
        layer_ids.add(parcel_id)
        if parcel_id in known:
            continue
        row = baseline(parcel_id, park_id, float(area_ha), stage, at)
        con.execute(
            f"INSERT INTO {STATE} VALUES ({', '.join('?' * len(COLUMNS))})",
            [getattr(row, c) for c in COLUMNS],
        )
        seeded += 1
    dropped = [pid for pid in known if pid not in layer_ids]
    for pid in dropped:  # the parcel left the layer: its audit stays
        con.execute(f"DELETE FROM {STATE} WHERE parcel_id = ?", (pid,))
    differing = con.execute(
        f"UPDATE {quote(info.name)} AS p SET clr_stage = c.stage FROM {STATE} AS c "
        f"WHERE c.parcel_id = p.{quote(info.id_field)} AND c.version > 0 "
        "AND c.stage IS NOT p.clr_stage"
    ).rowcount
    return {
        "seeded": seeded,
        "carried_edited": carried - len(dropped),
        "dropped": sorted(dropped),
        "layer_stage_replaced": differing,
    }


def _carry_over(con: sqlite3.Connection, old_store: Path) -> None:
    """Copy records and audit from the store being replaced."""
    carry_over(con, old_store, CARRIED)


def build_layer(
    con: sqlite3.Connection, info: LayerInfo, old_store: Path | None
) -> dict[str, Any] | None:
    """The build's hook for each layer: ``create`` for the tracked one, else None."""
    if not tracks_clearance(info):
        return None
    con.commit()
    gpkg_functions(con)
    return create(con, info, old_store)


def layer_edits(
    con: sqlite3.Connection, info: LayerInfo, since: int
) -> list[tuple] | None:
    """``edited_rows`` of the tracked layer; None for the others (never edited)."""
    return edited_rows(con, info, since) if tracks_clearance(info) else None


class GpkgClearance:
    """``ClearanceStore`` over a GeoPackage's connections."""

    def __init__(self, db: GpkgConnection, layer: Callable[[str], LayerInfo]):
        """Read and write through ``db``; ``layer`` gives a layer's metadata."""
        self._db = db
        self._layer = layer

    def records(self, park_id: str | None = None) -> list[Clearance]:
        """Every tracked parcel's record (of one park), by parcel id."""
        return select_rows(self._db.reader(), park_id)

    def record(self, parcel_id: str) -> Clearance:
        """One parcel's record; raise ParcelNotTracked."""
        return select_row(self._db.reader(), parcel_id)

    def history(
        self, parcel_id: str | None = None, park_id: str | None = None
    ) -> list[AuditRecord]:
        """Accepted changes (of one parcel or park), oldest first."""
        con = self._db.reader()
        if parcel_id is not None:
            select_row(con, parcel_id)  # unknown parcel → ParcelNotTracked
        return select_audit(con, parcel_id, park_id)

    def at(self, when: dt.datetime) -> list[Clearance]:
        """Every tracked parcel as it stood at ``when`` (aware datetime)."""
        at = audit_time(when)
        con = self._db.reader()
        con.execute("BEGIN")  # records and audit from one snapshot
        try:
            rows, audit = select_rows(con), select_audit(con)
        finally:
            con.execute("COMMIT")
        return state_at(rows, audit, at)

    def update(
        self,
        parcel_id: str,
        base_version: int,
        changes: dict[str, Any],
        user: str,
        reason: str = "",
    ) -> tuple[Clearance, AuditRecord | None]:
        """Apply one planner's change (see ``update_many``) under the store's lock."""
        edit = Edit(parcel_id, base_version, changes, reason)
        return self.update_many([edit], user)[0]

    def update_many(
        self, edits: Sequence[Edit], user: str
    ) -> list[tuple[Clearance, AuditRecord | None]]:
        """Apply every edit in one transaction under the store's lock, or none."""
        info = self._layer(LAYER)
        with self._db.writer() as con:
            return update_many(con, info, edits, user)
