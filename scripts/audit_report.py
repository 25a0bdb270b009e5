"""Tables and targets of ``scripts/audit_pages.py`` (issue 16)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scripts.audit_browser import Load
    from scripts.audit_pages import Audit, Visit

GRID_TARGET = {"1366": 90.0, "390": 70.0}
BYTES_TARGET = 250_000
LH_TARGET = {"performance": 90.0, "accessibility": 100.0, "best_practices": 95.0}
LCP_TARGET_MS = 2500.0
PAGE_ROW = "{:44} {:3} {:>4} {:>3} {:>4} {:>4} {:>5} {:>3}  {}"
LH_ROW = "{:44} {:>5} {:>5} {:>5} {:>6} {:>6} {:>6} {:>6}  {}"


def _state(visit: Visit) -> str:
    return "in" if visit.signed_in else "out"


def _axe_cell(visit: Visit) -> str:
    return ", ".join(f"{rule}×{len(nodes)}" for rule, nodes in visit.axe.items()) or "0"


def print_tables(audit: Audit) -> None:
    """Print the page table, the Lighthouse table and the map's first-load bytes."""
    print()
    print(PAGE_ROW.format("page", "who", "size", "st", "ovf", "<44", "grid%", "err",
                          "axe WCAG 2 A/AA violations (rule×elements)"))  # fmt: skip
    for v in audit.visits:
        grid = f"{v.grid.percent:.0f}" if v.grid else "-"
        cells = (v.status, v.overflow, len(v.small), grid, len(v.errors))
        print(PAGE_ROW.format(v.path[:44], _state(v), v.size, *cells, _axe_cell(v)))
    if audit.lighthouse:
        print()
        print(LH_ROW.format("Lighthouse 12, mobile", "perf", "a11y", "bp", "LCP s",
                            "FCP s", "TBT ms", "kB",
                            "failed a11y/bp audits"))  # fmt: skip
        for path, s in audit.lighthouse.items():
            print(LH_ROW.format(
                path[:44], f"{s.performance:.0f}", f"{s.accessibility:.0f}",
                f"{s.best_practices:.0f}", f"{s.lcp_ms / 1000:.2f}",
                f"{s.fcp_ms / 1000:.2f}", f"{s.tbt_ms:.0f}", f"{s.bytes / 1000:.0f}",
                ", ".join(s.failed) or "-",
            ))  # fmt: skip
    if audit.load is not None:
        print_load(audit.load)
    print_details(audit)


def print_load(load: Load) -> None:
    """The map page's first-load bytes and its largest responses."""
    before = load.before_tile
    said = f"{before / 1000:.0f} kB" if before is not None else "(no parcel tile)"
    print(f"\nmap page, cold load at 1366×800: before the first parcel tile {said};"
          f" whole load {load.total / 1000:.0f} kB; largest:")  # fmt: skip
    for path, size in load.largest:
        print(f"  {size / 1000:7.1f} kB  {path}")


def print_details(audit: Audit) -> None:
    """Which elements fail each axe rule, and the small targets, per page."""
    failing: dict[tuple[str, str], set[str]] = defaultdict(set)
    for v in audit.visits:
        for rule, nodes in v.axe.items():
            failing[(v.path, rule)].update(f"{v.size}/{_state(v)}: {n}" for n in nodes)
    if failing:
        print("\naxe details (page, rule: size/who: element)")
    for (path, rule), nodes in sorted(failing.items()):
        print(f"  {path} {rule}:")
        for node in sorted(nodes)[:12]:
            print(f"      {node[:150]}")
    for v in audit.visits:
        if v.grid and v.grid.blockers:
            top = sorted(v.grid.blockers.items(), key=lambda b: -b[1])[:4]
            said = ", ".join(f"{what}×{n}" for what, n in top)
            print(f"  grid {v.path} {v.size}/{_state(v)}: covered by {said}")
    errors = {(v.path, e[:160]) for v in audit.visits for e in v.errors}
    if errors:
        print("\nconsole errors (page: first 160 characters)")
    for path, error in sorted(errors)[:60]:
        print(f"  {path}: {error}")
    small = {(v.path, s) for v in audit.visits if v.size == "390" for s in v.small}
    if small:
        print("\ncontrols under 44×44 px at 390 (page: element W×H)")
    for path, what in sorted(small)[:200]:
        print(f"  {path}: {what}")


def targets_missed(audit: Audit) -> list[str]:
    """One line per target of issue 16 that the audit missed."""
    missed = []
    for v in audit.visits:
        where = f"{v.path} ({v.size}, signed {_state(v)})"
        if v.axe:
            missed.append(f"axe {_axe_cell(v)} on {where}")
        if v.size == "390" and v.overflow > 0:
            missed.append(f"{v.overflow} px horizontal overflow on {where}")
        if v.size == "390" and v.small:
            missed.append(f"{len(v.small)} controls under 44×44 px on {where}")
        if v.grid and v.grid.percent < GRID_TARGET[v.size]:
            missed.append(f"map {v.grid.percent:.0f} % unobscured on {where}")
        if v.foreign:
            missed.append(f"requests off 127.0.0.1 on {where}: {v.foreign[:3]}")
    for path, s in audit.lighthouse.items():
        for name, least in LH_TARGET.items():
            if getattr(s, name) < least:
                missed.append(f"Lighthouse {name} {getattr(s, name):.0f} on {path}")
        if s.lcp_ms > LCP_TARGET_MS:
            missed.append(f"LCP {s.lcp_ms / 1000:.2f} s on {path}")
    if audit.load is not None:
        load = audit.load
        before = load.total if load.before_tile is None else load.before_tile
        if before > BYTES_TARGET:
            missed.append(f"map first load {before / 1000:.0f} kB before a parcel tile")
    return missed
