"""The land search's tests: the sample store of each backend and its vocabulary."""

from __future__ import annotations

import pytest

from layers.land.query import LandVocabulary, land_vocabulary
from tests.support.stores import KINDS, open_kind


@pytest.fixture(scope="module", params=KINDS)
def store(request):
    """The sample store, GeoPackage then PostGIS (read only)."""
    s = open_kind(request, "sample_store", "pg_sample_store")
    yield s
    s.close()


@pytest.fixture(scope="module")
def vocab(store) -> LandVocabulary:
    """What a land query may name in ``store``."""
    return land_vocabulary(store)
