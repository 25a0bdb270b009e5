"""Store backends behind one interface; ``open_store`` picks one from a URL or path."""

from __future__ import annotations

from pathlib import Path

from layers.errors import StoreUnavailable
from layers.store.base import Feature, FieldInfo, LayerInfo, Page, Store
from layers.store.gpkg import GpkgStore

__all__ = ["Feature", "FieldInfo", "LayerInfo", "Page", "Store", "open_store"]


def open_store(location: str | Path) -> Store:
    """Open the store at ``location``: a GeoPackage path (a PostGIS URL comes later).

    Raises:
        StoreUnavailable: the store is missing or of an unsupported kind.
    """
    text = str(location)
    if text.startswith(("postgresql://", "postgres://")):
        raise StoreUnavailable("the PostGIS store is not available in this version")
    return GpkgStore(Path(text))
