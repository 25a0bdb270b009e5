"""The sample periods: the report's figures, the illustrative ones, the checks."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from layers.build import build
from layers.errors import BuildFailed
from layers.periods.sample import load_sample
from layers.store.open import open_store
from tests.support.data_dirs import fails_with
from tests.support.periods import write_period

ROOT = Path(__file__).resolve().parents[3]
PARK_IDS = {"nomura", "do_son", "trang_due", "dinh_vu", "mp_dinh_vu", "hang_hai",
            "an_duong", "vsip", "nam_cau_kien", "tien_thanh"}  # fmt: skip
TODAY = dt.date(2024, 1, 1)


@pytest.fixture(scope="module")
def samples() -> dict:
    loaded = load_sample(ROOT / "data" / "periods", PARK_IDS, TODAY)
    return {draft.period_id: (draft, status) for draft, status in loaded}


def test_the_report_period_holds_the_reports_figures(samples: dict):
    draft, status = samples["2023-10-14-month"]
    assert (status, draft.illustrative) == ("published", False)
    assert draft.headline == {
        "fdi_new_projects": 57, "fdi_new_musd": 1171, "fdi_added_projects": 37,
        "fdi_added_musd": 1866, "fdi_total_musd": 3037, "fdi_plan_musd": 2000,
        "fdi_cumulative_projects": 511, "fdi_cumulative_musd": 25863,
        "ddi_new_projects": 13, "ddi_new_bn_vnd": 22846, "ddi_added_projects": 14,
        "ddi_added_bn_vnd": 917, "ddi_total_bn_vnd": 23762,
        "ddi_cumulative_projects": 217, "ddi_cumulative_bn_vnd": 318337,
        "workers_vietnamese": 176284, "workers_foreign": 4469,
        "income_m_vnd_month": 11.5, "revenue_musd": 25078, "exports_musd": 18574,
        "imports_musd": 15254, "state_budget_bn_vnd": 10912,
        "occupancy_avg_pct": 63.25,
    }  # fmt: skip


def test_the_report_period_gives_only_occupancy_per_park(samples: dict):
    draft, _ = samples["2023-10-14-month"]
    assert draft.parks == {
        "nomura": {"occupancy_pct": 100}, "do_son": {"occupancy_pct": 96.3},
        "trang_due": {"occupancy_pct": 96.7}, "dinh_vu": {"occupancy_pct": 96.3},
        "mp_dinh_vu": {"occupancy_pct": 99.7}, "hang_hai": {"occupancy_pct": 100},
        "an_duong": {"occupancy_pct": 89.2}, "vsip": {"occupancy_pct": 76.6},
        "nam_cau_kien": {"occupancy_pct": 77.5},
    }  # fmt: skip


def test_the_same_period_a_year_earlier_gives_the_reports_ratios(samples: dict):
    now, _ = samples["2023-10-14-month"]
    before, _ = samples["2022-10-14-month"]
    total = now.headline["fdi_total_musd"]
    assert round(100 * total / before.headline["fdi_total_musd"], 2) == 193.75
    assert round(100 * total / now.headline["fdi_plan_musd"], 2) == 151.85


def test_the_earlier_periods_are_illustrative_and_change_a_map_class(samples: dict):
    earlier = [d for pid, (d, _) in samples.items() if pid != "2023-10-14-month"]
    assert len(earlier) == 3
    assert all(d.illustrative for d in earlier)
    before, _ = samples["2022-10-14-month"]
    # the map's classes start at 50 and 80 %: VSIP and Nam Cầu Kiền cross 50
    for park in ("vsip", "nam_cau_kien"):
        assert before.parks[park]["occupancy_pct"] < 50
        assert samples["2023-10-14-month"][0].parks[park]["occupancy_pct"] >= 50


def test_the_sample_periods_come_oldest_first():
    loaded = load_sample(ROOT / "data" / "periods", PARK_IDS, TODAY)
    assert [d.period_id for d, _ in loaded] == [
        "2022-10-14-month", "2022-12-31-year", "2023-06-30-quarter",
        "2023-10-14-month",
    ]  # fmt: skip


def test_a_missing_directory_holds_no_period(tmp_path: Path):
    assert load_sample(tmp_path / "periods", PARK_IDS, TODAY) == ()


def test_the_tiny_data_set_gets_its_periods(built: Path):
    store = open_store(built)
    try:
        assert [p.id for p in store.periods.periods(include_drafts=True)] == [
            "2023-06-30-quarter", "2023-10-14-month", "2023-12-31-year",
        ]  # fmt: skip
        assert store.periods.latest().parks == {
            "a": {"occupancy_pct": 50, "leased_ha": 60.25, "projects": 4,
                  "workers": 1500}
        }  # fmt: skip
    finally:
        store.close()


GOOD = """
    end = 2023-03-31
    kind = "quarter"
    title = "Quý 1"
    status = "published"
    [headline]
    fdi_total_musd = 800
    [parks.a]
    occupancy_pct = 45
    """


@pytest.mark.parametrize(
    ("old", "new", "key", "says"),
    [
        ("[parks.a]", "[parks.zz]", "parks.zz", "unknown park id"),
        ("fdi_total_musd", "fdi_totl_musd", "headline.fdi_totl_musd", "unknown field"),
        ("occupancy_pct = 45", "occupancy_pct = 100.5", "parks.a.occupancy_pct",
         "0–100"),
        ("occupancy_pct = 45", "projects = 2.5", "parks.a.projects", "whole number"),
        ("occupancy_pct = 45", 'workers = "1.200"', "parks.a.workers",
         "expected a number"),
        ("fdi_total_musd = 800", "fdi_total_musd = -1", "headline.fdi_total_musd",
         "negative"),
        ("2023-03-31", "2099-03-31", "end", "in the future"),
        ('"quarter"', '"week"', "kind", "expected one of month, quarter, year"),
        ('"published"', '"final"', "status", "expected one of draft, published"),
        ('title = "Quý 1"', 'titel = "Quý 1"', "titel", "unknown key"),
    ],
)  # fmt: skip
def test_a_bad_sample_file_fails_the_build_naming_file_and_key(
    built: Path, data_dir: Path, old: str, new: str, key: str, says: str
):
    write_period(data_dir, "2023-03-31-quarter", GOOD.replace(old, new, 1))
    fails_with(data_dir, built, "2023-03-31-quarter.toml", f"field '{key}'", says)


def test_every_problem_of_every_file_is_named(tmp_path: Path):
    write_period(tmp_path, "one", GOOD.replace("45", "145").replace("800", "-8"))
    write_period(tmp_path, "two", GOOD.replace("[parks.a]", "[parks.q]"))
    with pytest.raises(BuildFailed) as info:
        load_sample(tmp_path / "periods", {"a"}, TODAY)
    assert [(Path(p.path).name, p.field) for p in info.value.problems] == [
        ("one.toml", "headline.fdi_total_musd"),
        ("one.toml", "parks.a.occupancy_pct"),
        ("two.toml", "parks.q"),
    ]


def test_two_files_of_one_period_are_refused(tmp_path: Path):
    write_period(tmp_path, "one", GOOD)
    write_period(tmp_path, "two", GOOD)
    with pytest.raises(BuildFailed, match="also in"):
        load_sample(tmp_path / "periods", {"a"}, TODAY)


def test_a_file_that_is_not_toml_is_named(tmp_path: Path):
    write_period(tmp_path, "broken", "end = \n")
    with pytest.raises(BuildFailed, match=r"broken\.toml: not TOML"):
        load_sample(tmp_path / "periods", {"a"}, TODAY)


def test_a_rebuild_carries_the_periods_even_without_their_files(
    data_dir: Path, tmp_path: Path
):
    store_path = tmp_path / "s" / "parkmap.gpkg"
    build(data_dir, store_path, progress=lambda _m: None)
    shutil.rmtree(data_dir / "periods")
    report = build(data_dir, store_path, progress=lambda _m: None)
    assert report["periods"] == {"carried": 3, "seeded": 0}
