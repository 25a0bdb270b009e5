"""Benchmark the OGC API under gunicorn against pygeoapi and a plain-Flask ceiling.

Everything is measured in one run, on this machine, with the same load:
gunicorn with 2 sync workers per server, ``wrk`` with 16 connections, over the
synthetic 100,000-parcel store (``scripts/synthetic.py``).

- parkmap: ``webmap:create_app()`` serving ``/api``;
- pygeoapi 0.21 through its OGR provider on the same GeoPackage, installed only in
  ``.bench/pygeoapi-venv`` (never a project dependency; skipped with a note when it
  cannot be installed);
- ceiling: a Flask route answering 50 kB of fixed bytes.

Targets (issue 4): ``items?bbox`` with 100 features ≥ 1,000 req/s and p99 ≤ 50 ms;
one item ≥ 2,000 req/s. Run: ``python scripts/bench_api.py [--parcels N]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask, Response  # noqa: E402

from layers.build import build  # noqa: E402
from layers.store.gpkg import GpkgStore  # noqa: E402
from scripts.synthetic import make_synthetic  # noqa: E402

BENCH = ROOT / ".bench"
VENV_BIN = Path(sys.executable).parent
PYGEOAPI_VENV = BENCH / "pygeoapi-venv"
PYGEOAPI_PINS = ("pygeoapi==0.21.0", "gunicorn==27.0.1")
WORKERS = 2
CONNECTIONS = 16
LUA = """
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local i = math.random(#paths)
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
"""
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
logger = logging.getLogger("bench_api")


def ceiling_app() -> Flask:
    """A Flask app whose one route answers 50 kB of fixed bytes (the ceiling)."""
    app = Flask("ceiling")
    body = b"x" * 50_000

    @app.get("/fixed")
    def fixed() -> Response:
        return Response(body, mimetype="application/octet-stream")

    return app


@dataclass
class Result:
    """What wrk measured."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 10) -> bytes:
    """GET ``url`` (only ever 127.0.0.1)."""
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.read()


@contextmanager
def server(
    cmd: list[str], env: dict[str, str], ready: str, log: Path
) -> Iterator[None]:
    """Run ``cmd`` (a gunicorn master) until ``ready`` answers; stop it after."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                get(ready, timeout=30)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start, see {log}") from None
                time.sleep(0.3)
        yield
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wrk(base: str, paths: list[str], duration: int) -> Result:
    """Load ``base`` cycling through ``paths``; parse throughput and latency."""
    paths_file = BENCH / "wrk-paths.txt"
    paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
    script = BENCH / "wrk-paths.lua"
    script.write_text(LUA, encoding="utf-8")
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency",
         "-s", str(script), base],
        env={**os.environ, "WRK_PATHS": str(paths_file)},
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors:.*", out)
    if socket_errors:
        logger.info("wrk %s", socket_errors[0])
    return Result(
        rps,
        _percentile(out, "50"),
        _percentile(out, "99"),
        int(errors[1]) if errors else 0,
    )


def _percentile(out: str, pct: str) -> float:
    value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def make_store(n_parcels: int, rebuild: bool) -> Path:
    """The synthetic store under .bench/ (reused between runs unless ``rebuild``)."""
    store = BENCH / f"api-{n_parcels}" / "parkmap.gpkg"
    if store.exists() and not rebuild:
        return store
    data = make_synthetic(BENCH / f"api-{n_parcels}" / "data", n_parcels)
    build(data, store)
    return store


def pick_requests(store_path: Path, n: int = 64) -> tuple[list[tuple], list[str]]:
    """Bboxes matching 100 to 400 parcels, and parcel ids to ask for one by one."""
    store = GpkgStore(store_path)
    minx, miny, maxx, maxy = store.layer("parcels").bbox
    rng = random.Random(4)
    size = 0.006
    boxes: list[tuple] = []
    ids: list[str] = []
    while len(boxes) < n:
        x, y = rng.uniform(minx, maxx - size), rng.uniform(miny, maxy - size)
        box = (round(x, 6), round(y, 6), round(x + size, 6), round(y + size, 6))
        page = store.query_geojson("parcels", box, limit=100)
        if 100 <= page.number_matched <= 400:
            boxes.append(box)
            ids.extend(json.loads(t)["id"] for t in page.features[::25])
    return boxes, ids


def bbox_text(box: tuple) -> str:
    """``minx,miny,maxx,maxy``."""
    return ",".join(f"{v:.6f}" for v in box)


def gunicorn(bin_dir: Path, port: int, app: str) -> list[str]:
    """The gunicorn command line shared by every server."""
    return [
        str(bin_dir / "gunicorn"), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
        "--log-level", "warning", app,
    ]  # fmt: skip


def ensure_pygeoapi() -> Path | None:
    """The bench venv's bin/ with pygeoapi and GDAL's Python bindings, or None."""
    bin_dir = PYGEOAPI_VENV / "bin"
    if (bin_dir / "pygeoapi").exists():
        return bin_dir
    system_python = shutil.which("python3", path="/usr/bin")
    check = [system_python or "python3", "-c", "import osgeo"]
    if system_python is None or subprocess.run(check, check=False).returncode:
        print("pygeoapi skipped: its OGR provider needs GDAL's Python bindings "
              "(Debian python3-gdal) for /usr/bin/python3")  # fmt: skip
        return None
    try:
        subprocess.run(
            [system_python, "-m", "venv", "--system-site-packages", str(PYGEOAPI_VENV)],
            check=True,
        )
        subprocess.run(
            [str(bin_dir / "pip"), "install", "--quiet", *PYGEOAPI_PINS], check=True
        )
    except subprocess.CalledProcessError as exc:
        print(f"pygeoapi skipped: pip could not install {PYGEOAPI_PINS}: {exc}")
        return None
    return bin_dir


def pygeoapi_config(store: Path, port: int) -> tuple[Path, Path]:
    """Write pygeoapi's config (the parcels layer through OGR) and OpenAPI file."""
    contact = dict.fromkeys(("name", "position", "email", "url"), "bench")
    config = {
        "server": {
            "bind": {"host": "127.0.0.1", "port": port},
            "url": f"http://127.0.0.1:{port}",
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "languages": ["en-US"],
            "limits": {"default_items": 100, "max_items": 10000},
            "map": {"url": "http://127.0.0.1/{z}/{x}/{y}.png", "attribution": "-"},
        },
        "logging": {"level": "CRITICAL"},  # GDAL warns on every open
        "metadata": {
            "identification": {
                "title": "bench", "description": "bench", "keywords": ["bench"],
                "url": "http://127.0.0.1",
                "terms_of_service": "http://127.0.0.1",
            },
            "license": {"name": "bench", "url": "http://127.0.0.1"},
            "provider": {"name": "bench", "url": "http://127.0.0.1"},
            "contact": contact,
        },
        "resources": {
            "parcels": {
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
                    "layer": "parcels",
                }],
            }
        },
    }  # fmt: skip
    path = BENCH / "pygeoapi-config.yml"
    path.write_text(json.dumps(config, indent=1), encoding="utf-8")  # JSON is YAML
    openapi = BENCH / "pygeoapi-openapi.yml"
    subprocess.run(
        [str(PYGEOAPI_VENV / "bin" / "pygeoapi"), "openapi", "generate", str(path),
         "--output-file", str(openapi)],
        check=True, capture_output=True,
    )  # fmt: skip
    return path, openapi


