"""Minified copies of the pages' scripts and styles: ``python -m webmap.assetbuild``.

``make assets`` runs it after ``npm ci``. esbuild (an npm devDependency pinned in
package-lock.json; its platform binary comes from the npm registry too) minifies

- the app's own ``.js`` and ``.css`` under ``webmap/static/``, into
  ``<out>/static/<path>``;
- every whitelisted library ``.js``/``.css`` (``webmap.core.assets.PACKAGES``)
  without ``.min`` in its name, into ``<out>/vendor/<npm name>/<path>``;

where ``<out>`` is ``PARKMAP_ASSET_BUILD_DIR`` (``build/assets``). Every stylesheet
written, and any library ``.min.css`` with an ``@font-face``, gets
``font-display: swap`` on each face, so text shows in a fallback font while a web
font loads. A file is redone only when its source (or this module) is newer than
its copy; copies are written beside and renamed, so a server never reads half a one.
The app serves a copy instead of its source while the copy is at least as new.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from webmap import settings
from webmap.core.assets import BUILD_STATIC, BUILD_VENDOR, PACKAGES, resolve
from webmap.settings import PROJECT_ROOT as ROOT

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
SUFFIXES = (".js", ".css")
_FONT_FACE = re.compile(r"@font-face\s*\{[^{}]*\}", re.IGNORECASE)
_FONT_DISPLAY = re.compile(r"font-display\s*:\s*[a-z-]+", re.IGNORECASE)
_ARCH = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}


class AssetBuildError(RuntimeError):
    """esbuild is missing or failed; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Job:
    """One file to write: its source, its copy, and whether esbuild minifies it."""

    source: Path
    target: Path
    minify: bool


def swap_font_display(css: str) -> str:
    """``css`` with ``font-display:swap`` in every ``@font-face`` (set or replaced)."""

    def swap(match: re.Match[str]) -> str:
        face = match.group(0)
        if _FONT_DISPLAY.search(face):
            return _FONT_DISPLAY.sub("font-display:swap", face)
        head, _, body = face[:-1].partition("{")
        body = body.strip().rstrip(";")
        return f"{head}{{{body + ';' if body else ''}font-display:swap}}"

    return _FONT_FACE.sub(swap, css)


def static_jobs(static_dir: Path, out: Path) -> list[Job]:
    """The app's own scripts and stylesheets, each minified."""
    return [
        Job(path, out / BUILD_STATIC / path.relative_to(static_dir), True)
        for path in sorted(static_dir.rglob("*"))
        if path.suffix in SUFFIXES and path.is_file()
    ]


def vendor_jobs(vendor_dir: Path, out: Path) -> list[Job]:
    """The libraries' whitelisted scripts and stylesheets (``.min`` ones not minified).

    Raises:
        AssetBuildError: a whitelisted file is missing (``npm ci`` has not run).
    """
    jobs = []
    for name, package in PACKAGES.items():
        for pattern in package.files:
            if not pattern.endswith(SUFFIXES) or "*" in pattern:
                continue
            source = resolve(name, pattern, vendor_dir)
            if source is None:
                raise AssetBuildError(
                    f"{package.npm}/{pattern} is missing under {vendor_dir}: "
                    "run `make assets` (npm ci)"
                )
            minify = ".min." not in pattern
            if minify or pattern.endswith(".css"):  # .min.css: for font-display
                jobs.append(
                    Job(source, out / BUILD_VENDOR / package.npm / pattern, minify)
                )
    return jobs


def outdated(job: Job, since: float) -> bool:
    """Whether ``job``'s copy is missing or older than its source or ``since``."""
    try:
        built = job.target.stat().st_mtime
    except FileNotFoundError:
        return True
    return built < max(job.source.stat().st_mtime, since)


def esbuild_command(vendor_dir: Path) -> list[str]:
    """The command to run esbuild: its native binary (no node needed), or the launcher.

    Raises:
        AssetBuildError: neither is installed.
    """
    arch = _ARCH.get(platform.machine().lower(), platform.machine().lower())
    system = {"win32": "win32", "darwin": "darwin"}.get(sys.platform, sys.platform)
    native = vendor_dir / "@esbuild" / f"{system}-{arch}" / "bin" / "esbuild"
    for candidate in (native, vendor_dir / ".bin" / "esbuild"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return [str(candidate)]
    raise AssetBuildError(f"esbuild is not installed under {vendor_dir}: run npm ci")


def minify(jobs: list[Job], workdir: Path, vendor_dir: Path) -> dict[Job, Path]:
    """Minify ``jobs`` with one esbuild run into ``workdir``; where each went.

    Raises:
        AssetBuildError: esbuild failed (its message is included).
    """
    names = {job: f"f{i}" for i, job in enumerate(jobs)}
    entries = [f"{names[job]}={job.source}" for job in jobs]
    command = [
        *esbuild_command(vendor_dir),
        *entries,
        f"--outdir={workdir}",
        "--minify",
        "--charset=utf8",
        "--log-level=error",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise AssetBuildError(f"esbuild failed: {result.stderr.strip()}")
    return {job: workdir / (names[job] + job.source.suffix) for job in jobs}


def _write(job: Job, text: str) -> None:
    """Write ``text`` to ``job.target`` through a temporary file and a rename."""
    job.target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=job.target.parent, prefix=".build-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, job.target)


def build(out: Path, vendor_dir: Path, *, force: bool = False) -> list[Path]:
    """Write every outdated copy under ``out``.

    Args:
        out: the build folder (``PARKMAP_ASSET_BUILD_DIR``).
        vendor_dir: ``node_modules``.
        force: redo every file, outdated or not.

    Returns:
        The copies written.

    Raises:
        AssetBuildError: esbuild or a library file is missing, or esbuild failed.
    """
    since = float("inf") if force else Path(__file__).stat().st_mtime
    jobs = static_jobs(STATIC_DIR, out) + vendor_jobs(vendor_dir, out)
    todo = [job for job in jobs if outdated(job, since)]
    to_minify = [job for job in todo if job.minify]
    written = []
    with tempfile.TemporaryDirectory(prefix="parkmap-assets-") as workdir:
        minified = minify(to_minify, Path(workdir), vendor_dir) if to_minify else {}
        for job in todo:
            text = (minified.get(job) or job.source).read_text(encoding="utf-8")
            if job.source.suffix == ".css":
                swapped = swap_font_display(text)
                if not job.minify and swapped == text:
                    continue  # a .min.css without fonts: its source is served
                text = swapped
            _write(job, text)
            written.append(job.target)
    return written


def main(argv: list[str] | None = None) -> int:
    """Build the copies; exit 1 with a message when that fails."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    default_out = settings.read("ASSET_BUILD_DIR") or str(settings.ASSET_BUILD_DIR)
    default_vendor = settings.read("VENDOR_DIR")
    parser.add_argument("--out", default=default_out, help="the build folder")
    parser.add_argument("--vendor", default=default_vendor, help="node_modules")
    parser.add_argument("--force", action="store_true", help="redo every file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        written = build(ROOT / args.out, Path(args.vendor), force=args.force)
    except AssetBuildError as exc:
        logger.error("%s", exc)
        return 1
    logger.info("assets: %d minified copies written to %s", len(written), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
