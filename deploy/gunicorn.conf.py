"""Settings of gunicorn for the deployment examples (docker-compose and systemd).

Each worker process opens its own pool of at most ``pool_max`` connections (from
PARKMAP_STORE), shared by its threads: keep threads ≤ pool_max, and
pool_max × workers × machines below the database's max_connections.

The environment variables read here are declared in ``webmap/settings.py`` (section
gunicorn) and listed in ``docs/settings.md``; a test keeps the two in step.
"""

import multiprocessing
import os

from prometheus_client import multiprocess

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
# Threads let a worker wait on PostgreSQL for one request while serving another.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 5  # nginx keeps upstream connections open (see nginx.conf)
timeout = 60
graceful_timeout = 30
# Recycle workers now and then. A new worker takes ~3 s to load the app, so the
# jitter is wide: workers that restart together leave clients queueing meanwhile.
# Recycle a worker now and then (a slow leak stays bounded), but not every few
# seconds: at a few thousand requests a second 5,000 was a restart every two, each
# dropping its keep-alive connections and its warm caches (envelopes, tiles).
max_requests = 200_000
max_requests_jitter = 100_000
# gunicorn 27's control socket is one path per user (~/.gunicorn/gunicorn.ctl), which
# every gunicorn of that user on the host would share; parkmap does not use it.
control_socket_disable = True

errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# parkmap writes its own JSON access log (webmap.access); keep one of the two.
accesslog = None if os.environ.get("PARKMAP_ACCESS_LOG", "1") != "0" else "-"


def child_exit(server, worker):
    """Drop a dead worker's metric files (prometheus_client multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
