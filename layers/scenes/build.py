"""``vr generate``: photos tiled, parks without one rendered, links, mini-map.

Output goes under one folder (``PANORAMA_DIR``, by default ``data/build/panoramas``,
not committed): ``manifest.json`` (the served manifest), one tile folder per
scene and ``minimap.png``. A generated scene is re-rendered only when the store,
the settings or the renderer changed (``--force`` renders all); its ``date`` is
the day it was rendered, a photo's the day it was taken (manifest or EXIF).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import rasterio.features
import shapely
from affine import Affine
from PIL import Image

from geo.io import atomic_output
from geo.panorama import PanoramaError, Sky, Viewpoint, render
from geo.panorama_image import open_photo, photo_info, write_tiles
from geo.panorama_labels import Landmark, draw_labels, place
from layers.scenes import ground
from layers.scenes.manifest import (
    MANIFEST,
    Manifest,
    ManifestError,
    Scene,
    link_scenes,
    needs_position,
    read_manifest,
    write_manifest,
)
from layers.store.base import Feature, Store

logger = logging.getLogger(__name__)

RENDERER_VERSION = "1"
MINIMAP_FILE = "minimap.png"
MINIMAP_WIDTH = 1024


@dataclass(frozen=True, slots=True)
class GenerateOptions:
    """Settings of ``vr generate``.

    Attributes:
        source_dir: folder of the source manifest and the photos.
        out_dir: folder of the served manifest, tiles and mini-map.
        width: width of generated panoramas (even).
        height_m: camera height of generated panoramas above the park.
        max_photo_width: widest photo accepted.
        force: render every generated scene again.
        grids: ground grids as (radius m, cell m), finest first.
    """

    source_dir: Path
    out_dir: Path
    width: int = 4096
    height_m: float = 150.0
    max_photo_width: int = 12288
    force: bool = False
    grids: tuple[tuple[float, float], ...] = ground.GRIDS


def landmarks(store: Store) -> list[tuple[Feature, Landmark]]:
    """Landmarks to label: Vietnamese name over English name (or the id)."""
    out = []
    for feature in ground.all_features(store, "landmarks"):
        point = feature.geometry.centroid
        vi = str(feature.properties.get("name_vi") or feature.id)
        en = str(feature.properties.get("name_en") or "")
        out.append(
            (feature, Landmark(feature.id, (vi, en) if en else (vi,), point.x, point.y))
        )
    return out


def label_lines(mark: Landmark, distance_m: float) -> tuple[str, ...]:
    """The label text: name lines, the last with the distance in km."""
    km = f"{distance_m / 1000:.1f} km"
    return (*mark.lines[:-1], f"{mark.lines[-1]} · {km}")


def render_scene(
    store: Store, view: Viewpoint, options: GenerateOptions
) -> Image.Image:
    """The equirectangular image seen from ``view``: ground, sky, landmark labels."""
    features = ground.load(store, options.source_dir, view.lon, view.lat)
    grids = ground.grids(features, view.lon, view.lat, options.grids)
    pixels = render(
        view,
        grids,
        ground.palette(store),
        options.width,
        sky=Sky(far_class=ground.LAND),
    )
    marks = [mark for _, mark in landmarks(store)]
    placed = place(view, marks, options.width)
    texts = [label_lines(m, p.distance_m) for m, p in zip(marks, placed, strict=True)]
    return Image.fromarray(draw_labels(pixels, placed, texts))


def park_viewpoint(park: Feature, height_m: float) -> Viewpoint:
    """Above the park's representative point (inside it), image centre to the north."""
    point = shapely.point_on_surface(park.geometry)
    return Viewpoint(point.x, point.y, height_m, 0.0)


def _fingerprint(store: Store, options: GenerateOptions) -> str:
    """Changes when the data, the settings or the renderer change."""
    water = options.source_dir / ground.WATER_FILE
    water_stamp = water.stat().st_mtime_ns if water.is_file() else 0
    key = json.dumps(
        [
            RENDERER_VERSION,
            store.build_id(),
            options.width,
            options.height_m,
            water_stamp,
            options.grids,
        ]
    )
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _today() -> str:
    """Today's date (UTC), ``YYYY-MM-DD``."""
    return dt.datetime.now(dt.UTC).date().isoformat()


