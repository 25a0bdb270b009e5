"""Benchmark the site report PDF on the synthetic 100,000-parcel store.

Times ``/parcels/<id>/report.pdf`` and ``/parks/<id>/report.pdf`` through Flask's
test client (the whole view: the page's facts, the map's queries and drawing, the
layout, the QR code; no network), for the park with the most parcels and one of
its parcels — the busiest map — in each language. Each answer is checked (200,
application/pdf, a body) before timing. The first report of the process, which
also reads the fonts, is shown apart; then each figure is the median of the rounds
with the lowest and highest beside it, and the slowest round of all is held
against the target.

Target (issue 19): a site report in ≤ 2 s.

Run: ``python scripts/bench_report.py [--parcels N] [--store PATH] [--repeat R]``;
``--store`` reuses a store built before (``data/build/parkmap.gpkg`` for the sample).
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from layers.build import build
from scripts.benchkit import check_status, exit_on_failure, spread
from scripts.synthetic import make_synthetic
from webmap import create_app

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / ".bench"
TARGET_S = 2.0
LANGS = ("vi", "en", "ko", "ja")


def make_store(n_parcels: int) -> Path:
    """The synthetic store under .bench/ (reused between runs)."""
    workdir = BENCH / f"report-{n_parcels}"
    store = workdir / "build" / "parkmap.gpkg"
    if not store.exists():
        data = make_synthetic(workdir / "data", n_parcels)
        started = time.perf_counter()
        build(data, store, progress=lambda _msg: None)
        print(f"built {store} in {time.perf_counter() - started:.1f} s")
    return store


def busiest(store: Path) -> tuple[str, str, int]:
    """The park with the most parcels, one of its parcels, and their count."""
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        park, count = con.execute(
            "SELECT park_id, count(*) AS n FROM parcels GROUP BY park_id "
            "ORDER BY n DESC LIMIT 1"
        ).fetchone()
        (parcel,) = con.execute(
            "SELECT parcel_id FROM parcels WHERE park_id = ? ORDER BY parcel_id "
            "LIMIT 1",
            (park,),
        ).fetchone()
    finally:
        con.close()
    return park, parcel, count


def timed(client, path: str) -> float:
    """Seconds for one checked answer to ``path``."""
    started = time.perf_counter()
    resp = client.get(path)
    elapsed = time.perf_counter() - started
    check_status(resp, path, "application/pdf")
    return elapsed


@exit_on_failure
def main() -> None:
    """Build (or reuse) the store, time the reports, print the figures."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--store", type=Path, help="reuse this built store")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    BENCH.mkdir(exist_ok=True)
    store = args.store or make_store(args.parcels)
    park, parcel, count = busiest(store)
    app = create_app({"STORE": str(store), "PUBLIC_URL": "https://maps.example.org"})
    client = app.test_client()
    paths = {
        "parcel": f"/parcels/{parcel}/report.pdf",
        "park": f"/parks/{park}/report.pdf",
    }
    first = timed(client, f"{paths['parcel']}?lang=ja")
    print(f"store {store}: park {park} with {count:,} parcels, parcel {parcel}")
    print(f"first report of the process (fonts read): {first:.2f} s")
    slowest = 0.0
    for kind, path in paths.items():
        for lang in LANGS:
            rounds = [timed(client, f"{path}?lang={lang}") for _ in range(args.repeat)]
            slowest = max(slowest, *rounds)
            size = len(client.get(f"{path}?lang={lang}").data)
            print(
                f"{kind:6} {lang}: {spread(rounds, False):.3f} s, {size / 1024:.0f} kB"
            )
    slowest = max(slowest, first)
    verdict = "met" if slowest <= TARGET_S else "NOT met"
    print(
        f"\ntarget: a report in ≤ {TARGET_S:.0f} s; slowest {slowest:.2f} s: {verdict}"
    )


if __name__ == "__main__":
    main()
