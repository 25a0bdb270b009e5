"""Tile properties of a whole layer, dictionary-encoded once and kept in memory.

Reading a dozen attribute columns from SQLite for every feature of every tile costs
more than drawing the tile, so a store that can read a layer's rows cheaply builds
this once per layer and build: every feature's MVT id and the codes of its id and
display fields into one table of distinct encoded values. A tile then takes the rows
of its features by fid. About 20 MB for 100,000 parcels with 14 display fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from geo.mvt import (
    TileFeatures,
    ValueTable,
    dictionary_encode,
    encode_value,
    stable_id,
)
from layers.store.base import LayerInfo


@dataclass(frozen=True, slots=True)
class TileProperties:
    """Every feature's tile id and encoded properties, by fid.

    Attributes:
        fids: the store's row ids, ascending.
        ids: the MVT id of each row (``stable_id`` of the feature id).
        keys: the id field, then the display fields.
        codes: shape (rows, keys), index into ``values`` or -1.
        values: distinct encoded values.
    """

    fids: np.ndarray
    ids: np.ndarray
    keys: tuple[str, ...]
    codes: np.ndarray
    values: ValueTable

    @classmethod
    def from_rows(
        cls, info: LayerInfo, rows: Iterable[Sequence[Any]]
    ) -> TileProperties:
        """Build from rows of (fid, *``info.tile_fields()``) in ascending fid order."""
        keys = tuple(info.tile_fields())
        columns = list(zip(*rows, strict=True)) or [()] * (len(keys) + 1)
        fids = np.asarray(columns[0], dtype=np.int64)
        values = [list(c) for c in columns[1:]]
        for j, name in enumerate(keys):
            if info.field(name).type == "bool":  # SQLite keeps booleans as 0/1
                values[j] = [None if v is None else bool(v) for v in values[j]]
        codes, table = dictionary_encode(values, len(fids))
        ids = np.array([stable_id(str(v)) for v in values[0]], dtype=np.uint64)
        return cls(fids, ids, keys, codes.astype(np.int32), table)

    def with_rows(
        self, info: LayerInfo, rows: Iterable[Sequence[Any]]
    ) -> TileProperties:
        """A copy in which the rows (fid, *tile fields) given replace their old values.

        For edits: the new values are appended to the value table (a value already
        there may appear twice, which MVT allows), so nothing else is re-encoded.
        """
        codes = self.codes.copy()
        ids = self.ids.copy()
        messages = [self.values.data]
        offsets = list(self.values.offsets)
        for fid, *values in rows:
            at = int(np.searchsorted(self.fids, fid))
            if at >= len(self.fids) or self.fids[at] != fid:
                continue  # not a row of this build
            ids[at] = stable_id(str(values[0]))
            for j, (name, raw) in enumerate(zip(self.keys, values, strict=True)):
                if raw is None:
                    codes[at, j] = -1
                    continue
                value = bool(raw) if info.field(name).type == "bool" else raw
                message = np.frombuffer(encode_value(value), dtype=np.uint8)
                messages.append(message)
                codes[at, j] = len(offsets) - 1
                offsets.append(offsets[-1] + len(message))
        table = ValueTable(np.concatenate(messages), np.asarray(offsets, np.int64))
        return TileProperties(self.fids, ids, self.keys, codes, table)

    def features(self, fids: np.ndarray, geometries: np.ndarray) -> TileFeatures:
        """The tile features of rows ``fids`` with their (EPSG:3857) geometries."""
        rows = np.searchsorted(self.fids, fids)
        return TileFeatures(
            self.ids[rows], geometries, self.keys, self.codes[rows], self.values
        )
