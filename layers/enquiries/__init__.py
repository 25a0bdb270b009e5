"""Investors' enquiries about parcels.

- ``rules``: what an acceptable enquiry is and the per-sender allowance (pure);
- ``contract``: ``EnquiryStore``, what ``store.enquiries`` offers;
- ``gpkg`` / ``postgis``: the two implementations;
- ``ENQUIRIES``: its table, migration, and what a rebuild and a backup keep.
"""

from __future__ import annotations

from layers.enquiries import gpkg, postgis
from layers.enquiries.rules import TABLE
from layers.store.feature import StoredFeature

ENQUIRIES = StoredFeature(
    name="enquiries",
    tables=(TABLE,),
    carried=(TABLE,),
    backed_up=(TABLE,),
    pg_migrations=postgis.MIGRATIONS,
    gpkg_store=gpkg.create,
    pg_swap=postgis.swap,
)
