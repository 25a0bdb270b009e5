"""The core feature store: one interface, a GeoPackage and a PostGIS backend.

``layers.store.open.open_store`` opens the store the service uses (this core plus
the stored features of ``layers.store.catalogue``). Only those two modules and the
backup (``gpkg_backup``) import the features; the rest of the package is the core
the features build on, and this ``__init__`` imports nothing but ``base``.
"""

from __future__ import annotations

from layers.store.base import Feature, FieldInfo, LayerInfo, Page, Store

__all__ = ["Feature", "FieldInfo", "LayerInfo", "Page", "Store", "is_url"]


def is_url(location: object) -> bool:
    """Whether a store location names a PostgreSQL database (not a file)."""
    return str(location).startswith(("postgresql://", "postgres://"))
