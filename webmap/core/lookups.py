"""Names of the features other features refer to, and field values as text.

A popup, a search answer or an investor page shows a parcel's park by its name in
the request's language, not by its id; ``Lookups`` holds those names (read once per
store build and language) and ``format_value`` turns a field's value into text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext

from layers.store import Store
from webmap.core.cache import memo
from webmap.core.i18n import display_name, number
from webmap.core.labels import UNITS, value_label

REFERENCES = {"park_id": "parks", "zone_id": "zones"}


@dataclass(slots=True)
class Lookups:
    """Names of features other features refer to: parks, zones and landmarks."""

    lang: str
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # landmark id → kind

    @classmethod
    def load(cls, store: Store, lang: str) -> Lookups:
        """Read the referenced layers that exist in ``store`` (they are small)."""
        lookups = cls(lang)
        present = {info.name: info for info in store.layers()}
        for layer in ("parks", "zones", "landmarks"):
            info = present.get(layer)
            if info is None or info.count > 5000:
                continue
            page = store.query(layer, limit=info.count)
            lookups.names[layer] = {
                f.id: display_name(f.properties, lang, f.id) for f in page.features
            }
            if layer == "landmarks":
                lookups.kinds = {
                    f.id: str(f.properties.get("kind") or "") for f in page.features
                }
        return lookups

    @classmethod
    def cached(cls, store: Store, lang: str) -> Lookups:
        """``load`` once per store build and language."""
        return memo(store, ("lookups", lang), lambda: cls.load(store, lang))

    def name(self, layer: str, feature_id: str) -> str:
        """The display name of a feature of ``layer``, or its id."""
        return self.names.get(layer, {}).get(feature_id, feature_id)


def format_value(name: str, value: Any, lookups: Lookups) -> str | None:
    """A field's value as display text (not yet escaped), or None when empty."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if name in REFERENCES and isinstance(value, str):
        return lookups.name(REFERENCES[name], value)
    if isinstance(value, int | float):
        unit = UNITS.get(name)
        text = number(value, 0 if isinstance(value, int) or name == "number" else 2)
        return f"{text} {unit}" if unit else text
    return value_label(str(value))
