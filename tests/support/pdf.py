"""Reading a PDF back: its text (pdftotext), its fonts (pdffonts), its QR codes.

The tools come from Debian's poppler-utils and zbar-tools; without them a test
skips, or fails under CI or as root (``tests.support.system_deps``).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.support.system_deps import missing

TOOLS = {"pdftotext": "poppler-utils", "pdftoppm": "poppler-utils",
         "pdffonts": "poppler-utils", "zbarimg": "zbar-tools"}  # fmt: skip


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        missing(f"{name} ({TOOLS[name]})", f"apt-get install {TOOLS[name]}")
    return found


def _run(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8")


def pdf_text(pdf: bytes, scratch: Path) -> str:
    """The PDF's text as pdftotext reads it, whitespace runs made one space."""
    path = scratch / "read.pdf"
    path.write_bytes(pdf)
    return " ".join(_run(_tool("pdftotext"), str(path), "-").split())


def pdf_fonts(pdf: bytes, scratch: Path) -> list[tuple[str, bool]]:
    """(font name, embedded?) of every font pdffonts lists."""
    path = scratch / "fonts.pdf"
    path.write_bytes(pdf)
    lines = _run(_tool("pdffonts"), str(path)).splitlines()[2:]
    found = []
    for line in lines:
        cells = line.split()
        # name type [type…] encoding emb sub uni object ID: emb is 5th from the end
        found.append((cells[0], cells[-5] == "yes"))
    return found


def qr_codes(pdf: bytes, scratch: Path, page: int = 1) -> list[str]:
    """The QR codes zbarimg finds on a page rendered at 200 dpi by pdftoppm."""
    path = scratch / "qr.pdf"
    path.write_bytes(pdf)
    stem = scratch / "page"
    subprocess.run(
        [_tool("pdftoppm"), "-r", "200", "-png", "-f", str(page), "-l", str(page),
         "-singlefile", str(path), str(stem)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    done = subprocess.run(
        [_tool("zbarimg"), "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable",
         str(stem.with_suffix(".png"))],
        capture_output=True, timeout=60, check=False,  # exit 4: no code found
    )  # fmt: skip
    return done.stdout.decode("utf-8").splitlines()
