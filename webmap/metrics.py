"""Prometheus metrics at ``/metrics`` (off unless ``PARKMAP_METRICS=1``).

- ``parkmap_http_requests_total{route,method,status}`` and
  ``parkmap_http_request_duration_seconds{route}``: the route is the URL rule
  (``/parcels/<path:parcel_id>``), never the raw path, so label sets stay bounded;
- ``parkmap_tile_cache_{hits,misses,evictions}_total{cache}`` and
  ``parkmap_tile_cache_{bytes,entries}{cache}`` for the ``vector`` and ``raster``
  caches and the ``encoded`` one (compressed bodies, ``webmap.core.compression``),
  synced from the caches' own counters after each request;
- ``parkmap_store_info{kind,build_id}`` and ``parkmap_store_up``, read at scrape time.

Under gunicorn each worker counts alone; set ``PROMETHEUS_MULTIPROC_DIR`` (an empty
directory, before gunicorn starts) and prometheus_client's multiprocess mode sums
the workers' counters in every scrape. With ``PARKMAP_METRICS_TOKEN`` set, a scrape
must send ``Authorization: Bearer <token>``; with ``PARKMAP_ENV_NAME=production`` the
token is required (the app does not start without it).
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import NotFound, Unauthorized

from layers.errors import StoreUnavailable
from webmap import accesslog, settings
from webmap.core import responses as r
from webmap.core.openapi import TEXT, Doc, documented
from webmap.core.store import get_store, store_kind
from webmap.core.tilecache import TileCache

bp = Blueprint("metrics", __name__)

KEY = "parkmap.metrics"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
CACHE_COUNTERS = ("hits", "misses", "evictions")


class Metrics:
    """One app's metrics: its registry, request metrics and tile-cache mirrors."""

    def __init__(self, caches: dict[str, TileCache]) -> None:
        self.registry = CollectorRegistry()
        self.caches = caches
        self.requests = Counter(
            "parkmap_http_requests",
            "HTTP requests answered, by URL rule, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "parkmap_http_request_duration_seconds",
            "Time to build the response, by URL rule.",
            ["route"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.cache_counters = {
            name: Counter(
                f"parkmap_tile_cache_{name}",
                f"Tile cache {name}, per cache (vector, raster or encoded).",
                ["cache"],
                registry=self.registry,
            )
            for name in CACHE_COUNTERS
        }
        self.cache_gauges = {
            name: Gauge(
                f"parkmap_tile_cache_{name}",
                f"Tile cache {name} held now, per cache (summed over live workers).",
                ["cache"],
                registry=self.registry,
                multiprocess_mode="livesum",
            )
            for name in ("bytes", "entries")
        }
        self._seen = {cache: dict.fromkeys(CACHE_COUNTERS, 0) for cache in caches}
        self._lock = threading.Lock()

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        method = method if method in METHODS else "other"
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route).observe(seconds)
        self.sync_caches()

    def sync_caches(self) -> None:
        """Move the caches' counters into the metrics (only the change since last)."""
        with self._lock:
            for cache, tiles in self.caches.items():
                stats = tiles.stats()
                seen = self._seen[cache]
                for name in CACHE_COUNTERS:
                    if stats[name] > seen[name]:
                        self.cache_counters[name].labels(cache).inc(
                            stats[name] - seen[name]
                        )
                        seen[name] = stats[name]
                for name, gauge in self.cache_gauges.items():
                    gauge.labels(cache).set(stats[name])


class StoreInfo(Collector):
    """The store's kind and build id, read when scraped (needs an app context)."""

    def collect(self) -> Iterator[Metric]:
        """Yield ``parkmap_store_info`` and ``parkmap_store_up``."""
        kind = store_kind(current_app.config["STORE"])
        try:
            build, up = get_store().build_id() or "", 1
        except StoreUnavailable:
            build, up = "", 0
        info = InfoMetricFamily("parkmap_store", "The store this worker serves.")
        info.add_metric([], {"kind": kind, "build_id": build})
        yield info
        yield GaugeMetricFamily(
            "parkmap_store_up", "Whether the store answered the scrape.", value=up
        )


def init_app(app: Flask, caches: dict[str, TileCache]) -> None:
    """Serve ``/metrics`` and count requests when ``PARKMAP_METRICS`` is on.

    Args:
        app: The app, after ``accesslog.init_app`` (it keeps the request timer).
        caches: The caches to report, by label (``vector``, ``raster``, ``encoded``).
    """
    app.register_blueprint(bp)
    if not app.config["METRICS"]:
        return
    metrics = app.extensions[KEY] = Metrics(caches)
    metrics.registry.register(StoreInfo())

    @app.after_request
    def _count(response: Response) -> Response:
        metrics.observe(
            accesslog.route(), request.method, response.status_code, accesslog.elapsed()
        )
        return response


def _registry() -> CollectorRegistry:
    """What a scrape reports: this worker's, or every worker's in multiprocess mode."""
    metrics: Metrics = current_app.extensions[KEY]
    metrics.sync_caches()
    if not settings.read("PROMETHEUS_MULTIPROC_DIR"):
        return metrics.registry
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    registry.register(StoreInfo())
    return registry


def _check_token() -> None:
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        return
    given = request.headers.get("Authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        value.strip().encode(), token.encode()
    ):
        raise Unauthorized(
            "a bearer token is required", www_authenticate=WWWAuthenticate("bearer")
        )


@bp.get("/metrics")
@documented(
    Doc(
        "getMetrics",
        "Prometheus metrics (404 while PARKMAP_METRICS is off).",
        "Operations",
        r.merged(
            {"200": r.body("Metrics.", {"text/plain": TEXT})},
            r.problem(401, "PARKMAP_METRICS_TOKEN is set and was not sent."),
            r.problem(404, "Metrics are off."),
        ),
        security=r.OPTIONAL_METRICS_TOKEN,
    )
)
def metrics_view() -> Response:
    """The metrics in Prometheus' text format; 404 while ``PARKMAP_METRICS`` is off."""
    if not current_app.config["METRICS"]:
        raise NotFound()
    _check_token()
    body: Any = generate_latest(_registry())
    return Response(
        body, headers={"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"}
    )
