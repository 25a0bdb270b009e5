"""The stored features the store is composed of, in the order their hooks run."""

from __future__ import annotations

from layers.clearance import CLEARANCE
from layers.enquiries import ENQUIRIES
from layers.imagery import IMAGERY
from layers.land import LAND
from layers.periods import PERIODS
from layers.scenes import SCENES
from layers.store.feature import StoredFeature

FEATURES: tuple[StoredFeature, ...] = (
    CLEARANCE, LAND, ENQUIRIES, PERIODS, IMAGERY, SCENES,
)  # fmt: skip
