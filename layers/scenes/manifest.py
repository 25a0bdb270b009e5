"""360° scenes: the manifests that list them, validated, and the links between them.

Two manifests, one format (JSON, ``{"scenes": [...]}``):

- the **source** manifest ``data/panoramas/manifest.json`` lists real photos a GIS
  person or an upload put beside it: ``id``, ``image`` (a file in the same
  folder), ``lon``/``lat`` (optional when the photo carries EXIF GPS),
  ``heading`` (true bearing of the image centre), ``height_m`` (camera above
  ground), ``park``, ``links`` (scene ids), ``title`` (per language), ``date``
  (``YYYY-MM-DD`` the photo was taken; optional when its EXIF says so);
- the **served** manifest ``<PANORAMA_DIR>/manifest.json`` is written by
  ``flask --app webmap vr generate`` (and by uploads): every scene, photo or
  generated, with its tiles (``media``, ``tiles``), its links and the mini-map;
  its ``date`` is the day a photo was taken or a view was rendered, if known.

Errors name the manifest, the entry (1-based ``row`` and its id) and the field.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NoReturn

from geo.io import atomic_output
from geo.panorama import bearing_distance
from layers.errors import InvalidSourceData

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
LANGS = ("vi", "en", "ko", "ja")
SCENE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
RESERVED_IDS = frozenset({"scenes", "media", "nearest", "upload", "index"})  # URLs
NEIGHBOURS = 3  # links added to each scene towards its nearest scenes
NEIGHBOUR_MAX_M = 25_000.0
DEFAULT_PHOTO_HEIGHT_M = 2.0


class ManifestError(InvalidSourceData):
    """A manifest is unreadable or an entry in it is wrong (names entry and field)."""


class SceneNotFound(LookupError):
    """No scene with that id."""

    def __init__(self, scene_id: str):
        self.scene_id = scene_id
        super().__init__(f"no 360° scene '{scene_id}'")


@dataclass(frozen=True, slots=True)
class Scene:
    """One viewpoint with its panorama.

    Attributes:
        id: URL-safe id.
        lon: camera longitude (WGS84).
        lat: camera latitude (WGS84).
        heading_deg: true bearing of the image centre.
        height_m: camera height above the ground.
        park: id of the park the scene shows, if any.
        links: ids of the scenes one can walk to from here.
        title: display title per language.
        generated: True if rendered from the GIS layers, not photographed.
        date: ``YYYY-MM-DD`` a photo was taken or a generated view rendered.
        image: source photo file name (source manifest only).
        media: folder of the tiles under the served manifest's folder.
        tiles: the tile pyramid (``geo.panorama_image.TiledPanorama.to_json``).
    """

    id: str
    lon: float
    lat: float
    heading_deg: float = 0.0
    height_m: float = DEFAULT_PHOTO_HEIGHT_M
    park: str | None = None
    links: tuple[str, ...] = ()
    title: Mapping[str, str] = field(default_factory=dict)
    generated: bool = False
    image: str | None = None
    media: str | None = None
    tiles: Mapping[str, Any] | None = None
    date: str | None = None

    def label(self, lang: str) -> str:
        """Title in ``lang``, else English, else Vietnamese, else the id."""
        return (
            self.title.get(lang)
            or self.title.get("en")
            or self.title.get("vi")
            or self.id
        )

    def to_json(self) -> dict[str, Any]:
        """The manifest entry."""
        out: dict[str, Any] = {
            "id": self.id,
            "lon": round(self.lon, 7),
            "lat": round(self.lat, 7),
            "heading": round(self.heading_deg, 3),
            "height_m": self.height_m,
            "park": self.park,
            "links": list(self.links),
            "title": dict(self.title),
            "generated": self.generated,
        }
        for key in ("date", "image", "media", "tiles"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


@dataclass(frozen=True, slots=True)
class Manifest:
    """The scenes of one manifest, in file order, and the mini-map if any."""

    path: Path
    scenes: tuple[Scene, ...]
    minimap: Mapping[str, Any] | None = None

    def get(self, scene_id: str) -> Scene:
        """The scene with ``scene_id``; raise SceneNotFound."""
        for scene in self.scenes:
            if scene.id == scene_id:
                return scene
        raise SceneNotFound(scene_id)

    def to_json(self) -> dict[str, Any]:
        """The manifest document."""
        doc: dict[str, Any] = {
            "version": 1,
            "scenes": [s.to_json() for s in self.scenes],
        }
        if self.minimap is not None:
            doc["minimap"] = dict(self.minimap)
        return doc


class _Entry:
    """Reads typed fields of one manifest entry, raising ManifestError."""

    def __init__(self, path: Path, row: int, raw: Any):
        self.path, self.row = path, row
        if not isinstance(raw, dict):
            self.fail("an entry must be an object", None)
        self.raw: dict[str, Any] = raw
        name = raw.get("id")
        self.name = name if isinstance(name, str) else f"#{row}"

    def fail(self, message: str, field_name: str | None) -> NoReturn:
        """Raise a ManifestError naming this entry and ``field_name``."""
        raise ManifestError(
            f"scene '{getattr(self, 'name', self.row)}': {message}",
            path=self.path,
            row=self.row,
            field=field_name,
        )

    def number(self, key: str, low: float, high: float, default: float | None) -> float:
        """A finite number in [low, high] (or the default when absent)."""
        value = self.raw.get(key)
        if value is None and default is not None:
            return default
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not low <= value <= high
        ):
            self.fail(
                f"'{key}' must be a number from {low:g} to {high:g}, got {value!r}", key
            )
        return float(value)

    def text(self, key: str, required: bool = False) -> str | None:
        """A non-empty string, or None when absent and not required."""
        value = self.raw.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(f"'{key}' must be a non-empty text, got {value!r}", key)
        return value.strip()  # type: ignore[union-attr]

    def date(self, key: str) -> str | None:
        """An ISO calendar date ``YYYY-MM-DD``, or None when absent."""
        value = self.text(key)
        if value is None:
            return None
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            day = None
        if day is None or day.isoformat() != value:  # no week dates, no times
            self.fail(f"'{key}' must be a date YYYY-MM-DD, got {value!r}", key)
        return value

    def scene_id(self) -> str:
        """The entry's id, checked against ``SCENE_ID``."""
        value = self.text("id", required=True) or ""
        if not SCENE_ID.match(value) or value in RESERVED_IDS:
            self.fail(
                "'id' must be 1-64 of a-z, 0-9, '_', '-' (first a letter or digit)",
                "id",
            )
        return value

    def ids(self, key: str) -> tuple[str, ...]:
        """A list of scene ids."""
        value = self.raw.get(key, [])
        if not isinstance(value, list) or not all(
            isinstance(v, str) and SCENE_ID.match(v) for v in value
        ):
            self.fail(f"'{key}' must be a list of scene ids, got {value!r}", key)
        return tuple(value)

    def titles(self) -> dict[str, str]:
        """``{"vi": ..., "en": ...}``; only the four languages."""
        value = self.raw.get("title", {})
        if isinstance(value, str):
            value = {"vi": value}
        if not isinstance(value, dict) or not all(
            k in LANGS and isinstance(v, str) for k, v in value.items()
        ):
            self.fail(f"'title' must map vi/en/ko/ja to texts, got {value!r}", "title")
        return {k: v.strip() for k, v in value.items() if v.strip()}


