"""The investors' land search over the parcels layer.

- ``query``: the query's parameters, parsed and checked (pure), and the covering
  index both backends build;
- ``vocabulary``: what a query may name, read from the core store;
- ``contract``: ``LandStore``, what ``store.land`` offers;
- ``gpkg`` / ``postgis``: the two implementations;
- ``LAND``: no tables of its own, an index on the parcels and its migration.
"""

from __future__ import annotations

from layers.land import gpkg, postgis
from layers.store.feature import StoredFeature

LAND = StoredFeature(
    name="land",
    pg_migrations=postgis.MIGRATIONS,
    gpkg_layer=gpkg.build_layer,
    pg_layer=postgis.land_index,
)
