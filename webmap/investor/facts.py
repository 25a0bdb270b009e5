"""What investors weigh, per park (issue 19): industries, utilities, terms, contacts.

``park_facts(info, props, lang)`` turns a park's stored fields (joined at build from
``data/attributes/park_*.csv``) and the code tables in its layer info (VSIC 2018
divisions, incentive schemes) into sections of display text in the request's
language. The park page, the parcel page's park section and anything else that shows
a park's facts (a printed report) take them from here. Everything is plain text: the
templates escape it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from layers.store import LayerInfo
from webmap.core.i18n import AUTONYMS, number
from webmap.core.labels import code_name, value_label
from webmap.investor.labels import Row

VSIC, SCHEMES = "vsic", "schemes"
LANGUAGE_NAMES = {**AUTONYMS, "zh": "中文"}
FACT_LABELS = {
    "industries_accepted": _l("Industries accepted"),
    "industries_excluded": _l("Industries excluded"),
    "power_mva": _l("Power available"),
    "substations": _l("Substations"),
    "water_m3_day": _l("Water supply"),
    "wastewater_m3_day": _l("Wastewater treatment"),
    "wastewater_standard": _l("Discharge standard"),
    "fire_station": _l("Fire station in the park"),
    "customs_bonded": _l("Customs office or bonded warehouse"),
    "telecoms": _l("Telecoms"),
    "rent": _l("Land rent"),
    "lease_end_year": _l("Lease ends in"),
    "mgmt_fee_usd": _l("Management fee"),
    "handover": _l("Land handed over"),
    "min_plot_ha": _l("Smallest plot"),
    "schemes": _l("Incentive schemes"),
    "office_name": _l("Investment office"),
    "office_phone": _l("Phone"),
    "office_email": _l("Email"),
    "office_languages": _l("Languages spoken"),
    "authority_office": _l("The authority's contact point"),
    "authority_phone": _l("Phone"),
    "authority_email": _l("Email"),
}
SECTION_TITLES = {
    "industries": _l("Industries"),
    "utilities": _l("Utilities"),
    "terms": _l("Land terms"),
    "incentives": _l("Incentives"),
    "contacts": _l("Contacts"),
}
UTILITIES = (
    "power_mva", "substations", "water_m3_day", "wastewater_m3_day",
    "wastewater_standard", "fire_station", "customs_bonded", "telecoms",
)  # fmt: skip
TERMS = ("rent", "lease_end_year", "mgmt_fee_usd", "handover", "min_plot_ha")
CONTACTS = (
    "office_name", "office_phone", "office_email", "office_languages",
    "authority_office", "authority_phone", "authority_email",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Item:
    """A coded entry: an industry division or an incentive scheme."""

    code: str
    name: str
    rules: str = ""
    legal_basis: str = ""


@dataclass(slots=True)
class Section:
    """One group of facts with the source its table gives."""

    key: str
    title: str
    source: str
    rows: list[Row] = field(default_factory=list)
    lists: list[tuple[str, list[Item]]] = field(default_factory=list)


def codes(value: Any) -> list[str]:
    """The items of a list field (``"26,27"``)."""
    return [c for c in str(value or "").split(",") if c]


def _coded(value: Any) -> str:
    return ", ".join(value_label(c) for c in codes(value))


def _amount(unit: str, digits: int = 0) -> Callable[[Any], str]:
    return lambda v: f"{number(v, digits)} {unit}"


def _rent(props: dict[str, Any]) -> Any:
    low, high = props.get("rent_min_usd"), props.get("rent_max_usd")
    if low is None or high is None:
        return None
    if low == high:
        return f"{number(low, 1)} USD/m²"
    return f"{number(low, 1)}–{number(high, 1)} USD/m²"


FORMATS: dict[str, Callable[[Any], str]] = {
    "power_mva": _amount("MVA"),
    "water_m3_day": lambda v: gettext("%(amount)s m³/day", amount=number(v, 0)),
    "wastewater_m3_day": lambda v: gettext("%(amount)s m³/day", amount=number(v, 0)),
    "wastewater_standard": lambda v: gettext(
        "QCVN 40:2011/BTNMT, column %(column)s", column=v
    ),
    "fire_station": lambda v: gettext("yes") if v else gettext("no"),
    "customs_bonded": lambda v: gettext("yes") if v else gettext("no"),
    "telecoms": _coded,
    "handover": _coded,
    "lease_end_year": str,
    "mgmt_fee_usd": lambda v: gettext("%(amount)s USD/m² a year", amount=number(v, 2)),
    "min_plot_ha": _amount("ha", 2),
    "office_languages": lambda v: ", ".join(LANGUAGE_NAMES.get(c, c) for c in codes(v)),
}


def fact_label(name: str) -> str:
    """A fact's label in the request's language."""
    label = FACT_LABELS.get(name)
    return str(label) if label is not None else name


def fact_value(name: str, value: Any) -> str:
    """A fact's value as display text; ``—`` when unknown."""
    if value is None or value == "":
        return "—"
    text = FORMATS.get(name, str)(value)
    return text or "—"


