"""Derived values and cross-layer checks, run once every layer is loaded.

Areas are computed in EPSG:32648 and distances geodesically (``geo.crs``); occupancy
is recomputed from the leased share of each parent's child area and compared with
the figure the authority reported.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from geo.crs import UTM48N, area_ha, point_distances_km, reproject
from geo.geometry import contiguous_groups, outside, overlaps
from layers.drive import Roads, derive_drive_times, isochrone_layer, read_roads
from layers.errors import InvalidSourceData
from layers.load import LoadedLayer
from layers.spec import BlocksSpec, FieldSpec, OccupancySpec, ParentSpec

logger = logging.getLogger(__name__)


def derive_area(layer: LoadedLayer) -> None:
    """Add ``area_ha`` (hectares, computed in UTM 48N)."""
    layer.gdf["area_ha"] = np.round(area_ha(layer.gdf.geometry), 4)
    layer.derived.append(FieldSpec("area_ha", "float"))


def derive_distances(layer: LoadedLayer, landmarks: LoadedLayer) -> None:
    """Add ``dist_<landmark>_km``: geodesic km from each feature to each landmark."""
    lm = landmarks.gdf
    id_field = landmarks.spec.id_field
    for lm_id, point in zip(lm[id_field], lm.geometry, strict=True):
        centre = point.centroid
        col = f"dist_{lm_id}_km"
        layer.gdf[col] = np.round(
            point_distances_km(layer.gdf.geometry, centre.x, centre.y), 3
        )
        layer.derived.append(FieldSpec(col, "float"))


def check_parent(
    layer: LoadedLayer, parent: LoadedLayer, ps: ParentSpec
) -> list[InvalidSourceData]:
    """Unknown parent ids are errors; features outside their parent are warnings."""
    parents = dict(
        zip(parent.gdf[parent.spec.id_field], parent.gdf.geometry, strict=True)
    )
    keys = layer.gdf[ps.key]
    unknown = sorted({k for k in keys if k is not None and k not in parents})
    problems = []
    if unknown:
        problems.append(
            InvalidSourceData(
                f"no {parent.spec.name} feature with {ps.key} = "
                + ", ".join(map(str, unknown)),
                path=layer.spec.source,
                field=ps.key,
            )
        )
        return problems
    ids = layer.gdf[layer.spec.id_field]
    bad = outside(layer.gdf.geometry, list(keys), parents, tolerance_m=ps.tolerance_m)
    if bad:
        listed = ", ".join(str(ids.iloc[i]) for i in bad[:50])
        more = f" (and {len(bad) - 50} more)" if len(bad) > 50 else ""
        layer.warnings.append(
            f"{len(bad)} feature(s) outside their {parent.spec.name} "
            f"(tolerance {ps.tolerance_m} m): {listed}{more}"
        )
    if ps.check_overlaps:
        pairs = overlaps(layer.gdf.geometry, list(ids))
        if pairs:
            listed = ", ".join(f"{a}/{b}" for a, b in pairs[:50])
            more = f" (and {len(pairs) - 50} more)" if len(pairs) > 50 else ""
            layer.warnings.append(f"{len(pairs)} overlapping pair(s): {listed}{more}")
    return problems


def derive_occupancy(
    parent: LoadedLayer, children: LoadedLayer, occ: OccupancySpec
) -> None:
    """Add parcel, leased and free hectares and the recomputed occupancy to parents.

    A recomputed occupancy further than the spec's tolerance from the reported one
    is a warning naming the park and both figures.
    """
    kids = children.gdf
    area = kids["area_ha"] if "area_ha" in kids else pd.Series(area_ha(kids.geometry))
    frame = pd.DataFrame(
        {"key": kids[occ.key], "status": kids[occ.status_field], "ha": area}
    )
    total = frame.groupby("key")["ha"].sum()
    leased = frame[frame.status == occ.leased].groupby("key")["ha"].sum()
    free = frame[frame.status == occ.free].groupby("key")["ha"].sum()
    pid = parent.gdf[parent.spec.id_field]
    parent.gdf["parcel_ha"] = np.round(pid.map(total).astype(float).to_numpy(), 3)
    parent.gdf["leased_ha"] = np.round(
        pid.map(leased).fillna(0).where(pid.isin(total.index)).astype(float).to_numpy(),
        3,
    )
    parent.gdf["free_ha"] = np.round(
        pid.map(free).fillna(0).where(pid.isin(total.index)).astype(float).to_numpy(), 3
    )
    computed = 100 * parent.gdf["leased_ha"] / parent.gdf["parcel_ha"]
    parent.gdf["occupancy_computed_pct"] = np.round(
        computed.astype(float).to_numpy(), 2
    )
    for name in ("parcel_ha", "leased_ha", "free_ha", "occupancy_computed_pct"):
        parent.derived.append(FieldSpec(name, "float"))
    reported = parent.gdf[occ.reported] if occ.reported in parent.gdf else None
    if reported is None:
        return
    for p, rep, comp in zip(
        pid, reported, parent.gdf["occupancy_computed_pct"], strict=True
    ):
        if pd.notna(rep) and pd.notna(comp) and abs(rep - comp) > occ.tolerance_pp:
            parent.warnings.append(
                f"{p}: occupancy from parcels {comp:.2f}% differs from reported "
                f"{rep:.2f}% by more than {occ.tolerance_pp} pp"
            )
        elif pd.notna(rep) and pd.isna(comp):
            parent.warnings.append(f"{p}: reported occupancy {rep}% but no parcels")


def derive_blocks(layer: LoadedLayer, spec: BlocksSpec) -> None:
    """Add ``block_id``, ``block_ha`` and ``block_n`` to the free features.

    Adjacent free features (within ``spec.gap_m``, measured in UTM 48N) of the same
    group form a block; blocks are numbered per group from the largest down, so
    ``<group>-B1`` is the group's largest piece of land that can be assembled.
    """
    gdf = layer.gdf
    n = len(gdf)
    block_id = np.full(n, None, dtype=object)
    block_ha = np.full(n, np.nan)
    block_n = np.full(n, None, dtype=object)
    free = (gdf[spec.status_field] == spec.free).to_numpy()
    area = gdf["area_ha"] if "area_ha" in gdf else pd.Series(area_ha(gdf.geometry))
    groups = gdf[spec.group].to_numpy()
    for group in pd.unique(groups[free]):
        rows = np.flatnonzero(free & (groups == group))
        geoms_m = reproject(gdf.geometry.iloc[rows].to_numpy(), gdf.crs, UTM48N)
        labels = contiguous_groups(geoms_m, spec.gap_m)
        sums = pd.Series(area.to_numpy()[rows]).groupby(labels).sum()
        order = sums.sort_values(ascending=False, kind="stable").index
        rank = {label: i + 1 for i, label in enumerate(order)}
        counts = np.bincount(labels)
        for row, label in zip(rows, labels, strict=True):
            block_id[row] = f"{group}-B{rank[label]}"
            block_ha[row] = round(float(sums[label]), 4)
            block_n[row] = int(counts[label])
    gdf["block_id"], gdf["block_ha"] = block_id, block_ha
    gdf["block_n"] = pd.array(block_n, dtype="Int64")
    for name, kind in (("block_id", "str"), ("block_ha", "float"), ("block_n", "int")):
        layer.derived.append(FieldSpec(name, kind))


def derive_all(loaded: dict[str, LoadedLayer]) -> list[InvalidSourceData]:
    """Run every derivation the specs ask for; return cross-layer problems."""
    problems: list[InvalidSourceData] = []
    for layer in loaded.values():
        if layer.spec.area and layer.spec.geometry == "Polygon":
            derive_area(layer)
    for layer in loaded.values():
        spec = layer.spec
        if spec.distances_to:
            derive_distances(layer, loaded[spec.distances_to])
        if spec.parent:
            problems.extend(check_parent(layer, loaded[spec.parent.layer], spec.parent))
        if spec.blocks:
            derive_blocks(layer, spec.blocks)
    for layer in loaded.values():
        occ = layer.spec.occupancy
        if occ:
            derive_occupancy(layer, loaded[occ.children], occ)
    problems.extend(derive_network(loaded))
    return problems


def derive_network(loaded: dict[str, LoadedLayer]) -> list[InvalidSourceData]:
    """Drive times and isochrone layers (added to ``loaded``); return problems.

    Each road layer is read as a network once, whoever asks for it.
    """
    roads: dict[str, Roads | None] = {}
    problems: list[InvalidSourceData] = []

    def network(name: str) -> Roads | None:
        if name not in roads:
            roads[name], found = read_roads(loaded[name])
            problems.extend(found)
        return roads[name]

    for layer in list(loaded.values()):
        drive = layer.spec.drive_times
        if drive and (net := network(drive.roads)) is not None:
            derive_drive_times(layer, loaded[drive.to], net)
    for layer in list(loaded.values()):
        iso = layer.spec.network.isochrones if layer.spec.network else None
        if iso is None or (net := network(layer.spec.name)) is None:
            continue
        if iso.layer in loaded:
            problems.append(
                InvalidSourceData(
                    f"isochrone layer '{iso.layer}' clashes with a layer of that name",
                    path=layer.spec.spec_path,
                    field="isochrones",
                )
            )
            continue
        loaded[iso.layer] = isochrone_layer(layer, net, iso, loaded[iso.origins])
    return problems
