"""layers.imagery.rasters and friends: the registry, the data-directory sync, the sample, CLI."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
import rasterio
from shapely.geometry import box

from geo import crs as geocrs
from geo.errors import CRSError, RasterError
from geo.raster import north_up
from geo.rastertile import CogTileReader
from layers.build import build
from layers.errors import InvalidRasterMetadata, RasterNotFound
from layers.imagery import sample as rastersample
from layers.imagery.rasters import (
    REGISTRY_FILE,
    RasterInfo,
    RasterRegistry,
    check_date,
    check_name,
    default_directory,
)
from layers.imagery.sync import slug, sync_directory
from layers.store.base import MAX_LIMIT, Feature, FieldInfo, LayerInfo, Page, Store
from tests.support.rasters import (
    RED,
    SPOT,
    marked_image,
    pixel_in_tile,
    solid,
    write_tiff,
)
from webmap import create_app

QUIET = {"progress": lambda _m: None}


@pytest.fixture
def registry(tmp_path: Path) -> RasterRegistry:
    return RasterRegistry(tmp_path / "rasters")


def add(registry: RasterRegistry, src: Path, name: str = "ortho", **kw) -> RasterInfo:
    meta = {"date": "2024-03", "label": "Drone orthophoto", **kw}
    return registry.import_file(src, name=name, **meta, **QUIET)


def cogs(registry: RasterRegistry) -> list[str]:
    return sorted(p.name for p in registry.directory.glob("*.tif"))


# --- names and dates --------------------------------------------------------------


@pytest.mark.parametrize("name", ["ortho", "land-status-2023-06", "a_1", "9" * 64])
def test_good_names(name: str):
    assert check_name(name) == name


@pytest.mark.parametrize(
    "name", ["", "Ortho", "-x", "a/b", "../x", "a.b", "x" * 65, "đất", "a b"]
)
def test_bad_names(name: str):
    with pytest.raises(InvalidRasterMetadata) as info:
        check_name(name)
    assert info.value.parameter == "name"


@pytest.mark.parametrize("date", ["2023-06", "2023-10-14", "2024-02-29"])
def test_good_dates(date: str):
    assert check_date(date) == date


@pytest.mark.parametrize("date", ["2023", "2023-13", "2023-02-30", "23-06", "june"])
def test_bad_dates(date: str):
    with pytest.raises(InvalidRasterMetadata, match="YYYY-MM"):
        check_date(date)


def test_slug_from_vietnamese_file_name():
    assert slug("Ảnh bay chụp KCN Đình Vũ 2024") == "anh-bay-chup-kcn-dinh-vu-2024"


# --- settings ---------------------------------------------------------------------


def test_default_directory_is_beside_the_store(tmp_path: Path):
    assert default_directory(str(tmp_path / "parkmap.gpkg")) == tmp_path / "rasters"


# --- registry ---------------------------------------------------------------------


def test_import_registers_footprint_date_resolution(registry, tmp_path: Path):
    info = add(registry, marked_image(tmp_path, geocrs.VN2000_UTM48))
    assert registry.get("ortho") == info
    assert [i.name for i in registry.list()] == ["ortho"]
    west, south, east, north = info.bbox
    assert west < SPOT[0] < east and south < SPOT[1] < north
    assert info.date == "2024-03" and info.label == "Drone orthophoto"
    assert info.resolution_m == pytest.approx(10.0, rel=0.02)
    assert info.source_crs == "EPSG:3405" and info.kind == "rgb"
    assert registry.path(info).is_file()


def test_registered_cog_serves_the_right_colour(registry, tmp_path: Path):
    info = add(registry, marked_image(tmp_path, geocrs.UTM48N))
    z, x, y, col, row = pixel_in_tile(*SPOT, 16)
    with CogTileReader(str(registry.path(info))) as reader:
        rgba = reader.read_tile(z, x, y)
    assert rgba is not None and tuple(rgba[:3, row, col]) == RED


def test_registry_survives_a_rebuild_of_the_store(registry, tmp_path, data_dir, built):
    add(registry, solid(tmp_path))
    before = (registry.directory / REGISTRY_FILE).read_bytes()
    build(data_dir, built, progress=lambda _m: None)
    assert (registry.directory / REGISTRY_FILE).read_bytes() == before
    assert registry.get("ortho").name == "ortho"


def test_reimport_replaces_and_deletes_the_old_cog(registry, tmp_path: Path):
    first = add(registry, solid(tmp_path))
    second = add(registry, marked_image(tmp_path, geocrs.UTM48N), date="2024-06")
    assert registry.get("ortho") == second and second.file != first.file
    assert cogs(registry) == [second.file]


def test_remove(registry, tmp_path: Path):
    add(registry, solid(tmp_path))
    registry.remove("ortho")
    assert registry.list() == [] and cogs(registry) == []
    with pytest.raises(RasterNotFound):
        registry.remove("ortho")


def test_unknown_and_bad_names(registry):
    with pytest.raises(RasterNotFound):
        registry.get("nothing")
    with pytest.raises(InvalidRasterMetadata):
        registry.get("../rasters")


def test_a_tampered_entry_is_skipped(registry, tmp_path: Path):
    info = add(registry, solid(tmp_path))
    path = registry.directory / REGISTRY_FILE
    body = json.loads(path.read_text())
    evil = dict(body["rasters"][0], name="evil", file="../../etc/passwd")
    body["rasters"].append(evil)
    path.write_text(json.dumps(body))
    assert [i.name for i in registry.list()] == [info.name]


def test_an_unreadable_registry_is_empty_for_readers_and_kept_by_writers(
    registry, tmp_path: Path
):
    registry.directory.mkdir(parents=True)
    path = registry.directory / REGISTRY_FILE
    path.write_text('{"rasters": [', encoding="utf-8")
    assert registry.list() == []
    with pytest.raises(RasterError, match="unreadable raster registry"):
        add(registry, solid(tmp_path))
    assert path.read_text(encoding="utf-8") == '{"rasters": ['
    assert cogs(registry) == []


def test_old_orphan_cogs_are_cleaned_up(registry, tmp_path: Path):
    registry.directory.mkdir(parents=True)
    orphan = registry.directory / "crashed-0123abcd.tif"
    orphan.write_bytes(b"x")
    old = time.time() - 7200
    os.utime(orphan, (old, old))
    fresh = registry.directory / "running-0123abcd.tif"
    fresh.write_bytes(b"x")
    add(registry, solid(tmp_path))
    assert not orphan.exists() and fresh.exists()


def _corrupt(tmp_path: Path) -> Path:
    good = solid(tmp_path, size=600, name="good.tif", compress="deflate")
    data = good.read_bytes()
    bad = tmp_path / "corrupt.tif"
    bad.write_bytes(data[: len(data) // 2])
    return bad


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda p: solid(p, crs=None, georeferenced=False), CRSError),
        (_corrupt, RasterError),
        (lambda p: solid(p, size=64), RasterError),  # above the limit set below
        (lambda p: solid(p, bands=2), RasterError),
    ],
    ids=["no-georeferencing", "corrupt", "too-many-pixels", "two-bands"],
)
def test_bad_input_registers_nothing(registry, tmp_path: Path, make, error):
    with pytest.raises(error):
        add(registry, make(tmp_path), max_pixels=4000)
    assert registry.list() == [] and cogs(registry) == []


@pytest.mark.parametrize(
    ("field", "value"), [("name", "Bad Name"), ("date", "2024"), ("label", " ")]
)
def test_bad_metadata_registers_nothing(registry, tmp_path: Path, field, value):
    kwargs = {"name": "ok", "date": "2024-01", "label": "x", field: value}
    with pytest.raises(InvalidRasterMetadata):
        registry.import_file(solid(tmp_path), **kwargs, **QUIET)
    assert registry.list() == []


# --- data/rasters sync ------------------------------------------------------------


def test_sync_imports_with_sidecar(registry, tmp_path: Path):
    src = tmp_path / "data-rasters"
    src.mkdir()
    marked_image(src, geocrs.UTM48N, name="Site A.tif")
    sidecar = {"name": "site-a", "date": "2023-12", "label": "UAV 12/2023"}
    (src / "Site A.json").write_text(json.dumps(sidecar))
    solid(src, name="plain.tif")
    report = sync_directory(registry, src, 10**9, **QUIET)
    assert sorted(report.imported) == ["plain", "site-a"] and not report.problems
    site = registry.get("site-a")
    assert (site.date, site.label, site.origin) == ("2023-12", "UAV 12/2023", "data")
    assert check_date(registry.get("plain").date)


def test_sync_skips_unchanged_and_removes_deleted(registry, tmp_path: Path):
    src = tmp_path / "data-rasters"
    src.mkdir()
    tif = solid(src, name="a.tif")
    sync_directory(registry, src, 10**9, **QUIET)
    again = sync_directory(registry, src, 10**9, **QUIET)
    assert again.unchanged == ["a"] and not again.imported
    tif.unlink()
    gone = sync_directory(registry, src, 10**9, **QUIET)
    assert gone.removed == ["a"] and registry.list() == []


def test_sync_reports_a_bad_file_and_imports_the_rest(registry, tmp_path: Path):
    src = tmp_path / "data-rasters"
    src.mkdir()
    solid(src, name="good.tif")
    solid(src, name="bad.tif", crs=None, georeferenced=False)
    report = sync_directory(registry, src, 10**9, **QUIET)
    assert report.imported == ["good"]
    assert len(report.problems) == 1 and "bad.tif" in report.problems[0]


def test_sync_leaves_imported_rasters_alone(registry, tmp_path: Path):
    add(registry, solid(tmp_path))
    sync_directory(registry, tmp_path / "missing", 10**9, **QUIET)
    assert [i.name for i in registry.list()] == ["ortho"]


# --- the sample -------------------------------------------------------------------


class FakeStore(Store):
    """Two bottleneck parks' worth of layers, in memory."""

    def __init__(self, features: dict[str, list[Feature]], fields: dict[str, list]):
        self._features = features
        self._infos = [
            LayerInfo(
                n, "Polygon", "id", tuple(FieldInfo(f) for f in fields[n]), 0, None
            )
            for n in features
        ]

    def layers(self) -> list[LayerInfo]:
        return self._infos

    def query(self, layer, bbox=None, filters=None, limit=100, offset=0) -> Page:
        info = self.layer(layer)
        wanted = {k: str(v).lower() for k, v in (filters or {}).items()}
        found = [
            f
            for f in self._features[info.name]
            if all(str(f.properties.get(k)).lower() == v for k, v in wanted.items())
        ]
        return Page(found[offset : offset + min(limit, MAX_LIMIT)], len(found))

    def get(self, layer, feature_id):
        raise NotImplementedError


