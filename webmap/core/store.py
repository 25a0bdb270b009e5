"""The app's store, opened lazily once per app (never at import time).

A request sees one state of the store: the first ``get_store()`` of an app
context asks the store to ``hold`` what its first check finds (a GeoPackage is
then checked for a rebuild or an edit once, not on every call), and the end of
the context releases it.
"""

from __future__ import annotations

from flask import Flask, current_app, g

from layers.store import is_url
from layers.store.open import FullStore, open_store

KEY = "parkmap.store"
HELD = "parkmap_store_held"


def init_app(app: Flask) -> None:
    """Release the store's hold when each request (or other app context) ends."""
    app.teardown_request(_release)
    app.teardown_appcontext(_release)


def get_store() -> FullStore:
    """The store named by ``STORE``, opened on first use, held for this context."""
    store = current_app.extensions.get(KEY)
    if store is None:
        store = open_store(current_app.config["STORE"])
        current_app.extensions[KEY] = store
    if HELD not in g:
        store.hold()
        setattr(g, HELD, True)
    return store


def _release(exc: BaseException | None) -> None:
    store = current_app.extensions.get(KEY)
    if g.pop(HELD, False) and store is not None:
        store.release()


def store_kind(location: object) -> str:
    """``postgis`` or ``gpkg``, from the store's location."""
    return "postgis" if is_url(location) else "gpkg"
