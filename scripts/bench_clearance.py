"""Benchmark clearance edits on the synthetic 100,000-parcel store; print a table.

What a planner's edit costs: the edit itself (one transaction: record, audit row,
parcels layer, pre-rendered GeoJSON), two processes editing at once, and what the
next reader pays (a parcel tile after an edit rebuilds the layer's tile properties).

Every edit sets a note no other edit sets (per process and per iteration), so none
is a no-op after a conflict; only edits that changed a row are counted, and the
count is checked against the parcels' versions and audit records at the end. Any
edit that changed nothing, or a count that does not match, fails the run (exit 1).

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
from scripts.benchkit import BenchFailed, exit_on_failure
from scripts.synthetic import make_synthetic

ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger("bench_clearance")

# One writer: ``n`` edits, each a note no other edit sets (process ``me``, step
# ``i``), so a retry after a conflict still changes the row. Prints how many edits
# changed a row; exits 1 if one changed nothing.
WRITER = """
import sys
from layers.clearance.rules import StaleEdit
from layers.store.open import FullGpkgStore
store, pids, n = FullGpkgStore(sys.argv[1]), sys.argv[2].split(","), int(sys.argv[3])
me, changed = sys.argv[4], 0
for i in range(n):
    pid = pids[i % len(pids)]
    while True:
        cur = store.clearance.record(pid)
        try:
            _, audit = store.clearance.update(
                pid, cur.version, {"note": f"w{me}-{i}"}, user=f"bench{me}"
            )
            break
        except StaleEdit:
            continue
    if audit is None:
        sys.exit(f"writer {me}: edit {i} of {pid} changed nothing")
    changed += 1
print(changed)
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
        _, audit = store.clearance.update(
            row.parcel_id, row.version, {"note": f"s{i}"}, user="b"
        )
        times.append(time.perf_counter() - t0)
        if audit is None:
            raise BenchFailed(f"sequential edit {i} of {row.parcel_id} changed nothing")
        if i % 100 == 0:
            log.info("sequential edits: %d/%d", i, edits)
    return times


def versions_and_audits(store: FullGpkgStore, pids: list[str]) -> tuple[int, int]:
    """The sum of the parcels' versions and how many audit records they have."""
    versions = sum(store.clearance.record(pid).version for pid in pids)
    return versions, sum(len(store.clearance.history(pid)) for pid in pids)


def two_processes(path: Path, store: FullGpkgStore, edits: int) -> float:
    """Edits per second with two processes editing the same 10 parcels.

    Counts only edits that changed a row, as the writers report them, and checks
    that count against the versions and audit records the store gained.

    Raises:
        BenchFailed: a writer failed, or the counts disagree.
    """
    pids = [r.parcel_id for r in store.clearance.records()[:10]]
    before = versions_and_audits(store, pids)
    t0 = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), ",".join(pids), str(edits), me],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for me in ("1", "2")
    ]
    outs = [proc.communicate()[0] for proc in procs]
    elapsed = time.perf_counter() - t0
    for proc in procs:
        if proc.returncode != 0:
            raise BenchFailed(f"a writer failed (status {proc.returncode})")
    changed = sum(int(out.split()[-1]) for out in outs)
    after = versions_and_audits(store, pids)
    gained = (after[0] - before[0], after[1] - before[1])
    if changed != 2 * edits or gained != (changed, changed):
        raise BenchFailed(
            f"writers counted {changed} changing edits of {2 * edits}; the store "
            f"gained {gained[0]} versions and {gained[1]} audit records"
        )
    return changed / elapsed


def tile_after_edit(store: FullGpkgStore, rounds: int = 5) -> tuple[float, float]:
    """(first z14 tile after an edit, the same tile again) in ms, medians."""
    row = store.clearance.records()[0]
    lon, lat = store.get("parcels", row.parcel_id).geometry.centroid.coords[0]
    bbox = tile_for_lonlat(lon, lat, 14).bounds_3857()
    first, again = [], []
    for i in range(rounds):
        current = store.clearance.record(row.parcel_id)
        change = {"note": f"t{i}"}
        _, audit = store.clearance.update(
            row.parcel_id, current.version, change, user="b"
        )
        if audit is None:
            raise BenchFailed(f"edit t{i} of {row.parcel_id} changed nothing")
        t0 = time.perf_counter()
        store.tile_features("parcels", bbox)
        first.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        store.tile_features("parcels", bbox)
        again.append(time.perf_counter() - t0)
    return 1000 * statistics.median(first), 1000 * statistics.median(again)


@exit_on_failure
def main() -> None:
    """Build (or copy) the store, run the measurements, print the table.

    Exits with status 1 if an edit changed nothing or the counts disagree.
    """
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
