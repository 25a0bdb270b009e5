"""The specs of a road network, the drive times read from it and its isochrones.

A road layer (any line layer) declares ``[network]``: the field holding a speed in
km/h and/or the field holding a road class looked up in a speed table
(``DEFAULT_SPEEDS``, extended or overridden by ``speeds``), the connector speed
and the longest connector, and optionally ``[network.isochrones]``: a polygon layer
the build writes, the areas within each number of minutes of each feature of a
point layer. A layer asks for drive times with
``[derive] drive_times = { to = "landmarks", roads = "roads" }``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layers.errors import SpecError

# Default speeds in km/h by road class (Vietnamese road types; an officer's
# ``speeds`` table in the spec adds classes or overrides these).
DEFAULT_SPEEDS: dict[str, float] = {
    "expressway": 80.0,  # cao tốc
    "national": 50.0,  # quốc lộ (QL)
    "ring": 50.0,  # vành đai
    "provincial": 40.0,  # tỉnh lộ (ĐT)
    "street": 30.0,  # đường đô thị
    "local": 25.0,  # đường huyện, xã
    "ramp": 40.0,  # nhánh nút giao
    "bridge": 40.0,
    "ferry": 10.0,
}
NETWORK_KEYS = {"speed", "class", "speeds", "connector_kmh", "max_connector_km"}
ISOCHRONE_KEYS = {"layer", "from", "minutes", "title", "description", "colors"}
DRIVE_KEYS = {"to", "roads"}


@dataclass(frozen=True, slots=True)
class IsochroneSpec:
    """A polygon layer: the areas within ``minutes`` of each of ``origins``."""

    layer: str
    origins: str
    minutes: tuple[int, ...] = (15, 30, 45, 60)
    title: dict[str, str] = field(default_factory=dict)
    description: str = ""
    colors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NetworkSpec:
    """How a line layer is read as a road network.

    Attributes:
        speed: field with a speed in km/h (used where > 0).
        road_class: field with a road class, looked up in ``speeds``.
        speeds: km/h by class (``DEFAULT_SPEEDS`` with the spec's additions).
        connector_kmh: speed of the straight connector from a feature to a road.
        max_connector_km: farther than this from every road is not reachable.
        isochrones: the isochrone layer to write, if any.
    """

    speed: str | None = None
    road_class: str | None = None
    speeds: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SPEEDS))
    connector_kmh: float = 20.0
    max_connector_km: float = 5.0
    isochrones: IsochroneSpec | None = None


@dataclass(frozen=True, slots=True)
class DriveTimesSpec:
    """Drive times in minutes from each feature to each feature of ``to``."""

    to: str
    roads: str


def _positive(raw: dict[str, Any], key: str, default: float, path: Path) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise SpecError(f"'{key}' must be a number > 0", path=path, field=key)
    return float(value)


def _unknown(raw: dict[str, Any], known: set[str], where: str, path: Path) -> None:
    extra = sorted(set(raw) - known)
    if extra:
        raise SpecError(f"unknown keys {extra}", path=path, field=where)


def _speeds(raw: Any, path: Path) -> dict[str, float]:
    if not isinstance(raw, dict):
        raise SpecError("'speeds' must be a table", path=path, field="speeds")
    speeds = dict(DEFAULT_SPEEDS)
    for name, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise SpecError(
                f"speed of class '{name}' must be a number > 0 km/h",
                path=path,
                field="speeds",
            )
        speeds[str(name)] = float(value)
    return speeds


def _isochrones(raw: Any, path: Path) -> IsochroneSpec:
    if not isinstance(raw, dict) or "layer" not in raw or "from" not in raw:
        raise SpecError(
            "[network.isochrones] needs 'layer' and 'from'",
            path=path,
            field="isochrones",
        )
    _unknown(raw, ISOCHRONE_KEYS, "isochrones", path)
    minutes = raw.get("minutes", [15, 30, 45, 60])
    if (
        not isinstance(minutes, list)
        or not minutes
        or not all(isinstance(m, int) and not isinstance(m, bool) for m in minutes)
        or min(minutes) <= 0
    ):
        raise SpecError(
            "'minutes' must be a list of whole numbers > 0", path=path, field="minutes"
        )
    return IsochroneSpec(
        layer=str(raw["layer"]),
        origins=str(raw["from"]),
        minutes=tuple(sorted(set(minutes))),
        title=dict(raw.get("title", {})),
        description=str(raw.get("description", "")),
        colors={str(k): str(v) for k, v in raw.get("colors", {}).items()},
    )


def parse_network(data: dict[str, Any], path: Path) -> NetworkSpec | None:
    """The ``[network]`` table of a spec, or None when there is none.

    Raises:
        SpecError: a polygon or point layer, neither ``speed`` nor ``class``, a
            field not in ``[fields]``, a speed ≤ 0 or an unknown key.
    """
    raw = data.get("network")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise SpecError("[network] must be a table", path=path, field="network")
    if data.get("geometry") != "LineString":
        raise SpecError("a road network must be a LineString layer", path=path)
    _unknown(raw, NETWORK_KEYS | {"isochrones"}, "network", path)
    if not raw.get("speed") and not raw.get("class"):
        raise SpecError(
            "[network] needs 'speed' (a km/h field) or 'class' (a road-class field)",
            path=path,
            field="network",
        )
    declared = set(data.get("fields", {}))
    for key in ("speed", "class"):
        if raw.get(key) and raw[key] not in declared:
            raise SpecError(
                f"{key} field '{raw[key]}' is not in [fields]", path=path, field=key
            )
    iso = raw.get("isochrones")
    return NetworkSpec(
        speed=raw.get("speed") or None,
        road_class=raw.get("class") or None,
        speeds=_speeds(raw.get("speeds", {}), path),
        connector_kmh=_positive(raw, "connector_kmh", 20.0, path),
        max_connector_km=_positive(raw, "max_connector_km", 5.0, path),
        isochrones=_isochrones(iso, path) if iso is not None else None,
    )


def parse_drive_times(raw: Any, path: Path) -> DriveTimesSpec:
    """``[derive] drive_times = { to = "landmarks", roads = "roads" }``."""
    if not isinstance(raw, dict) or not raw.get("to") or not raw.get("roads"):
        raise SpecError(
            "drive_times needs 'to' (a point layer) and 'roads' (a road layer)",
            path=path,
            field="drive_times",
        )
    _unknown(raw, DRIVE_KEYS, "drive_times", path)
    return DriveTimesSpec(to=str(raw["to"]), roads=str(raw["roads"]))
