"""Park fact fields (issue 19): min/max, lists, vocabularies and pairs stop the build
with the file, row and field, and the good values reach the store normalised."""

from __future__ import annotations

from pathlib import Path

import pytest

from layers.build import build
from layers.errors import SpecError
from layers.spec import load_spec
from layers.store.open import open_store
from tests.support.data_dirs import fails_with, with_facts, write_csv


def test_good_facts_reach_the_store_normalised(data_dir: Path, tmp_path) -> None:
    out = tmp_path / "facts.gpkg"
    build(with_facts(data_dir), out, progress=lambda _m: None)
    store = open_store(out)
    try:
        a = store.get("parks", "a").properties
        b = store.get("parks", "b").properties
        info = store.layer("parks")
    finally:
        store.close()
    assert a["industries_accepted"] == "26,27"  # spaces, ';' and the repeat gone
    assert (a["telecoms"], a["lease_end_year"], a["power_mva"]) == (
        "fibre,5g",
        2058,
        63,
    )
    assert (
        b["industries_accepted"] is None and b["rent_max_usd"] == 100
    )  # equal ends pass
    assert info.vocabularies["vsic"]["26"] == {
        "name_vi": "ngành 26",
        "name_en": "division 26",
    }
    assert list(info.vocabularies["vsic"]) == ["13", "26", "27"]
    # a list field ("fibre,5g") publishes no enum; a one-value field keeps its own
    assert info.field("telecoms").allowed == ()
    assert info.field("handover").allowed == ("serviced", "raw")


BAD = [
    (
        {"industries_accepted": "26,99"},
        "row 1, field 'industries_accepted'",
        "unknown code '99'",
    ),
    (
        {"industries_excluded": "1x"},
        "row 1, field 'industries_excluded'",
        "unknown code '1x'",
    ),
    ({"power_mva": "-5"}, "row 1, field 'power_mva'", "-5.0 is below the minimum 0"),
    (
        {"lease_end_year": "3000"},
        "row 1, field 'lease_end_year'",
        "above the maximum 2100",
    ),
    (
        {"rent_max_usd": "80"},
        "row 1, field 'rent_max_usd'",
        "80.0 is below rent_min_usd 95",
    ),
    (
        {"handover": "paved"},
        "row 1, field 'handover'",
        "'paved' is not one of serviced, raw",
    ),
    ({"telecoms": "fibre,6g"}, "row 1, field 'telecoms'", "'6g' is not one of"),
    (
        {"industries_excluded": "13,27"},
        "row 1, field 'industries_excluded'",
        "27 also in industries_accepted",
    ),
    ({"power_mva": "lots"}, "row 1, field 'power_mva'", "expected a number"),
]


@pytest.mark.parametrize(("change", "where", "what"), BAD)
def test_bad_fact_names_file_row_and_field(
    data_dir: Path, built: Path, change, where, what
) -> None:
    with_facts(data_dir, a=change)
    fails_with(data_dir, built, f"facts.csv, {where}", what)


def test_a_problem_in_the_second_row_names_row_2(data_dir: Path, built: Path) -> None:
    with_facts(data_dir, b={"rent_min_usd": "200"})
    fails_with(data_dir, built, "facts.csv, row 2, field 'rent_max_usd'")


@pytest.mark.parametrize(
    ("rows", "what"),
    [
        ([{"code": "26"}, {"code": "26"}], "row 2, field 'code'"),
        ([{"code": "26,27"}], "must not hold"),
        ([{"division": "26"}], "code column missing"),
    ],
)
def test_bad_vocabulary_file(data_dir: Path, built: Path, rows, what) -> None:
    with_facts(data_dir)
    write_csv(data_dir / "vocabularies" / "vsic.csv", rows)
    fails_with(data_dir, built, "vsic.csv", what)


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ('x = { type = "str", min = 0 }', "'min' needs a number field"),
        ('x = { type = "int", multiple = true }', "'multiple' needs a str field"),
        ('x = { type = "str", vocabulary = "nace" }', "vocabulary 'nace' is not in"),
        ('x = { type = "float", not_below = "y" }', "'y' is not in [fields]"),
    ],
)
def test_bad_checks_in_the_spec(data_dir: Path, field: str, message: str) -> None:
    spec = data_dir / "layers" / "parks.toml"
    spec.write_text(spec.read_text().replace("[fields]\n", f"[fields]\n{field}\n"))
    with pytest.raises(SpecError, match="x") as info:
        load_spec(spec, data_dir)
    assert message in str(info.value)