def check_page(base: str, path: str) -> None:
    """Refuse to measure a server whose bbox answer is not 100 features."""
    doc = json.loads(get(base + path))
    returned = len(doc.get("features", []))
    if returned != 100:
        raise RuntimeError(f"{base}{path} returned {returned} features, not 100")


def measure_parkmap(store: Path, boxes, ids, duration: int) -> dict[str, Result]:
    """Both request kinds against this project."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    items = [
        f"/api/collections/parcels/items?bbox={bbox_text(b)}&limit=100" for b in boxes
    ]
    one = [f"/api/collections/parcels/items/{i}" for i in ids]
    cmd = gunicorn(VENV_BIN, port, "webmap:create_app()")
    env = {"PARKMAP_STORE": str(store)}
    with server(cmd, env, base + "/api/collections", BENCH / "parkmap.log"):
        check_page(base, items[0])
        return {"items": wrk(base, items, duration), "item": wrk(base, one, duration)}


def measure_pygeoapi(store: Path, boxes, ids, duration: int) -> dict[str, Result]:
    """Both request kinds against pygeoapi 0.21 (OGR provider), if installable."""
    bin_dir = ensure_pygeoapi()
    if bin_dir is None:
        return {}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config, openapi = pygeoapi_config(store, port)
    env = {"PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
    items = [
        f"/collections/parcels/items?bbox={bbox_text(b)}&limit=100&f=json"
        for b in boxes
    ]
    one = [f"/collections/parcels/items/{i}?f=json" for i in ids]
    cmd = gunicorn(bin_dir, port, "pygeoapi.flask_app:APP")
    with server(cmd, env, base + "/collections?f=json", BENCH / "pygeoapi.log"):
        check_page(base, items[0])
        return {"items": wrk(base, items, duration), "item": wrk(base, one, duration)}


def measure_ceiling(duration: int) -> Result:
    """The plain-Flask 50 kB route."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = gunicorn(VENV_BIN, port, "scripts.bench_api:ceiling_app()")
    with server(cmd, {}, base + "/fixed", BENCH / "ceiling.log"):
        return wrk(base, ["/fixed"], duration)


