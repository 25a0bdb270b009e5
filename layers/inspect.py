"""What the importer sees in a vector file, and a spec drafted from it.

Used by ``flask --app webmap check FILE`` and ``flask --app webmap layers add``.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import shapely

from geo.geometry import find_empty
from geo.io import VectorSource, read_vector
from layers.errors import SpecError
from layers.spec import NAME_RE, FieldSpec, LayerSpec

FAMILY = {
    "Point": "Point",
    "MultiPoint": "Point",
    "LineString": "LineString",
    "MultiLineString": "LineString",
    "Polygon": "Polygon",
    "MultiPolygon": "Polygon",
}


@dataclass
class FileReport:
    """The facts ``check`` prints about one file."""

    path: Path
    driver: str
    crs: str
    encoding: str | None
    count: int
    geometry_types: dict[str, int]
    empty_rows: list[int]
    invalid_rows: list[tuple[int, str]]
    fields: dict[str, str]
    unique_fields: list[str]
    duplicates: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Readable report lines."""
        types = ", ".join(f"{k}×{v}" for k, v in self.geometry_types.items()) or "none"
        out = [
            f"file: {self.path}",
            f"driver: {self.driver}; features: {self.count}",
            f"CRS: {self.crs}",
            f"encoding: {self.encoding or 'n/a'}",
            f"geometry types: {types}",
            f"empty or missing geometries: {len(self.empty_rows)}"
            + (f" (rows {_rows(self.empty_rows)})" if self.empty_rows else ""),
            f"invalid geometries: {len(self.invalid_rows)}",
        ]
        out += [f"  row {row}: {reason}" for row, reason in self.invalid_rows[:20]]
        out.append("fields:")
        out += [f"  {name}: {kind}" for name, kind in self.fields.items()]
        out.append(
            "unique fields (id candidates): "
            + (", ".join(self.unique_fields) or "none")
        )
        for name, values in self.duplicates.items():
            out.append(f"duplicate values in {name}: {', '.join(values[:20])}")
        out += [f"warning: {w}" for w in self.warnings]
        return out


def _rows(rows: list[int]) -> str:
    return ", ".join(map(str, rows[:20])) + (" …" if len(rows) > 20 else "")


def field_type(series: pd.Series) -> str:
    """Spec type for a column read by pyogrio."""
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_float_dtype(series):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    return "str"


def inspect_source(src: VectorSource, id_field: str | None = None) -> FileReport:
    """Describe a file already read."""
    gdf = src.gdf
    geoms = gdf.geometry
    # A missing geometry has no type (NaN), an empty one keeps its type.
    types = collections.Counter(t for t in geoms.geom_type if isinstance(t, str) and t)
    valid = shapely.is_valid(geoms.values)
    invalid = [
        (i + 1, shapely.is_valid_reason(g))
        for i, (g, ok) in enumerate(zip(geoms.values, valid, strict=True))
        if g is not None and not ok and not g.is_empty
    ]
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    unique = [c for c in columns if gdf[c].notna().all() and gdf[c].is_unique]
    report = FileReport(
        path=src.path,
        driver=src.driver,
        crs=f"{src.crs.name} ({src.crs.to_string()})",
        encoding=src.encoding,
        count=len(gdf),
        geometry_types=dict(types),
        empty_rows=[i + 1 for i in find_empty(geoms)],
        invalid_rows=invalid,
        fields={c: field_type(gdf[c]) for c in columns},
        unique_fields=unique,
        warnings=list(src.warnings),
    )
    checked = (
        [id_field] if id_field else [c for c in columns if c.lower().endswith("id")]
    )
    for name in checked:
        if name not in gdf.columns:
            report.warnings.append(f"no field '{name}'")
            continue
        dup = gdf[name][gdf[name].duplicated(keep=False) & gdf[name].notna()]
        if len(dup):
            report.duplicates[name] = sorted({str(v) for v in dup})
    return report


def check_file(path: Path, id_field: str | None = None) -> FileReport:
    """Read ``path`` as the build would and describe it; writes nothing."""
    return inspect_source(read_vector(path), id_field)


def draft_spec(
    name: str, path: Path, id_field: str | None, data_dir: Path
) -> LayerSpec:
    """A spec for a new generic layer from any vector file.

    Raises:
        SpecError: bad name, empty or missing geometries, mixed geometry families,
            or an id field that is missing or not unique.
    """
    if not NAME_RE.match(name):
        raise SpecError(
            f"layer name '{name}' must be lower-case letters, digits and _",
            field="name",
        )
    src = read_vector(path)
    report = inspect_source(src, id_field)
    if report.empty_rows:
        raise SpecError(
            f"empty or missing geometry in rows {_rows(report.empty_rows)}", path=path
        )
    families = {FAMILY.get(t) for t in report.geometry_types}
    if len(families) != 1 or None in families:
        raise SpecError(
            f"cannot store mixed or unsupported geometry types {report.geometry_types}",
            path=path,
        )
    if id_field and id_field not in report.unique_fields:
        raise SpecError(
            f"id field '{id_field}' is missing, empty in some rows or not unique",
            path=path,
            field=id_field,
        )
    fields = [
        FieldSpec(col, kind, required=(col == id_field))
        for col, kind in report.fields.items()
    ]
    if id_field:
        fields.insert(
            0, fields.pop(next(i for i, f in enumerate(fields) if f.name == id_field))
        )
    return LayerSpec(
        name=name,
        source=path.resolve(),
        geometry=families.pop() or "Point",
        id=id_field,
        title={"en": name.replace("_", " ").capitalize()},
        fields=tuple(fields),
        description=f"Layer added from {path.name}",
    )


def spec_summary(spec: LayerSpec) -> dict[str, Any]:
    """A short description of a drafted spec for the CLI."""
    return {
        "name": spec.name,
        "geometry": spec.geometry,
        "id": spec.id,
        "fields": len(spec.fields),
    }
