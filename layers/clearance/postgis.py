"""Clearance records and their audit trail in the PostGIS store.

The same two tables as the GeoPackage (``parkmap_clearance``,
``parkmap_clearance_audit``) and the same rules (``layers.clearance.rules``). A
change is one transaction: it takes the store's advisory lock shared (a build's
swap takes it alone, so no change lands in a schema about to be replaced), locks
the parcel's row with ``SELECT ... FOR UPDATE``, checks the version it was based
on, updates the row and the parcel's ``clr_stage`` and GeoJSON text, and appends
the audit record.
The audit number comes last, from the store's edit counter (a row of
``parkmap_build`` whose lock is held until commit), so numbers follow the order of
commits and ``build_id`` changes with every edit, whichever worker made it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from psycopg import sql

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
from layers.errors import StoreUnavailable
from layers.store.base import LayerInfo
from layers.store.pg_carry import carry_over
from layers.store.pg_connection import PgConnection, take_edit_lock
from layers.store.pg_layers import render_rows
from layers.store.pg_schema import EDITS, META_BUILD, Migration, ident, storable

CARRIED = (AUDIT, STATE)  # what a rebuild copies from the store it replaces
AUDIT_COLUMNS = (
    "seq", "parcel_id", "park_id", "version", "at", "user", "reason", "before",
    "after",
)  # fmt: skip


def _v1(con: psycopg.Connection, schema: str) -> None:
    """Clearance records and their audit."""
    s = sql.Identifier(schema)
    statements = [
        "CREATE TABLE {s}.parkmap_clearance (parcel_id text PRIMARY KEY, "
        "park_id text NOT NULL, area_ha double precision NOT NULL, "
        "stage text NOT NULL, "
        "cleared_ha double precision NOT NULL CHECK (cleared_ha >= 0), "
        "households_affected bigint, households_relocated bigint, "
        "target_date text, note text NOT NULL DEFAULT '', "
        "version integer NOT NULL, updated_at text NOT NULL, "
        "updated_by text NOT NULL)",
        "CREATE INDEX ON {s}.parkmap_clearance (park_id)",
        # seq is given under the store's edit counter (see _append_audit), so the
        # order of seq is the order of commits.
        "CREATE TABLE {s}.parkmap_clearance_audit (seq bigint PRIMARY KEY, "
        "parcel_id text NOT NULL, park_id text NOT NULL, version integer NOT NULL, "
        'at text NOT NULL, "user" text NOT NULL, reason text NOT NULL, '
        "before text NOT NULL, after text NOT NULL)",
        "CREATE INDEX ON {s}.parkmap_clearance_audit (parcel_id, seq)",
        "CREATE INDEX ON {s}.parkmap_clearance_audit (park_id, seq)",
    ]
    for text in statements:
        con.execute(sql.SQL(text).format(s=s))  # type: ignore[arg-type]


MIGRATIONS: tuple[Migration, ...] = ((1, "clearance and audit tables", _v1),)


def _cols(names: tuple[str, ...]) -> sql.Composed:
    return sql.SQL(", ").join(sql.Identifier(n) for n in names)


def _record(values: tuple) -> AuditRecord:
    seq, parcel, park, version, at, user, reason, before, after = values
    return AuditRecord(
        int(seq), parcel, park, version, at, user, reason, json.loads(before),
        json.loads(after),
    )  # fmt: skip


def select_rows(
    con: psycopg.Connection, schema: str, park_id: str | None = None
) -> list[Clearance]:
    """Every record (of one park), ordered by parcel id (byte order, as SQLite)."""
    if not storable(park_id):
        return []
    query = sql.SQL("SELECT {} FROM {}").format(_cols(COLUMNS), ident(schema, STATE))
    args: tuple = ()
    if park_id is not None:
        query, args = query + sql.SQL(" WHERE park_id = %s"), (park_id,)
    query += sql.SQL(' ORDER BY parcel_id COLLATE "C"')
    return [Clearance(*r) for r in con.execute(query, args)]


def select_row(
    con: psycopg.Connection, schema: str, parcel_id: str, *, for_update: bool = False
) -> Clearance:
    """One parcel's record (locked for the transaction); raise ParcelNotTracked."""
    if not storable(parcel_id):
        raise ParcelNotTracked(parcel_id)
    query = sql.SQL("SELECT {} FROM {} WHERE parcel_id = %s").format(
        _cols(COLUMNS), ident(schema, STATE)
    )
    if for_update:
        query += sql.SQL(" FOR UPDATE")
    row = con.execute(query, (parcel_id,)).fetchone()
    if row is None:
        raise ParcelNotTracked(parcel_id)
    return Clearance(*row)


