"""Serving raster tiles: the app's raster registry, open COGs and rendered tiles.

One ``RasterTiles`` per app (so per gunicorn worker). Rendered tiles go into a
``webmap.core.tilecache.TileCache`` of their own, keyed by the COG's checksum, so a
re-imported raster never serves an old tile and the other rasters' tiles stay.
GDAL dataset handles are not thread-safe: each thread keeps its own few open COGs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from geo.rastertile import CogTileReader, encode, transparent_tile
from geo.tiles import Tile
from layers.imagery.rasters import RasterInfo, RasterRegistry
from webmap.core.tilecache import TileCache

RENDER_VERSION = "r1"  # change when geo.rastertile output changes: old ETags go stale
OPEN_PER_THREAD = 8
_CACHE_GENERATION = "rasters"  # keys carry the checksum: the cache never needs a reset


class RasterTiles:
    """Render and cache the tiles of the registered rasters."""

    def __init__(self, directory: Path, cache_bytes: int) -> None:
        self.registry = RasterRegistry(directory)
        self.cache = TileCache(cache_bytes)
        self._local = threading.local()

    def _reader(self, info: RasterInfo) -> CogTileReader:
        """This thread's open COG for ``info`` (the least recently used closed)."""
        readers: OrderedDict[str, CogTileReader] | None = getattr(
            self._local, "readers", None
        )
        if readers is None:
            readers = self._local.readers = OrderedDict()
        reader = readers.get(info.file)
        if reader is not None:
            readers.move_to_end(info.file)
            return reader
        reader = CogTileReader(str(self.registry.path(info)))
        readers[info.file] = reader
        while len(readers) > OPEN_PER_THREAD:
            readers.popitem(last=False)[1].close()
        return reader

    @staticmethod
    def etag(info: RasterInfo, tile: Tile, fmt: str) -> str:
        """The strong ETag of a tile: content id, renderer version and address."""
        return f"{info.checksum[:20]}-{RENDER_VERSION}-{tile.z}-{tile.x}-{tile.y}.{fmt}"

    def tile(self, info: RasterInfo, tile: Tile, fmt: str) -> bytes:
        """The encoded tile; a transparent one where the image is not.

        Args:
            info: The raster.
            tile: The address, already checked.
            fmt: ``png`` or ``webp``.

        Returns:
            The image bytes.
        """
        key = (info.checksum, tile.z, tile.x, tile.y, fmt)
        data = self.cache.get(_CACHE_GENERATION, key)
        if data is None:
            rgba = self._reader(info).read_tile(tile.z, tile.x, tile.y)
            data = transparent_tile(fmt) if rgba is None else encode(rgba, fmt)
            self.cache.put(_CACHE_GENERATION, key, data)
        return data
