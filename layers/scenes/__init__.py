"""360° scenes: photos and generated views, their manifests, tiles and hotspots.

- ``manifest``: the source and served manifests and their rules;
- ``build``: rendering and tiling the scenes (``vr generate``);
- ``ground``: the ground a generated view shows, from the core store;
- ``hotspots``: what a scene links to on the map;
- ``upload``: adding a photo from the browser;
- ``cli``: ``flask --app webmap vr ...``;
- ``SCENES``: no tables; its files outlive a rebuild and are not in a store backup.
"""

from __future__ import annotations

from layers.store.feature import StoredFeature

SCENES = StoredFeature(
    name="scenes",
    files=(
        "PARKMAP_PANORAMA_SOURCE_DIR: manifest.json and its photos",
        "PARKMAP_PANORAMA_DIR: the served manifest.json and tiles",
    ),
)
