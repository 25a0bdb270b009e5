"""Benchmark the PostGIS store with 1,000,000 parcels, next to tipg; print a table.

One run, on this machine: a throw-away PostgreSQL 15 + PostGIS 3 cluster on
127.0.0.1 (``scripts/pgcluster.py``'s ``PgCluster``), the synthetic parcels
(``scripts/synthetic.py``) loaded with ``layers.build.build`` into
``postgresql://...`` and timed, then:

- parkmap under gunicorn (2 sync workers, ``PARKMAP_STORE`` = the URL, the in-process
  tile cache off so every tile is drawn by the database): ``items?bbox`` pages of 100
  parcels over map-sized boxes around parks, and parcel tiles over the densest areas
  at z14 and at the layer's TileJSON ``minzoom`` (the lowest zoom the map asks for);
- tipg (developmentseed) under uvicorn (2 workers) on the same database and schema:
  the same tiles of the same table, with the same properties, extent 4096 and
  buffer 64, layer named ``parcels``. tipg lives only in ``.bench/tipg-venv``
  (``scripts/tipg_setup.py``), made on first use.

Latency is per request, as a client sees it: requests are sent one at a time, in
rounds over the request lists, after one warm-up round that also checks every URL
(200, its content type, a body; the database's caches are warm, the app's tile cache
is off). An error answer, socket error or timeout fails the run (exit 1): no error
is ever inside p50/p95. Targets (issue 9): load ≤ 10 min, items?bbox p50
≤ 30 ms, parcel MVT tile p50 ≤ 40 ms.

Run: ``python scripts/bench_postgis.py [--parcels N] [--layout L] [--keep DIR]
[--requests N]``. ``--keep DIR`` keeps the cluster (and the loaded store) in DIR and
reuses it on the next run with the same ``--parcels`` and ``--layout``.

The layout (``scripts/synthetic.py``): ``national`` (the default) spreads the parcels
over repeated sites with parcels of industrial size — a z14 tile then holds up to a
few thousand parcels, as a real economic-zone map does; ``hai_phong`` packs all of
them into Hai Phong's 8,200 ha, 8 m squares with 30,000 or more to a z14 tile — the
stress case, where the tile time grows with the parcel count (about 15 µs a parcel).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import mapbox_vector_tile  # noqa: E402  (a dev dependency)
import psycopg  # noqa: E402

from geo.tiles import suggested_minzoom  # noqa: E402
from layers.build import build  # noqa: E402
from layers.errors import LayerNotFound, StoreUnavailable  # noqa: E402
from layers.store.postgis import PostgisStore  # noqa: E402
from scripts.benchkit import BenchFailed, check_url, exit_on_failure  # noqa: E402
from scripts.kept_cluster import SERVER_SETTINGS, cluster_for  # noqa: E402
from scripts.pgcluster import free_port  # noqa: E402
from scripts.synthetic import LAYOUTS, make_synthetic  # noqa: E402
from scripts.tipg_setup import ensure_tipg, tipg_env  # noqa: E402

BENCH = ROOT / ".bench"
DATABASE = "parkmap_bench"
SCHEMA = "parkmap"
LAYER = "parcels"
ZOOM = 14
WORKERS = 2
logger = logging.getLogger("bench_postgis")


# --- the load ---------------------------------------------------------------------


def load(url: str, parcels: int, layout: str, workdir: Path) -> dict[str, float]:
    """Generate the synthetic data set, then build it into the store; timings."""
    started = time.perf_counter()
    print(f"generating about {parcels:,} synthetic parcels ({layout})…", flush=True)
    data = make_synthetic(workdir / "data", parcels, layout=layout)
    generated = time.perf_counter() - started
    print(f"  generated in {generated:.0f} s; building into PostGIS", flush=True)
    t0 = time.perf_counter()

    def progress(message: str) -> None:
        print(f"  [{time.perf_counter() - t0:6.1f} s] {message}", flush=True)

    build(data, url, progress=progress)
    loaded = time.perf_counter() - t0
    print(f"  loaded in {loaded:.0f} s", flush=True)
    return {"generate_s": generated, "load_s": loaded}


def loaded_count(url: str) -> int:
    """Parcels in the store at ``url`` (0 when there is no store yet)."""
    try:
        store = PostgisStore(url)
    except (StoreUnavailable, psycopg.Error):
        return 0
    try:
        return store.layer(LAYER).count
    except (StoreUnavailable, LayerNotFound, psycopg.Error):
        return 0
    finally:
        store.close()


# --- what to ask for ----------------------------------------------------------------

TILES_SQL = """
SELECT x, y, count(*) AS n FROM (
  SELECT floor((ST_X(c) + 180) / 360 * 2 ^ %(z)s)::int AS x,
         floor((1 - ln(tan(radians(ST_Y(c))) + 1 / cos(radians(ST_Y(c)))) / pi())
               / 2 * 2 ^ %(z)s)::int AS y
  FROM (SELECT ST_Centroid(geom) AS c FROM {table}) AS p
) AS t GROUP BY x, y ORDER BY n DESC
"""


def pick_tiles(
    conninfo: str, z: int, n: int
) -> tuple[list[tuple[int, int, int]], list[int]]:
    """Up to ``n`` tiles of zoom ``z`` from the densest half (by parcel centroids).

    Returns:
        The tiles and how many parcel centroids each holds.
    """
    with psycopg.connect(conninfo) as con:
        rows = con.execute(
            TILES_SQL.format(table=f'"{SCHEMA}"."{LAYER}"'), {"z": z}
        ).fetchall()
    dense = rows[: max(1, len(rows) // 2)]
    chosen = random.Random(14).sample(dense, min(n, len(dense)))
    return [(z, x, y) for x, y, _ in chosen], [c for _, _, c in chosen]


def pick_boxes(conninfo: str, n: int) -> list[tuple[float, ...]]:
    """``n`` boxes of 0.004–0.008° (about a map window at z16) around parcels.

    Centred on random parcels, so every box holds at least a page of 100.
    """
    table = f'"{SCHEMA}"."{LAYER}"'
    rng = random.Random(9)
    boxes: list[tuple[float, ...]] = []
    with psycopg.connect(conninfo) as con:
        centres = con.execute(
            f"SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(geom) c FROM {table} "
            "TABLESAMPLE SYSTEM (1) REPEATABLE (9) LIMIT 2000) p"
        ).fetchall()
        rng.shuffle(centres)
        for lon, lat in centres:
            half = rng.uniform(0.002, 0.004)
            box = (lon - half, lat - half * 0.8, lon + half, lat + half * 0.8)
            found = con.execute(
                f"SELECT count(*) FROM {table} "
                "WHERE ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, 4326))",
                box,
            ).fetchone()
            if found and found[0] >= 100:
                boxes.append(tuple(round(v, 6) for v in box))
            if len(boxes) == n:
                break
    if not boxes:
        raise BenchFailed("no sampled box holds a page of 100 parcels: too few parcels")
    return boxes


# --- serving and measuring ----------------------------------------------------------


def get(url: str, timeout: float = 60) -> tuple[int, bytes]:
    """GET ``url`` (only ever 127.0.0.1): status and body."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@contextlib.contextmanager