def select_audit(
    con: psycopg.Connection,
    schema: str,
    parcel_id: str | None = None,
    park_id: str | None = None,
) -> list[AuditRecord]:
    """Audit records (of one parcel or park), oldest first."""
    if not (storable(parcel_id) and storable(park_id)):
        return []
    query = sql.SQL("SELECT {} FROM {}").format(
        _cols(AUDIT_COLUMNS), ident(schema, AUDIT)
    )
    where: list[sql.Composable] = []
    args: list[str] = []
    if parcel_id is not None:
        where, args = [*where, sql.SQL("parcel_id = %s")], [*args, parcel_id]
    if park_id is not None:
        where, args = [*where, sql.SQL("park_id = %s")], [*args, park_id]
    if where:
        query += sql.SQL(" WHERE ") + sql.SQL(" AND ").join(where)
    return [_record(r) for r in con.execute(query + sql.SQL(" ORDER BY seq"), args)]


def update_many(
    con: psycopg.Connection,
    schema: str,
    info: LayerInfo,
    edits: Sequence[Edit],
    *,
    user: str,
    lock_timeout_s: float,
) -> list[tuple[Clearance, AuditRecord | None]]:
    """Apply every edit in one transaction (see the module docstring).

    Raises:
        ParcelNotTracked, StaleEdit, EditRejected: nothing is written.
        StoreUnavailable: a build held the store's lock too long.
    """
    with con.transaction() as tx:
        take_edit_lock(con, schema, lock_timeout_s)
        done = [_change(con, schema, info, edit, user) for edit in edits]
        tx.force_rollback = not any(r for _, r in done)  # nothing written: unlock
    return done


def _change(
    con: psycopg.Connection, schema: str, info: LayerInfo, edit: Edit, user: str
) -> tuple[Clearance, AuditRecord | None]:
    current = select_row(con, schema, edit.parcel_id, for_update=True)
    if current.version != edit.base_version:
        raise StaleEdit(current, edit.base_version)
    changed = apply_change(current, edit.changes, edit.reason)
    if changed is None:
        return current, None
    stamp = {"version": current.version + 1, "updated_at": now(), "updated_by": user}
    after = Clearance(**{**changed.to_dict(), **stamp})
    _write(con, schema, info, after)
    reason = edit.reason.strip()
    return after, _append_audit(con, schema, current, after, user=user, reason=reason)


def _write(
    con: psycopg.Connection, schema: str, info: LayerInfo, after: Clearance
) -> None:
    sets = sql.SQL(", ").join(
        sql.SQL("{} = %s").format(sql.Identifier(c)) for c in COLUMNS[3:]
    )
    con.execute(
        sql.SQL("UPDATE {} SET {} WHERE parcel_id = %s").format(
            ident(schema, STATE), sets
        ),
        (*(getattr(after, c) for c in COLUMNS[3:]), after.parcel_id),
    )
    fids = con.execute(
        sql.SQL("UPDATE {} SET clr_stage = %s WHERE {} = %s RETURNING fid").format(
            ident(schema, info.name), sql.Identifier(info.id_field)
        ),
        (after.stage, after.parcel_id),
    ).fetchall()
    render_rows(con, schema, info, [r[0] for r in fids])


def _append_audit(
    con: psycopg.Connection,
    schema: str,
    before: Clearance,
    after: Clearance,
    *,
    user: str,
    reason: str,
) -> AuditRecord:
    seq = con.execute(
        sql.SQL(
            "UPDATE {} SET value = (value::bigint + 1)::text WHERE key = %s "
            "RETURNING value::bigint"
        ).format(ident(schema, META_BUILD)),
        (EDITS,),
    ).fetchone()
    if seq is None:
        raise StoreUnavailable(f"store '{schema}' has no edit counter: rebuild it")
    row = (
        seq[0],
        after.parcel_id,
        after.park_id,
        after.version,
        after.updated_at,
        user,
        reason,
        json.dumps(before.editable(), ensure_ascii=False),
        json.dumps(after.editable(), ensure_ascii=False),
    )
    con.execute(
        sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            ident(schema, AUDIT),
            _cols(AUDIT_COLUMNS),
            sql.SQL(", ").join(sql.Placeholder() * len(row)),
        ),
        row,
    )
    return _record(row)


