"""tipg for ``bench_postgis.py``: its own virtualenv under .bench/ and how to serve it.

tipg (developmentseed) is never a project dependency: it is installed from PyPI into
``.bench/tipg-venv`` the first time the benchmark needs it, and served with uvicorn
against the same database and schema as the PostGIS store.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from geo.mvt import BUFFER, EXTENT

VENV = "tipg-venv"
PINS = ("tipg==1.6.1", "uvicorn==0.54.0")


def ensure_tipg(bench: Path) -> Path | None:
    """The bench venv's bin/ with tipg and uvicorn, installed if missing; or None."""
    venv = bench / VENV
    bin_dir = venv / "bin"
    if (bin_dir / "uvicorn").exists() and (bin_dir / "python").exists():
        check = [str(bin_dir / "python"), "-c", "import tipg"]
        if subprocess.run(check, check=False, capture_output=True).returncode == 0:
            return bin_dir
    print(f"installing {' and '.join(PINS)} into {venv} (once; never committed)")
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run(
            [str(bin_dir / "pip"), "install", "--quiet", *PINS],
            check=True,
        )
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"tipg skipped: pip could not install {PINS}: {exc}")
        return None
    return bin_dir


def tipg_env(conninfo: str, schema: str, table: str) -> dict[str, str]:
    """The settings of tipg: one database, the store's schema, tiles like the store's.

    Function discovery is off and the catalog is read once at start-up, so every
    request goes straight to the table, as the store's does. Tiles have the store's
    extent (4096) and buffer (64), the layer is named after the table, and the
    feature limit is lifted so that dense tiles are not cut short.
    """
    return {
        "DATABASE_URL": conninfo,
        "TIPG_DB_SCHEMAS": f'["{schema}"]',
        "TIPG_DB_TABLES": f'["{schema}.{table}"]',
        "TIPG_TILE_RESOLUTION": str(EXTENT),
        "TIPG_TILE_BUFFER": str(BUFFER),
        "TIPG_SET_MVT_LAYERNAME": "true",
        "TIPG_MAX_FEATURES_PER_TILE": "1000000",
        "TIPG_DB_EXCLUDE_FUNCTION_SCHEMAS": '["*"]',
        "TIPG_DB_FUNCTIONS": "[]",
        "TIPG_DB_ONLY_SPATIAL_TABLES": "true",
        "TIPG_CATALOG_TTL": "86400",
        "TIPG_DEBUG": "false",
        "TIPG_CORS_ORIGINS": "",
    }
