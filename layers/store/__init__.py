"""Store backends behind one interface; ``open_store`` picks one from a URL or path."""

from __future__ import annotations

from pathlib import Path

from layers.store.base import Feature, FieldInfo, LayerInfo, Page, Store
from layers.store.gpkg import GpkgStore
from layers.store.postgis import PostgisStore

__all__ = ["Feature", "FieldInfo", "LayerInfo", "Page", "Store", "is_url", "open_store"]


def is_url(location: object) -> bool:
    """Whether a store location names a PostgreSQL database (not a file)."""
    return str(location).startswith(("postgresql://", "postgres://"))


def open_store(location: str | Path) -> Store:
    """Open the store at ``location``: a GeoPackage path or a ``postgresql://`` URL.

    Raises:
        StoreUnavailable: the store is missing, unreachable or holds no build.
    """
    text = str(location)
    if is_url(text):
        return PostgisStore(text)
    return GpkgStore(Path(text))
