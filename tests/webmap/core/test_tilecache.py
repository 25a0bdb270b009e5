"""The tile cache: least recently used out first, bounded in bytes, per build."""

from __future__ import annotations

from webmap.core.tilecache import ENTRY_OVERHEAD, TileCache


def test_hit_and_miss_are_counted() -> None:
    cache = TileCache(10_000)
    assert cache.get("b1", "k") is None
    cache.put("b1", "k", b"tile")
    assert cache.get("b1", "k") == b"tile"
    assert cache.stats() == {
        "hits": 1,
        "misses": 1,
        "evictions": 0,
        "entries": 1,
        "bytes": 4 + ENTRY_OVERHEAD,
        "max_bytes": 10_000,
    }


def test_least_recently_used_goes_first() -> None:
    cache = TileCache(3 * (100 + ENTRY_OVERHEAD))
    for key in "abc":
        cache.put("b1", key, b"x" * 100)
    cache.get("b1", "a")  # now b is the oldest
    cache.put("b1", "d", b"x" * 100)
    assert cache.get("b1", "b") is None
    assert cache.stats()["evictions"] == 1
    assert all(cache.get("b1", key) for key in "acd")
    assert cache.size <= cache.max_bytes


def test_empty_tiles_count_too() -> None:
    cache = TileCache(10 * ENTRY_OVERHEAD)
    for i in range(100):
        cache.put("b1", i, b"")
    assert len(cache) == 10 and cache.size == 10 * ENTRY_OVERHEAD


def test_tile_larger_than_the_cache_is_not_kept() -> None:
    cache = TileCache(1000)
    cache.put("b1", "big", b"x" * 1000)
    assert len(cache) == 0 and cache.size == 0


def test_replacing_a_key_keeps_the_count_right() -> None:
    cache = TileCache(10_000)
    cache.put("b1", "k", b"x" * 10)
    cache.put("b1", "k", b"x" * 20)
    assert len(cache) == 1 and cache.size == 20 + ENTRY_OVERHEAD


def test_a_new_build_empties_the_cache() -> None:
    cache = TileCache(10_000)
    cache.put("b1", "k", b"old")
    assert cache.get("b2", "k") is None
    assert len(cache) == 0
    cache.put("b1", "k", b"late")  # a request that began before the rebuild
    assert cache.get("b2", "k") is None


def test_zero_bytes_disables_it() -> None:
    cache = TileCache(0)
    cache.put("b1", "k", b"")
    assert cache.get("b1", "k") is None
