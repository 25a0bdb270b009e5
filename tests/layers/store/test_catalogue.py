"""The stored features' registrations agree with each other and with the backup."""

from __future__ import annotations

from layers.clearance.rules import AUDIT, STATE
from layers.enquiries.rules import TABLE as ENQUIRIES
from layers.periods.records import TABLES as PERIODS
from layers.store.catalogue import FEATURES
from layers.store.feature import pg_migrations
from layers.store.pg_schema import CORE_MIGRATIONS


def test_feature_names_are_unique() -> None:
    names = [f.name for f in FEATURES]
    assert len(names) == len(set(names))


def test_what_a_rebuild_carries_and_a_backup_holds_are_the_features_tables() -> None:
    for feature in FEATURES:
        assert set(feature.carried) <= set(feature.tables), feature.name
        assert set(feature.backed_up) <= set(feature.tables), feature.name


def test_a_backup_holds_every_table_a_rebuild_carries_over() -> None:
    carried = {t for f in FEATURES for t in f.carried}
    backed_up = {t for f in FEATURES for t in f.backed_up}
    assert carried <= backed_up


def test_the_backup_summary_counts_every_backed_up_table() -> None:
    """StoreSummary names these (periods by their first table, one row a period);
    a new feature's tables need a count too."""
    backed_up = {t for f in FEATURES for t in f.backed_up}
    assert backed_up == {STATE, AUDIT, ENQUIRIES, *PERIODS}


def test_files_only_features_declare_files_and_no_tables() -> None:
    files_only = [f for f in FEATURES if f.files]
    assert [f.name for f in files_only] == ["imagery", "scenes"]
    assert all(not f.tables and not f.pg_migrations for f in files_only)


def test_the_postgis_layout_versions_run_one_to_four_once_each() -> None:
    steps = pg_migrations(FEATURES)
    assert [v for v, _, _ in steps] == [1, 2, 3, 4]
    assert steps[0][1] == "layers, build, clearance and audit tables"
    assert CORE_MIGRATIONS[0][0] == 1