def _rows(props: dict[str, Any], names: tuple[str, ...], present: set[str]) -> list:
    values = {**props, "rent": _rent(props)}
    present = present | ({"rent"} if "rent_min_usd" in present else set())
    wanted = [n for n in names if n in present]
    return [Row(n, fact_label(n), fact_value(n, values.get(n))) for n in wanted]


def coded_items(info: LayerInfo, vocabulary: str, value: Any, lang: str) -> list[Item]:
    """The entries of a list field, named from the layer's code table in ``lang``."""
    table = info.vocabularies.get(vocabulary, {})
    out = []
    for code in codes(value):
        row = table.get(code, {})
        out.append(
            Item(
                code=code,
                name=code_name(row, lang, code),
                rules=code_name(row, lang, "", "rules"),
                legal_basis=row.get("legal_basis", ""),
            )
        )
    return out


def _source(props: dict[str, Any], name: str) -> str:
    value = props.get(name)
    return value_label(str(value)) if value else ""


def _industries(info: LayerInfo, props: dict[str, Any], lang: str) -> Section:
    section = Section("industries", "", _source(props, "industries_source"))
    for name in ("industries_accepted", "industries_excluded"):
        items = coded_items(info, VSIC, props.get(name), lang)
        section.lists.append((fact_label(name), items))
    return section


def park_facts(info: LayerInfo, props: dict[str, Any], lang: str) -> list[Section]:
    """A park's facts by section, the sections its layer has fields for.

    Args:
        info: the parks layer (its fields and code tables).
        props: the park's properties.
        lang: the language of the code tables' names.

    Returns:
        Industries, utilities, land terms, incentives and contacts, in that order;
        a section only when the layer has one of its fields.
    """
    present = {f.name for f in info.fields}
    sections: list[Section] = []
    if {"industries_accepted", "industries_excluded"} & present:
        sections.append(_industries(info, props, lang))
    for key, names, source in (
        ("utilities", UTILITIES, "utilities_source"),
        ("terms", TERMS, "terms_source"),
    ):
        rows = _rows(props, names, present)
        if rows:
            sections.append(Section(key, "", _source(props, source), rows))
    if "schemes" in present:
        schemes = coded_items(info, SCHEMES, props.get("schemes"), lang)
        sections.append(
            Section(
                "incentives",
                "",
                _source(props, "incentives_source"),
                lists=[(fact_label("schemes"), schemes)],
            )
        )
    contacts = _rows(props, CONTACTS, present)
    if contacts:
        sections.append(
            Section("contacts", "", _source(props, "contacts_source"), contacts)
        )
    for section in sections:
        section.title = str(SECTION_TITLES[section.key])
    return sections


# The facts the comparison shows side by side, short (codes, not names).
COMPARED = (
    "industries_accepted", "power_mva", "water_m3_day", "handover",
    "lease_end_year", "rent", "schemes",
)  # fmt: skip


def compared_facts(info: LayerInfo, props: dict[str, Any], lang: str) -> list[Row]:
    """The park's facts the comparison lists, those its layer has fields for."""
    present = {f.name for f in info.fields}
    out = []
    for row in _rows(props, COMPARED, present):
        value = row.value
        if row.name in ("industries_accepted", "schemes") and value != "—":
            vocabulary = VSIC if row.name == "industries_accepted" else SCHEMES
            items = coded_items(info, vocabulary, props.get(row.name), lang)
            value = ", ".join(i.code if vocabulary == VSIC else i.name for i in items)
        out.append(Row(row.name, row.label, value))
    return out
