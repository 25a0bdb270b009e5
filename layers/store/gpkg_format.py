"""GeoPackage details shared by the store's modules: names, quoting, geometry blobs."""

from __future__ import annotations

import sqlite3

import shapely

GEOM = "geom"
ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def quote(name: str) -> str:
    """Quote an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def wkb_part(blob: bytes) -> bytes:
    """The WKB part of a GeoPackage geometry blob (after header and envelope)."""
    return blob[8 + ENVELOPE_BYTES[(blob[3] >> 1) & 0b111] :]


def decode_gpkg_geometry(blob: bytes) -> shapely.Geometry:
    """Decode a GeoPackage geometry blob (header, optional envelope, WKB)."""
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob")
    return shapely.from_wkb(wkb_part(blob))


def register_attributes_table(con: sqlite3.Connection, table: str) -> None:
    """List ``table`` in gpkg_contents as an attributes table."""
    con.execute(
        "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier) "
        "VALUES (?, 'attributes', ?)",
        (table, table),
    )
