"""Map icons as inline SVG, read from Font Awesome's own SVG files.

The landmarks' badges and their legend used Font Awesome's web font: 159 kB of
font and 19 kB of CSS on every map page, for a handful of glyphs. The npm package
also ships each icon as an SVG file (``svgs/solid/<name>.svg``); ``icon_svg``
inlines the one path a badge needs (a few hundred bytes), read once per icon.
Names are checked by ``styles.icon`` before they reach here; an icon the package
lacks falls back to ``location-dot``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from flask import current_app
from markupsafe import Markup

from webmap.core.styles import COLOR_RE, ICON_RE

SVG_DIR = Path("@fortawesome") / "fontawesome-free" / "svgs" / "solid"
FALLBACK = "location-dot"
VIEWBOX = re.compile(r'viewBox="([0-9 .]+)"')
PATH = re.compile(r'<path d="([^"]+)"')


@lru_cache(maxsize=256)
def _shape(vendor_dir: str, name: str) -> tuple[str, str] | None:
    """(viewBox, path data) of an icon's SVG file, or None if there is none."""
    if not ICON_RE.match(name):
        return None
    try:
        text = (Path(vendor_dir) / SVG_DIR / f"{name}.svg").read_text(encoding="utf-8")
    except OSError:
        return None
    box, path = VIEWBOX.search(text), PATH.search(text)
    return (box.group(1), path.group(1)) if box and path else None


def icon_svg(name: str, color: str, size: int = 14) -> Markup:
    """An icon as an inline ``<svg>`` in ``color`` (decorative: hidden from AT).

    Args:
        name: a Font Awesome solid icon name (``ship``).
        color: a CSS colour already checked by ``styles.color``.
        size: width and height in CSS px.

    Returns:
        The SVG, or an empty string when neither the icon nor the fallback exists
        (the assets are not installed).
    """
    vendor_dir = str(current_app.config["VENDOR_DIR"])
    shape = _shape(vendor_dir, name) or _shape(vendor_dir, FALLBACK)
    if shape is None or not COLOR_RE.match(color):
        return Markup("")
    box, path = shape
    return Markup(
        '<svg viewBox="{}" width="{}" height="{}" aria-hidden="true" focusable="false">'
        '<path fill="{}" d="{}"/></svg>'
    ).format(box, size, size, color, path)
