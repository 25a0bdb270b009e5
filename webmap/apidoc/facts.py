"""What the document says about this deployment: layer names, rasters, scenes, ids.

The service's routes take the store's own names (layers, parks, statuses,
landmarks), so the document lists them as enums and gives real ids as examples;
read once per request of ``/openapi.json`` from what the app has already cached.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from layers.errors import LayerNotFound
from layers.land.vocabulary import LAYER as PARCELS
from layers.land.vocabulary import LandVocabulary
from layers.store import Store
from layers.store.base import LayerInfo
from layers.store.open import FullStore
from webmap.imagery.service import raster_tiles
from webmap.land.search import vocabulary
from webmap.vr.scenes import manifest


@dataclass(frozen=True, slots=True)
class Facts:
    """The names and example ids the document lists.

    Attributes:
        layers: the store's layer names.
        rasters: the imagery rasters' names.
        scenes: the 360° scenes' ids.
        vocabulary: what a land search may name (None without a parcels layer).
        parcel: a parcel id, as an example.
        park: a park id, as an example.
        tracked: a parcel under clearance, as an example.
        cookie: the session cookie's name.
        infos: the store's layers (``LayerInfo``), for the OGC API's per-layer
            paths.
    """

    layers: tuple[str, ...] = ()
    rasters: tuple[str, ...] = ()
    scenes: tuple[str, ...] = ()
    vocabulary: LandVocabulary | None = None
    parcel: str | None = None
    park: str | None = None
    tracked: str | None = None
    cookie: str = "session"
    infos: tuple[LayerInfo, ...] = ()


def gather(store: FullStore) -> Facts:
    """The facts of this app and ``store`` (needs an app context).

    Raises:
        StoreUnavailable: the store cannot be read (503).
    """
    layers = tuple(info.name for info in store.layers())
    vocab = vocabulary(store) if PARCELS in layers else None
    tracked = store.clearance.records()[:1] if PARCELS in layers else []
    return Facts(
        layers=layers,
        rasters=tuple(info.name for info in raster_tiles().registry.list()),
        scenes=tuple(scene.id for scene in manifest().scenes),
        vocabulary=vocab,
        parcel=_first_id(store, PARCELS, layers),
        park=vocab.parks[0] if vocab and vocab.parks else None,
        tracked=tracked[0].parcel_id if tracked else None,
        cookie=current_app.config["SESSION_COOKIE_NAME"],
    )


def _first_id(store: Store, layer: str, layers: tuple[str, ...]) -> str | None:
    if layer not in layers:
        return None
    try:
        page = store.query(layer, limit=1)
    except LayerNotFound:
        return None
    return page.features[0].id if page.features else None
