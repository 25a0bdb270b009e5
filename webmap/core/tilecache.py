"""A bounded in-process LRU cache of encoded tiles, sized in bytes.

One per app (so one per gunicorn worker). Entries belong to one build of the store:
when the store's build id changes, the cache empties itself. Hit, miss and eviction
counters are kept for metrics (``webmap.metrics``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

ENTRY_OVERHEAD = 160  # bytes counted per entry besides the tile: key, node, refs


class TileCache:
    """Least-recently-used tiles, at most ``max_bytes`` in all (0 disables it)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.hits = 0
        self.misses = 0
        self.evictions = 0
        self._bytes = 0
        self._build: str | None = None
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Bytes counted now (tiles plus the per-entry overhead)."""
        return self._bytes

    def get(self, build: str, key: Hashable) -> bytes | None:
        """The tile stored under ``key`` for this build, or None (counted)."""
        with self._lock:
            if build != self._build:
                self._reset(build)
            data = self._entries.get(key)
            if data is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return data

    def put(self, build: str, key: Hashable, data: bytes) -> None:
        """Store a tile, evicting the least recently used ones to stay in bounds."""
        cost = len(data) + ENTRY_OVERHEAD
        if cost > self.max_bytes:
            return
        with self._lock:
            if build != self._build:
                self._reset(build)
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old) + ENTRY_OVERHEAD
            self._entries[key] = data
            self._bytes += cost
            while self._bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted) + ENTRY_OVERHEAD
                self.evictions += 1

    def stats(self) -> dict[str, int]:
        """Counters for metrics: hits, misses, evictions, entries, bytes, max_bytes."""
        with self._lock:
            return {
                "hits": self.hits,
                "misses": self.misses,
                "evictions": self.evictions,
                "entries": len(self._entries),
                "bytes": self._bytes,
                "max_bytes": self.max_bytes,
            }

    def _reset(self, build: str) -> None:
        """Forget every tile: they belong to another build (lock held)."""
        self._entries.clear()
        self._bytes = 0
        self._build = build
