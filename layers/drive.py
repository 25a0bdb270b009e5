"""Drive times and isochrones from a road layer, run by the build's derive step.

The road layer (``[network]`` in its spec) gives each line a speed: its speed field
where that holds a number > 0, else its class looked up in the speed table; a line
with neither is a build error naming the file, row and field. The lines are
reprojected to UTM 48N, densified and turned into a graph (``geo.network``) once
per build. ``drive_<target>_min`` is then the minutes from each feature's
representative point to each target over the roads, with a straight connector at
each end; a feature the roads cannot reach gets no value and a build warning.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from geo.crs import UTM48N, WGS84, reproject
from geo.network import Network, build_network, densify, drive_minutes, isochrones, snap
from layers.drivespec import IsochroneSpec, NetworkSpec
from layers.errors import InvalidSourceData
from layers.load import LoadedLayer
from layers.spec import FieldSpec, LayerSpec

logger = logging.getLogger(__name__)

DENSIFY_M = 250.0  # node spacing: isochrones are discs around the nodes
ISOCHRONE_SIMPLIFY_M = 25.0
MAX_LISTED = 50


@dataclass(frozen=True, slots=True)
class Roads:
    """A road layer read as a network, with its spec's connector rules."""

    network: Network
    spec: NetworkSpec

    @property
    def max_connector_m(self) -> float:
        """The longest connector, in metres."""
        return self.spec.max_connector_km * 1000.0


def drive_field(target_id: str) -> str:
    """The field holding the minutes to ``target_id``."""
    return f"drive_{target_id}_min"


