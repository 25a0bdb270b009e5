"""The app's store, opened lazily once per app (never at import time)."""

from __future__ import annotations

from flask import current_app

from layers.store import is_url
from layers.store.open import FullStore, open_store

KEY = "parkmap.store"


def get_store() -> FullStore:
    """The store named by ``STORE``, opened on first use."""
    store = current_app.extensions.get(KEY)
    if store is None:
        store = open_store(current_app.config["STORE"])
        current_app.extensions[KEY] = store
    return store


def store_kind(location: object) -> str:
    """``postgis`` or ``gpkg``, from the store's location."""
    return "postgis" if is_url(location) else "gpkg"