def _park_store() -> FakeStore:
    x0, y0 = 106.60, 20.87
    parks = [
        Feature(
            "p1", box(x0, y0, x0 + 0.01, y0 + 0.01), {"clearance_bottleneck": True}
        ),
        Feature(
            "p2",
            box(x0 + 0.02, y0, x0 + 0.03, y0 + 0.01),
            {"clearance_bottleneck": False},
        ),
    ]
    parcels = [
        Feature(
            f"p1-{i:03d}",
            box(x0 + i * 0.001, y0, x0 + (i + 1) * 0.001, y0 + 0.005),
            {"park_id": "p1", "clr_stage": rastersample.STAGES[i % 6]},
        )
        for i in range(10)
    ]
    parcels.append(
        Feature("p2-1", parks[1].geometry, {"park_id": "p2", "clr_stage": None})
    )
    return FakeStore(
        {"parks": parks, "parcels": parcels},
        {"parks": ["clearance_bottleneck"], "parcels": ["park_id", "clr_stage"]},
    )


def test_stage_at_is_deterministic_and_one_behind_for_a_third():
    ids = [f"x-{i}" for i in range(300)]
    behind = [i for i in ids if rastersample.stage_at(i, "cleared", True) != "cleared"]
    assert 70 < len(behind) < 130
    assert {rastersample.stage_at(i, "cleared", True) for i in behind} == {
        "compensating"
    }
    assert rastersample.stage_at(behind[0], "not_started", True) == "not_started"
    assert rastersample.stage_at(behind[0], "cleared", False) == "cleared"


