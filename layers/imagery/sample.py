"""The demo imagery, made from the data itself: land status at two dates.

For the parks whose site clearance HEZA names as the bottleneck, every parcel is
painted in the colour of its clearance stage (``clr_stage``) on the park's ground,
with ``rasterio.features``, into a 5 m paletted GeoTIFF in UTM 48N, which is then
imported like any other GeoTIFF (reprojected to EPSG:3857, COG). Two dates:

- ``2023-10``: the stages as the parcel layer holds them (the HEZA report's date);
- ``2023-06``: the same, except that about one parcel in three (chosen by a hash of
  its id, so always the same ones) is one stage behind. That earlier state is
  simulated, and the label says so.

The before/after swipe on the map then shows real change on real parcels.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo import crs as geocrs
from geo import raster as georaster
from geo.errors import RasterError
from layers.clearance.rules import STAGES
from layers.imagery.rasters import Progress, RasterInfo, RasterRegistry
from layers.store.base import MAX_LIMIT, Feature, Store

logger = logging.getLogger(__name__)

PARKS, PARCELS = "parks", "parcels"
BOTTLENECK_FIELD, PARK_FIELD, STAGE_FIELD = (
    "clearance_bottleneck",
    "park_id",
    "clr_stage",
)
GROUND, NO_STAGE = 1, 2  # classes: park land outside parcels; a parcel with no stage
STAGE_CLASS = {stage: 3 + i for i, stage in enumerate(STAGES)}
LEGEND_NAMES = {
    GROUND: "park land outside parcels",
    NO_STAGE: "parcel, stage unknown",
    **{cls: stage.replace("_", " ") for stage, cls in STAGE_CLASS.items()},
}
PALETTE: dict[int, tuple[int, int, int, int]] = {
    0: (0, 0, 0, 0),
    GROUND: (214, 219, 223, 255),
    NO_STAGE: (127, 140, 141, 255),
    STAGE_CLASS["not_started"]: (192, 57, 43, 255),
    STAGE_CLASS["surveyed"]: (230, 126, 34, 255),
    STAGE_CLASS["plan_approved"]: (241, 196, 15, 255),
    STAGE_CLASS["compensating"]: (142, 68, 173, 255),
    STAGE_CLASS["cleared"]: (46, 204, 113, 255),
    STAGE_CLASS["handed_over"]: (22, 160, 133, 255),
}
RESOLUTION_M = 5.0
MARGIN_M = 100.0
SAMPLE_CRS = geocrs.UTM48N
NAME_PREFIX = "land-status-"
SAMPLE_VERSION = 1  # bump when the way the sample is drawn changes


@dataclass(frozen=True, slots=True)
class SampleDate:
    """One date of the sample and whether its stages are simulated."""

    date: str
    behind: bool  # one parcel in three is one stage behind the layer's stage

    @property
    def name(self) -> str:
        """The raster name, e.g. ``land-status-2023-06``."""
        return NAME_PREFIX + self.date

    @property
    def label(self) -> str:
        """The map label, saying how the image was made."""
        how = (
            "earlier stages simulated"
            if self.behind
            else "stages as in HEZA report 10/2023"
        )
        return (
            f"Land status {self.date}: generated from the parcels' clearance "
            f"stages, not imagery ({how})"
        )


DATES = (SampleDate("2023-06", behind=True), SampleDate("2023-10", behind=False))


def legend() -> tuple[tuple[str, str], ...]:
    """(what, "#rrggbb") for every class of the sample images."""
    return tuple(
        (name, "#{:02x}{:02x}{:02x}".format(*PALETTE[cls][:3]))
        for cls, name in LEGEND_NAMES.items()
    )


def stage_at(parcel_id: str, stage: str | None, behind: bool) -> str | None:
    """The parcel's stage at a date: one stage back for a fixed third if ``behind``."""
    if not behind or stage not in STAGES:
        return stage
    if zlib.crc32(parcel_id.encode("utf-8")) % 3 != 0:
        return stage
    return STAGES[max(STAGES.index(stage) - 1, 0)]


def _all(store: Store, layer: str, filters: dict[str, str]) -> Iterator[Feature]:
    """Every feature of ``layer`` matching ``filters``, page by page."""
    offset = 0
    while True:
        page = store.query(layer, filters=filters, limit=MAX_LIMIT, offset=offset)
        yield from page.features
        offset += len(page.features)
        if not page.features or offset >= page.number_matched:
            return


def _to_utm(geometry: BaseGeometry) -> BaseGeometry:
    return geocrs.reproject([geometry], geocrs.WGS84, SAMPLE_CRS)[0]


