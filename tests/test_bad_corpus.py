"""Every file of tests/data/bad/ through every entry point that takes that kind of file.

A bad file must end in a clear error (a non-zero exit or a 4xx problem naming the
file, row or field), never a traceback or a 500, and leave every file under the
test's directory (store, data dir, rasters, panoramas, temp dir) as it was. The big
cases (zip bomb, oversized raster and panorama) are made here at run time.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import struct
import tempfile
import textwrap
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pytest
import rasterio

from layers.build import build
from tests.support.apps import close_store, isolated
from tests.support.clearance import build_planner_store, planner_session
from tests.support.data_dirs import PARK_A, PARK_B, make_dataset, write_shapefile
from tests.support.rasters import solid
from tests.support.scenes import TOKEN, photo_bytes
from tests.support.stores import quiet
from webmap import create_app

BAD = Path(__file__).resolve().parent / "data" / "bad"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PAYLOADS = (
    "<script>window.__xss=1</script>",
    '"><img src=x onerror="window.__xss=2">',
    "</textarea><svg onload=window.__xss=4>",
    "{{7*7}}<iframe srcdoc='<script>parent.__xss=5</script>'>",
)
# What a payload would bring into a page if some text went out unescaped: an
# element it made: a handler or srcdoc attribute outside any quoted
# value (an escaped payload inside an attribute, such as a chart's aria-label, is
# text), or the payload's own script tag, raw.
RAW = re.compile(
    r"<(?:script|img|svg|iframe)\b(?:\"[^\"]*\"|'[^']*'|[^'\">])*?"
    r"\b(?:onerror|onload|srcdoc)\s*="
    r"|<script>window\.__xss",
    re.I,
)

# Files no vector entry point may accept: file -> what the message must say.
VECTOR_REFUSED = {
    "missing_shx/plots.shp": "missing sidecar file plots.shx",
    "missing_dbf/plots.shp": "missing sidecar file plots.dbf",
    "missing_prj/plots.shp": "no CRS: missing plots.prj",
    "truncated_shp/plots.shp": "plots.shp is truncated",
    "dbf_rows/plots.shp": "plots.dbf has 2 rows but plots.shx indexes 3 shapes",
    "traversal.zip": "unsupported format '.zip'",
    "not_sqlite.gpkg": "not_sqlite.gpkg: cannot read",
    "truncated.gpkg": "malformed",
}
BUILD_SPEC = """
name = "bad"
geometry = "Polygon"
id = "plot_id"
source = "{source}"
[title]
en = "Bad"
[fields]
plot_id = {{ type = "str", required = true }}
"""


# --- helpers ------------------------------------------------------------------------


def tree(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root``, by relative path."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@contextmanager
def untouched(root: Path) -> Iterator[None]:
    """Nothing under ``root`` (store, data, temp dir) may change, appear or vanish."""
    before = tree(root)
    yield
    after = tree(root)
    assert after == before, sorted(set(after.items()) ^ set(before.items()))


def refused(result, *needles: str) -> str:
    """A CLI result that failed cleanly (exit 1, no traceback) saying ``needles``."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.output, result.output
    return result.output


