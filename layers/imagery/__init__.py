"""Imagery: the COGs the map serves, kept as files beside the store.

- ``rasters``: the registry (``rasters.json``) and its rules;
- ``sync``: the build's step that registers ``data/rasters/``;
- ``sample``: the demonstration imagery;
- ``cli``: ``flask --app webmap raster ...``;
- ``IMAGERY``: no tables; its files outlive a rebuild and are not in a store backup.
"""

from __future__ import annotations

from layers.store.feature import StoredFeature

IMAGERY = StoredFeature(
    name="imagery",
    files=("PARKMAP_RASTER_DIR: rasters.json and its COGs",),
)
