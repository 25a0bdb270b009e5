"""Declarative layer specs, read from TOML files a GIS officer can edit.

A layer is data, not code: ``data/layers/<name>.toml`` names the source file, the id
field, the attribute tables to join, the typed schema, what to derive and how to style
it. See ``data/layers/parks.toml`` for a full example.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from layers.drivespec import (
    DriveTimesSpec,
    NetworkSpec,
    parse_drive_times,
    parse_network,
)
from layers.errors import SpecError

LANGUAGES = ("vi", "en", "ko", "ja")
FIELD_TYPES = ("str", "int", "float", "bool", "date")
GEOMETRY_TYPES = ("Point", "LineString", "Polygon")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
# A field's optional keys in TOML, in FieldSpec._optional()'s order.
OPTIONAL_KEYS = (
    "column", "min", "max", "multiple", "vocabulary", "not_below", "disjoint",
)  # fmt: skip
FIELD_KEYS = frozenset({"type", "required", "allowed", "display", *OPTIONAL_KEYS})


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One typed attribute of a layer."""

    name: str
    type: str = "str"
    required: bool = False
    allowed: tuple[str, ...] = ()
    display: bool = True  # shipped in vector tiles and popups
    column: str | None = None  # name in the source file, if different (10-char .dbf)
    minimum: float | None = None  # TOML ``min``: numbers below it are refused
    maximum: float | None = None  # TOML ``max``
    multiple: bool = False  # several values in one cell, comma-separated
    vocabulary: str | None = None  # values must be codes of this [vocabularies] entry
    not_below: str | None = None  # a number not below this other field's (ranges)
    disjoint: str | None = None  # no value shared with this other (multiple) field

    def to_dict(self) -> dict[str, Any]:
        """Return the TOML/JSON form, leaving defaults out."""
        out: dict[str, Any] = {"type": self.type}
        if self.required:
            out["required"] = True
        if self.allowed:
            out["allowed"] = list(self.allowed)
        if not self.display:
            out["display"] = False
        for key, value in zip(OPTIONAL_KEYS, self._optional(), strict=True):
            if value not in (None, False):
                out[key] = value
        return out

    def _optional(self) -> tuple[Any, ...]:
        return (
            self.column,
            self.minimum,
            self.maximum,
            self.multiple,
            self.vocabulary,
            self.not_below,
            self.disjoint,
        )


@dataclass(frozen=True, slots=True)
class JoinSpec:
    """An attribute table joined to the layer's features."""

    file: Path
    key: str  # column in the table
    on: str  # field of the layer


@dataclass(frozen=True, slots=True)
class OccupancySpec:
    """Recompute a parent's occupancy from the leased share of its children's area."""

    children: str
    key: str
    status_field: str = "status"
    leased: str = "leased"
    free: str = "available"
    reported: str = "occupancy_pct"
    tolerance_pp: float = 1.0


@dataclass(frozen=True, slots=True)
class BlocksSpec:
    """Merge adjacent free features of one group into blocks that can be assembled.

    Each free feature gets ``block_id``, ``block_ha`` (the block's total area)
    and ``block_n`` (its number of features); the others get nulls.
    """

    group: str = "park_id"
    status_field: str = "status"
    free: str = "available"
    gap_m: float = 1.0


@dataclass(frozen=True, slots=True)
class ParentSpec:
    """Each feature lies inside a feature of another layer (within a tolerance)."""

    layer: str
    key: str
    tolerance_m: float = 10.0
    check_overlaps: bool = False


