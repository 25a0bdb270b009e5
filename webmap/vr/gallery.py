"""The 360° gallery (``/vr/``): a card per scene and a map of the cameras.

A card shows the scene's thumbnail, name, park, date (the day a photo was taken
or a view rendered, when the manifest knows it) and whether it is a photo or a
generated image, in words. Scene titles may come from uploads: the template
escapes them and the map's data goes out through ``tojson``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from webmap.core.i18n import as_of
from webmap.core.lookups import Lookups
from webmap.core.page import optional_url
from webmap.core.store import get_store
from webmap.vr.scenes import map_url

PARKS = "parks"


@dataclass(frozen=True, slots=True)
class Card:
    """One scene as the gallery shows it."""

    id: str
    name: str
    url: str
    thumbnail: str
    generated: bool
    park: str | None  # the park's name
    park_url: str | None
    date: str | None  # YYYY-MM-DD
    date_text: str | None  # the date in the page's language


def _park_names(scenes: list[dict[str, Any]], lang: str) -> Lookups | None:
    """The parks' names, when a scene names a park and the store has parks."""
    if not any(s.get("park") for s in scenes):
        return None
    store = get_store()
    if PARKS not in {info.name for info in store.layers()}:
        return None
    return Lookups.cached(store, lang)


def card(scene: dict[str, Any], lookups: Lookups | None, lang: str) -> Card:
    """The card of one scene of ``scene_list``."""
    park_id = scene.get("park")
    park = url = None
    if park_id:
        park = lookups.name(PARKS, park_id) if lookups else park_id
        url = optional_url("investor.park_page", park_id=park_id, lang=lang)
    date = scene.get("date")
    return Card(
        id=scene["id"],
        name=scene["name"],
        url=scene["url"],
        thumbnail=scene["thumbnail"],
        generated=bool(scene.get("generated")),
        park=park,
        park_url=url,
        date=date,
        date_text=as_of(date) if date else None,
    )


def gallery_context(scenes: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """What ``vr/index.html`` shows, from ``scene_list(lang)``, but the map.

    The view adds the cameras' map (``investor.areamap.gallery_map``): the gallery
    shares the investor pages' area map, and the investor pages link to the scenes.
    """
    lookups = _park_names(scenes, lang)
    return {
        "cards": [card(s, lookups, lang) for s in scenes],
        "map_url": map_url({"lang": lang}),
    }
