"""The report's sections, made from what the parcel and park pages show.

Each section maker takes the page's context (``parcel_context`` or
``park_context``, plus ``distances`` for a park) and answers a ``Section``, or
None when it has nothing to say. The report prints ``PARCEL_SECTIONS`` or
``PARK_SECTIONS`` in order.

To add a section: have the page's context carry the data, write a maker here that
turns it into a ``Section`` (or a list of them) of plain text, and put it in the
tuple(s) where it belongs. The park's facts come from ``webmap.investor.facts``
as the pages show them; drive times are the distances' ``minutes``. Nothing else
changes: the document lays out any section, and the tests read the PDF's text back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext

from webmap.core.i18n import number
from webmap.investor import facts
from webmap.investor.labels import finite
from webmap.investor.parcel import Row

LIST_MAX = 12  # long lists (free parcels, blocks) stop here, with a count of the rest


@dataclass(frozen=True, slots=True)
class Table:
    """Rows of text; with no header, a two-column label/value table."""

    rows: list[tuple[str, ...]]
    header: tuple[str, ...] = ()
    numeric: frozenset[int] = frozenset()  # right-aligned columns
    footer: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    """A heading, an optional sentence and an optional table."""

    key: str
    title: str
    text: str = ""
    table: Table | None = None
    notes: list[str] = field(default_factory=list)


Maker = Callable[[dict[str, Any]], "Section | list[Section] | None"]


def _pairs(rows: list[Row]) -> Table:
    return Table([(r.label, r.value) for r in rows])


def _km(value: float) -> str:
    return f"{number(value, 1)} km"


def attributes(ctx: dict[str, Any]) -> Section:
    """The parcel's own attributes (status, area, clearance, rent, source…)."""
    return Section("attributes", gettext("Attributes"), table=_pairs(ctx["rows"]))


def parcel_park(ctx: dict[str, Any]) -> Section | None:
    """The park the parcel lies in: status, stage, zone, developer, areas."""
    park = ctx["park"]
    if park is None:
        return None
    title = f"{gettext('The park')}: {park.name}"
    return Section("park", title, table=_pairs(park.rows))


def distances(ctx: dict[str, Any]) -> Section:
    """Straight-line distances to every landmark, nearest first."""
    found = ctx["distances"]
    if not found:
        return Section(
            "distances",
            gettext("Distances"),
            gettext("No distances are known for this parcel."),
        )
    return Section(
        "distances",
        gettext("Distances"),
        table=Table(
            [(d.name, d.kind, _km(d.km), _minutes(d.minutes)) for d in found],
            (
                gettext("Place"),
                gettext("Type"),
                gettext("Straight-line distance"),
                gettext("Drive time by road"),
            ),
            frozenset({2, 3}),
        ),
    )


def _minutes(value: float | None) -> str:
    """Minutes by road, or ``—`` where the road network does not reach."""
    if value is None:
        return "—"
    return gettext("%(minutes)s min", minutes=number(value, 0))


def _fact_sections(found: list[facts.Section], prefix: str) -> list[Section]:
    """The park's facts (``webmap.investor.facts``) as report sections."""
    out = []
    for group in found:
        rows: list[tuple[str, ...]] = [(r.label, r.value) for r in group.rows]
        for heading, items in group.lists:
            rows.extend(_item_rows(heading, items, coded=group.key == "industries"))
        notes = [f"{gettext('Source')}: {group.source}"] if group.source else []
        key = f"{prefix}{group.key}"
        out.append(Section(key, group.title, table=Table(rows), notes=notes))
    return out


def _item_rows(
    heading: str, items: list[facts.Item], coded: bool
) -> list[tuple[str, ...]]:
    """One label/value row per industry division or incentive scheme."""
    if not items:
        return [(heading, "—")]
    rows = []
    for i, item in enumerate(items):
        value = f"{item.code} {item.name}" if coded else item.name
        details = [d for d in (item.rules, _legal(item.legal_basis)) if d]
        rows.append((heading if i == 0 else "", "\n".join([value, *details])))
    return rows


def _legal(basis: str) -> str:
    return f"{gettext('Legal basis')}: {basis}" if basis else ""


def parcel_park_facts(ctx: dict[str, Any]) -> list[Section]:
    """What investors weigh about the parcel's park: industries to contacts."""
    park = ctx["park"]
    return _fact_sections(park.facts, "park-") if park is not None else []


def park_facts(ctx: dict[str, Any]) -> list[Section]:
    """What investors weigh about the park: industries, utilities … contacts."""
    return _fact_sections(ctx["facts"], "")


def block(ctx: dict[str, Any]) -> Section:
    """The contiguous free block the parcel belongs to, if any."""
    found = ctx["block"]
    if found is None:
        text = gettext(
            "This parcel is not part of a free block (only available parcels are)."
        )
        return Section("block", gettext("Contiguous free land"), text)
    text = gettext(
        "This parcel belongs to free block %(id)s: %(ha)s ha in %(count)s adjacent "
        "available parcels that can be taken together.",
        id=found.id,
        ha=number(found.ha or 0, 2),
        count=found.count or 1,
    )
    table = None
    if found.others:
        table = Table(
            list(found.others),
            (gettext("Other parcels of the block"), gettext("Area")),
            frozenset({1}),
        )
    return Section("block", gettext("Contiguous free land"), text, table)