@dataclass(frozen=True, slots=True)
class LayerSpec:
    """Where a layer comes from, how it is checked and joined, and what is derived."""

    name: str
    source: Path
    geometry: str
    id: str | None = None  # None: ids are generated from the geometry, stable
    title: dict[str, str] = field(default_factory=dict)
    description: str = ""
    fields: tuple[FieldSpec, ...] = ()
    joins: tuple[JoinSpec, ...] = ()
    source_layer: str | None = None
    source_crs: str | None = None
    area: bool = False
    distances_to: str | None = None
    occupancy: OccupancySpec | None = None
    blocks: BlocksSpec | None = None
    parent: ParentSpec | None = None
    style: dict[str, Any] = field(default_factory=dict)
    spec_path: Path | None = None
    as_of: str | None = None  # the day the source describes (YYYY-MM-DD)
    drive_times: DriveTimesSpec | None = None
    network: NetworkSpec | None = None
    vocabularies: dict[str, Path] = field(default_factory=dict)  # name → code table

    @property
    def id_field(self) -> str:
        """Name of the feature id column in the store."""
        return self.id or "fid_stable"

    def field(self, name: str) -> FieldSpec:
        """Return the field spec named ``name``; raise KeyError if absent."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def depends_on(self) -> set[str]:
        """Names of the layers this one needs built first."""
        deps = {self.distances_to} if self.distances_to else set()
        if self.parent:
            deps.add(self.parent.layer)
        if self.occupancy:
            deps.add(self.occupancy.children)
        if self.drive_times:
            deps |= {self.drive_times.to, self.drive_times.roads}
        if self.network and self.network.isochrones:
            deps.add(self.network.isochrones.origins)
        return deps

    def label(self, lang: str) -> str:
        """Display title in ``lang``, falling back to English, then the name."""
        return self.title.get(lang) or self.title.get("en") or self.name


def _require(data: dict[str, Any], key: str, kind: type, path: Path) -> Any:
    if key not in data:
        raise SpecError(f"missing key '{key}'", path=path, field=key)
    if not isinstance(data[key], kind):
        raise SpecError(f"'{key}' must be a {kind.__name__}", path=path, field=key)
    return data[key]


def _field(name: str, raw: Any, path: Path) -> FieldSpec:
    if not isinstance(raw, dict):
        raise SpecError(
            "a field must be a table like {type = 'str'}", path=path, field=name
        )
    unknown = set(raw) - FIELD_KEYS
    if unknown:
        raise SpecError(f"unknown keys {sorted(unknown)}", path=path, field=name)
    ftype = raw.get("type", "str")
    if ftype not in FIELD_TYPES:
        raise SpecError(
            f"type '{ftype}' is not one of {', '.join(FIELD_TYPES)}",
            path=path,
            field=name,
        )
    allowed = raw.get("allowed", [])
    if not isinstance(allowed, list):
        raise SpecError("'allowed' must be a list", path=path, field=name)
    return FieldSpec(
        name=name,
        type=ftype,
        required=bool(raw.get("required", False)),
        allowed=tuple(str(v) for v in allowed),
        display=bool(raw.get("display", True)),
        column=raw.get("column"),
        **_checks(name, raw, ftype, path),
    )


def _checks(name: str, raw: dict[str, Any], ftype: str, path: Path) -> dict[str, Any]:
    """A field's value checks: min and max, multiple, vocabulary, pairs."""
    out: dict[str, Any] = {}
    for key, attr in (("min", "minimum"), ("max", "maximum")):
        if key in raw:
            value = raw[key]
            if ftype not in ("int", "float") or isinstance(value, bool):
                raise SpecError(
                    f"'{key}' needs a number field and a number", path=path, field=name
                )
            if not isinstance(value, int | float):
                raise SpecError(f"'{key}' must be a number", path=path, field=name)
            out[attr] = float(value)
    out["multiple"] = bool(raw.get("multiple", False))
    if out["multiple"] and ftype != "str":
        raise SpecError("'multiple' needs a str field", path=path, field=name)
    for key in ("vocabulary", "not_below", "disjoint"):
        if key in raw and not isinstance(raw[key], str):
            raise SpecError(f"'{key}' must be a name", path=path, field=name)
        out[key] = raw.get(key)
    return out


def _vocabularies(
    data: dict[str, Any], fields: tuple[FieldSpec, ...], path: Path, data_dir: Path
) -> dict[str, Path]:
    """``[vocabularies]`` (name → CSV of codes), and the fields' references to them."""
    raw = data.get("vocabularies", {})
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise SpecError(
            "[vocabularies] maps names to CSV files", path=path, field="vocabularies"
        )
    names = {f.name for f in fields}
    for f in fields:
        if f.vocabulary is not None and f.vocabulary not in raw:
            raise SpecError(
                f"vocabulary '{f.vocabulary}' is not in [vocabularies]",
                path=path,
                field=f.name,
            )
        for other in (f.not_below, f.disjoint):
            if other is not None and other not in names:
                raise SpecError(
                    f"'{other}' is not in [fields]", path=path, field=f.name
                )
    return {name: _resolve(file, data_dir) for name, file in raw.items()}


def _resolve(value: str, data_dir: Path) -> Path:
    p = Path(value)
    return p if p.is_absolute() else data_dir / p


def _joins(data: dict[str, Any], id_field: str | None, path: Path, data_dir: Path):
    joins = []
    for i, raw in enumerate(data.get("join", [])):
        if not isinstance(raw, dict) or "file" not in raw or "key" not in raw:
            raise SpecError(
                f"join #{i + 1} needs 'file' and 'key'", path=path, field="join"
            )
        on = raw.get("on", id_field)
        if not on:
            raise SpecError(f"join #{i + 1} needs 'on' (layer has no id)", path=path)
        joins.append(JoinSpec(_resolve(raw["file"], data_dir), raw["key"], on))
    return tuple(joins)