def create(
    con: psycopg.Connection, schema: str, info: LayerInfo, old_schema: str | None
) -> dict[str, Any]:
    """At build time, under the store's lock: carry records over, seed new parcels.

    Records carried from ``old_schema`` win over the layer's ``clr_stage`` when
    they have been edited (version > 0); the layer's values then follow them.

    Returns:
        Counts for the build report (seeded, carried, dropped, differing).
    """
    state, layer = ident(schema, STATE), ident(schema, info.name)
    key = sql.Identifier(info.id_field)
    con.execute(sql.SQL("DELETE FROM {} WHERE version = 0").format(state))
    con.execute(
        sql.SQL(
            "UPDATE {} AS c SET area_ha = p.area_ha FROM {} AS p "
            "WHERE p.{} = c.parcel_id"
        ).format(state, layer, key)
    )
    known = {
        r[0] for r in con.execute(sql.SQL("SELECT parcel_id FROM {}").format(state))
    }
    carried = len(known)
    at = f"{info.as_of}T00:00:00.000000+00:00" if info.as_of else now()
    rows = con.execute(
        sql.SQL(
            "SELECT {}, park_id, area_ha, clr_stage FROM {} "
            "WHERE clr_stage IS NOT NULL ORDER BY fid"
        ).format(key, layer)
    ).fetchall()
    layer_ids = {r[0] for r in rows}
    seeded = [
        baseline(pid, park, float(area), stage, at)
        for pid, park, area, stage in rows
        if pid not in known
    ]
    with (
        con.cursor() as cur,
        cur.copy(
            sql.SQL("COPY {} ({}) FROM STDIN").format(state, _cols(COLUMNS))
        ) as copy,
    ):
        for row in seeded:
            copy.write_row([getattr(row, c) for c in COLUMNS])
    dropped = sorted(pid for pid in known if pid not in layer_ids)
    con.execute(
        sql.SQL("DELETE FROM {} WHERE parcel_id = ANY(%s)").format(state), (dropped,)
    )
    differing = con.execute(
        sql.SQL(
            "UPDATE {} AS p SET clr_stage = c.stage FROM {} AS c "
            "WHERE c.parcel_id = p.{} AND c.version > 0 "
            "AND c.stage IS DISTINCT FROM p.clr_stage RETURNING p.fid"
        ).format(layer, state, key)
    ).fetchall()
    render_rows(con, schema, info, [r[0] for r in differing])
    return {
        "seeded": len(seeded),
        "carried_edited": carried - len(dropped),
        "dropped": dropped,
        "layer_stage_replaced": len(differing),
    }


def swap(
    con: psycopg.Connection, new: str, old: str | None, infos: Sequence[LayerInfo]
) -> dict[str, Any] | None:
    """The build's hook before the swap: carry the tables over, then ``create``."""
    for info in infos:
        if tracks_clearance(info):
            if old is not None:
                carry_over(con, new, old, CARRIED)
            return create(con, new, info, old)
    return None


def last_edit(con: psycopg.Connection, schema: str) -> int:
    """The last audit number in ``schema`` (0 if none): the edit counter's start."""
    row = con.execute(
        sql.SQL("SELECT coalesce(max(seq), 0) FROM {}").format(ident(schema, AUDIT))
    ).fetchone()
    return int(row[0]) if row else 0


class PgClearance:
    """``ClearanceStore`` over a PostGIS store's connection pool."""

    def __init__(self, db: PgConnection, layer: Callable[[str], LayerInfo]):
        """Read and write through ``db``; ``layer`` gives a layer's metadata."""
        self._db = db
        self._layer = layer

    def records(self, park_id: str | None = None) -> list[Clearance]:
        """Every tracked parcel's record (of one park), by parcel id."""
        with self._db.connection() as con:
            return select_rows(con, self._db.schema, park_id)

    def record(self, parcel_id: str) -> Clearance:
        """One parcel's record; raise ParcelNotTracked."""
        with self._db.connection() as con:
            return select_row(con, self._db.schema, parcel_id)

    def history(
        self, parcel_id: str | None = None, park_id: str | None = None
    ) -> list[AuditRecord]:
        """Accepted changes (of one parcel or park), oldest first."""
        with self._db.connection() as con:
            if parcel_id is not None:
                select_row(con, self._db.schema, parcel_id)  # → ParcelNotTracked
            return select_audit(con, self._db.schema, parcel_id, park_id)

    def at(self, when: dt.datetime) -> list[Clearance]:
        """Every tracked parcel as it stood at ``when`` (aware datetime)."""
        at = audit_time(when)
        with self._db.connection() as con:
            con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            rows = select_rows(con, self._db.schema)
            audit = select_audit(con, self._db.schema)
        return state_at(rows, audit, at)

    def update(
        self,
        parcel_id: str,
        base_version: int,
        changes: dict[str, Any],
        user: str,
        reason: str = "",
    ) -> tuple[Clearance, AuditRecord | None]:
        """Apply one planner's change (see ``update_many``) as one transaction."""
        edit = Edit(parcel_id, base_version, changes, reason)
        return self.update_many([edit], user)[0]

    def update_many(
        self, edits: Sequence[Edit], user: str
    ) -> list[tuple[Clearance, AuditRecord | None]]:
        """Apply every edit in one transaction, or none."""
        info = self._layer(LAYER)
        if not tracks_clearance(info):
            raise ParcelNotTracked(edits[0].parcel_id if edits else "")
        with self._db.connection() as con:
            return update_many(
                con, self._db.schema, info, edits, user=user,
                lock_timeout_s=self._db.lock_timeout_s,
            )  # fmt: skip