def test_sample_registers_two_dates_labelled_as_generated(registry):
    infos = rastersample.make_sample(_park_store(), registry, **QUIET)
    assert [i.name for i in infos] == ["land-status-2023-06", "land-status-2023-10"]
    for info in infos:
        assert (
            "generated from the parcels" in info.label and "not imagery" in info.label
        )
        assert info.origin == "sample" and info.kind == "paletted"
        assert dict(info.legend)["handed over"] == "#16a085"
    assert "simulated" in infos[0].label


def test_sample_is_not_remade_when_up_to_date(registry):
    first = rastersample.make_sample(_park_store(), registry, **QUIET)
    again = rastersample.make_sample(_park_store(), registry, **QUIET)
    assert again == first
    forced = rastersample.make_sample(_park_store(), registry, force=True, **QUIET)
    assert [i.file for i in forced] != [i.file for i in first]


def test_sample_shows_the_change_between_dates(registry):
    store = _park_store()
    infos = rastersample.make_sample(store, registry, **QUIET)
    changed = [
        f
        for f in store.query("parcels", filters={"park_id": "p1"}).features
        if rastersample.stage_at(f.id, f.properties["clr_stage"], True)
        != f.properties["clr_stage"]
    ]
    assert changed
    centre = changed[0].geometry.centroid
    colours = []
    for info in infos:
        z, x, y, col, row = pixel_in_tile(centre.x, centre.y, 17)
        with CogTileReader(str(registry.path(info))) as reader:
            rgba = reader.read_tile(z, x, y)
        colours.append(tuple(int(v) for v in rgba[:, row, col]))
    stage = changed[0].properties["clr_stage"]
    expected = rastersample.PALETTE[rastersample.STAGE_CLASS[stage]]
    assert colours[1] == expected and colours[0] != colours[1]