def parse_entry(path: Path, row: int, raw: Any, *, served: bool) -> Scene:
    """Validate one manifest entry into a Scene.

    Args:
        path: the manifest file (for messages and to find images).
        row: 1-based position of the entry.
        raw: the decoded entry.
        served: True for the served manifest (needs media and tiles), False for
            the source one (needs an image file beside the manifest).

    Returns:
        The scene. A source entry without lon/lat gets NaN there, to be filled
        from the photo's EXIF GPS (see ``needs_position``).

    Raises:
        ManifestError: naming the entry and the field.
    """
    entry = _Entry(path, row, raw)
    scene_id = entry.scene_id()
    has_position = raw.get("lon") is not None or raw.get("lat") is not None
    lon = entry.number("lon", -180, 180, None) if has_position or served else math.nan
    lat = entry.number("lat", -90, 90, None) if has_position or served else math.nan
    image = media = tiles = None
    if served:
        media = entry.text("media", required=True)
        tiles = raw.get("tiles")
        if not isinstance(tiles, dict) or not isinstance(tiles.get("levels"), list):
            entry.fail("'tiles' must describe the tile levels", "tiles")
    else:
        image = entry.text("image", required=True) or ""
        target = (path.parent / image).resolve()
        if not target.is_relative_to(path.parent.resolve()) or not target.is_file():
            entry.fail(f"image file '{image}' not found beside {path.name}", "image")
    return Scene(
        id=scene_id,
        lon=lon,
        lat=lat,
        heading_deg=entry.number("heading", -360, 360, 0.0) % 360.0,
        height_m=entry.number("height_m", 0.1, 2000, DEFAULT_PHOTO_HEIGHT_M),
        park=entry.text("park"),
        links=entry.ids("links"),
        title=entry.titles(),
        generated=bool(raw.get("generated", False)) if served else False,
        image=image,
        media=media,
        tiles=tiles,
        date=entry.date("date"),
    )


