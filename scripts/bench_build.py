"""Benchmark the build: a synthetic 100,000-parcel data set, wall time and peak memory.

Target (issue 2): ≤ 60 s end to end and ≤ 2 GB peak on a 2-core machine.
Run: ``python scripts/bench_build.py [--parcels N]``.
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


def main() -> None:
    """Generate, build in a child process, print the figures."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parkmap-bench-") as tmp:
        data = make_synthetic(Path(tmp) / "data", args.parcels)
        store = Path(tmp) / "build" / "parkmap.gpkg"
        env = {**os.environ, "PARKMAP_DATA_DIR": str(data), "PARKMAP_STORE": str(store)}
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "layers", "build"], cwd=ROOT, env=env, check=True
        )
        wall = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        report = json.loads(
            store.with_name("parkmap.report.json").read_text(encoding="utf-8")
        )
        parcels = report["layers"]["parcels"]["count"]
        size_mb = store.stat().st_size / 1e6
    print()
    print(f"parcels built      {parcels:>10,}")
    print(f"wall time          {wall:>10.1f} s   (target ≤ 60 s)")
    print(f"peak memory (RSS)  {peak_mb:>10.0f} MB  (target ≤ 2048 MB)")
    print(f"store size         {size_mb:>10.1f} MB")


if __name__ == "__main__":
    main()
