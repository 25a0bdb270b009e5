"""GDAL's OGC API – Features driver (OAPIF) reads the API like QGIS does."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import request

from tests.support.system_deps import missing
from webmap.core.store import get_store

OGRINFO = shutil.which("ogrinfo")
OGR2OGR = shutil.which("ogr2ogr")


@pytest.fixture(autouse=True)
def _gdal_tools() -> None:
    """Skip without ogrinfo/ogr2ogr; fail instead under CI or as root."""
    if OGRINFO is None or OGR2OGR is None:
        missing("GDAL's ogrinfo/ogr2ogr", "apt-get install gdal-bin")


def run(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def item_requests(app) -> list[dict[str, str]]:
    """The query strings of every items request the app answers."""
    seen: list[dict[str, str]] = []

    @app.before_request
    def record() -> None:
        if request.path.endswith("/parcels/items"):
            seen.append(request.args.to_dict())

    return seen


def test_ogrinfo_lists_the_collections(live_server: str) -> None:
    out = run(OGRINFO, "-ro", "-so", f"OAPIF:{live_server}/api")
    assert "1: landmarks" in out
    assert "2: parcels (title: parcels) (Polygon)" in out
    assert "3: parks (title: Khu công nghiệp) (Polygon)" in out


def test_ogr2ogr_reads_every_parcel_page_by_page(
    app, item_requests, live_server: str, tmp_path: Path
) -> None:
    out = tmp_path / "parcels.geojson"
    run(
        OGR2OGR,
        "-f",
        "GeoJSON",
        str(out),
        f"OAPIF:{live_server}/api",
        "parcels",
        "-oo",
        "PAGE_SIZE=2",
    )
    got = sorted(
        f["properties"]["parcel_id"] for f in json.loads(out.read_text())["features"]
    )
    with app.app_context():
        page = get_store().query("parcels", limit=10_000)
    assert got == sorted(f.id for f in page.features)
    offsets = [r.get("offset", "0") for r in item_requests if r.get("limit") == "2"]
    assert {"0", "2", "4"} <= set(offsets)


def test_ogrinfo_pushes_attribute_filter_down(item_requests, live_server: str) -> None:
    out = run(
        OGRINFO,
        "-ro",
        "-al",
        "-q",
        "-where",
        "status = 'available'",
        f"OAPIF:{live_server}/api",
        "parcels",
    )
    assert out.count("OGRFeature(parcels)") == 2
    assert any(r.get("status") == "available" for r in item_requests)


def test_ogrinfo_spatial_filter_is_a_bbox_query(
    item_requests, live_server: str
) -> None:
    out = run(
        OGRINFO,
        "-ro",
        "-al",
        "-q",
        "-spat",
        "106.611",
        "20.871",
        "106.612",
        "20.872",
        f"OAPIF:{live_server}/api",
        "parcels",
    )
    assert "parcel_id (String) = b-1" in out and out.count("OGRFeature") == 1
    assert any("bbox" in r for r in item_requests)
