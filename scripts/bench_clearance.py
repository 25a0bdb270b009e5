"""Benchmark clearance edits on the synthetic 100,000-parcel store; print a table.

What a planner's edit costs: the edit itself (one transaction: record, audit row,
parcels layer, pre-rendered GeoJSON), two processes editing at once, and what the
next reader pays (a parcel tile after an edit rebuilds the layer's tile properties).

Run: ``python scripts/bench_clearance.py [--parcels N] [--edits N] [--store PATH]``.
``--store`` copies a store built before (skips generating and building).
"""

from __future__ import annotations

import argparse
import logging
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.tiles import tile_for_lonlat
from layers.build import build
from layers.store.open import FullGpkgStore
from scripts.synthetic import make_synthetic

ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger("bench_clearance")

WRITER = """
import sys, time
from layers.clearance.rules import StaleEdit
from layers.store.open import FullGpkgStore
store, pids, n = FullGpkgStore(sys.argv[1]), sys.argv[2].split(","), int(sys.argv[3])
for i in range(n):
    pid = pids[i % len(pids)]
    while True:
        cur = store.clearance.record(pid)
        try:
            store.clearance.update(pid, cur.version, {"note": f"w{i}"}, user="bench")
            break
        except StaleEdit:
            continue
"""


def ms(values: list[float], q: float) -> float:
    """The q-quantile of ``values`` (seconds) in milliseconds."""
    return 1000 * statistics.quantiles(values, n=100)[int(q * 100) - 1]


def sequential(store: FullGpkgStore, edits: int) -> list[float]:
    """Edit latency, one writer, cycling through tracked parcels."""
    rows = store.clearance.records()[:50]
    times = []
    for i in range(edits):
        row = store.clearance.record(rows[i % len(rows)].parcel_id)
        t0 = time.perf_counter()
        store.clearance.update(row.parcel_id, row.version, {"note": f"s{i}"}, user="b")
        times.append(time.perf_counter() - t0)
        if i % 100 == 0:
            log.info("sequential edits: %d/%d", i, edits)
    return times


def two_processes(path: Path, store: FullGpkgStore, edits: int) -> float:
    """Edits per second with two processes editing the same 10 parcels."""
    pids = ",".join(r.parcel_id for r in store.clearance.records()[:10])
    t0 = time.perf_counter()
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), pids, str(edits)])
        for _ in range(2)
    ]
    for proc in procs:
        if proc.wait() != 0:
            raise SystemExit("a writer failed")
    return 2 * edits / (time.perf_counter() - t0)


def tile_after_edit(store: FullGpkgStore, rounds: int = 5) -> tuple[float, float]:
    """(first z14 tile after an edit, the same tile again) in ms, medians."""
    row = store.clearance.records()[0]
    lon, lat = store.get("parcels", row.parcel_id).geometry.centroid.coords[0]
    bbox = tile_for_lonlat(lon, lat, 14).bounds_3857()
    first, again = [], []
    for i in range(rounds):
        current = store.clearance.record(row.parcel_id)
        change = {"note": f"t{i}"}
        store.clearance.update(row.parcel_id, current.version, change, user="b")
        t0 = time.perf_counter()
        store.tile_features("parcels", bbox)
        first.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        store.tile_features("parcels", bbox)
        again.append(time.perf_counter() - t0)
    return 1000 * statistics.median(first), 1000 * statistics.median(again)


def main() -> None:
    """Build (or copy) the store, run the measurements, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--edits", type=int, default=500)
    parser.add_argument("--store", type=Path)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    with tempfile.TemporaryDirectory(prefix="bench-clearance-") as tmp:
        path = Path(tmp) / "parkmap.gpkg"
        if args.store:
            shutil.copyfile(args.store, path)
        else:
            log.info("generating %d synthetic parcels", args.parcels)
            data = make_synthetic(Path(tmp) / "data", args.parcels)
            build(data, path, progress=log.info)
        store = FullGpkgStore(path)
        tracked = len(store.clearance.records())
        if not tracked:
            raise SystemExit(f"{args.store}: no clearance records; rebuild the store")
        log.info("%d tracked parcels; timing edits", tracked)
        seq = sequential(store, args.edits)
        rate = two_processes(path, store, args.edits)
        first, again = tile_after_edit(store)
        print(f"\nstore: {store.layer('parcels').count:,} parcels, {tracked:,} tracked")
        print("| measure | value |")
        print("| --- | --- |")
        print(f"| edit, one writer, p50 | {ms(seq, 0.5):.1f} ms |")
        print(f"| edit, one writer, p95 | {ms(seq, 0.95):.1f} ms |")
        print(f"| edits/s, two processes on 10 parcels | {rate:,.0f} |")
        print(f"| z14 parcel tile features, first after an edit | {first:.1f} ms |")
        print(f"| the same tile again | {again:.1f} ms |")
        store.close()


if __name__ == "__main__":
    main()
