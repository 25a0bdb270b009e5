"""Small per-app caches of what map pages reuse, keyed by the store's build.

The inline layers' GeoJSON (with their escaped popups) and the names other features
refer to depend only on the stored data and the language, so they are made once per
build and language; a rebuilt store (or a clearance edit) has a new build id and
starts afresh. Each ``space`` is its own LRU, so rendered pages of many views cannot
push the layers' GeoJSON out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app

from layers.store import Store

T = TypeVar("T")
KEY = "parkmap.mapview.cache"
SIZE = 128


class _Cache:
    def __init__(self) -> None:
        self.items: OrderedDict[Hashable, object] = OrderedDict()
        self.lock = threading.Lock()


def _space(name: str) -> _Cache:
    spaces: dict[str, _Cache] = current_app.extensions.setdefault(KEY, {})
    cache = spaces.get(name)
    if cache is None:
        cache = spaces.setdefault(name, _Cache())
    return cache


def memo(
    store: Store,
    key: tuple[Hashable, ...],
    make: Callable[[], T],
    *,
    space: str = "data",
    size: int = SIZE,
) -> T:
    """``make()`` once per store build and ``key`` (always, if builds have no id).

    Args:
        store: the store whose build id scopes the value.
        key: what the value depends on besides the data (layer, language…).
        make: computes the value; it must not depend on the request otherwise.
        space: which of the app's caches holds it.
        size: the most values that cache keeps (least recently used go first).

    Returns:
        The cached or freshly made value.
    """
    build = store.build_id()
    if build is None:
        return make()
    cache = _space(space)
    full = (build, *key)
    with cache.lock:
        if full in cache.items:
            cache.items.move_to_end(full)
            return cache.items[full]  # type: ignore[return-value]
    value = make()
    with cache.lock:
        cache.items[full] = value
        while len(cache.items) > size:
            cache.items.popitem(last=False)
    return value
