"""Reporting periods: the authority's figures over time.

- ``rules``: what a period holds, its fields and errors (pure);
- ``contract``: ``PeriodStore``, what ``store.periods`` offers;
- ``records``: the tables, the rules a write keeps, rows to periods (pure);
- ``gpkg`` / ``postgis``: the two implementations;
- ``sample``: the sample periods under ``data/periods/`` a first build stores;
- ``PERIODS``: its tables, migration, what a rebuild carries over, a backup
  holds, and what a first build starts with.
"""

from __future__ import annotations

from layers.periods import gpkg, postgis, sample
from layers.periods.records import TABLES
from layers.store.feature import StoredFeature

PERIODS = StoredFeature(
    name="periods",
    tables=TABLES,
    carried=TABLES,
    backed_up=TABLES,
    pg_migrations=postgis.MIGRATIONS,
    gpkg_store=gpkg.create,
    pg_swap=postgis.swap,
    seed=sample.read_seed,
    gpkg_seed=gpkg.seed,
    pg_seed=postgis.seed,
)
