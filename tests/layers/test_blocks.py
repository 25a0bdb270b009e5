"""Land blocks: adjacent available parcels merged per park, in the built sample."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from layers.store.gpkg import GpkgStore


@pytest.fixture(scope="module")
def parcels(sample_store: Path) -> list[dict]:
    store = GpkgStore(sample_store)
    page = store.query("parcels", limit=10_000)
    store.close()
    return [f.properties for f in page.features]


def test_only_available_parcels_belong_to_blocks(parcels):
    for p in parcels:
        assert (p["block_id"] is not None) == (p["status"] == "available")


def test_block_area_and_count_are_the_sums_of_their_parcels(parcels):
    members = defaultdict(list)
    for p in parcels:
        if p["block_id"]:
            members[p["block_id"]].append(p)
    assert members
    for block, rows in members.items():
        assert all(r["park_id"] == rows[0]["park_id"] for r in rows), block
        assert all(r["block_n"] == len(rows) for r in rows)
        assert rows[0]["block_ha"] == pytest.approx(sum(r["area_ha"] for r in rows))


def test_blocks_are_numbered_from_the_largest_in_each_park(parcels):
    sizes = defaultdict(dict)
    for p in parcels:
        if p["block_id"]:
            sizes[p["park_id"]][int(p["block_id"].rsplit("-B", 1)[1])] = p["block_ha"]
    for park, by_rank in sizes.items():
        ranked = [by_rank[k] for k in sorted(by_rank)]
        assert ranked == sorted(ranked, reverse=True), park


def test_some_park_offers_a_block_larger_than_its_largest_parcel(parcels):
    biggest = defaultdict(float)
    for p in parcels:
        if p["block_id"]:
            biggest[p["park_id"]] = max(biggest[p["park_id"]], p["area_ha"])
    assert any(p["block_ha"] > biggest[p["park_id"]] for p in parcels if p["block_id"])
