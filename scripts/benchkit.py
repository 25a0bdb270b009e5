"""What every benchmark shares so that none can flatter (issue 18).

- ``check_url`` / ``check_urls``: before timing, each URL that will be timed must
  answer the expected status with the expected content type and a non-empty body;
- ``wrk_errors`` / ``run_wrk``: wrk's "Socket errors" (connect, read, write,
  timeout) and "Non-2xx or 3xx responses" lines are errors, and any error fails;
- ``check_status``: the same for an in-process (Flask test client) answer;
- ``Spread`` / ``spread``: the median of the rounds, with the best and the worst
  beside it (never the best round alone).

A failure raises ``BenchFailed``; ``main`` wrappers turn it into exit status 1
with a message naming the URL and what was wrong (``exit_on_failure``).
"""

from __future__ import annotations

import functools
import re
import statistics
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


class BenchFailed(RuntimeError):
    """A benchmark saw an error, a timeout or an unexpected answer."""


def exit_on_failure(main: Callable[..., T]) -> Callable[..., T]:
    """Run ``main``; on ``BenchFailed`` print ``FAILED: …`` and exit with status 1."""

    @functools.wraps(main)
    def run(*args, **kwargs) -> T:
        try:
            return main(*args, **kwargs)
        except BenchFailed as exc:
            print(f"FAILED: {exc}", file=sys.stderr)
            raise SystemExit(1) from None

    return run


def check_url(
    url: str,
    content_type: str | Sequence[str] | None = None,
    *,
    status: int | Iterable[int] = 200,
    headers: dict[str, str] | None = None,
    timeout: float = 60,
    allow_empty: bool = False,
) -> bytes:
    """GET ``url`` once: the status, content type (a prefix) and a body; the body.

    Raises:
        BenchFailed: naming the URL and what was wrong.
    """
    wanted = {status} if isinstance(status, int) else set(status)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            code, ctype = resp.status, resp.headers.get("Content-Type")
            body = resp.read()
    except urllib.error.HTTPError as exc:
        code, ctype, body = exc.code, exc.headers.get("Content-Type"), exc.read()
    except OSError as exc:  # refused, reset, timed out
        raise BenchFailed(f"{url}: {exc}") from None
    if code not in wanted:
        raise BenchFailed(f"{url}: status {code}, expected {sorted(wanted)}")
    if content_type is not None:
        prefixes = (content_type,) if isinstance(content_type, str) else content_type
        if not (ctype or "").startswith(tuple(prefixes)):
            raise BenchFailed(f"{url}: content type {ctype!r}, expected {prefixes}")
    if not body and not allow_empty and code != 304:
        raise BenchFailed(f"{url}: empty body")
    return body


def check_urls(
    urls: Iterable[str], content_type: str | Sequence[str] | None = None, **kw
) -> int:
    """``check_url`` each of ``urls``; how many there were."""
    n = 0
    for url in urls:
        check_url(url, content_type, **kw)
        n += 1
    return n


def check_status(
    resp, path: str, content_type: str | None = None, *, status: int = 200
) -> bytes:
    """An in-process (test client) answer to ``path``: as ``check_url``; its body."""
    if resp.status_code != status:
        raise BenchFailed(f"{path}: status {resp.status_code}, expected {status}")
    ctype = resp.headers.get("Content-Type") or ""
    if content_type is not None and not ctype.startswith(content_type):
        raise BenchFailed(f"{path}: content type {ctype!r}, expected {content_type}")
    if not resp.data:
        raise BenchFailed(f"{path}: empty body")
    return resp.data


SOCKET_ERRORS = re.compile(
    r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
)
BAD_STATUS = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")


def wrk_errors(out: str) -> list[str]:
    """What went wrong in one wrk report (empty when nothing did)."""
    problems = []
    if match := SOCKET_ERRORS.search(out):
        kinds = ("connect", "read", "write", "timeout")
        counts = dict(zip(kinds, match.groups(), strict=True))
        problems += [f"{n} {kind} errors" for kind, n in counts.items() if int(n)]
    if match := BAD_STATUS.search(out):
        problems.append(f"{match[1]} non-2xx/3xx answers")
    if not re.search(r"Requests/sec:\s+[\d.]+", out):
        problems.append("no Requests/sec line")
    elif float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]) <= 0:
        problems.append("no requests answered")
    return problems


def run_wrk(cmd: list[str], label: str, env: dict[str, str] | None = None) -> str:
    """Run a wrk command line; its report, or ``BenchFailed`` naming ``label``."""
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise BenchFailed(f"wrk on {label} failed: {done.stderr.strip()}")
    if problems := wrk_errors(done.stdout):
        raise BenchFailed(f"wrk on {label}: {', '.join(problems)}")
    return done.stdout


def requests_per_second(out: str) -> float:
    """The ``Requests/sec`` of a wrk report."""
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])


@dataclass(frozen=True)
class Spread:
    """The median of some rounds, with the best and the worst beside it."""

    median: float
    best: float
    worst: float
    n: int

    def __format__(self, spec: str) -> str:
        """``median (lowest–highest)`` with ``spec`` applied to each."""
        spec = spec or ".1f"
        if self.n == 1:
            return format(self.median, spec)
        lo, hi = sorted((self.best, self.worst))
        return f"{self.median:{spec}} ({lo:{spec}}–{hi:{spec}})"


def spread(values: Sequence[float], higher_is_better: bool = True) -> Spread:
    """The ``Spread`` of ``values`` (rates: higher is better; times: lower)."""
    if not values:
        raise BenchFailed("no rounds measured")
    pick = (max, min) if higher_is_better else (min, max)
    return Spread(
        statistics.median(values), pick[0](values), pick[1](values), len(values)
    )
