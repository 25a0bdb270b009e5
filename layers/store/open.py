"""The store the service uses: the core feature store plus the stored features.

``open_store`` picks the backend from a URL or path. Each backend's store is its
core (``GpkgStore``, ``PostgisStore``) with one implementation of each feature's
contract as an attribute, all over the core's one connection provider (``db``):

- ``store.clearance``: ``layers.clearance.contract.ClearanceStore``;
- ``store.land``: ``layers.land.contract.LandStore``;
- ``store.enquiries``: ``layers.enquiries.contract.EnquiryStore``;
- ``store.periods``: ``layers.periods.contract.PeriodStore``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from layers.clearance.contract import ClearanceStore
from layers.clearance.gpkg import GpkgClearance
from layers.clearance.postgis import PgClearance
from layers.enquiries.contract import EnquiryStore
from layers.enquiries.gpkg import GpkgEnquiries
from layers.enquiries.postgis import PgEnquiries
from layers.land.contract import LandStore
from layers.land.gpkg import GpkgLand
from layers.land.postgis import PgLand
from layers.periods.contract import PeriodStore
from layers.periods.gpkg import GpkgPeriods
from layers.periods.postgis import PgPeriods
from layers.store import is_url
from layers.store.catalogue import FEATURES
from layers.store.feature import StoredFeature
from layers.store.gpkg import GpkgStore
from layers.store.postgis import PostgisStore


class FullGpkgStore(GpkgStore):
    """A GeoPackage store with its stored features."""

    def __init__(self, path: Path, features: Sequence[StoredFeature] = FEATURES):
        super().__init__(path, features)
        self.clearance: ClearanceStore = GpkgClearance(self.db, self.layer)
        self.land: LandStore = GpkgLand(self.db, self.layer)
        self.enquiries: EnquiryStore = GpkgEnquiries(self.db)
        self.periods: PeriodStore = GpkgPeriods(self.db)


class FullPostgisStore(PostgisStore):
    """A PostGIS store with its stored features."""

    def __init__(self, url: str, features: Sequence[StoredFeature] = FEATURES):
        super().__init__(url, features)
        self.clearance: ClearanceStore = PgClearance(self.db, self.layer)
        self.land: LandStore = PgLand(self.db, self.layer_info)
        self.enquiries: EnquiryStore = PgEnquiries(self.db)
        self.periods: PeriodStore = PgPeriods(self.db)


FullStore = FullGpkgStore | FullPostgisStore


def open_store(location: str | Path) -> FullStore:
    """Open the store at ``location``: a GeoPackage path or a ``postgresql://`` URL.

    Raises:
        StoreUnavailable: the store is missing, unreachable or holds no build.
    """
    text = str(location)
    if is_url(text):
        return FullPostgisStore(text)
    return FullGpkgStore(Path(text))
