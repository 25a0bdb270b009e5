"""The GIS officer's commands: check a file, add a layer, build from the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from layers.store.gpkg import GpkgStore

ROOT = Path(__file__).resolve().parents[2]


def sites(n: int = 3) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": [f"s{i}" for i in range(n)],
            "tên": ["Trạm bơm", "Kho xăng", "Cầu Rào"][:n],
            "cap": list(range(n)),
        },
        geometry=[Point(106.6 + i / 100, 20.85) for i in range(n)],
        crs="EPSG:4326",
    )


def test_check_reports_what_the_importer_sees(runner, tmp_path: Path) -> None:
    path = tmp_path / "sites.geojson"
    sites().to_file(path, driver="GeoJSON")
    result = runner.invoke(args=["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "features: 3" in result.output
    assert "EPSG:4326" in result.output
    assert "Point×3" in result.output
    assert "code: str" in result.output and "cap: int" in result.output
    assert "unique fields (id candidates): code" in result.output


def test_check_flags_duplicate_ids_and_exits_nonzero(runner, tmp_path: Path) -> None:
    frame = sites()
    frame.loc[2, "code"] = "s0"
    path = tmp_path / "sites.gpkg"
    frame.to_file(path, driver="GPKG")
    result = runner.invoke(args=["check", str(path), "--id", "code"])
    assert result.exit_code == 1
    assert "duplicate values in code: s0" in result.output


def test_check_names_missing_sidecar(runner, data_dir: Path) -> None:
    (data_dir / "shapefiles" / "parks.dbf").unlink()
    result = runner.invoke(args=["check", str(data_dir / "shapefiles" / "parks.shp")])
    assert result.exit_code != 0
    assert "parks.dbf" in result.output


def test_check_writes_nothing(runner, data_dir: Path) -> None:
    before = sorted(p.name for p in data_dir.rglob("*"))
    runner.invoke(args=["check", str(data_dir / "shapefiles" / "parks.shp")])
    assert sorted(p.name for p in data_dir.rglob("*")) == before


@pytest.mark.parametrize(
    "driver,suffix", [("GeoJSON", ".geojson"), ("GPKG", ".gpkg"), ("KML", ".kml")]
)
def test_layers_add_then_build_serves_new_layer(
    app, runner, data_dir: Path, tmp_path: Path, driver: str, suffix: str
) -> None:
    path = tmp_path / "elsewhere" / f"sites{suffix}"
    path.parent.mkdir()
    sites().to_file(path, driver=driver)
    result = runner.invoke(
        args=["layers", "add", "pump_sites", str(path), "--id", "code"]
    )
    assert result.exit_code == 0, result.output
    assert (data_dir / "layers" / "pump_sites.toml").exists()
    result = runner.invoke(args=["build"])
    assert result.exit_code == 0, result.output
    store = GpkgStore(Path(app.config["STORE"]))
    assert store.get("pump_sites", "s1").properties["code"] == "s1"


def test_layers_add_without_id_gives_stable_ids(app, runner, tmp_path: Path) -> None:
    path = tmp_path / "sites.geojson"
    sites().to_file(path, driver="GeoJSON")
    assert runner.invoke(args=["layers", "add", "sites", str(path)]).exit_code == 0
    store = GpkgStore(Path(app.config["STORE"]))
    runner.invoke(args=["build"])
    first = sorted(f.id for f in store.query("sites").features)
    runner.invoke(args=["build"])
    assert sorted(f.id for f in store.query("sites").features) == first
    assert len(set(first)) == 3


def test_layers_add_rejects_non_unique_id(runner, tmp_path: Path) -> None:
    frame = sites()
    frame.loc[1, "code"] = "s0"
    path = tmp_path / "sites.geojson"
    frame.to_file(path, driver="GeoJSON")
    result = runner.invoke(args=["layers", "add", "sites", str(path), "--id", "code"])
    assert result.exit_code != 0
    assert "not unique" in result.output


def test_layers_add_refuses_to_overwrite(
    runner, data_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "sites.geojson"
    sites().to_file(path, driver="GeoJSON")
    result = runner.invoke(args=["layers", "add", "parks", str(path)])
    assert result.exit_code != 0
    assert "exists" in result.output


def test_layers_add_rejects_bad_name(runner, tmp_path: Path) -> None:
    path = tmp_path / "sites.geojson"
    sites().to_file(path, driver="GeoJSON")
    result = runner.invoke(args=["layers", "add", "../evil", str(path)])
    assert result.exit_code != 0
    assert "lower-case" in result.output


def test_python_m_layers_build(data_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "out" / "x.gpkg"
    env = {**os.environ, "PARKMAP_DATA_DIR": str(data_dir), "PARKMAP_STORE": str(store)}
    proc = subprocess.run(
        [sys.executable, "-m", "layers", "build"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "[1/3] reading" in proc.stderr  # progress goes through logging
    assert GpkgStore(store).layer("parcels").count == 6


def test_cli_build_failure_is_a_clear_message(runner, data_dir: Path) -> None:
    (data_dir / "shapefiles" / "parcels.shx").unlink()
    result = runner.invoke(args=["build"])
    assert result.exit_code == 1
    assert "parcels.shx" in result.output