Parcel = tuple[str, str | None, BaseGeometry]  # id, clearance stage, UTM geometry


def collect(store: Store) -> tuple[list[BaseGeometry], list[Parcel]]:
    """The bottleneck parks and their parcels (id, stage, geometry), in UTM 48N.

    Raises:
        RasterError: the store lacks the fields or holds no bottleneck park.
    """
    for layer, field in ((PARKS, BOTTLENECK_FIELD), (PARCELS, STAGE_FIELD)):
        names = [f.name for f in store.layer(layer).fields]
        if field not in names:
            raise RasterError(f"the {layer} layer has no {field!r} field")
    parks = list(_all(store, PARKS, {BOTTLENECK_FIELD: "true"}))
    if not parks:
        raise RasterError("no park is marked as a site-clearance bottleneck")
    parcels = [
        (f.id, f.properties.get(STAGE_FIELD), _to_utm(f.geometry))
        for park in parks
        for f in _all(store, PARCELS, {PARK_FIELD: park.id})
    ]
    return [_to_utm(p.geometry) for p in parks], parcels


def sample_stamp(parks: list[BaseGeometry], parcels: list[Parcel]) -> str:
    """A digest of what the sample is made from (and how), to skip remaking it."""
    digest = hashlib.sha256(f"{SAMPLE_VERSION}|{RESOLUTION_M}|{PALETTE}".encode())
    for geometry in parks:
        digest.update(shapely.to_wkb(geometry))
    for parcel_id, stage, geometry in parcels:
        digest.update(f"{parcel_id}|{stage}".encode())
        digest.update(shapely.to_wkb(geometry))
    return f"sample-{digest.hexdigest()[:24]}"


def write_sources(
    parks: list[BaseGeometry], parcels: list[Parcel], directory: Path
) -> list[tuple[SampleDate, Path]]:
    """Write one paletted GeoTIFF per sample date into ``directory``."""
    bounds = np.array(shapely.total_bounds(np.array(parks + [g for *_, g in parcels])))
    lo = np.floor((bounds[:2] - MARGIN_M) / RESOLUTION_M) * RESOLUTION_M
    hi = np.ceil((bounds[2:] + MARGIN_M) / RESOLUTION_M) * RESOLUTION_M
    grid = (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))
    out = []
    for when in DATES:
        shapes: list[tuple[BaseGeometry, int]] = [(g, GROUND) for g in parks]
        for parcel_id, stage, geometry in parcels:
            at = stage_at(parcel_id, stage, when.behind)
            shapes.append((geometry, STAGE_CLASS.get(at or "", NO_STAGE)))
        path = directory / f"{when.name}.tif"
        georaster.write_classes(
            path,
            shapes,
            bounds=grid,
            resolution=RESOLUTION_M,
            crs=SAMPLE_CRS,
            palette=PALETTE,
            tags={"TIFFTAG_IMAGEDESCRIPTION": when.label},
        )
        out.append((when, path))
    return out


def make_sample(
    store: Store,
    registry: RasterRegistry,
    max_pixels: int = georaster.DEFAULT_MAX_PIXELS,
    progress: Progress | None = None,
    *,
    force: bool = False,
) -> list[RasterInfo]:
    """Rasterize the land status at both dates and register the two rasters.

    Nothing is redone when both rasters are registered from the same parcels.

    Args:
        store: Holds the parks and parcels layers.
        registry: Where to register.
        max_pixels: The import's pixel limit.
        progress: Called with a line per step.
        force: Remake the rasters even if they are up to date.

    Returns:
        The registered rasters, earlier date first.

    Raises:
        RasterError: the store lacks the fields or has no bottleneck park.
        LayerNotFound: no parks or parcels layer.
    """
    progress = progress or logger.info
    parks, parcels = collect(store)
    stamp = sample_stamp(parks, parcels)
    current = {info.name: info for info in registry.list()}
    done = [current.get(when.name) for when in DATES]
    if not force and all(i is not None and i.source_stamp == stamp for i in done):
        progress("the sample rasters are up to date")
        return [i for i in done if i is not None]
    registry.directory.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".sample-", dir=registry.directory))
    try:
        progress("rasterizing the parcels' clearance stages")
        sources = write_sources(parks, parcels, work)
        return [
            registry.import_file(
                path,
                name=when.name,
                date=when.date,
                label=when.label,
                max_pixels=max_pixels,
                origin="sample",
                source_stamp=stamp,
                source_note=f"generated from the {PARCELS} layer's {STAGE_FIELD}",
                legend=legend(),
                progress=progress,
            )
            for when, path in sources
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