def _written_on(path: Path) -> str:
    """The day (UTC) ``path`` was last written: when a kept view was rendered."""
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date().isoformat()


def generated_scenes(
    store: Store,
    options: GenerateOptions,
    skip_parks: set[str],
    previous: Manifest,
) -> list[Scene]:
    """Render (or keep, when up to date) one scene per park without a photo."""
    stamp = _fingerprint(store, options)
    scenes: list[Scene] = []
    parks = [p for p in ground.all_features(store, "parks") if p.id not in skip_parks]
    for number, park in enumerate(parks, 1):
        scene_id = f"park-{park.id}"
        view = park_viewpoint(park, options.height_m)
        old = next((s for s in previous.scenes if s.id == scene_id), None)
        media = options.out_dir / scene_id
        fresh = (media / "base.jpg").is_file() and not options.force
        if old is not None and old.tiles and old.tiles.get("stamp") == stamp and fresh:
            logger.info("[%d/%d] %s is up to date", number, len(parks), scene_id)
            date = old.date or _written_on(media / "base.jpg")
            scenes.append(replace(old, links=(), date=date))
            continue
        logger.info("[%d/%d] rendering %s (%s)", number, len(parks), scene_id, park.id)
        tiles = write_tiles(render_scene(store, view, options), media).to_json()
        title = {
            "vi": park.properties.get("name_vi"),
            "en": park.properties.get("name_en"),
        }
        scenes.append(
            Scene(
                id=scene_id,
                lon=view.lon,
                lat=view.lat,
                heading_deg=view.heading_deg,
                height_m=view.height_m,
                park=park.id,
                title={k: str(v) for k, v in title.items() if v},
                generated=True,
                media=scene_id,
                tiles={**tiles, "stamp": stamp},
                date=_today(),
            )
        )
    return scenes


def photo_scene(scene: Scene, options: GenerateOptions) -> Scene:
    """Tile a source photo (metadata stripped) and return its served scene.

    Raises:
        ManifestError: the photo is not a usable panorama, or has no position.
    """
    path = options.source_dir / (scene.image or "")
    try:
        image = open_photo(
            path.read_bytes(), name=str(path), max_width=options.max_photo_width
        )
    except PanoramaError as exc:
        raise ManifestError(str(exc), path=path, field="image") from None
    info = photo_info(image)
    if needs_position(scene):
        if info.lon is None or info.lat is None:
            raise ManifestError(
                f"scene '{scene.id}': no lon/lat given and the photo has no EXIF GPS",
                path=options.source_dir / MANIFEST,
                field="lon",
            )
        scene = replace(scene, lon=info.lon, lat=info.lat)
    if scene.date is None and info.taken is not None:
        scene = replace(scene, date=info.taken)
    media = options.out_dir / scene.id
    stamp = f"{path.stat().st_mtime_ns}-{path.stat().st_size}"
    tiles = write_tiles(image, media).to_json()
    return replace(scene, image=None, media=scene.id, tiles={**tiles, "stamp": stamp})


