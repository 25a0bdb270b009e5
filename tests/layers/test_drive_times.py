"""Drive times and isochrones in the build, on the hand-made network of
``tests/support/roads.py`` (its docstring draws it), and the build's refusals."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from shapely.geometry import Point

from geo.crs import UTM48N, WGS84, reproject
from layers.build import build
from layers.errors import BuildFailed, SpecError
from layers.store.gpkg import GpkgStore
from tests.support.roads import ROADS, SITES, at, make_road_dataset, write_roads


def quiet(_msg: str) -> None:
    """Progress sink for tests."""


@pytest.fixture
def road_data(tmp_path: Path) -> Path:
    return make_road_dataset(tmp_path)


@pytest.fixture
def road_store(road_data: Path, tmp_path: Path) -> tuple[GpkgStore, dict]:
    out = tmp_path / "build" / "parkmap.gpkg"
    report = build(road_data, out, progress=quiet)
    return GpkgStore(out), report


def test_minutes_follow_the_hand_computed_shortest_paths(road_store) -> None:
    store, _ = road_store
    for site, (_, expected) in SITES.items():
        got = store.get("sites", site).properties["drive_port_min"]
        if expected is None:
            assert got is None, site
        else:
            assert got == pytest.approx(expected, abs=0.05), site


def test_drive_minutes_sit_beside_the_straight_line_km(road_store) -> None:
    store, _ = road_store
    fields = {f.name: f.type for f in store.layer("sites").fields}
    assert fields["drive_port_min"] == "float"
    assert fields["dist_port_km"] == "float"


def test_unreached_sites_are_named_in_a_warning(road_store) -> None:
    _, report = road_store
    warnings = report["layers"]["sites"]["warnings"]
    assert len(warnings) == 1
    assert "cannot reach from port" in warnings[0]
    assert "island" in warnings[0] and "middle" in warnings[0]
    assert "east" not in warnings[0]


def test_isochrones_are_a_layer_of_the_store(road_store) -> None:
    store, _ = road_store
    features = store.query("isochrones", limit=100).features
    assert [(f.properties["origin_id"], f.properties["minutes"]) for f in features] == [
        ("port", 9),
        ("port", 5),
    ]
    nine, five = (f.geometry for f in features)
    # (0, 1000) on A–D: 2 + 1 + 1 = 4 minutes; (0, 2900): 5.9 minutes
    near, far = (store_point(0, 1000), store_point(0, 2900))
    assert five.contains(near) and not five.contains(far)
    assert nine.contains(far)
    assert store.layer("isochrones").title["en"] == "Drive-time areas"


def store_point(x: float, y: float) -> Point:
    """A point of the hand-made layout in the store's WGS84."""
    return reproject([Point(at(x, y))], UTM48N, WGS84)[0]


def spec_path(data: Path, name: str) -> Path:
    return data / "layers" / f"{name}.toml"


def test_a_road_without_speed_or_known_class_stops_the_build(
    road_data: Path, tmp_path: Path
) -> None:
    rows = [*ROADS[:2], ("bad", "track", 0.0, [(0, 0), (0, -500)]), *ROADS[2:]]
    write_roads(road_data, rows)
    store = tmp_path / "out.gpkg"
    with pytest.raises(BuildFailed) as info:
        build(road_data, store, progress=quiet)
    (problem,) = info.value.problems
    text = str(problem)
    assert "roads.shp" in text and "row 3" in text and "road_class" in text
    assert "'track'" in text and "no usable speed" in text
    assert not store.exists()


def test_a_failed_rebuild_leaves_the_store_as_it_was(
    road_data: Path, road_store
) -> None:
    store, _ = road_store
    before = hashlib.sha256(store.path.read_bytes()).hexdigest()
    write_roads(road_data, [("x", None, 0.0, [(0, 0), (9, 9)])])
    with pytest.raises(BuildFailed, match="row 1"):
        build(road_data, store.path, progress=quiet)
    assert hashlib.sha256(store.path.read_bytes()).hexdigest() == before


def test_a_road_spec_without_speed_or_class_is_refused(road_data: Path) -> None:
    path = spec_path(road_data, "roads")
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('speed = "speed_kmh"\n', "").replace('class = "road_class"\n', ""),
        encoding="utf-8",
    )
    with pytest.raises(SpecError, match="needs 'speed'"):
        build(road_data, road_data / "out.gpkg", progress=quiet)


def test_drive_times_over_a_layer_that_is_no_network_are_refused(
    road_data: Path,
) -> None:
    path = spec_path(road_data, "sites")
    text = path.read_text(encoding="utf-8").replace(
        'roads = "roads"', 'roads = "landmarks"'
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BuildFailed, match=r"\[network\] table"):
        build(road_data, road_data / "out.gpkg", progress=quiet)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("connector_kmh = 6", "connector_kmh = 0", "connector_kmh"),
        ("speeds = { fast = 90 }", "speeds = { fast = -1 }", "class 'fast'"),
        ("minutes = [5, 9]", "minutes = [0]", "minutes"),
        ('speed = "speed_kmh"', 'speed = "kmh"', "'kmh' is not in"),
    ],
)
def test_bad_network_specs_name_the_key(
    road_data: Path, old: str, new: str, message: str
) -> None:
    path = spec_path(road_data, "roads")
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(SpecError, match=message) as info:
        build(road_data, road_data / "out.gpkg", progress=quiet)
    assert "roads.toml" in str(info.value)