def zip_bomb(path: Path, size: int) -> Path:
    """A zip of one member of ``size`` zeros: about 1000 times smaller than it unpacks.

    Kept to tens of MiB so making it stays fast; no entry point opens zips at all,
    so a bigger one would test nothing more.
    """
    block = bytes(1024**2)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("plots.shp", "w", force_zip64=True) as member:
            for _ in range(size // len(block)):
                member.write(block)
    return path


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` × ``height`` pixels; almost no data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat)


# --- fixtures -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return zip_bomb(tmp_path_factory.mktemp("bomb") / "bomb.zip", size=32 * 1024**2)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny data set and its store, built once; tests work on copies."""
    root = tmp_path_factory.mktemp("base")
    build(make_dataset(root), root / "build" / "parkmap.gpkg", progress=quiet)
    return root


@pytest.fixture
def data_dir(base: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(base / "data", tmp_path / "data"))


@pytest.fixture
def built(base: Path, tmp_path: Path) -> Path:
    (tmp_path / "build").mkdir()
    store = tmp_path / "build" / "parkmap.gpkg"
    return Path(shutil.copyfile(base / "build" / "parkmap.gpkg", store))


@pytest.fixture
def site(data_dir: Path, built: Path, tmp_path: Path, monkeypatch):
    """An app over a copy of the tiny store; Python's temp dir under ``tmp_path``."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "STORE": str(built),
            "ADMIN_TOKEN": TOKEN,
            "RASTER_MAX_PIXELS": 10_000,
            "PANORAMA_MAX_BYTES": 200_000,
            "PANORAMA_MAX_WIDTH": 2048,
            "UPLOAD_LIMIT_PER_HOUR": 0,  # else each attempt is counted in state/
            **isolated(tmp_path),
        }
    )
    yield app
    close_store(app)


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def upload(app, data: bytes, name: str, **fields: str):
    form = {"image": (io.BytesIO(data), name), "lon": "106.6", "lat": "20.87", **fields}
    return app.test_client().post("/vr/scenes", data=form, headers=AUTH)


# --- vector files: check, layers add, build -----------------------------------------


@pytest.mark.parametrize("name", sorted(VECTOR_REFUSED))
def test_check_refuses(site, tmp_path: Path, name: str) -> None:
    with untouched(tmp_path):
        refused(cli(site, "check", str(BAD / name)), VECTOR_REFUSED[name])


@pytest.mark.parametrize("name", sorted(VECTOR_REFUSED))
def test_layers_add_refuses(site, tmp_path: Path, name: str) -> None:
    with untouched(tmp_path):
        result = cli(site, "layers", "add", "bad", str(BAD / name), "--id", "plot_id")
        refused(result, VECTOR_REFUSED[name])


def spec_for(data_dir: Path, source: Path) -> None:
    text = textwrap.dedent(BUILD_SPEC.format(source=source))
    (data_dir / "layers" / "bad.toml").write_text(text, encoding="utf-8")


BUILD_REFUSED = {
    **VECTOR_REFUSED,
    "empty_geometry.geojson": "row 2",
    "mixed_types.geojson": "row 2",
}


@pytest.mark.parametrize("name", sorted(BUILD_REFUSED))
def test_build_refuses(site, data_dir: Path, tmp_path: Path, name: str) -> None:
    spec_for(data_dir, BAD / name)
    with untouched(tmp_path):
        refused(cli(site, "build"), BUILD_REFUSED[name])


def test_empty_geometries_named_by_check_and_add(site, tmp_path: Path) -> None:
    path = str(BAD / "empty_geometry.geojson")
    with untouched(tmp_path):
        assert "(rows 2, 3)" in refused(cli(site, "check", path))
        refused(cli(site, "layers", "add", "bad", path), "geometry in rows 2, 3")


def test_mixed_types_named_by_check_and_add(site, tmp_path: Path) -> None:
    path = str(BAD / "mixed_types.geojson")
    with untouched(tmp_path):
        assert "Polygon×1, Point×1" in cli(site, "check", path).output
        refused(cli(site, "layers", "add", "bad", path), "mixed")


def test_invalid_geometry_is_reported_then_repaired(site, data_dir, tmp_path) -> None:
    path = BAD / "invalid_geometry.geojson"
    out = cli(site, "check", str(path)).output
    assert "invalid geometries: 1" in out and "row 2: Self-intersection" in out
    spec_for(data_dir, path)
    report = build(data_dir, tmp_path / "repaired.gpkg", progress=lambda _m: None)
    [repair] = report["layers"]["bad"]["repairs"]
    assert repair["id"] == "p1" and "Self-intersection" in repair["reason"]


def test_wrong_cpg_is_detected_and_the_text_recovered(site, data_dir, tmp_path):
    path = BAD / "wrong_cpg" / "plots.shp"
    out = cli(site, "check", str(path)).output
    assert "warning: text is not valid utf-8; read it as cp1258" in out
    spec_for(data_dir, path)
    build(data_dir, tmp_path / "cpg.gpkg", progress=lambda _m: None)
    names = gpd.read_file(tmp_path / "cpg.gpkg", layer="bad")["plot_id"].tolist()
    assert names == ["p0", "p1", "p2"]


@pytest.mark.parametrize("entry", ["check", "add", "build"])
def test_zip_bomb_is_refused_unopened(site, data_dir, tmp_path, bomb, entry) -> None:
    args = {
        "check": ["check", str(bomb)],
        "add": ["layers", "add", "bad", str(bomb)],
        "build": ["build"],
    }[entry]
    if entry == "build":
        spec_for(data_dir, bomb)
    with untouched(tmp_path):
        refused(cli(site, *args), "unsupported format '.zip'")


# --- rasters: raster import ---------------------------------------------------------


def raster_import(app, path: Path):
    args = ["--name", "bad", "--date", "2024-05", "--label", "x"]
    return cli(app, "raster", "import", str(path), *args)


@pytest.mark.parametrize(
    "name", ["not_a_raster.tif", "traversal.zip", "truncated.gpkg", "not_sqlite.gpkg"]
)
def test_raster_import_refuses(site, tmp_path: Path, name: str) -> None:
    with untouched(tmp_path):
        refused(raster_import(site, BAD / name), name)


def test_raster_import_refuses_a_zip_bomb(site, tmp_path: Path, bomb: Path) -> None:
    with untouched(tmp_path):
        refused(raster_import(site, bomb), "bomb.zip")


def test_raster_over_the_pixel_limit(site, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    big = solid(tmp_path / "in", size=128)  # 16 384 pixels, the limit is 10 000
    with untouched(tmp_path):
        refused(raster_import(site, big), "above the limit of 10,000")


def test_huge_declared_raster_is_refused_before_reading(site, tmp_path: Path) -> None:
    """A 20 000² GeoTIFF of blank tiles (about 1 MB): refused on its header."""
    path = tmp_path / "huge.tif"
    profile = {"driver": "GTiff", "width": 20_000, "height": 20_000, "count": 3}
    profile |= {"dtype": "uint8", "crs": "EPSG:32648", "tiled": True}
    profile |= {"compress": "deflate", "blockxsize": 512, "blockysize": 512}
    profile["transform"] = rasterio.Affine(10, 0, 674_000, 0, -10, 2_307_000)
    with rasterio.Env(SPARSE_OK=True), rasterio.open(path, "w", **profile):
        pass
    assert path.stat().st_size < 5_000_000
    with untouched(tmp_path):
        refused(raster_import(site, path), "above the limit")


# --- panoramas: POST /vr/scenes -----------------------------------------------------


def problem(resp, status: int, needle: str) -> None:
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/problem+json"
    assert needle in resp.get_json()["detail"], resp.get_json()


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("not_an_image.jpg", "not a readable image"),
        ("traversal.zip", "not a readable image"),
        ("not_sqlite.gpkg", "not a readable image"),
        ("panorama.eps", "expected a JPEG, PNG or WebP file, got PostScript/EPS"),
        ("truncated_panorama.jpg", "the JPEG data is truncated or corrupt"),
    ],
)
def test_upload_refuses_non_images(site, tmp_path: Path, name, needle) -> None:
    with untouched(tmp_path):
        problem(upload(site, (BAD / name).read_bytes(), name), 400, needle)


def test_upload_refuses_a_zip_bomb(site, tmp_path: Path, bomb) -> None:
    with untouched(tmp_path):
        problem(upload(site, bomb.read_bytes(), "bomb.zip"), 400, "not a readable")


def test_upload_over_the_byte_limit(site, tmp_path: Path) -> None:
    with untouched(tmp_path):
        problem(upload(site, bytes(300_000), "big.jpg"), 413, "limit")


def test_upload_over_the_width_limit(site, tmp_path: Path) -> None:
    with untouched(tmp_path):
        photo = photo_bytes(4096, 2048)
        problem(upload(site, photo, "wide.jpg"), 400, "at most 2048 px")


def test_upload_of_a_pixel_bomb(site, tmp_path: Path) -> None:
    """A few hundred bytes claiming 200 000 × 100 000 pixels."""
    with untouched(tmp_path):
        problem(upload(site, png_header(200_000, 100_000), "bomb.png"), 400, "bomb")


def test_upload_name_with_dotdot_stays_inside(site, tmp_path: Path) -> None:
    resp = upload(site, photo_bytes(1024, 512), "../../../evil.jpg")
    assert resp.status_code == 201 and resp.get_json()["id"] == "evil"
    found = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*evil*"))
    assert found == ["panorama-photos/evil.jpg", "panoramas/evil"]
    # Nothing up the tree where "../../../" would point (other tests' temporary
    # folders such as "evil0" may sit beside this one: look for the exact names).
    for outside in tmp_path.parents[:3]:
        assert not (outside / "evil.jpg").exists() and not (outside / "evil").exists()


# --- restore ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("not_sqlite.gpkg", "not a SQLite file"),
        ("truncated.gpkg", "corrupt"),
        ("traversal.zip", "not a SQLite file"),
        ("payload.geojson", "not a SQLite file"),
        ("missing.gpkg", "no such file"),
    ],
)
def test_restore_refuses(site, tmp_path: Path, name: str, needle: str) -> None:
    with untouched(tmp_path):
        refused(cli(site, "restore", str(BAD / name), "--yes"), name, needle)


def test_restore_refuses_a_zip_bomb(site, tmp_path: Path, bomb: Path) -> None:
    with untouched(tmp_path):
        refused(cli(site, "restore", str(bomb), "--yes"), "not a SQLite file")


# --- HTML/JS payloads in every text field -------------------------------------------


@pytest.fixture(scope="module")
def payload_app(tmp_path_factory: pytest.TempPathFactory):
    """The tiny data set with payload.geojson added by ``layers add`` and payload
    park names, built with ``flask build``."""
    root = tmp_path_factory.mktemp("payload")
    data = make_dataset(root)
    parks = gpd.GeoDataFrame(
        {"park_id": ["a", "b"], "name_vi": [PAYLOADS[0], PAYLOADS[1]]},
        geometry=[PARK_A, PARK_B],
        crs="EPSG:4326",
    )
    write_shapefile(parks, data / "shapefiles" / "parks.shp")
    config = {"TESTING": True, "DATA_DIR": str(data), "STORE": str(root / "p.gpkg")}
    app = create_app({**config, **isolated(root)})
    runner = app.test_cli_runner()
    added = runner.invoke(
        args=[
            "layers",
            "add",
            "payload",
            str(BAD / "payload.geojson"),
            "--id",
            "plot_id",
        ]
    )
    assert added.exit_code == 0, added.output
    assert runner.invoke(args=["build"]).exit_code == 0
    yield app
    close_store(app)


PAGES = [
    "/?lang=en",
    "/?lang=vi&layers=payload",
    "/embed?lang=en",
    "/api/collections/payload?f=html",
    "/api/collections/payload/items?f=html",
    "/api/collections/payload/items/x1?f=html",
    "/parks/a?lang=en",
    "/parks/b?lang=vi",
    "/parcels/a-1?lang=en",
    "/compare?parcels=a-1,b-1&lang=en",
    "/land?lang=en",
]

NO_PAYLOAD_SHOWN = {"/api/collections/payload?f=html", PAGES[9]}


@pytest.mark.parametrize("url", PAGES)
def test_payloads_are_escaped_in_pages(payload_app, url: str) -> None:
    resp = payload_app.test_client().get(url, headers={"Accept": "text/html"})
    assert resp.status_code == 200, url
    html = resp.get_data(as_text=True)
    assert "__xss" in html or url in NO_PAYLOAD_SHOWN  # the data is on the page
    assert not RAW.search(html), RAW.search(html).group(0)
    assert 'href="javascript:' not in html


@pytest.mark.parametrize("fid", ["x1", PAYLOADS[0]])
def test_payloads_are_escaped_in_popups(payload_app, fid: str) -> None:
    client = payload_app.test_client()
    resp = client.get("/map/feature", query_string={"layer": "payload", "id": fid})
    assert resp.status_code == 200
    popup = resp.get_json()["html"]
    assert not RAW.search(popup) and "&lt;script&gt;window.__xss=1" in popup


def test_a_payload_id_in_the_ogc_html_is_escaped(payload_app) -> None:
    client = payload_app.test_client()
    resp = client.get(
        f"/api/collections/payload/items/{PAYLOADS[0]}", headers={"Accept": "text/html"}
    )
    assert resp.status_code in {200, 404}
    assert not RAW.search(resp.get_data(as_text=True))


@pytest.fixture(scope="module")
def planner_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_planner_store(tmp_path_factory.mktemp("planner"))


def test_planner_note_and_reason_are_escaped(planner_store, tmp_path) -> None:
    planner = planner_session(planner_store, tmp_path)
    body = {"version": 0, "changes": {"note": PAYLOADS[0]}, "reason": PAYLOADS[1]}
    assert planner.patch("a-1", body).status_code == 200
    for url in ("/planner?lang=en", "/planner/parks/a?lang=en", "/planner/map"):
        resp = planner.client.get(url)
        assert resp.status_code == 200, url
        assert not RAW.search(resp.get_data(as_text=True)), url
    park_page = planner.client.get("/planner/parks/a?lang=en").get_data(as_text=True)
    assert "&lt;script&gt;window.__xss=1" in park_page  # the note, shown escaped
    history = planner.client.get("/planner/api/parks/a/history").get_json()
    assert PAYLOADS[1] in str(history)  # stored as typed; JSON, never HTML
    close_store(planner.app)
