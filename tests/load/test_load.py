"""``scripts/load.py`` in its short form: gunicorn, the realistic mix, no errors.

About 25 s: 15 s of load with 16 connections against 2 gunicorn workers over the
sample store, after starting the server and fetching every URL once. The long form
(60 s, 64 connections) is ``python -m scripts.load`` (docs/operations.md, Load testing).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from layers.imagery.rasters import RasterRegistry
from scripts.load import MIX, main, split
from scripts.load_figures import parse_wrk
from tests.support.rasters import marked_image
from tests.support.system_deps import missing


@pytest.fixture
def rasters(tmp_path: Path) -> Path:
    """One small imported raster (the sample's two take ~15 s to make)."""
    registry = RasterRegistry(tmp_path / "rasters")
    source = marked_image(tmp_path, "EPSG:32648")
    registry.import_file(
        source, name="marked", date="2024-01", label="test", progress=lambda _m: None
    )
    return registry.directory


@pytest.fixture
def wrk() -> None:
    """Skip without wrk; fail instead under CI or as root (``system_deps``)."""
    if shutil.which("wrk") is None:
        missing("wrk", "apt-get install wrk")


def test_connections_are_split_by_weight_one_at_least() -> None:
    assert split(64, MIX) == MIX
    small = split(16, MIX)
    assert sum(small.values()) == 16 and min(small.values()) >= 1
    assert split(5, MIX) == dict.fromkeys(MIX, 1)
    with pytest.raises(ValueError, match="at least 5 connections"):
        split(4, MIX)


def test_errors_count_sockets_timeouts_and_bad_statuses_once() -> None:
    report = {
        "requests": 1000, "duration_us": 10_000_000, "connect": 0, "read": 2,
        "write": 0, "timeout": 1, "status": 3, "p50_us": 1500, "p90_us": 4000,
        "p99_us": 9000, "max_us": 20_000,
    }  # fmt: skip
    result = parse_wrk(report, connections=4, urls=10)
    assert (result.rps, result.p99_ms, result.errors) == (100.0, 9.0, 6)
    result.server_bad_status = 5  # 3 answers ≥ 400 that wrk saw, and 2 redirects
    assert result.errors == 8


@pytest.mark.load
def test_short_load_of_the_mix_has_no_errors(
    wrk, sample_store: Path, rasters: Path, tmp_path: Path, capsys
) -> None:
    figures_path = tmp_path / "load.json"
    code = main(
        [
            "--store", str(sample_store), "--rasters", str(rasters),
            "--duration", "15", "--connections", "16", "--workers", "2",
            "--sample", "24", "--workdir", str(tmp_path / "load"),
            "--json", str(figures_path),
        ]
    )  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0, printed
    figures = json.loads(figures_path.read_text(encoding="utf-8"))
    assert {route: f["errors"] for route, f in figures.items()} == dict.fromkeys(MIX, 0)
    assert all(f["requests"] > 0 and f["server_requests"] > 0 for f in figures.values())
    for route in MIX:
        assert re.search(rf"^{re.escape(route)} +\d+ +\d+ +[\d,]+ ", printed, re.M)