def serve(cmd: list[str], env: dict[str, str], ready: str, log: Path) -> Iterator[None]:
    """Run a server until ``ready`` answers 200; stop it (its process group) after."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=out,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError):
                if get(ready, timeout=30)[0] == 200:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{cmd[0]} did not start, see {log}")
            time.sleep(0.3)
        yield
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@dataclass
class Latency:
    """Per-request latency of one kind of request, in milliseconds (no errors)."""

    p50: float
    p95: float
    n: int
    sizes: list[int]


MVT = ("application/vnd.mapbox-vector-tile", "application/x-protobuf")
JSON = ("application/geo+json", "application/json")


def measure(
    base: str, paths: list[str], requests: int, content_type: tuple[str, ...]
) -> Latency:
    """A checking warm-up round over ``paths``, then ``requests`` timed, one at a time.

    Raises:
        BenchFailed: a URL answered other than 200 with ``content_type`` and a body
            (in the check), or other than 200 (timed), or the request failed.
    """
    for path in paths:
        check_url(base + path, content_type)
    times, sizes = [], []
    for i in range(requests):
        path = paths[i % len(paths)]
        started = time.perf_counter()
        try:
            status, body = get(base + path)
        except OSError as exc:  # refused, reset, timed out
            raise BenchFailed(f"{base}{path}: {exc}") from None
        times.append((time.perf_counter() - started) * 1000)
        if status != 200 or not body:
            raise BenchFailed(f"{base}{path}: status {status}, {len(body)} bytes")
        sizes.append(len(body))
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    return Latency(statistics.median(times), p95, len(times), sizes)


def tile_features(data: bytes, layer: str) -> int:
    """How many features ``layer`` has in an MVT (0 for an empty answer)."""
    if not data:
        return 0
    decoded = mapbox_vector_tile.decode(data)
    return len(decoded.get(layer, {}).get("features", []))


TileSet = dict[int, list[tuple[int, int, int]]]  # zoom → tiles at that zoom


@dataclass
class Served:
    """What one server answered: latencies by load, and sample tiles by zoom."""

    latency: dict[str, Latency]
    samples: dict[int, list[bytes]]


def run_parkmap(url: str, tiles: TileSet, boxes: list, requests: int) -> Served:
    """This project under gunicorn: items?bbox pages and uncached parcel tiles."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable, "-m", "gunicorn", "-w", str(WORKERS),
        "-b", f"127.0.0.1:{port}", "--log-level", "warning", "webmap:create_app()",
    ]  # fmt: skip
    env = {"PARKMAP_STORE": url, "PARKMAP_TILE_CACHE_BYTES": "0"}
    items = [
        f"/api/collections/{LAYER}/items?bbox={','.join(f'{v:.6f}' for v in b)}"
        "&limit=100"
        for b in boxes
    ]
    paths = {
        z: [f"/tiles/{LAYER}/{z}/{x}/{y}.mvt" for z, x, y in zs]
        for z, zs in tiles.items()
    }
    with serve(cmd, env, base + "/healthz", BENCH / "parkmap-pg.log"):
        page = json.loads(get(base + items[0])[1])
        if len(page.get("features", [])) != 100:
            raise RuntimeError(f"{items[0]} did not answer a page of 100")
        latency = {"items": measure(base, items, requests, JSON)}
        latency |= {
            f"z{z}": measure(base, ps, requests, MVT) for z, ps in paths.items()
        }
        samples = {z: [get(base + p)[1] for p in ps[:8]] for z, ps in paths.items()}
    return Served(latency, samples)