def housing(ctx: dict[str, Any]) -> Section:
    """Worker and social housing within the pages' radius: the labour nearby."""
    km = number(ctx["housing_km"], 0)
    title = gettext("Housing within %(km)s km: the labour nearby", km=km)
    if not ctx["housing"]:
        text = gettext(
            "No worker or social housing project is known within %(km)s km.", km=km
        )
        return Section("housing", title, text)
    rows = [
        (
            h.name,
            h.kind,
            h.status,
            number(h.capacity, 0) if h.capacity is not None else "—",
            _km(h.km),
        )
        for h in ctx["housing"]
    ]
    header = (
        gettext("Project"),
        gettext("Type"),
        gettext("Status"),
        gettext("Capacity (people)"),
        gettext("Distance"),
    )
    footer = (gettext("Total capacity"), "", "", number(ctx["labour"], 0), "")
    return Section(
        "housing", title, table=Table(rows, header, frozenset({3, 4}), footer)
    )


def park_summary(ctx: dict[str, Any]) -> Section:
    """The park's status, stage, zone, developer, areas and occupancy."""
    return Section("summary", gettext("Occupancy and land"), table=_pairs(ctx["rows"]))


def land_by_status(ctx: dict[str, Any]) -> Section:
    """Parcels and hectares per status, as the page's chart shows them."""
    title = gettext("Land by status")
    groups = ctx["by_status"]
    if not groups:
        return Section("status", title, gettext("No parcel of this park is known."))
    rows = [
        (style.label, str(len(parcels)), f"{number(_hectares(parcels), 2)} ha")
        for style, parcels in groups
    ]
    header = (gettext("Status"), gettext("Parcels"), gettext("Area"))
    return Section("status", title, table=Table(rows, header, frozenset({1, 2})))


def _hectares(parcels: list[Any]) -> float:
    return sum(finite(f.properties.get("area_ha")) or 0.0 for f in parcels)


def park_distances(ctx: dict[str, Any]) -> Section:
    """Straight-line distances from the park's centre to every landmark."""
    section = distances(ctx)
    if section.table is None:
        return Section(
            section.key, section.title, gettext("No distances are known for this park.")
        )
    return section


def _more(shown: int, total: int) -> list[str]:
    if total <= shown:
        return []
    return [gettext("… and %(count)s more.", count=total - shown)]


def free_parcels(ctx: dict[str, Any]) -> Section:
    """The park's available parcels, largest first."""
    title = gettext("Free parcels")
    free = ctx["free"]
    if not free:
        return Section("free", title, gettext("No parcel of this park is available."))
    text = gettext(
        "Available parcels: %(count)s, %(ha)s ha in all.",
        count=len(free),
        ha=number(ctx["free_ha"], 2),
    )
    rows = [(p.id, p.area, p.block_id or "—") for p in free[:LIST_MAX]]
    header = (gettext("Parcel"), gettext("Area"), ctx["block_label"])
    table = Table(rows, header, frozenset({1}))
    return Section("free", title, text, table, _more(len(rows), len(free)))


def free_blocks(ctx: dict[str, Any]) -> Section:
    """The park's contiguous free blocks, largest first."""
    title = gettext("Contiguous free land")
    blocks = ctx["blocks"]
    if not blocks:
        return Section(
            "blocks", title, gettext("This park has no contiguous free block.")
        )
    text = gettext(
        "Adjacent available parcels that can be taken together, largest first."
    )
    rows = [
        (b.id, f"{number(b.ha, 2)} ha", ", ".join(b.parcels)) for b in blocks[:LIST_MAX]
    ]
    header = (ctx["block_label"], gettext("Area"), gettext("Parcels"))
    table = Table(rows, header, frozenset({1}))
    return Section("blocks", title, text, table, _more(len(rows), len(blocks)))


def park_housing(ctx: dict[str, Any]) -> Section:
    """Housing within the radius of the park's centre."""
    section = housing(ctx)
    title = gettext(
        "Housing within %(km)s km of the park: the labour nearby",
        km=number(ctx["housing_km"], 0),
    )
    return Section(section.key, title, section.text, section.table)


# The report's sections in order; add new ones here (see the module docstring).
PARCEL_SECTIONS: tuple[Maker, ...] = (
    attributes,
    parcel_park,
    parcel_park_facts,
    distances,
    block,
    housing,
)
PARK_SECTIONS: tuple[Maker, ...] = (
    park_summary,
    land_by_status,
    park_facts,
    park_distances,
    free_parcels,
    free_blocks,
    park_housing,
)


def make(makers: tuple[Maker, ...], ctx: dict[str, Any]) -> list[Section]:
    """The sections ``makers`` make of ``ctx``, in order, the empty ones left out.

    A maker answers one section, several (the park's facts) or None.
    """
    out: list[Section] = []
    for maker in makers:
        made = maker(ctx)
        if isinstance(made, Section):
            out.append(made)
        elif made:
            out.extend(made)
    return out
