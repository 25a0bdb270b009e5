"""Lighthouse 12 (node_modules, mobile preset) against Debian's Chromium, one page."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = " ".join(
    (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
    )
)
CATEGORIES = "performance,accessibility,best-practices"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scores:
    """One Lighthouse run: category scores (0-100) and load figures."""

    performance: float
    accessibility: float
    best_practices: float
    lcp_ms: float
    fcp_ms: float
    tbt_ms: float  # total blocking time
    bytes: int
    failed: tuple[str, ...]  # accessibility and best-practice audits that failed


def lighthouse(url: str, cookie: str = "", tries: int = 3) -> Scores:
    """Run Lighthouse on ``url`` (with ``cookie`` as a Cookie header if given).

    Lighthouse sometimes loses its own trace ("NO_NAVSTART: … run Lighthouse
    again"); such a run is repeated, up to ``tries`` in all.

    Raises:
        RuntimeError: Lighthouse did not produce a report.
    """
    for attempt in range(1, tries + 1):
        try:
            return _lighthouse_once(url, cookie)
        except RuntimeError as exc:
            if attempt == tries or "run Lighthouse again" not in str(exc):
                raise
            logger.warning("lighthouse lost its trace on %s; again (%d)", url, attempt)
    raise AssertionError("unreachable")


def _lighthouse_once(url: str, cookie: str) -> Scores:
    """One Lighthouse run."""
    with tempfile.TemporaryDirectory(prefix="parkmap-lh-") as tmp:
        out = Path(tmp) / "report.json"
        command = [
            "npx", "--no-install", "lighthouse", url,
            "--output=json", f"--output-path={out}", "--quiet",
            f"--chrome-flags={CHROME_FLAGS}", f"--only-categories={CATEGORIES}",
        ]  # fmt: skip
        if cookie:
            command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
        env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", CHROMIUM)}
        logger.info("lighthouse %s", url)
        done = subprocess.run(
            command,
            check=False,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(f"lighthouse failed on {url}: {done.stderr[-2000:]}")
        report = json.loads(out.read_text(encoding="utf-8"))
    return scores(report)


def scores(report: dict) -> Scores:
    """The figures of a Lighthouse JSON report."""
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse: {report['runtimeError']}")
    categories, audits = report["categories"], report["audits"]

    def score(name: str) -> float:
        return round(100 * (categories[name]["score"] or 0), 1)

    failed = tuple(
        ref["id"]
        for name in ("accessibility", "best-practices")
        for ref in categories[name]["auditRefs"]
        if ref["weight"] and audits[ref["id"]]["score"] not in (None, 1)
    )
    return Scores(
        performance=score("performance"),
        accessibility=score("accessibility"),
        best_practices=score("best-practices"),
        lcp_ms=audits["largest-contentful-paint"]["numericValue"],
        fcp_ms=audits["first-contentful-paint"]["numericValue"],
        tbt_ms=audits["total-blocking-time"]["numericValue"],
        bytes=int(audits["total-byte-weight"]["numericValue"]),
        failed=failed,
    )
