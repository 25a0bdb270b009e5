"""Numbers, amounts and dates the way each report language writes them.

The Vietnamese report writes ``1.171 triệu USD``, ``96,3 %`` and ``25,863 tỷ
USD``; the English one ``1,171 M USD``, ``96.3 %`` and ``25.863 bn USD``. The
language is an argument, never the request's: a Vietnamese page may hand out the
English report. Babel holds the separators (as ``webmap.core.i18n`` uses it).
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from babel.numbers import format_decimal

from webmap.core.params import InvalidParameter

REPORT_LANGUAGES = ("vi", "en")

# A field's unit (layers.periods.rules.Field.unit, plus "bn USD") as each
# language writes it after a figure.
UNITS = {
    "vi": {
        "%": "%",
        "ha": "ha",
        "projects": "dự án",
        "people": "người",
        "M USD": "triệu USD",
        "bn USD": "tỷ USD",
        "bn VND": "tỷ đồng",
        "M VND/month": "triệu đồng/tháng",
    },
    "en": {
        "%": "%",
        "ha": "ha",
        "projects": "projects",
        "people": "people",
        "M USD": "M USD",
        "bn USD": "bn USD",
        "bn VND": "bn VND",
        "M VND/month": "M VND/month",
    },
}


def report_language(asked: str) -> str:
    """``asked`` if the periodic report is written in it.

    Raises:
        InvalidParameter: not ``vi`` or ``en`` (the route answers 400 for ``lang``).
    """
    lang = asked.strip().lower()
    if lang not in REPORT_LANGUAGES:
        raise InvalidParameter("lang", f"expected one of {', '.join(REPORT_LANGUAGES)}")
    return lang


def number(value: float, lang: str, digits: int = 2) -> str:
    """``value`` with ``lang``'s separators and up to ``digits`` decimals."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=lang)


def percent(value: float, lang: str) -> str:
    """A share as the report writes it: ``193,75 %`` (vi), ``193.75 %`` (en)."""
    return f"{number(value, lang)} %"


def unit(name: str, lang: str) -> str:
    """A unit in ``lang`` (as given when unknown)."""
    return UNITS[lang].get(name, name)


def amount(value: float, unit_name: str, lang: str, digits: int = 2) -> str:
    """A figure and its unit: ``1.171 triệu USD``, ``25,863 tỷ USD``, ``63,25 %``."""
    return f"{number(value, lang, digits)} {unit(unit_name, lang)}"


def billions_usd(musd: float, lang: str) -> str:
    """Millions of USD written in billions: 25863 → ``25,863 tỷ USD``."""
    return amount(musd / 1000, "bn USD", lang, digits=3)


def day(date: dt.date, lang: str) -> str:
    """A date: ``14/10/2023`` in Vietnamese, ``Oct 14, 2023`` in English."""
    if lang == "vi":
        return date.strftime("%d/%m/%Y")
    return format_date(date, "medium", locale=lang)
