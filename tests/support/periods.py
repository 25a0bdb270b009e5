"""Reporting periods for the tiny data set: ``data/periods/*.toml`` of parks a, b.

Two published periods in which park ``a``'s occupancy falls in different map
classes (40 % then 50 %), and one draft, so tests of pages, reports and trends
have periods to show.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

TINY_PERIODS = {
    "2023-06-30-quarter": """
        end = 2023-06-30
        kind = "quarter"
        title = "Quý 2 năm 2023"
        illustrative = true
        status = "published"

        [headline]
        fdi_total_musd = 1790
        fdi_new_projects = 33
        occupancy_avg_pct = 40

        [parks.a]
        occupancy_pct = 40
        leased_ha = 48.2
        projects = 3
        workers = 1200
        """,
    "2023-10-14-month": """
        end = 2023-10-14
        kind = "month"
        title = "Báo cáo kết quả 10 tháng năm 2023"
        illustrative = false
        status = "published"

        [headline]
        fdi_total_musd = 3037
        fdi_plan_musd = 2000
        fdi_new_projects = 57
        occupancy_avg_pct = 50

        [parks.a]
        occupancy_pct = 50
        leased_ha = 60.25
        projects = 4
        workers = 1500
        """,
    "2023-12-31-year": """
        end = 2023-12-31
        kind = "year"
        title = "Báo cáo năm 2023 (dự thảo)"
        status = "draft"

        [headline]
        fdi_total_musd = 3500

        [parks.a]
        occupancy_pct = 55
        """,
}


def write_period(data: Path, name: str, text: str) -> Path:
    """Write ``data/periods/<name>.toml`` (``text`` is dedented)."""
    path = data / "periods" / f"{name}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def write_periods(data: Path) -> Path:
    """Write ``TINY_PERIODS`` under ``data/periods``; return that directory."""
    for name, text in TINY_PERIODS.items():
        write_period(data, name, text)
    return data / "periods"
