"""Site clearance: planners' per-parcel records and their audit trail.

- ``rules``: the stages, what a change may do, roll-ups per park (pure);
- ``contract``: ``ClearanceStore``, what ``store.clearance`` offers;
- ``gpkg`` / ``postgis``: the two implementations;
- ``CLEARANCE``: its tables, migration, and what a rebuild and a backup keep.
"""

from __future__ import annotations

from layers.clearance import gpkg, postgis
from layers.clearance.rules import AUDIT, STATE
from layers.store.feature import StoredFeature

CLEARANCE = StoredFeature(
    name="clearance",
    tables=(STATE, AUDIT),
    carried=(AUDIT, STATE),
    backed_up=(STATE, AUDIT),
    pg_migrations=postgis.MIGRATIONS,
    gpkg_layer=gpkg.build_layer,
    gpkg_last_edit=gpkg.last_edit,
    gpkg_edited_rows=gpkg.layer_edits,
    pg_swap=postgis.swap,
    pg_last_edit=postgis.last_edit,
)