def _speed(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        speed = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return speed if math.isfinite(speed) and speed > 0 else None


def road_speeds(layer: LoadedLayer, spec: NetworkSpec) -> list[float | None]:
    """The speed of each road (None where neither field gives one)."""
    gdf = layer.gdf
    speeds = gdf[spec.speed] if spec.speed else [None] * len(gdf)
    classes = gdf[spec.road_class] if spec.road_class else [None] * len(gdf)
    out: list[float | None] = []
    for speed, road_class in zip(speeds, classes, strict=True):
        given = _speed(speed)
        if given is None and road_class is not None:
            given = spec.speeds.get(str(road_class))
        out.append(given)
    return out


def speed_problem(layer: LoadedLayer, spec: NetworkSpec, row: int) -> InvalidSourceData:
    """The error for a road (0-based ``row``) without a usable speed or class."""
    known = ", ".join(sorted(spec.speeds))
    if spec.road_class:
        value = layer.gdf[spec.road_class].iloc[row]
        shown = "empty" if value is None else f"'{value}'"
        detail = f"road class {shown} is not in the speed table ({known})"
        where = spec.road_class
        if spec.speed:
            detail = f"no speed > 0 in '{spec.speed}' and {detail}"
    else:
        detail = f"no speed > 0 km/h in '{spec.speed}'"
        where = spec.speed or ""
    return InvalidSourceData(
        f"no usable speed: {detail}", path=layer.spec.source, row=row + 1, field=where
    )


def read_roads(layer: LoadedLayer) -> tuple[Roads | None, list[InvalidSourceData]]:
    """The road layer as a network, or the problems that stop the build."""
    spec = layer.spec.network
    if spec is None:
        problem = InvalidSourceData(
            "drive times need a road layer with a [network] table in its spec",
            path=layer.spec.spec_path,
        )
        return None, [problem]
    speeds = road_speeds(layer, spec)
    missing = [i for i, s in enumerate(speeds) if s is None]
    if missing:
        problems = [speed_problem(layer, spec, i) for i in missing[:25]]
        if len(missing) > 25:
            problems.append(
                InvalidSourceData(
                    f"no usable speed in {len(missing) - 25} more rows",
                    path=layer.spec.source,
                )
            )
        return None, problems
    started = time.perf_counter()
    lines = densify(reproject(layer.gdf.geometry.values, WGS84, UTM48N), DENSIFY_M)
    try:
        network = build_network(lines, np.asarray(speeds, dtype=float))
    except ValueError as exc:
        return None, [InvalidSourceData(str(exc), path=layer.spec.source)]
    logger.info(
        "%s: road network of %d nodes built in %.2f s",
        layer.spec.name,
        network.node_count,
        time.perf_counter() - started,
    )
    return Roads(network, spec), []


def anchor_points(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Each feature's representative point in UTM 48N (inside a polygon)."""
    points = shapely.point_on_surface(gdf.geometry.values)
    return np.asarray(reproject(points, WGS84, UTM48N), dtype=object)


def derive_drive_times(layer: LoadedLayer, targets: LoadedLayer, roads: Roads) -> None:
    """Add ``drive_<target>_min`` (minutes, one decimal) to ``layer``."""
    started = time.perf_counter()
    ids = targets.gdf[targets.spec.id_field]
    minutes = drive_minutes(
        roads.network,
        snap(roads.network, anchor_points(targets.gdf)),
        snap(roads.network, anchor_points(layer.gdf)),
        connector_kmh=roads.spec.connector_kmh,
        max_connector_m=roads.max_connector_m,
    )
    feature_ids = layer.gdf[layer.spec.id_field].to_numpy()
    for target, row in zip(ids, minutes, strict=True):
        col = drive_field(str(target))
        layer.gdf[col] = np.round(row, 1)
        layer.derived.append(FieldSpec(col, "float"))
        unreached = np.flatnonzero(np.isnan(row))
        if len(unreached):
            layer.warnings.append(_unreached(target, feature_ids[unreached]))
    logger.info(
        "%s: drive times to %d %s in %.2f s",
        layer.spec.name,
        len(ids),
        targets.spec.name,
        time.perf_counter() - started,
    )


def _unreached(target: object, ids: np.ndarray) -> str:
    listed = ", ".join(str(i) for i in ids[:MAX_LISTED])
    more = f" (and {len(ids) - MAX_LISTED} more)" if len(ids) > MAX_LISTED else ""
    return (
        f"{len(ids)} feature(s) the road network cannot reach from {target}, "
        f"left without a drive time: {listed}{more}"
    )


def isochrone_layer(
    roads_layer: LoadedLayer, roads: Roads, iso: IsochroneSpec, origins: LoadedLayer
) -> LoadedLayer:
    """The isochrone layer ``iso``: the areas within N minutes of each origin."""
    origin_points = anchor_points(origins.gdf)
    rows, geoms = [], []
    for origin_id, point in zip(
        origins.gdf[origins.spec.id_field], origin_points, strict=True
    ):
        areas = isochrones(
            roads.network,
            snap(roads.network, [point]),
            iso.minutes,
            connector_kmh=roads.spec.connector_kmh,
            max_connector_m=roads.max_connector_m,
        )
        for limit, area in sorted(zip(iso.minutes, areas, strict=True), reverse=True):
            if not area.is_empty:  # largest first: the smaller ones draw on top
                rows.append((f"{origin_id}-{limit}", str(origin_id), limit))
                geoms.append(_multi(area.simplify(ISOCHRONE_SIMPLIFY_M)))
    spec = _isochrone_spec(roads_layer.spec, iso, origins.spec)
    gdf = gpd.GeoDataFrame(
        {
            "iso_id": [r[0] for r in rows],
            "origin_id": [r[1] for r in rows],
            "minutes": np.asarray([r[2] for r in rows], dtype=np.int64),
            "source": [_source(roads_layer)] * len(rows),
        },
        geometry=list(reproject(np.asarray(geoms, dtype=object), UTM48N, WGS84)),
        crs=WGS84,
    )
    gdf["minutes"] = gdf["minutes"].astype("Int64")
    return LoadedLayer(spec, gdf, source_crs=UTM48N)


def _multi(area: shapely.Geometry) -> shapely.Geometry:
    """Every isochrone a MultiPolygon: one geometry type, the same in both stores."""
    if area.geom_type == "Polygon":
        return shapely.MultiPolygon([area])
    return area


def _source(roads: LoadedLayer) -> str:
    """The roads' sources (an isochrone is as good as the roads it comes from)."""
    if "source" not in roads.gdf:
        return f"computed from {roads.spec.name}"
    return "; ".join(sorted({str(s) for s in roads.gdf["source"].dropna()}))


def _isochrone_spec(
    roads: LayerSpec, iso: IsochroneSpec, origins: LayerSpec
) -> LayerSpec:
    minutes = tuple(str(m) for m in iso.minutes)
    return LayerSpec(
        name=iso.layer,
        source=roads.source,
        geometry="Polygon",
        id="iso_id",
        title=dict(iso.title),
        description=iso.description
        or f"Areas within {', '.join(minutes)} minutes' drive of each {origins.name} "
        f"feature over {roads.name}",
        fields=(
            FieldSpec("iso_id", "str", required=True),
            FieldSpec("origin_id", "str", required=True),
            FieldSpec("minutes", "int", required=True, allowed=minutes),
            FieldSpec("source", "str"),
        ),
        style={
            "color_by": "minutes",
            "colors": dict(iso.colors),
            "hidden": True,
            "tiled": True,
            "min_zoom": 8,
        },
        spec_path=roads.spec_path,
        as_of=roads.as_of,
    )
