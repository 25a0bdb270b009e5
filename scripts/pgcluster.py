"""A throw-away PostgreSQL cluster with PostGIS on 127.0.0.1, for tests and benchmarks.

``PgCluster.start`` runs Debian's ``initdb`` and ``pg_ctl`` in a temporary
directory on a free port, as the calling user or, when that is root (PostgreSQL
refuses to run as root), as the ``postgres`` system user through ``runuser``. The
cluster trusts local TCP connections, skips fsync (nothing here must survive a
crash of the machine) and is stopped and deleted by ``stop``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

SUPERUSER = "parkmap"
INSTALL_HINT = (
    "PostgreSQL with PostGIS not found: `make system-deps` (as root) installs "
    "Debian's postgresql and postgresql-15-postgis-3"
)


def find_bindir() -> Path | None:
    """The newest PostgreSQL whose server has PostGIS next to it, or None."""
    candidates = []
    for bindir in Path("/usr/lib/postgresql").glob("*/bin"):
        version = bindir.parent.name
        control = Path(f"/usr/share/postgresql/{version}/extension/postgis.control")
        if (bindir / "initdb").is_file() and control.is_file():
            candidates.append((int(version) if version.isdigit() else 0, bindir))
    return max(candidates)[1] if candidates else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PgCluster:
    """A running throw-away cluster."""

    bindir: Path
    root: Path
    port: int
    run_as: str | None  # the system user running the server, None: ourselves

    @property
    def datadir(self) -> Path:
        """The cluster's data directory (``PGDATA``)."""
        return self.root / "data"

    def url(self, database: str, schema: str = "parkmap", **params: str) -> str:
        """A store URL for ``database``."""
        extra = "".join(f"&{k}={v}" for k, v in params.items())
        return (
            f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"
            f"?schema={schema}{extra}"
        )

    def conninfo(self, database: str = "postgres") -> str:
        """A libpq URL of ``database`` as the superuser."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.run_as is not None:
            command = ["runuser", "-u", self.run_as, "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)

    @classmethod
    def start(cls, bindir: Path) -> PgCluster:
        """Run ``initdb`` and start a cluster; raise RuntimeError when that fails."""
        run_as = "postgres" if os.geteuid() == 0 else None
        root = Path(tempfile.mkdtemp(prefix="parkmap-pg-"))
        if run_as is not None:
            user = pwd.getpwnam(run_as)
            os.chown(root, user.pw_uid, user.pw_gid)
        cluster = cls(bindir, root, free_port(), run_as)
        try:
            cluster._run(
                "initdb", "-D", str(cluster.datadir), "-U", SUPERUSER,
                "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
            )  # fmt: skip
            options = (
                f"-h 127.0.0.1 -p {cluster.port} -k {root} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200"
            )
            cluster._run(
                "pg_ctl", "-D", str(cluster.datadir), "-w", "-t", "60",
                "-o", options, "-l", str(root / "server.log"), "start",
            )  # fmt: skip
        except (subprocess.CalledProcessError, OSError) as exc:
            detail = getattr(exc, "stderr", "") or str(exc)
            shutil.rmtree(root, ignore_errors=True)
            raise RuntimeError(f"could not start PostgreSQL: {detail}") from exc
        return cluster

    def stop(self) -> None:
        """Stop the server at once and delete its files."""
        with contextlib.suppress(subprocess.CalledProcessError, OSError):
            self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create ``name`` (with PostGIS, or as a copy of ``template``); its conninfo.

        A template must have no open connection while it is copied.
        """
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"bad database name {name!r}")
        with psycopg.connect(self.conninfo(), autocommit=True) as con:
            statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            if template is not None:
                statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
            for attempt in range(50):  # a closing pool may still hold the template
                try:
                    con.execute(statement)
                    break
                except psycopg.errors.ObjectInUse:
                    if attempt == 49:
                        raise
                    time.sleep(0.05)
        if template is None:
            with psycopg.connect(self.conninfo(name), autocommit=True) as con:
                con.execute("CREATE EXTENSION postgis")
        return self.conninfo(name)

    def drop_database(self, name: str) -> None:
        """Drop ``name``, closing whatever connections it still has."""
        with psycopg.connect(self.conninfo(), autocommit=True) as con:
            con.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )
