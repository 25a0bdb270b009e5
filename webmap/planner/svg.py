"""SVG primitives every server-drawn chart shares: escaped text, bars, the root.

Charts scale with their ``viewBox``, use the generic ``sans-serif`` family and
presentation attributes only (no ``style``, no script), so they print as they show
and fit a strict Content-Security-Policy. Every piece of text is escaped here;
callers pass plain (translated) strings.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence

from markupsafe import escape

PARK_COLORS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip
FONT = 'font-family="sans-serif"'
BOLD, MIDDLE, END = ' font-weight="bold"', ' text-anchor="middle"', ' text-anchor="end"'
WIDTH = 760
NAME_CHARS = 32

Number = Callable[[float], str]


def plain(value: float) -> str:
    """A number with a thousands separator and one decimal (no locale)."""
    return f"{value:,.1f}"


def text(
    x: float, y: float, words: str, *, size: int = 12, extra: str = "", tip: str = ""
) -> str:
    """One escaped ``<text>`` element; ``tip`` becomes its (escaped) tooltip."""
    title = f"<title>{escape(tip)}</title>" if tip else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" {FONT}{extra}>'
        f"{title}{escape(words)}</text>"
    )


def rect(x: float, y: float, w: float, h: float, fill: str, *, tip: str = "") -> str:
    """One ``<rect>``; ``tip`` becomes its (escaped) tooltip."""
    title = f"<title>{escape(tip)}</title>" if tip else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" '
        f'fill="{fill}">{title}</rect>'
    )


def short(name: str, limit: int = NAME_CHARS) -> str:
    """``name`` cut to ``limit`` characters with an ellipsis."""
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def svg(height: float, label: str, body: list[str], summary: Sequence[str] = ()) -> str:
    """The root element around ``body``.

    ``label`` names the image; ``summary`` (its figures, one phrase each) becomes
    its ``<desc>``, the accessible description: a screen reader hears the numbers
    an ``role="img"`` would otherwise hide.
    """
    desc = f"<desc>{escape('; '.join(summary))}</desc>" if summary else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="100%" role="img" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>{desc}{''.join(body)}</svg>"
    )


def legend(
    keys: Sequence[tuple[str, str]], y: float, x0: float = 0, columns: int = 3
) -> tuple[list[str], float]:
    """Colour keys in a grid; returns the elements and the height below them."""
    col_w = (WIDTH - x0) / columns
    out = []
    for i, (color, label) in enumerate(keys):
        x, row_y = x0 + (i % columns) * col_w, y + (i // columns) * 18
        out.append(rect(x, row_y, 12, 12, color))
        out.append(text(x + 17, row_y + 10, short(label, 36), size=11))
    rows = math.ceil(len(keys) / columns)
    return out, y + rows * 18 + 6


def nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step (1, 2 or 5 × 10ⁿ) giving about ``ticks`` ticks."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def grid_line(left: float, right: float, y: float) -> str:
    """A light horizontal grid line across the plot at ``y``."""
    return (
        f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
        'stroke="#d1d5db" stroke-width="1"/>'
    )


def color(value: str, fallback: str) -> str:
    """``value`` if it is a ``#rgb``/``#rrggbb`` colour, else ``fallback``."""
    given = value.strip()
    digits = given[1:]
    ok = given.startswith("#") and len(digits) in (3, 6)
    return (
        given if ok and all(c in "0123456789abcdefABCDEF" for c in digits) else fallback
    )


class DatePlot:
    """Scales of a chart over time: days across, a quantity from zero up.

    Args:
        dates: the dates drawn, oldest first (at least one).
        highest: the largest value drawn; the axis ends at the round step above.
        day: how a date is written under the axis (ISO by default).
    """

    left, right, top, bottom = 70.0, WIDTH - 40.0, 50.0, 250.0

    def __init__(
        self,
        dates: Sequence[dt.date],
        highest: float,
        day: Callable[[dt.date], str] = dt.date.isoformat,
    ):
        self.days = [d.toordinal() for d in dates]
        self.dates = [day(d) for d in dates]
        self.step = nice_step(highest)
        self.ymax = max(self.step * math.ceil(highest / self.step), self.step)

    def x(self, day: int) -> float:
        """Where a day (ordinal) is across; the middle when there is one day."""
        first, last = self.days[0], self.days[-1]
        if last == first:
            return (self.left + self.right) / 2
        return self.left + (self.right - self.left) * (day - first) / (last - first)

    def y(self, value: float) -> float:
        """Where a value is up."""
        return self.bottom - (self.bottom - self.top) * value / self.ymax

    def axes(self, axis_label: str, number: Number) -> list[str]:
        """Grid lines, value ticks and date ticks."""
        out = [text(0, self.top - 10, axis_label, size=11)]
        for i in range(round(self.ymax / self.step) + 1):
            value, y = i * self.step, self.y(i * self.step)
            out.append(grid_line(self.left, self.right, y))
            out.append(text(self.left - 6, y + 4, number(value), size=10, extra=END))
        for i in self.date_ticks():
            x = self.x(self.days[i])
            out.append(text(x, self.bottom + 18, self.dates[i], size=10, extra=MIDDLE))
        return out

    def date_ticks(self, gap: float = 80.0) -> list[int]:
        """Indexes of the dates to write: the first, the last, none closer than gap."""
        shown: list[int] = []
        for i, day in enumerate(self.days):
            if not shown or self.x(day) - self.x(self.days[shown[-1]]) >= gap:
                shown.append(i)
        last = len(self.days) - 1
        if shown[-1] != last:
            if len(shown) > 1:
                far = self.x(self.days[last]) - self.x(self.days[shown[-1]]) >= gap
                shown = shown if far else shown[:-1]
            shown.append(last)
        return shown
