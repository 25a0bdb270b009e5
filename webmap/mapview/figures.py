"""The authority's key figures for the map's panel.

The figures of the reporting period the map shows (``period_figures``), labelled
through the app's catalogues in the four languages; ``data/headline.toml``
(``load``) only while the store holds no published period.
"""

from __future__ import annotations

import logging
import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from layers.periods.rules import Period
from webmap.core.i18n import as_of, number

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


# The panel's lines: label, the headline fields summed, decimals, unit.
PANEL_LINES: tuple[tuple[Any, tuple[str, ...], int, Any], ...] = (
    (_l("Average industrial-park occupancy"), ("occupancy_avg_pct",), 2, "%"),
    (_l("FDI attracted in the period"), ("fdi_total_musd",), 0, _l("M USD")),
    (_l("New FDI projects in the period"), ("fdi_new_projects",), 0, ""),
    (_l("Cumulative FDI"), ("fdi_cumulative_musd",), 0, _l("M USD")),
    (_l("Domestic investment in the period"), ("ddi_total_bn_vnd",), 0, _l("bn VND")),
    (_l("Workers"), ("workers_vietnamese", "workers_foreign"), 0, ""),
    (_l("Average income"), ("income_m_vnd_month",), 1, _l("M VND/month")),
    (_l("Revenue"), ("revenue_musd",), 0, _l("M USD")),
    (_l("Exports"), ("exports_musd",), 0, _l("M USD")),
)


def period_figures(period: Period) -> list[tuple[str, str]]:
    """(label, value with unit) of the period's headline figures it gives.

    A line whose fields the period does not all give is left out rather than
    shown as a partial sum.
    """
    out = []
    for label, keys, digits, unit in PANEL_LINES:
        values = [period.headline.get(key) for key in keys]
        if any(v is None for v in values):
            continue
        value = sum(float(v) for v in values if v is not None)
        out.append((str(label), f"{number(value, digits)} {unit}".strip()))
    return out


def period_label(period: Period) -> str:
    """A period as the selector lists it: date, title and, if so, "illustrative"."""
    text = f"{as_of(period.end.isoformat())} · {period.title}"
    if period.illustrative:
        return gettext("%(period)s (illustrative)", period=text)
    return text