def run_tipg(
    conninfo: str, fields: list[str], tiles: TileSet, requests: int
) -> Served | None:
    """Serve tipg under uvicorn on the same schema: the same tiles; None when absent."""
    bin_dir = ensure_tipg(BENCH)
    if bin_dir is None:
        return None
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [
        str(bin_dir / "uvicorn"), "tipg.main:app", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(WORKERS), "--log-level", "warning",
        "--no-access-log",
    ]  # fmt: skip
    env = tipg_env(conninfo, SCHEMA, LAYER)
    query = f"?properties={','.join(fields)}&geom-column=geom"
    paths = {
        z: [
            f"/collections/{SCHEMA}.{LAYER}/tiles/WebMercatorQuad/{z}/{x}/{y}{query}"
            for z, x, y in zs
        ]
        for z, zs in tiles.items()
    }
    with serve(cmd, env, base + "/collections", BENCH / "tipg.log"):
        latency = {f"z{z}": measure(base, ps, requests, MVT) for z, ps in paths.items()}
        samples = {z: [get(base + p)[1] for p in ps[:8]] for z, ps in paths.items()}
    return Served(latency, samples)


# --- the table ------------------------------------------------------------------------


def fmt_latency(lat: Latency | None) -> str:
    """``p50 / p95 ms``."""
    if lat is None:
        return "—"
    return f"{lat.p50:.1f} / {lat.p95:.1f} ms"


def compare_tiles(ours: list[bytes], theirs: list[bytes]) -> str:
    """``k of n`` sampled tiles where both servers drew as many parcels."""
    same = sum(
        tile_features(a, LAYER) == tile_features(b, LAYER)
        for a, b in zip(ours, theirs, strict=True)
    )
    return f"{same} of {len(ours)}"


def tile_rows(
    z: int, counts: list[int], ours: Served, tipg: Served | None, target: str
) -> list[tuple[str, str, str]]:
    """The table's lines for the tiles of zoom ``z``."""
    mine = ours.latency[f"z{z}"]
    rows = [
        (f"z{z} parcel MVT, uncached: p50 / p95", fmt_latency(mine), target),
        (
            "  parcels per tile, median / max",
            f"{statistics.median(counts):,.0f} / {max(counts):,}",
            "",
        ),
        ("  tile size, median", f"{statistics.median(mine.sizes) / 1024:,.0f} KiB", ""),
    ]
    if tipg is None:
        return [*rows, (f"tipg, same z{z} tiles: p50 / p95", "skipped", "")]
    theirs = tipg.latency[f"z{z}"]
    return [
        *rows,
        (f"tipg, same z{z} tiles: p50 / p95", fmt_latency(theirs), ""),
        (
            "  tipg tile size, median",
            f"{statistics.median(theirs.sizes) / 1024:,.0f} KiB",
            "",
        ),
        (
            "  as many parcels in sampled tiles",
            compare_tiles(ours.samples[z], tipg.samples[z]),
            "",
        ),
    ]