def minimap(
    store: Store, scenes: Sequence[Scene], options: GenerateOptions
) -> dict[str, Any]:
    """Render the region mini-map (north up, linear in lon and lat) and describe it."""
    points = [(s.lon, s.lat) for s in scenes] + [
        (m.lon, m.lat) for _, m in landmarks(store)
    ]
    lons, lats = zip(*points, strict=True)
    pad = 0.03
    extent = (min(lons) - pad, min(lats) - pad, max(lons) + pad, max(lats) + pad)
    mid_lat = math.radians((extent[1] + extent[3]) / 2)
    aspect = (extent[3] - extent[1]) / ((extent[2] - extent[0]) * math.cos(mid_lat))
    width = MINIMAP_WIDTH
    height = max(64, round(width * aspect))
    transform = Affine(
        (extent[2] - extent[0]) / width,
        0,
        extent[0],
        0,
        -(extent[3] - extent[1]) / height,
        extent[3],
    )
    features = ground.load(
        store,
        options.source_dir,
        (extent[0] + extent[2]) / 2,
        (extent[1] + extent[3]) / 2,
    )
    cell = (extent[2] - extent[0]) / width * 100_000
    shapes = list(_minimap_shapes(features, cell))
    classes = (
        rasterio.features.rasterize(
            shapes,
            out_shape=(height, width),
            transform=transform,
            fill=ground.LAND,
            dtype="uint8",
        )
        if shapes
        else np.full((height, width), ground.LAND, np.uint8)
    )
    options.out_dir.mkdir(parents=True, exist_ok=True)
    target = options.out_dir / MINIMAP_FILE
    with atomic_output(target) as tmp:
        Image.fromarray(ground.palette(store)[classes]).save(tmp, "PNG", optimize=True)
    return {
        "image": MINIMAP_FILE,
        "extent": list(extent),
        "width": width,
        "height": height,
    }


def _minimap_shapes(features: ground.GroundFeatures, cell_deg_m: float):
    """The ground shapes in WGS84 (a lon/lat grid: widths in degrees)."""
    deg = cell_deg_m * ground.DEG_PER_M
    for geom in features.water:
        yield geom, ground.WATER
    for f in features.parks:
        yield (
            f.geometry,
            ground.PARK_PLANNED
            if f.properties.get("status") == "planned"
            else ground.PARK,
        )
    for f in features.parcels:
        status = str(f.properties.get("status"))
        yield f.geometry, ground.PARCEL.get(status, ground.PARK)
    for f in features.parks:
        yield shapely.buffer(f.geometry.boundary, deg * 0.6), ground.PARK_EDGE
    for f in features.berths:
        yield (
            shapely.buffer(f.geometry, deg * 1.5),
            ground.BERTH.get(str(f.properties.get("status")), ground.BERTH_OTHER),
        )
    for f in features.housing:
        yield shapely.buffer(f.geometry, deg * 2), ground.HOUSING


def generate(
    store: Store,
    options: GenerateOptions,
    progress: Callable[[str], None] | None = None,
) -> Manifest:
    """Build the served manifest: photos, generated scenes, links, mini-map.

    Args:
        store: the built store.
        options: folders and sizes.
        progress: called with a line per step (defaults to logging).

    Returns:
        The manifest written to ``options.out_dir / manifest.json``.

    Raises:
        ManifestError: the source manifest or a photo in it is wrong.
    """
    say = progress or logger.info
    source = read_manifest(options.source_dir / MANIFEST, served=False)
    previous = _previous(options.out_dir / MANIFEST)
    say(f"{len(source.scenes)} photo scene(s) in {source.path}")
    photos = [photo_scene(s, options) for s in source.scenes]
    with_photo = {s.park for s in photos if s.park}
    rendered = generated_scenes(store, options, with_photo, previous)
    say(f"{len(rendered)} generated scene(s)")
    scenes = link_scenes([*photos, *rendered])
    mini = minimap(store, scenes, options) if scenes else None
    manifest = Manifest(options.out_dir / MANIFEST, tuple(scenes), mini)
    write_manifest(manifest)
    _prune(options.out_dir, {s.media for s in scenes if s.media})
    return manifest


def _previous(path: Path) -> Manifest:
    """The last served manifest, or an empty one if absent or unreadable."""
    try:
        return read_manifest(path, served=True)
    except ManifestError as exc:
        logger.warning("ignoring the previous manifest: %s", exc)
        return Manifest(path, ())


def _prune(out_dir: Path, keep: set[str]) -> None:
    """Remove scene folders no manifest entry uses any more."""
    for child in out_dir.iterdir():
        if child.is_dir() and not child.name.startswith(".") and child.name not in keep:
            logger.info("removing unused %s", child)
            shutil.rmtree(child, ignore_errors=True)
