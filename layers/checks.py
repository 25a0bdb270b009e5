"""Checks of typed values beyond their type: bounds, lists, vocabularies, pairs.

A field of a layer spec may say ``min``/``max`` (numbers), ``multiple`` (several
values in one cell, comma-separated), ``vocabulary`` (every value a code of a
table named in the spec's ``[vocabularies]``), ``not_below`` (a range's upper end
is not below its lower end) and ``disjoint`` (two lists share no value). The
messages name what was expected and what arrived; ``layers.load`` adds the file,
row and field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from layers.errors import InvalidSourceData
from layers.spec import FieldSpec, LayerSpec

CODE_COLUMN = "code"
SEPARATORS = re.compile(r"[,;]")
# (field, row index) → the file and the row number a problem names
Where = Callable[[str, int], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """A code table: each code's other columns (names in four languages, rules…)."""

    name: str
    path: Path
    rows: dict[str, dict[str, str]]

    def codes(self) -> tuple[str, ...]:
        """The codes in the file's order."""
        return tuple(self.rows)


def read_vocabularies(
    spec: LayerSpec, read_table: Callable[[Path], tuple[list[str], list[dict]]]
) -> tuple[dict[str, Vocabulary], list[InvalidSourceData]]:
    """Every ``[vocabularies]`` table of ``spec``, and the problems found in them."""
    found: dict[str, Vocabulary] = {}
    problems: list[InvalidSourceData] = []
    for name, path in spec.vocabularies.items():
        try:
            columns, rows = read_table(path)
        except InvalidSourceData as exc:
            problems.append(exc)
            continue
        if CODE_COLUMN not in columns:
            problems.append(
                InvalidSourceData("code column missing", path=path, field=CODE_COLUMN)
            )
            continue
        table: dict[str, dict[str, str]] = {}
        for n, row in enumerate(rows, start=1):
            code = (row.get(CODE_COLUMN) or "").strip()
            message = _bad_code(code, table)
            if message:
                problems.append(
                    InvalidSourceData(message, path=path, row=n, field=CODE_COLUMN)
                )
                continue
            table[code] = {
                k.strip(): (v or "").strip()
                for k, v in row.items()
                if k and k.strip() != CODE_COLUMN
            }
        found[name] = Vocabulary(name, path, table)
    return found, problems


def _bad_code(code: str, table: dict[str, Any]) -> str:
    if not code:
        return "missing code"
    if SEPARATORS.search(code):
        return f"a code must not hold ',' or ';': {code!r}"
    if code in table:
        return f"duplicate code {code!r}"
    return ""


def check_value(
    fs: FieldSpec, value: Any, vocabularies: dict[str, Vocabulary]
) -> tuple[Any, list[str]]:
    """``value`` normalised (a list joined by ``,``) and what is wrong with it.

    Args:
        fs: the field's spec.
        value: the typed value (not None).
        vocabularies: the layer's code tables.

    Returns:
        The value to store and the problems (empty when it passes).
    """
    items = _split(value) if fs.multiple else [value]
    problems = [p for item in items for p in _item_problems(fs, item, vocabularies)]
    return (",".join(items) if fs.multiple else value), problems


def _split(value: Any) -> list[str]:
    """The distinct items of a list cell, in order."""
    parts = (p.strip() for p in SEPARATORS.split(str(value)))
    return list(dict.fromkeys(p for p in parts if p))


def _item_problems(
    fs: FieldSpec, item: Any, vocabularies: dict[str, Vocabulary]
) -> list[str]:
    out = []
    if fs.allowed and str(item) not in fs.allowed:
        out.append(f"'{item}' is not one of {', '.join(fs.allowed)}")
    vocabulary = vocabularies.get(fs.vocabulary or "")
    if vocabulary is not None and str(item) not in vocabulary.rows:
        out.append(f"unknown code '{item}' (not in {vocabulary.path.name})")
    if fs.minimum is not None and item < fs.minimum:
        out.append(f"{item} is below the minimum {fs.minimum:g}")
    if fs.maximum is not None and item > fs.maximum:
        out.append(f"{item} is above the maximum {fs.maximum:g}")
    return out


def check_pairs(
    fields: tuple[FieldSpec, ...], columns: dict[str, list[Any]], where: Where
) -> list[InvalidSourceData]:
    """``not_below`` and ``disjoint``: each row's value against another field's.

    Args:
        fields: the layer's fields.
        columns: field → its typed values (rows in order).
        where: the file and row number of a field's row, for the message.
    """
    problems = []
    for fs in fields:
        for other, test in ((fs.not_below, _below), (fs.disjoint, _shared)):
            if other is None or fs.name not in columns or other not in columns:
                continue
            pairs = zip(columns[fs.name], columns[other], strict=True)
            for i, (value, reference) in enumerate(pairs):
                if value is None or reference is None:
                    continue
                message = test(value, reference, other)
                if message:
                    problems.append(
                        InvalidSourceData(message, field=fs.name, **where(fs.name, i))
                    )
    return problems


def _below(value: Any, reference: Any, other: str) -> str:
    return f"{value} is below {other} {reference}" if value < reference else ""


def _shared(value: Any, reference: Any, other: str) -> str:
    shared = sorted(set(_split(value)) & set(_split(reference)))
    return f"{', '.join(shared)} also in {other}" if shared else ""