def _as_of(data: dict[str, Any], path: Path) -> str | None:
    """The optional ``as_of`` date: TOML date or ``YYYY-MM-DD`` text."""
    raw = data.get("as_of")
    if raw is None:
        return None
    text = raw.isoformat() if isinstance(raw, dt.date) else str(raw)
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise SpecError(
        f"as_of must be a date YYYY-MM-DD, got {raw!r}", path=path, field="as_of"
    )


def _derive(data: dict[str, Any], path: Path) -> dict[str, Any]:
    raw = data.get("derive", {})
    out: dict[str, Any] = {
        "area": bool(raw.get("area", data["geometry"] == "Polygon")),
        "distances_to": raw.get("distances_to"),
    }
    try:
        if "occupancy" in raw:
            out["occupancy"] = OccupancySpec(**raw["occupancy"])
        if "blocks" in raw:
            blocks = raw["blocks"]
            out["blocks"] = BlocksSpec(**(blocks if isinstance(blocks, dict) else {}))
        if "parent" in data:
            out["parent"] = ParentSpec(**data["parent"])
        if "drive_times" in raw:
            out["drive_times"] = parse_drive_times(raw["drive_times"], path)
    except TypeError as exc:
        raise SpecError(f"bad derive/parent table: {exc}", path=path) from exc
    return out


def parse_spec(data: dict[str, Any], path: Path, data_dir: Path) -> LayerSpec:
    """Build a LayerSpec from a parsed TOML table.

    Args:
        data: the TOML document as a dict.
        path: the spec file, for error messages.
        data_dir: relative source and join paths are resolved against it.

    Returns:
        The validated spec.

    Raises:
        SpecError: naming the file and the key that is wrong.
    """
    name = _require(data, "name", str, path)
    if not NAME_RE.match(name):
        raise SpecError(
            f"name '{name}' must be lower-case letters, digits and _",
            path=path,
            field="name",
        )
    geometry = _require(data, "geometry", str, path)
    if geometry not in GEOMETRY_TYPES:
        raise SpecError(
            f"geometry '{geometry}' is not one of {', '.join(GEOMETRY_TYPES)}",
            path=path,
            field="geometry",
        )
    fields = tuple(_field(k, v, path) for k, v in data.get("fields", {}).items())
    id_field = data.get("id")
    if id_field and id_field not in {f.name for f in fields}:
        raise SpecError(
            f"id field '{id_field}' is not in [fields]", path=path, field="id"
        )
    title = data.get("title", {})
    bad_lang = set(title) - set(LANGUAGES)
    if bad_lang:
        raise SpecError(
            f"unknown languages {sorted(bad_lang)}", path=path, field="title"
        )
    return LayerSpec(
        name=name,
        source=_resolve(_require(data, "source", str, path), data_dir),
        geometry=geometry,
        id=id_field,
        title=dict(title),
        description=data.get("description", ""),
        fields=fields,
        joins=_joins(data, id_field, path, data_dir),
        source_layer=data.get("source_layer"),
        source_crs=data.get("source_crs"),
        style=dict(data.get("style", {})),
        spec_path=path,
        as_of=_as_of(data, path),
        network=parse_network(data, path),
        vocabularies=_vocabularies(data, fields, path, data_dir),
        **_derive(data, path),
    )


def load_spec(path: Path, data_dir: Path) -> LayerSpec:
    """Read and validate one spec file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"not valid TOML: {exc}", path=path) from exc
    except OSError as exc:
        raise SpecError(f"cannot read: {exc.strerror}", path=path) from exc
    return parse_spec(data, path, data_dir)


def dump_spec(spec: LayerSpec, data_dir: Path) -> str:
    """Render a spec as TOML (paths under ``data_dir`` written relative to it)."""

    def rel(p: Path) -> str:
        try:
            return p.resolve().relative_to(data_dir.resolve()).as_posix()
        except ValueError:
            return str(p.resolve())

    doc: dict[str, Any] = {"name": spec.name, "geometry": spec.geometry}
    if spec.id:
        doc["id"] = spec.id
    doc["source"] = rel(spec.source)
    if spec.source_layer:
        doc["source_layer"] = spec.source_layer
    if spec.description:
        doc["description"] = spec.description
    if spec.title:
        doc["title"] = spec.title
    if spec.vocabularies:
        doc["vocabularies"] = {k: rel(v) for k, v in spec.vocabularies.items()}
    doc["fields"] = {f.name: f.to_dict() for f in spec.fields}
    if spec.style:
        doc["style"] = spec.style
    return tomli_w.dumps(doc)
