"""pygeoapi for ``bench_api.py``: its own virtualenv under .bench/ and its config.

pygeoapi is never a project dependency. Its OGR provider needs GDAL's Python bindings,
which Debian's python3-gdal gives /usr/bin/python3, so the venv is made from that
Python with ``--system-site-packages``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

VENV = "pygeoapi-venv"
PINS = ("pygeoapi==0.21.0", "gunicorn==27.0.1")
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def ensure_pygeoapi(bench: Path) -> Path | None:
    """The bench venv's bin/ with pygeoapi and GDAL's Python bindings, or None."""
    venv = bench / VENV
    bin_dir = venv / "bin"
    if (bin_dir / "pygeoapi").exists():
        return bin_dir
    system_python = shutil.which("python3", path="/usr/bin")
    check = [system_python or "python3", "-c", "import osgeo"]
    if system_python is None or subprocess.run(check, check=False).returncode:
        print("pygeoapi skipped: its OGR provider needs GDAL's Python bindings "
              "(Debian python3-gdal) for /usr/bin/python3")  # fmt: skip
        return None
    try:
        make_venv = [system_python, "-m", "venv", "--system-site-packages", str(venv)]
        subprocess.run(make_venv, check=True)
        subprocess.run([str(bin_dir / "pip"), "install", "--quiet", *PINS], check=True)
    except subprocess.CalledProcessError as exc:
        print(f"pygeoapi skipped: pip could not install {PINS}: {exc}")
        return None
    return bin_dir


LOCAL = "http://127.0.0.1"
METADATA = {
    "identification": {
        "title": "bench", "description": "bench", "keywords": ["bench"],
        "url": LOCAL, "terms_of_service": LOCAL,
    },
    "license": {"name": "bench", "url": LOCAL},
    "provider": {"name": "bench", "url": LOCAL},
    "contact": dict.fromkeys(("name", "position", "email", "url"), "bench"),
}  # fmt: skip


def parcels_resource(store: Path, layer: str = "parcels") -> dict:
    """The parcels ``layer`` of ``store`` through pygeoapi's OGR provider."""
    return {
        "type": "collection",
        "title": "parcels",
        "description": "parcels",
        "keywords": ["parcels"],
        "extents": {"spatial": {"bbox": [-180, -90, 180, 90], "crs": CRS84}},
        "providers": [{
            "type": "feature",
            "name": "OGR",
            "data": {
                "source_type": "GPKG",
                "source": str(store),
                "source_capabilities": {"paging": True},
                "source_options": {},
                "gdal_ogr_options": {},
            },
            "id_field": "parcel_id",
            "layer": layer,
        }],
    }  # fmt: skip


def pygeoapi_config(
    store: Path, port: int, bench: Path, layer: str = "parcels"
) -> tuple[Path, Path]:
    """Write pygeoapi's config (``layer`` as ``parcels``, through OGR) and OpenAPI."""
    config = {
        "server": {
            "bind": {"host": "127.0.0.1", "port": port},
            "url": f"{LOCAL}:{port}",
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "languages": ["en-US"],
            "limits": {"default_items": 100, "max_items": 10000},
            "map": {"url": f"{LOCAL}/{{z}}/{{x}}/{{y}}.png", "attribution": "-"},
        },
        "logging": {"level": "CRITICAL"},  # GDAL warns on every open of the file
        "metadata": METADATA,
        "resources": {"parcels": parcels_resource(store, layer)},
    }
    path = bench / "pygeoapi-config.yml"
    path.write_text(json.dumps(config, indent=1), encoding="utf-8")  # JSON is YAML
    openapi = bench / "pygeoapi-openapi.yml"
    subprocess.run(
        [str(bench / VENV / "bin" / "pygeoapi"), "openapi", "generate", str(path),
         "--output-file", str(openapi)],
        check=True, capture_output=True,
    )  # fmt: skip
    return path, openapi
