"""Benchmark the build: a synthetic 100,000-parcel data set, wall time and peak memory.

Target (issue 2): ≤ 60 s end to end and ≤ 2 GB peak on a 2-core machine.
Run: ``python scripts/bench_build.py [--parcels N] [--drive-times]``.

``--drive-times`` (issue 19: drive times add ≤ 60 s at 100,000 parcels) builds the
same data twice, with the road network's drive times and isochrones and without
them (no ``drive_times`` in any spec, no road layer), and prints the difference.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.synthetic import make_synthetic

ROOT = Path(__file__).resolve().parents[1]


def run_build(data: Path, store: Path) -> tuple[float, dict]:
    """Build ``data`` into ``store`` in a child process: wall seconds and report."""
    env = {**os.environ, "PARKMAP_DATA_DIR": str(data), "PARKMAP_STORE": str(store)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "layers", "build"], cwd=ROOT, env=env, check=True
    )
    wall = time.perf_counter() - started
    report = json.loads(
        store.with_name("parkmap.report.json").read_text(encoding="utf-8")
    )
    return wall, report


def without_drive_times(data: Path) -> None:
    """Take the drive times, the isochrones and the road layer out of ``data``."""
    specs = data / "layers"
    for spec in specs.glob("*.toml"):
        lines = spec.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if not line.startswith("drive_times")]
        spec.write_text("".join(kept), encoding="utf-8")
    (specs / "roads.toml").unlink()


def drive_time_cost(parcels: int) -> None:
    """Build with and without drive times; print both and the difference."""
    with tempfile.TemporaryDirectory(prefix="parkmap-bench-") as tmp:
        data = make_synthetic(Path(tmp) / "data", parcels)
        with_wall, report = run_build(data, Path(tmp) / "with" / "parkmap.gpkg")
        without_drive_times(data)
        without_wall, _ = run_build(data, Path(tmp) / "without" / "parkmap.gpkg")
    count = report["layers"]["parcels"]["count"]
    print()
    print(f"parcels built               {count:>10,}")
    print(f"build with drive times      {with_wall:>10.1f} s")
    print(f"build without them          {without_wall:>10.1f} s")
    added = with_wall - without_wall
    print(f"added by drive times        {added:>10.1f} s   (target ≤ 60 s)")


def main() -> None:
    """Generate, build in a child process, print the figures."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--drive-times", action="store_true")
    args = parser.parse_args()
    if args.drive_times:
        drive_time_cost(args.parcels)
        return
    with tempfile.TemporaryDirectory(prefix="parkmap-bench-") as tmp:
        data = make_synthetic(Path(tmp) / "data", args.parcels)
        store = Path(tmp) / "build" / "parkmap.gpkg"
        wall, report = run_build(data, store)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        parcels = report["layers"]["parcels"]["count"]
        size_mb = store.stat().st_size / 1e6
    print()
    print(f"parcels built      {parcels:>10,}")
    print(f"wall time          {wall:>10.1f} s   (target ≤ 60 s)")
    print(f"peak memory (RSS)  {peak_mb:>10.0f} MB  (target ≤ 2048 MB)")
    print(f"store size         {size_mb:>10.1f} MB")


if __name__ == "__main__":
    main()
