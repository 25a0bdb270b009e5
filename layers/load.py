"""Load one layer: read → check geometry → repair → reproject → join → type-check.

Problems are collected, not raised one at a time, so that a GIS officer sees every
broken row of a file in one run.
"""

from __future__ import annotations

import csv
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo.crs import to_wgs84
from geo.errors import GeoError
from geo.geometry import Repair, check_type, find_empty, repair
from geo.io import read_vector
from layers.checks import Vocabulary, check_pairs, check_value, read_vocabularies
from layers.errors import InvalidSourceData
from layers.spec import FieldSpec, JoinSpec, LayerSpec
from layers.values import coerce, numeric_style

logger = logging.getLogger(__name__)

MAX_PROBLEMS_PER_CHECK = 25


@dataclass
class LoadedLayer:
    """A layer read, repaired, reprojected to EPSG:4326, joined and typed."""

    spec: LayerSpec
    gdf: gpd.GeoDataFrame
    source_crs: str = ""
    encoding: str | None = None
    repairs: list[Repair] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    derived: list[FieldSpec] = field(default_factory=list)
    vocabularies: dict[str, Vocabulary] = field(default_factory=dict)

    @property
    def fields(self) -> list[FieldSpec]:
        """Declared fields followed by derived ones."""
        return [*self.spec.fields, *self.derived]


class Problems(list):
    """Problems found so far, capped per check so a broken file does not flood."""

    def add_rows(self, rows: list[int], message: str, **where: Any) -> None:
        """Add one problem per row (1-based), then a summary past the cap."""
        for row in rows[:MAX_PROBLEMS_PER_CHECK]:
            self.append(InvalidSourceData(message, row=row, **where))
        if len(rows) > MAX_PROBLEMS_PER_CHECK:
            extra = len(rows) - MAX_PROBLEMS_PER_CHECK
            self.append(
                InvalidSourceData(f"{message} (and {extra} more rows)", **where)
            )


def stable_ids(name: str, geoms: gpd.GeoSeries) -> list[str]:
    """Ids from a hash of each geometry's WKB: the same file gives the same ids."""
    seen: dict[str, int] = {}
    out = []
    for wkb in shapely.to_wkb(geoms.values, hex=False):
        digest = hashlib.sha1(wkb or b"", usedforsecurity=False).hexdigest()[:12]
        n = seen.get(digest, 0) + 1
        seen[digest] = n
        out.append(f"{name}-{digest}" if n == 1 else f"{name}-{digest}-{n}")
    return out


def read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Read a UTF-8 CSV attribute table (a BOM is allowed)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            return [c.strip() for c in reader.fieldnames or []], rows
    except FileNotFoundError:
        raise InvalidSourceData("attribute table not found", path=path) from None
    except UnicodeDecodeError as exc:
        raise InvalidSourceData(
            f"not UTF-8 text (byte {exc.start}); save the table as UTF-8 CSV", path=path
        ) from None
    except csv.Error as exc:
        raise InvalidSourceData(f"not a valid CSV file: {exc}", path=path) from None


def _geometry_checks(
    spec: LayerSpec, gdf: gpd.GeoDataFrame, problems: Problems
) -> None:
    where = {"path": spec.source, "field": "geometry"}
    empty = [i + 1 for i in find_empty(gdf.geometry)]
    problems.add_rows(empty, "empty or missing geometry", **where)
    wrong = [i + 1 for i in check_type(gdf.geometry, spec.geometry)]
    problems.add_rows(wrong, f"geometry is not a {spec.geometry}", **where)


def _assign_ids(spec: LayerSpec, gdf: gpd.GeoDataFrame, problems: Problems) -> None:
    if spec.id is None:
        gdf[spec.id_field] = stable_ids(spec.name, gdf.geometry)
        return
    if spec.id not in gdf.columns:
        problems.append(
            InvalidSourceData(
                "id field missing from the file", path=spec.source, field=spec.id
            )
        )
        return
    ids = gdf[spec.id].map(lambda v: coerce(v, "str"))
    gdf[spec.id] = ids
    missing = [i + 1 for i, v in enumerate(ids) if v is None]
    problems.add_rows(missing, "missing id", path=spec.source, field=spec.id)
    dup_mask = ids.notna() & ids.duplicated(keep=False)
    for value, rows in ids[dup_mask].groupby(ids[dup_mask]).groups.items():
        listed = ", ".join(str(gdf.index.get_loc(r) + 1) for r in rows)
        problems.append(
            InvalidSourceData(
                f"duplicate id '{value}' in rows {listed}",
                path=spec.source,
                field=spec.id,
            )
        )


