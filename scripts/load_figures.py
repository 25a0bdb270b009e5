"""The load script's figures: wrk's report per route, the access log's, the table.

See ``scripts/load.py``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from scripts.bench_tiles import percentile


@dataclass
class RouteResult:
    """What one route's wrk measured, and what the server logged for it."""

    connections: int
    urls: int
    requests: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    socket_errors: dict[str, int] = field(default_factory=dict)
    status_errors: int = 0  # answers ≥ 400, as wrk counts them
    server_requests: int | None = None
    server_p99_ms: float | None = None
    server_bad_status: int | None = None  # not 2xx or 304, from the access log

    @property
    def errors(self) -> int:
        """Socket errors, timeouts and bad statuses (counted once)."""
        return sum(self.socket_errors.values()) + max(
            self.status_errors, self.server_bad_status or 0
        )


def parse_wrk(report: dict, connections: int, urls: int) -> RouteResult:
    """A route's result from its wrk's ``done()`` JSON."""
    seconds = report["duration_us"] / 1e6
    return RouteResult(
        connections=connections,
        urls=urls,
        requests=report["requests"],
        rps=report["requests"] / seconds if seconds else 0.0,
        p50_ms=report["p50_us"] / 1000,
        p90_ms=report["p90_us"] / 1000,
        p99_ms=report["p99_us"] / 1000,
        max_ms=report["max_us"] / 1000,
        socket_errors={k: report[k] for k in ("connect", "read", "write", "timeout")},
        status_errors=report["status"],
    )


def server_side(
    log: Path, offset: int, paths: dict[str, list[str]], results: dict[str, RouteResult]
) -> None:
    """Add each route's count, p99 and bad statuses in the log after ``offset``."""
    route_of = {p.split("?")[0]: r for r, route in paths.items() for p in route}
    durations: dict[str, list[float]] = {route: [] for route in paths}
    bad = dict.fromkeys(paths, 0)
    with log.open("rb") as fh:
        fh.seek(offset)
        for raw in fh:
            try:
                entry = json.loads(raw)
            except ValueError:
                continue  # gunicorn's own lines
            route = route_of.get(entry.get("path")) if isinstance(entry, dict) else None
            if route is None:
                continue
            durations[route].append(float(entry["duration_ms"]))
            status = int(entry["status"])
            bad[route] += not (200 <= status < 300 or status == 304)
    for route, result in results.items():
        result.server_requests = len(durations[route])
        result.server_p99_ms = (
            percentile(durations[route], 99) if durations[route] else 0
        )
        result.server_bad_status = bad[route]


def table(results: dict[str, RouteResult], setup: str) -> str:
    """The figures, one line per route, the totals and ``setup`` (what ran)."""
    head = (
        f"{'route':<14}{'conns':>6}{'URLs':>6}{'requests':>10}{'req/s':>9}"
        f"{'p50 ms':>9}{'p99 ms':>9}{'server p99':>12}{'errors':>8}"
    )
    lines = [head, "-" * len(head)]
    for route, r in results.items():
        server = "—" if r.server_p99_ms is None else f"{r.server_p99_ms:.1f}"
        lines.append(
            f"{route:<14}{r.connections:>6}{r.urls:>6}{r.requests:>10,}{r.rps:>9,.1f}"
            f"{r.p50_ms:>9.1f}{r.p99_ms:>9.1f}{server:>12}{r.errors:>8}"
        )
    total = list(results.values())
    lines.append("-" * len(head))
    lines.append(
        f"{'total':<14}{sum(r.connections for r in total):>6}"
        f"{sum(r.urls for r in total):>6}{sum(r.requests for r in total):>10,}"
        f"{sum(r.rps for r in total):>9,.1f}{'':>30}{sum(r.errors for r in total):>8}"
    )
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    lines.append(f"{setup}; {os.cpu_count()} CPUs, load average {load}")
    return "\n".join(lines)
