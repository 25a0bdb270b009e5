"""CPU time of one ``items?bbox`` request in-process, and of the store's part of it.

Usage::

    python scripts/bench_items_cpu.py [--parcels 100000] [--boxes 64] [--repeat 200]

The store is ``bench_api``'s (the sample data plus ``--parcels`` synthetic parcels
as layer ``bench_parcels``, made under ``.bench/`` on first use), or the one
``PARKMAP_STORE`` names.

No sockets, no gunicorn: each request is a WSGI call to ``create_app()`` (settings
from ``PARKMAP_*`` as for the server), timed with ``time.thread_time`` so that other
work on a shared machine does not count. Each of ``--boxes`` bboxes (100 to 400
features, as ``bench_api`` picks them; a page of 100) is asked ``--repeat`` times;
a bbox's figure is its minimum, and the script prints the median and the mean of
those minima for the whole request, ``Store.query_geojson`` alone and the bbox
search alone (``bbox_fids``). It also prints how many straddling features the
vertices accepted and how many went to the exact test, and what the layer's
envelopes and vertices cost in memory and in time to read. Every URL is checked
(200, 100 features) before timing; any other answer fails the run (exit 1).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.test import EnvironBuilder  # noqa: E402

from layers.store.gpkg import GpkgStore  # noqa: E402
from layers.store.gpkg_boxes import Boxes  # noqa: E402
from layers.store.gpkg_geojson import bbox_fids  # noqa: E402
from layers.store.gpkg_vertices import Vertices  # noqa: E402
from scripts import bench_api  # noqa: E402
from scripts.benchkit import BenchFailed, check_status, exit_on_failure  # noqa: E402
from webmap import create_app  # noqa: E402
from webmap.core.store import get_store  # noqa: E402


def fastest(work: Callable[[], object], repeat: int) -> float:
    """The least CPU time of ``repeat`` calls of ``work``, in µs."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.thread_time_ns()
        work()
        best = min(best, time.thread_time_ns() - t0)
    return best / 1000


def minima(
    work: Callable[[tuple], object], boxes: list[tuple], args: argparse.Namespace
) -> list[float]:
    """``fastest`` of ``work(bbox)`` for each bbox."""
    return [fastest(lambda b=b: work(b), args.repeat) for b in boxes]


def line(label: str, minima: list[float]) -> None:
    """One figure: the median and mean of per-bbox minima."""
    median, mean = statistics.median(minima), statistics.fmean(minima)
    print(f"{label:<28} {median:8.0f} µs median, {mean:6.0f} mean")


def wsgi_call(app, path: str) -> Callable[[], bytes]:
    """A WSGI GET of ``path`` that fails on any status but 200."""
    url, _, query = path.partition("?")
    environ = EnvironBuilder(path=url, query_string=query).get_environ()

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        if not status.startswith("200"):
            raise BenchFailed(f"{path}: status {status}")

    return lambda: b"".join(app(dict(environ), start_response))


def check(app, paths: list[str]) -> None:
    """Every URL answers 200 with a page of 100 features."""
    client = app.test_client()
    for path in paths:
        body = check_status(client.get(path), path, "application/geo+json")
        if len(json.loads(body)["features"]) != 100:
            raise BenchFailed(f"{path}: not 100 features")


def memory(store: GpkgStore, layer: str) -> None:
    """What the layer's envelopes and vertices cost to read and to hold."""
    con, info = store._con(), store.layer(layer)
    t0 = time.perf_counter()
    boxes = Boxes.read(con, info)
    t1 = time.perf_counter()
    vertices = Vertices.read(con, info)
    t2 = time.perf_counter()
    print(
        f"{info.count:,} features: envelopes {boxes.count * 40 / 1e6:.1f} MB read in "
        f"{t1 - t0:.2f} s; vertices {vertices.nbytes / 1e6:.1f} MB "
        f"({len(vertices.x):,}) read in {t2 - t1:.2f} s"
    )


def edges(store: GpkgStore, layer: str, boxes: list[tuple]) -> None:
    """How many straddling features the vertices accept, how many go to SQL."""
    con, info = store._con(), store.layer(layer)
    held, vertices = store._boxes(con, info), store._in_memory(con, info, Vertices)
    straddling = accepted = 0
    for bbox in boxes:
        edge = held.split(bbox)[1]
        straddling += len(edge)
        accepted += len(vertices.accept(edge, bbox)[0])
    print(
        f"straddling features per bbox: {straddling / len(boxes):.1f}, accepted by a "
        f"vertex {accepted / len(boxes):.1f}, to the exact test "
        f"{(straddling - accepted) / len(boxes):.1f}"
    )


@exit_on_failure
def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layer", default=bench_api.LAYER)
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--boxes", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    given = os.environ.get("PARKMAP_STORE")
    path = Path(given) if given else bench_api.make_store(args.parcels, rebuild=False)
    app = create_app({"STORE": str(path)})
    with app.app_context():
        store = get_store()
    boxes, _ids = bench_api.pick_requests(store.path, args.boxes, layer=args.layer)
    prefix = f"/api/collections/{args.layer}/items?limit=100&bbox="
    paths = [prefix + bench_api.bbox_text(b) for b in boxes]
    check(app, paths)
    info = store.layer(args.layer)
    con = store._con()
    held = store._boxes(con, info)
    vertices = store._in_memory(con, info, Vertices)
    line("whole request", [fastest(wsgi_call(app, p), args.repeat) for p in paths])
    ask = store.query_geojson
    line("Store.query_geojson", minima(lambda b: ask(info.name, b), boxes, args))
    for label, kept in (("bbox_fids", vertices), ("bbox_fids, no vertices", None)):
        search = functools.partial(bbox_fids, con, info, boxes=held, vertices=kept)
        line(label, minima(lambda b, s=search: s(b), boxes, args))
    edges(store, args.layer, boxes)
    memory(store, args.layer)


if __name__ == "__main__":
    main()
