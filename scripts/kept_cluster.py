"""A throw-away PostgreSQL cluster for the benchmarks, kept between runs on request.

``scripts/pgcluster.py``'s ``PgCluster`` makes and starts the cluster (initdb,
127.0.0.1, a free port, as ``postgres`` when run as root); this adds server settings
of a modest database host and, with ``keep``, a cluster that outlives the run: its
directory and state (what was loaded) stay in ``keep`` and the next run starts it
again on a new port instead of loading everything anew.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg

from scripts.pgcluster import INSTALL_HINT, PgCluster, find_bindir, free_port

# Server settings of a modest dedicated database host (the tests' cluster keeps
# PostgreSQL's defaults); applied with ALTER SYSTEM, so a kept cluster keeps them.
SERVER_SETTINGS = {
    "shared_buffers": "2GB",
    "effective_cache_size": "8GB",
    "maintenance_work_mem": "1GB",
    "work_mem": "32MB",
    "max_wal_size": "8GB",
    "random_page_cost": "1.1",
}


def _pg_ctl(cluster: PgCluster, *args: str) -> None:
    cluster._run("pg_ctl", "-D", str(cluster.datadir), "-w", "-t", "120", *args)


def _tune(cluster: PgCluster) -> None:
    """Apply ``SERVER_SETTINGS`` and restart (shared_buffers needs it)."""
    with psycopg.connect(cluster.conninfo(), autocommit=True) as con:
        for name, value in SERVER_SETTINGS.items():
            con.execute(f"ALTER SYSTEM SET {name} = '{value}'")
    _pg_ctl(cluster, "-l", str(cluster.root / "server.log"), "restart")


def _resume(state: dict, bindir: Path) -> PgCluster:
    """Start the kept cluster described by ``state`` on a new free port."""
    root = Path(state["root"])
    cluster = PgCluster(bindir, root, free_port(), state["run_as"])
    options = f"-h 127.0.0.1 -p {cluster.port} -k {root}"
    _pg_ctl(cluster, "-o", options, "-l", str(root / "server.log"), "start")
    return cluster


@contextlib.contextmanager
def cluster_for(keep: Path | None, database: str) -> Iterator[tuple[PgCluster, dict]]:
    """A running cluster with ``database`` (PostGIS) and its saved state; stopped after.

    Without ``keep`` the cluster is deleted at the end; with it, it is stopped and
    left in ``keep`` for the next run.
    """
    bindir = find_bindir()
    if bindir is None:
        sys.exit(INSTALL_HINT)
    keep = keep.resolve() if keep else None
    state_file = keep / "cluster.json" if keep else None
    if state_file is not None and state_file.exists():
        state = json.loads(state_file.read_text(encoding="utf-8"))
        cluster = _resume(state, bindir)
        print(f"reusing the cluster in {cluster.root}")
    else:
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            tempfile.tempdir = str(keep)  # PgCluster.start makes its root in there
        try:
            cluster = PgCluster.start(bindir)
        finally:
            tempfile.tempdir = None
        _tune(cluster)
        cluster.create_database(database)
        state = {"root": str(cluster.root), "run_as": cluster.run_as}
    try:
        yield cluster, state
    finally:
        if state_file is None:
            cluster.stop()
        else:
            state_file.write_text(json.dumps(state, indent=1), encoding="utf-8")
            with contextlib.suppress(subprocess.CalledProcessError):
                _pg_ctl(cluster, "-m", "fast", "stop")
            print(f"cluster kept in {cluster.root} (state in {state_file})")
