"""The build: every spec's files → validated, repaired, joined, derived → the store.

Nothing is written unless every layer passes; the old store stays as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geo.errors import GeoError
from geo.io import atomic_output
from layers.derive import derive_all
from layers.errors import BuildFailed
from layers.load import LoadedLayer, load_layer
from layers.registry import Registry
from layers.store import is_url
from layers.store.base import FieldInfo, LayerInfo
from layers.store.catalogue import FEATURES
from layers.store.gpkg_write import write_gpkg
from layers.store.pg_schema import PgLocation
from layers.store.pg_write import write_postgis

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


def layer_info(layer: LoadedLayer) -> LayerInfo:
    """Store metadata for a loaded layer."""
    spec, gdf = layer.spec, layer.gdf
    # A list field ("fibre,4g") holds no single allowed value: no enum to publish.
    fields = [
        FieldInfo(f.name, f.type, () if f.multiple else f.allowed, f.display)
        for f in layer.fields
    ]
    if spec.id is None:
        fields.insert(0, FieldInfo(spec.id_field, "str"))
    bbox = tuple(float(v) for v in gdf.total_bounds) if len(gdf) else None
    return LayerInfo(
        name=spec.name,
        geometry_type=spec.geometry,
        id_field=spec.id_field,
        fields=tuple(fields),
        count=len(gdf),
        bbox=bbox,  # type: ignore[arg-type]
        title=dict(spec.title),
        description=spec.description,
        style=dict(spec.style),
        as_of=spec.as_of or "",
        vocabularies={name: v.rows for name, v in layer.vocabularies.items()},
    )


def _layer_report(layer: LoadedLayer) -> dict[str, Any]:
    return {
        "count": len(layer.gdf),
        "source": str(layer.spec.source),
        "source_crs": layer.source_crs,
        "encoding": layer.encoding,
        "repairs": [
            {"row": r.row, "id": r.feature_id, "reason": r.reason}
            for r in layer.repairs
        ],
        "warnings": layer.warnings,
    }


def report_text(report: dict[str, Any]) -> str:
    """The build report as text a person reads."""
    lines = [
        f"parkmap build {report['finished']} ({report['duration_s']:.1f} s)",
        f"store: {report['store']}",
        "",
    ]
    for name, lr in report["layers"].items():
        lines.append(
            f"{name}: {lr['count']} features from {lr['source']} ({lr['source_crs']})"
        )
        for r in lr["repairs"]:
            lines.append(f"  repaired {r['id']} (row {r['row']}): {r['reason']}")
        for w in lr["warnings"]:
            lines.append(f"  warning: {w}")
    return "\n".join(lines) + "\n"


def load_all(registry: Registry, progress: Progress) -> dict[str, LoadedLayer]:
    """Load and derive every layer; raise BuildFailed listing every problem."""
    registry.check_references()
    loaded: dict[str, LoadedLayer] = {}
    problems: list[GeoError] = []
    specs = list(registry)
    for i, spec in enumerate(specs, start=1):
        progress(f"[{i}/{len(specs)}] reading {spec.name}")
        layer, found = load_layer(spec)
        problems.extend(found)
        if layer is not None:
            loaded[spec.name] = layer
    if problems:
        raise BuildFailed(problems)
    progress("deriving areas, distances and occupancy")
    problems.extend(derive_all(loaded))
    if problems:
        raise BuildFailed(problems)
    return loaded


def read_seeds(data_dir: Path, loaded: dict[str, LoadedLayer]) -> dict[str, Any]:
    """What each stored feature starts a new store with (``StoredFeature.seed``).

    Read and checked before anything is written, so a bad file fails the build.

    Raises:
        BuildFailed: a feature's file breaks its rules (naming file and key).
    """
    ids = {
        name: tuple(str(v) for v in layer.gdf[layer.spec.id_field])
        for name, layer in loaded.items()
        if layer.spec.id_field in layer.gdf.columns
    }
    return {f.name: f.seed(data_dir, ids) for f in FEATURES if f.seed is not None}


def build(
    data_dir: Path, store_path: Path | str, progress: Progress | None = None
) -> dict[str, Any]:
    """Build the store at ``store_path`` from the specs and files in ``data_dir``.

    Args:
        data_dir: holds ``layers/*.toml`` and the files they name.
        store_path: the GeoPackage to write (atomically), or a ``postgresql://``
            URL: the PostGIS store's schema is replaced in one transaction.
        progress: called with one line per step (defaults to logging).

    Returns:
        The build report (also written beside a GeoPackage as JSON and text; a
        PostGIS store keeps it in its ``parkmap_build`` table).

    Raises:
        BuildFailed: listing every problem; the existing store is untouched.
        SpecError: a spec file is malformed.
    """
    progress = progress or logger.info
    started = time.perf_counter()
    loaded = load_all(Registry.from_dir(data_dir), progress)
    seeds = read_seeds(data_dir, loaded)
    report: dict[str, Any] = {
        "store": _store_name(store_path),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "layers": {name: _layer_report(layer) for name, layer in loaded.items()},
    }
    progress(f"writing {report['store']}")
    frames = [(layer_info(layer), layer.gdf) for layer in loaded.values()]
    report["duration_s"] = time.perf_counter() - started
    if is_url(store_path):
        write_postgis(str(store_path), frames, report, FEATURES, seeds)
        report["duration_s"] = time.perf_counter() - started
    else:
        write_gpkg(Path(store_path), frames, report, FEATURES, seeds)
        report["duration_s"] = time.perf_counter() - started
        write_report(Path(store_path), report)
    progress(f"done in {report['duration_s']:.1f} s")
    return report


def _store_name(store: Path | str) -> str:
    """The store as the report names it (a database URL without its password)."""
    if is_url(store):
        return PgLocation.parse(str(store)).redacted()
    return str(store)


def write_report(store_path: Path, report: dict[str, Any]) -> None:
    """Write ``report.json`` and ``report.txt`` next to the store, atomically."""
    base = store_path.with_suffix("")
    with atomic_output(base.with_name(base.name + ".report.json")) as tmp:
        tmp.write_text(
            json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
        )
    with atomic_output(base.with_name(base.name + ".report.txt")) as tmp:
        tmp.write_text(report_text(report), encoding="utf-8")