def print_table(facts: dict, ours: Served, tipg: Served | None) -> None:
    """The figures with the targets beside them."""
    load_s = facts.get("load_s")
    rows = [
        ("parcels in the store", f"{facts['parcels']:,}", facts["layout"]),
        (
            "generate synthetic shapefile",
            f"{facts['generate_s']:.0f} s" if "generate_s" in facts else "reused",
            "",
        ),
        (
            "load (layers.build.build → PostGIS)",
            f"{load_s:.0f} s" if load_s is not None else "reused",
            "≤ 600 s",
        ),
        (
            "items?bbox, page of 100: p50 / p95",
            fmt_latency(ours.latency["items"]),
            "p50 ≤ 30",
        ),
        ("  parcels matched per box, median", f"{facts['matched_p50']:,.0f}", ""),
    ]
    for z, counts in facts["tile_counts"].items():
        target = "p50 ≤ 40" if z == ZOOM else "(TileJSON minzoom)"
        rows += tile_rows(z, counts, ours, tipg, target)
    width = max(len(r[0]) for r in rows)
    print()
    print(
        f"PostGIS store, {os.cpu_count()} CPUs, gunicorn -w {WORKERS} sync "
        f"(tipg: uvicorn --workers {WORKERS}); {ours.latency['items'].n} requests "
        "per kind, one at a time, after a checking warm-up round, no errors (any fails "
        "the run); tiles from the densest half"
    )
    for name, value, target in rows:
        print(f"{name.ljust(width)}  {value:>24}  {target}")
    before = ", ".join(f"{v:.1f}" for v in facts["load_avg"])
    now = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"load average before / after the measurements: {before} / {now}")
    print("server: " + ", ".join(f"{k}={v}" for k, v in SERVER_SETTINGS.items()))


@exit_on_failure
def main() -> None:
    """Start (or reuse) the cluster, load, measure both servers, print the table.

    Exits with status 1 on any error answer, socket error or timeout.
    """
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument(
        "--layout",
        choices=LAYOUTS,
        default="national",
        help="national: sites across a country, parcels of industrial size (the "
        "default); hai_phong: every parcel packed into Hai Phong's parks (stress)",
    )
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the cluster here")
    parser.add_argument("--requests", type=int, default=400, help="timed, per kind")
    parser.add_argument("--skip-tipg", action="store_true")
    args = parser.parse_args()
    BENCH.mkdir(exist_ok=True)
    facts: dict = {}
    with contextlib.ExitStack() as stack:
        cluster, state = stack.enter_context(cluster_for(args.keep, DATABASE))
        url = cluster.url(DATABASE, SCHEMA)
        conninfo = cluster.conninfo(DATABASE)
        count = loaded_count(url)
        asked = {"parcels_asked": args.parcels, "layout": args.layout}
        if (
            args.keep is None
            or {k: state.get(k, "hai_phong") for k in asked} != asked
            or not count
        ):
            work = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory()))
            facts |= load(url, args.parcels, args.layout, work)
            state |= {**asked, **facts}
            count = loaded_count(url)
        else:
            print(f"store already holds {count:,} parcels (loaded before)")
        facts["parcels"] = count
        facts["layout"] = args.layout
        store = PostgisStore(url)
        info = store.layer(LAYER)
        zooms = sorted({ZOOM, min(suggested_minzoom(info.count, info.bbox), 16)})
        picked = {z: pick_tiles(conninfo, z, 64) for z in zooms}
        tiles = {z: t for z, (t, _) in picked.items()}
        facts["tile_counts"] = {z: c for z, (_, c) in picked.items()}
        boxes = pick_boxes(conninfo, 64)
        facts["matched_p50"] = statistics.median(
            store.query_geojson(LAYER, b, limit=1).number_matched for b in boxes
        )
        store.close()
        facts["load_avg"] = os.getloadavg()
        ours = run_parkmap(url, tiles, boxes, args.requests)
        fields = info.tile_fields()
        tipg = (
            None if args.skip_tipg else run_tipg(conninfo, fields, tiles, args.requests)
        )
    print_table(facts, ours, tipg)


if __name__ == "__main__":
    main()