def test_sample_paints_only_bottleneck_parks(registry):
    infos = rastersample.make_sample(_park_store(), registry, **QUIET)
    _, _, east, _ = infos[0].bbox
    assert east < 106.62  # park p2 (106.62-106.63) is not a bottleneck


def test_sample_without_the_fields_says_so(registry):
    store = FakeStore({"parks": [], "parcels": []}, {"parks": [], "parcels": []})
    with pytest.raises(RasterError, match="clearance_bottleneck"):
        rastersample.make_sample(store, registry, **QUIET)


# --- CLI --------------------------------------------------------------------------


def test_cli_import_list_remove(runner, app, tmp_path: Path):
    src = marked_image(tmp_path, geocrs.UTM48N)
    result = runner.invoke(
        args=[
            "raster",
            "import",
            str(src),
            "--name",
            "site",
            "--date",
            "2024-05",
            "--label",
            "UAV survey",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "imported site (2024-05)" in result.output
    assert "reprojecting to EPSG:3857" in result.output  # progress, on stderr
    listed = runner.invoke(args=["raster", "list"])
    assert listed.output.startswith("site\t2024-05")
    assert Path(app.config["RASTER_DIR"], REGISTRY_FILE).is_file()
    again = runner.invoke(
        args=[
            "raster",
            "import",
            str(src),
            "--name",
            "site",
            "--date",
            "2024-05",
            "--label",
            "x",
        ]
    )
    assert again.exit_code == 1 and "--replace" in again.output
    assert runner.invoke(args=["raster", "remove", "site"]).exit_code == 0


def test_cli_import_bad_file_fails_clearly(runner, tmp_path: Path):
    src = solid(tmp_path, crs=None, georeferenced=False)
    result = runner.invoke(
        args=[
            "raster",
            "import",
            str(src),
            "--name",
            "x",
            "--date",
            "2024-05",
            "--label",
            "x",
        ]
    )
    assert result.exit_code == 1
    assert "no georeferencing" in result.output


def test_cli_import_honours_the_pixel_limit(data_dir, built, tmp_path: Path):
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "STORE": str(built),
            "RASTER_MAX_PIXELS": 100,
        }
    )
    result = app.test_cli_runner().invoke(
        args=[
            "raster",
            "import",
            str(solid(tmp_path)),
            "--name",
            "x",
            "--date",
            "2024-05",
            "--label",
            "x",
        ]
    )
    assert result.exit_code == 1 and "above the limit of 100" in result.output


def test_build_imports_data_rasters(runner, app, data_dir: Path, tmp_path: Path):
    (data_dir / "rasters").mkdir()
    data = np.full((3, 16, 16), 90, dtype=np.uint8)
    write_tiff(
        data_dir / "rasters" / "ortho.tif",
        data,
        crs=geocrs.UTM48N,
        transform=north_up(674_000, 2_307_000, 10, 10),
    )
    result = runner.invoke(args=["build"])
    assert result.exit_code == 0, result.output
    assert "rasters: 1 imported" in result.output
    registry = RasterRegistry(app.config["RASTER_DIR"])
    assert registry.get("ortho").origin == "data"
    with rasterio.open(registry.path(registry.get("ortho"))) as ds:
        assert ds.crs.to_epsg() == 3857