def row(name: str, r: Result | None) -> str:
    """One line of the table."""
    if r is None:
        return f"  {name:<34}{'—':>10}{'—':>10}{'—':>10}"
    errors = f"  ({r.errors} errors)" if r.errors else ""
    return f"  {name:<34}{r.rps:>10,.0f}{r.p50_ms:>10.1f}{r.p99_ms:>10.1f}{errors}"


def print_table(ours: dict, theirs: dict, ceiling: Result) -> None:
    """The figures, with the targets."""
    print()
    print(f"  {'':<34}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for kind, title in (("items", "items?bbox, 100 features"), ("item", "one item")):
        print(title)
        print(row("parkmap", ours[kind]))
        print(row("pygeoapi 0.21 (OGR provider)", theirs.get(kind)))
        if kind in theirs:
            print(f"  {'speed-up':<34}{ours[kind].rps / theirs[kind].rps:>9.1f}×")
    print("ceiling")
    print(row("Flask, 50 kB of fixed bytes", ceiling))
    print()
    print("targets: items?bbox ≥ 1,000 req/s with p99 ≤ 50 ms; one item ≥ 2,000 req/s")
    print(f"gunicorn {WORKERS} sync workers each; wrk {CONNECTIONS} connections")


def main() -> None:
    """Build (or reuse) the store, measure the three servers, print the table."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--skip-pygeoapi", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install wrk (make system-deps)")
    BENCH.mkdir(exist_ok=True)
    store = make_store(args.parcels, args.rebuild)
    boxes, ids = pick_requests(store)
    logger.info("%d bboxes, %d ids over %s", len(boxes), len(ids), store)
    ours = measure_parkmap(store, boxes, ids, args.duration)
    theirs: dict[str, Result] = {}
    if not args.skip_pygeoapi:
        try:
            theirs = measure_pygeoapi(store, boxes, ids, args.duration)
        except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
            print(f"pygeoapi skipped: {exc}")
    ceiling = measure_ceiling(args.duration)
    print_table(ours, theirs, ceiling)


if __name__ == "__main__":
    main()