def needs_position(scene: Scene) -> bool:
    """True if a source scene gave no lon/lat (to come from EXIF GPS)."""
    return math.isnan(scene.lon) or math.isnan(scene.lat)


def read_manifest(path: Path, *, served: bool, missing_ok: bool = True) -> Manifest:
    """Read and validate a manifest.

    Args:
        path: the manifest file.
        served: which of the two manifests it is (see ``parse_entry``).
        missing_ok: an absent file is an empty manifest rather than an error.

    Returns:
        The manifest.

    Raises:
        ManifestError: unreadable JSON, a bad entry, a duplicate id or a link
            to an unknown scene; each names the entry and the field.
    """
    if not path.is_file():
        if missing_ok:
            return Manifest(path, ())
        raise ManifestError("manifest not found", path=path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"not valid JSON: {exc}", path=path) from None
    entries = doc.get("scenes") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise ManifestError("expected an object with a 'scenes' list", path=path)
    scenes = [
        parse_entry(path, i, raw, served=served) for i, raw in enumerate(entries, 1)
    ]
    _check_ids(path, scenes)
    minimap = doc.get("minimap") if served else None
    return Manifest(path, tuple(scenes), minimap if isinstance(minimap, dict) else None)


def _check_ids(path: Path, scenes: Sequence[Scene]) -> None:
    """Raise on a duplicate id or a link to an unknown scene."""
    seen: dict[str, int] = {}
    for row, scene in enumerate(scenes, 1):
        if scene.id in seen:
            raise ManifestError(
                f"scene '{scene.id}' appears twice (first in entry {seen[scene.id]})",
                path=path,
                row=row,
                field="id",
            )
        seen[scene.id] = row
    for row, scene in enumerate(scenes, 1):
        for link in scene.links:
            if link not in seen:
                raise ManifestError(
                    f"scene '{scene.id}' links to unknown scene '{link}'",
                    path=path,
                    row=row,
                    field="links",
                )


def write_manifest(manifest: Manifest) -> None:
    """Write a manifest atomically (readers see the old or the new file)."""
    manifest.path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(manifest.to_json(), ensure_ascii=False, indent=1)
    with atomic_output(manifest.path) as tmp:
        tmp.write_text(text + "\n", encoding="utf-8")
    logger.info("wrote %s (%d scenes)", manifest.path, len(manifest.scenes))


def link_scenes(scenes: Iterable[Scene], k: int = NEIGHBOURS) -> list[Scene]:
    """Add links to each scene's ``k`` nearest scenes (within 25 km), both ways.

    Links already given are kept; links to scenes not in the list are dropped.
    """
    items = list(scenes)
    ids = {s.id for s in items}
    links: dict[str, list[str]] = {
        s.id: [x for x in s.links if x in ids and x != s.id] for s in items
    }
    for scene in items:
        others = [o for o in items if o.id != scene.id]
        if not others:
            continue
        _, dists = bearing_distance(
            scene.lon, scene.lat, [o.lon for o in others], [o.lat for o in others]
        )
        ranked = sorted(zip(dists, [o.id for o in others], strict=True))
        for dist, other in ranked[:k]:
            if dist <= NEIGHBOUR_MAX_M:
                for a, b in ((scene.id, other), (other, scene.id)):
                    if b not in links[a]:
                        links[a].append(b)
    return [replace(s, links=tuple(links[s.id])) for s in items]


def nearest(scenes: Sequence[Scene], lon: float, lat: float) -> tuple[Scene, float]:
    """The scene nearest to (lon, lat) and its distance in metres.

    Raises:
        SceneNotFound: when there are no scenes.
    """
    if not scenes:
        raise SceneNotFound("(any)")
    _, dists = bearing_distance(
        lon, lat, [s.lon for s in scenes], [s.lat for s in scenes]
    )
    index = int(dists.argmin())
    return scenes[index], float(dists[index])
