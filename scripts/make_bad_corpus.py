"""Rebuild the committed bad-input corpus in tests/data/bad/ (see its README.md).

Run once after changing it: ``.venv/bin/python scripts/make_bad_corpus.py``. The big
cases (zip bomb, oversized raster and panorama) are made by the test at run time.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import geopandas as gpd
from PIL import Image
from shapely.geometry import box

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "bad"
SIDECARS = (".shx", ".dbf", ".prj")
PAYLOADS = (
    "<script>window.__xss=1</script>",
    '"><img src=x onerror="window.__xss=2">',
    "javascript:window.__xss=3",
    "</textarea><svg onload=window.__xss=4>",
    "{{7*7}}<iframe srcdoc='<script>parent.__xss=5</script>'>",
)
# A 2:1 PostScript picture: Pillow's EPS plugin would hand it to Ghostscript (`gs`).
EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 1024 512\n%%EndComments\n"
    b"newpath 0 0 moveto 1024 512 lineto stroke\nshowpage\n%%EOF\n"
)


def plots(n: int = 3) -> gpd.GeoDataFrame:
    """``n`` small squares near Hai Phong with a Vietnamese name each."""
    cells = [
        box(106.63 + i * 0.002, 20.87, 106.631 + i * 0.002, 20.871) for i in range(n)
    ]
    names = [f"Lô số {i} Đình Vũ" for i in range(n)]
    ids = [f"p{i}" for i in range(n)]
    return gpd.GeoDataFrame(
        {"plot_id": ids, "name_vi": names}, geometry=cells, crs="EPSG:4326"
    )


def shapefile(folder: Path, frame: gpd.GeoDataFrame, encoding: str = "UTF-8") -> Path:
    """Write ``frame`` as ``folder/plots.shp`` with a .cpg naming ``encoding``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "plots.shp"
    frame.to_file(path, driver="ESRI Shapefile", engine="pyogrio", encoding=encoding)
    return path


def feature(fid: str, geometry: dict | None, **props: object) -> dict:
    """A GeoJSON feature with a ``plot_id``."""
    return {
        "type": "Feature",
        "properties": {"plot_id": fid, **props},
        "geometry": geometry,
    }


def geojson(path: Path, *features: dict) -> None:
    """Write a FeatureCollection."""
    doc = {"type": "FeatureCollection", "features": list(features)}
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")


def square(x: float) -> dict:
    """A 100 m square whose west side is at longitude ``x``."""
    ring = [
        [x, 20.87],
        [x + 0.001, 20.87],
        [x + 0.001, 20.871],
        [x, 20.871],
        [x, 20.87],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def main() -> None:
    """Write every corpus file."""
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    for sidecar in SIDECARS:
        shp = shapefile(OUT / f"missing_{sidecar[1:]}", plots())
        shp.with_suffix(sidecar).unlink()
    shp = shapefile(OUT / "truncated_shp", plots())
    data = shp.read_bytes()
    shp.write_bytes(data[: len(data) // 2 + 7])  # cut inside the second record
    shp = shapefile(OUT / "dbf_rows", plots(3))
    few = shapefile(OUT / "tmp_few", plots(2))
    shutil.copyfile(few.with_suffix(".dbf"), shp.with_suffix(".dbf"))
    shutil.rmtree(few.parent)
    # Written as CP1258 (Vietnamese Windows) but the .cpg claims UTF-8.
    shp = shapefile(OUT / "wrong_cpg", plots(), encoding="cp1258")
    shp.with_suffix(".cpg").write_text("UTF-8")
    bowtie = [[106.59, 20.875], [106.595, 20.88], [106.595, 20.875], [106.59, 20.88]]
    geojson(
        OUT / "invalid_geometry.geojson",
        feature("p0", square(106.63)),
        feature("p1", {"type": "Polygon", "coordinates": [[*bowtie, bowtie[0]]]}),
    )
    geojson(
        OUT / "empty_geometry.geojson",
        feature("p0", square(106.63)),
        feature("p1", None),
        feature("p2", {"type": "Polygon", "coordinates": []}),
    )
    text = {f"text_{i}": p for i, p in enumerate(PAYLOADS)}
    geojson(
        OUT / "payload.geojson",
        feature("x1", square(106.63), **text),
        feature(PAYLOADS[0], square(106.634), **text),
    )
    geojson(
        OUT / "mixed_types.geojson",
        feature("p0", square(106.63)),
        feature("p1", {"type": "Point", "coordinates": [106.6, 20.87]}),
    )
    with zipfile.ZipFile(OUT / "traversal.zip", "w") as zf:
        zf.writestr("../../evil.geojson", "{}")
        zf.writestr("/abs/evil.shp", "x")
        zf.writestr("ok/plots.shp", "x")
    (OUT / "not_sqlite.gpkg").write_text("this is not a GeoPackage\n" * 4)
    (OUT / "not_a_raster.tif").write_bytes(b"II*\x00" + b"\xff" * 60)
    (OUT / "not_an_image.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 60)
    truncated_gpkg(OUT / "truncated.gpkg")
    photos(OUT)


def photos(out: Path) -> None:
    """Files the panorama upload must refuse: not JPEG, PNG or WebP, or cut short."""
    (out / "panorama.eps").write_bytes(EPS)
    image = Image.linear_gradient("L").resize((1024, 512)).convert("RGB")
    jpeg = io.BytesIO()
    image.save(jpeg, "JPEG", quality=85)
    whole = jpeg.getvalue()
    (out / "truncated_panorama.jpg").write_bytes(whole[: len(whole) // 2])


def truncated_gpkg(path: Path) -> None:
    """A real GeoPackage (the plots layer) cut after its first pages."""
    full = path.with_name("full.gpkg")
    plots().to_file(full, driver="GPKG", engine="pyogrio")
    con = sqlite3.connect(full)
    con.execute("CREATE TABLE parkmap_layers (name TEXT)")
    con.commit()
    con.close()
    path.write_bytes(full.read_bytes()[:8192])
    full.unlink()


if __name__ == "__main__":
    main()