def _join(
    join: JoinSpec, gdf: gpd.GeoDataFrame, origin: dict[str, Any], problems: Problems
) -> gpd.GeoDataFrame:
    columns, rows = read_table(join.file)
    if join.key not in columns:
        problems.append(
            InvalidSourceData("join key column missing", path=join.file, field=join.key)
        )
        return gdf
    if join.on not in gdf.columns:
        problems.append(
            InvalidSourceData("join field missing", path=origin["*"], field=join.on)
        )
        return gdf
    table: dict[str, tuple[int, dict[str, str]]] = {}
    for n, row in enumerate(rows, start=1):
        key = coerce(row.get(join.key), "str")
        if key in table:
            problems.append(
                InvalidSourceData(
                    f"duplicate key '{key}' (first in row {table[key][0]})",
                    path=join.file,
                    row=n,
                    field=join.key,
                )
            )
        elif key is not None:
            table[key] = (n, row)
    left = [coerce(v, "str") for v in gdf[join.on]]
    unmatched_left = sorted({k for k in left if k is not None and k not in table})
    unmatched_right = sorted(set(table) - set(left))
    if unmatched_left:
        problems.append(
            InvalidSourceData(
                f"no row in {join.file.name} for {join.on} = "
                + ", ".join(unmatched_left),
                path=origin["*"],
                field=join.on,
            )
        )
    if unmatched_right:
        problems.append(
            InvalidSourceData(
                f"rows match no feature of {origin['*'].name}: "
                + ", ".join(unmatched_right),
                path=join.file,
                field=join.key,
            )
        )
    gdf = gdf.copy()
    for col in (c for c in columns if c != join.key):
        gdf[col] = [table[k][1].get(col) if k in table else None for k in left]
        origin[col] = (join.file, [table[k][0] if k in table else None for k in left])
    return gdf


def _type_fields(
    spec: LayerSpec,
    gdf: gpd.GeoDataFrame,
    origin: dict[str, Any],
    problems: Problems,
    vocabularies: dict[str, Vocabulary],
) -> gpd.GeoDataFrame:
    out = gpd.GeoDataFrame({"geometry": gdf.geometry.values}, crs=gdf.crs)
    columns: dict[str, list[Any]] = {}
    for fs in spec.fields:
        path, rownums = origin.get(fs.name, (origin["*"], None))
        if fs.name not in gdf.columns:
            problems.append(
                InvalidSourceData(
                    "field missing from the source", path=path, field=fs.name
                )
            )
            continue
        style = numeric_style(gdf[fs.name]) if fs.type in ("int", "float") else "plain"
        values = []
        for i, raw in enumerate(gdf[fs.name]):
            row = rownums[i] if rownums else i + 1
            value, found = _typed(fs, raw, style, vocabularies)
            problems.extend(
                InvalidSourceData(m, path=path, row=row, field=fs.name) for m in found
            )
            values.append(value)
        out[fs.name] = _column(values, fs.type)
        columns[fs.name] = values
    problems.extend(check_pairs(spec.fields, columns, _where(origin)))
    if spec.id is None:
        out[spec.id_field] = gdf[spec.id_field].values
    return out


def _typed(
    fs: FieldSpec, raw: Any, style: str, vocabularies: dict[str, Vocabulary]
) -> tuple[Any, list[str]]:
    """One cell typed and checked: the value (None if unusable) and the problems."""
    try:
        value = coerce(raw, fs.type, style)
    except ValueError as exc:
        return None, [str(exc)]
    if value is None:
        return None, ["required value missing"] if fs.required else []
    return check_value(fs, value, vocabularies)


def _where(origin: dict[str, Any]) -> Callable[[str, int], dict[str, Any]]:
    """A field's row index → the file and row number a problem names."""

    def where(name: str, index: int) -> dict[str, Any]:
        path, rownums = origin.get(name, (origin["*"], None))
        return {"path": path, "row": rownums[index] if rownums else index + 1}

    return where


def _column(values: list[Any], ftype: str) -> pd.Series:
    if ftype == "int":
        return pd.Series(values, dtype="Int64")
    if ftype == "float":
        return pd.Series(
            [v if v is not None else float("nan") for v in values], dtype="float64"
        )
    if ftype == "bool":
        return pd.Series(values, dtype="boolean")
    return pd.Series(values, dtype="object")


def load_layer(spec: LayerSpec) -> tuple[LoadedLayer | None, list[GeoError]]:
    """Read and check one layer.

    Returns:
        The loaded layer (None if the file could not be read at all) and every
        problem found; a non-empty problem list means the build must stop.
    """
    problems = Problems()
    try:
        src = read_vector(
            spec.source, layer=spec.source_layer, source_crs=spec.source_crs
        )
    except GeoError as exc:
        return None, [exc]
    gdf = src.gdf.reset_index(drop=True)
    gdf = gdf.rename(columns={f.column: f.name for f in spec.fields if f.column})
    logger.info(
        "%s: read %d features from %s (%s)",
        spec.name,
        len(gdf),
        spec.source,
        src.crs.name,
    )
    _geometry_checks(spec, gdf, problems)
    _assign_ids(spec, gdf, problems)
    if problems:
        return None, list(problems)
    ids = list(gdf[spec.id_field])
    geoms, repairs = repair(gdf.geometry, ids)
    gdf = gdf.set_geometry(geoms)
    for r in repairs:
        logger.warning("%s: repaired %s (%s)", spec.name, r.feature_id, r.reason)
    try:
        gdf = to_wgs84(gdf, path=spec.source)
    except GeoError as exc:
        return None, [exc]
    origin: dict[str, Any] = {"*": spec.source}
    for join in spec.joins:
        gdf = _join(join, gdf, origin, problems)
    vocabularies, found = read_vocabularies(spec, read_table)
    problems.extend(found)
    typed = _type_fields(spec, gdf, origin, problems, vocabularies)
    layer = LoadedLayer(
        spec, typed, src.crs.to_string(), src.encoding, repairs, list(src.warnings)
    )
    layer.vocabularies = vocabularies
    declared = {f.name for f in spec.fields} | {spec.id_field, "geometry"}
    ignored = sorted(c for c in gdf.columns if c not in declared)
    if ignored:
        layer.warnings.append(
            f"columns not in the spec, not stored: {', '.join(ignored)}"
        )
    return layer, list(problems)
