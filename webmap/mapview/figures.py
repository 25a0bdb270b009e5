"""The authority's headline figures for the map's panel (``data/headline.toml``)."""

from __future__ import annotations

import logging
import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from webmap.core.i18n import number

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Figure:
    """One headline figure: its value and, per language, its label and unit."""

    key: str
    value: float
    digits: int
    label: dict[str, str]
    unit: dict[str, str]

    def text(self, lang: str) -> tuple[str, str]:
        """(label, value with unit) in ``lang`` (English, then any, as fallback)."""
        label = self.label.get(lang) or self.label.get("en") or self.key
        unit = self.unit.get(lang) or self.unit.get("en") or ""
        value = number(self.value, self.digits)
        return label, f"{value} {unit}".strip()


def _figure(raw: dict[str, Any]) -> Figure | None:
    try:
        value = float(raw["value"])
        key = str(raw["key"])
    except (KeyError, TypeError, ValueError):
        return None
    if not math.isfinite(value):
        return None
    labels = raw.get("label") if isinstance(raw.get("label"), dict) else {}
    units = raw.get("unit") if isinstance(raw.get("unit"), dict) else {}
    digits = raw.get("digits", 0)
    return Figure(
        key,
        value,
        digits if isinstance(digits, int) and 0 <= digits <= 4 else 0,
        {str(k): str(v) for k, v in labels.items()},
        {str(k): str(v) for k, v in units.items()},
    )


def load(path: str | Path) -> tuple[Figure, ...]:
    """The figures in ``path``; none (with a warning) if it is missing or broken."""
    path = Path(path)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return ()
    return _load(path, stamp)


@lru_cache(maxsize=8)
def _load(path: Path, stamp: int) -> tuple[Figure, ...]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        logger.warning("headline figures %s not read: %s", path, exc)
        return ()
    items = data.get("figure") if isinstance(data.get("figure"), list) else []
    figures = [_figure(item) for item in items if isinstance(item, dict)]
    return tuple(f for f in figures if f is not None)
