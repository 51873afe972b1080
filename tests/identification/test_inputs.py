"""`inputs_load`: what a run reads from the results store and the database, for one region."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from opora.analytics.work_features import PUPIL_ONLY_COLUMNS, WORK_FEATURE_COLUMNS
from opora.core.errors import ValidationFailed
from opora.core.models import School, SocialPassport
from opora.identification.inputs import inputs_load
from opora.identification.models import RuleSet, Run
from opora.identification.services import list_approve, override_set
from opora.identification.warnings import warning_texts
from opora.results.models import SchoolIndicator
from tests.identification.builders import AGGREGATES_ONLY, LOW, OTHER_REGION, PASSPORT_2024, YEAR, Built, aggregate_row
from tests.identification.conftest import run_now


def _load(built: Built, year: int = YEAR) -> object:
    return inputs_load(region=built.cast.r10, year=year, params={"kind": "federal"})


def _work(works: pd.DataFrame, school: str, procedure: str = "vpr", year: int = YEAR,
          subject: str = "math") -> pd.DataFrame:
    return works[(works["school_code"] == school) & (works["procedure"] == procedure) & (works["year"] == year)
                 & (works["subject"] == subject)]


def test_works_come_from_the_regions_pupils_and_aggregates_only(built: Built) -> None:
    data = _load(built)
    works = data.works
    assert list(works.columns) == WORK_FEATURE_COLUMNS
    assert sorted(works["school_code"].unique()) == built.region10  # never region 20's «2001»
    assert OTHER_REGION not in set(works["school_code"])
    assert sorted(works["year"].unique()) == [2024, 2025]
    low = _work(works, LOW).iloc[0]
    assert (low["source"], low["participants"], low["fail_count"], low["core"]) == ("pupils", 32, 14, True)
    assert low["fail_share"] == pytest.approx(14 / 32)
    assert (low["journal_n"], low["journal_gap2"], low["b3_at"]) == (32, 0, 0)
    assert low["score_kind"] == "mark"


def test_a_school_known_from_aggregates_has_counts_but_no_pupil_only_figures(built: Built) -> None:
    works = _load(built).works
    rows = works[works["school_code"] == AGGREGATES_ONLY]
    assert len(rows) == 4 and set(rows["source"]) == {"aggregates"}  # ВПР maths and Russian, 2024 and 2025
    row = rows[(rows["year"] == YEAR) & (rows["subject"] == "rus")].iloc[0]
    assert (row["participants"], row["fail_count"], row["mark2"], row["core"]) == (30, 3, 3, True)
    assert row["high_count"] == 13
    assert all(pd.isna(row[c]) for c in PUPIL_ONLY_COLUMNS)
    assert pd.isna(row["lowered"])


def test_an_aggregates_row_of_a_work_known_from_pupils_is_left_out(built: Built) -> None:
    # A form for a work the store holds pupils of (the rollup row of the pupils makes way for it).
    SchoolIndicator.objects.filter(school=built.cast.s1, year=YEAR, procedure__code="vpr", subject__code="math",
                                   class_name="").delete()
    aggregate_row(built.cast.s1, year=YEAR, subject="math", fails=20)
    data = _load(built)
    same = _work(data.works, "1001")
    assert list(same["source"]) == ["pupils"]
    assert list(same["fail_count"]) == [1]
    assert data.read["works"]["aggregates_superseded"] == 1


def test_tasks_are_the_years_whole_grade_completion(built: Built) -> None:
    data = _load(built)
    tasks, works = data.tasks, data.works
    assert set(tasks["year"]) == {YEAR}
    assert set(tasks["school_code"]) == set(built.codes)  # the aggregates-only school has no task rows
    row = tasks[(tasks["school_code"] == LOW) & (tasks["procedure"] == "oge") & (tasks["subject"] == "rus")
                & (tasks["task"] == 1)].iloc[0]
    # Each task scored half of the primary score out of 10, so completion = mean_pct / 100.
    assert row["completion"] == pytest.approx(_work(works, LOW, "oge", subject="rus").iloc[0]["mean_pct"] / 100)
    assert row["participants"] == 32


def test_schools_and_passports_of_the_year_with_a_fallback_to_an_earlier_one(built: Built) -> None:
    school = School.objects.get(code=PASSPORT_2024)
    SocialPassport.objects.create(school=school, year=2023, low_income_families=Decimal("0.9"))
    SocialPassport.objects.create(school=school, year=2026, low_income_families=Decimal("0.8"))
    data = _load(built)
    schools = data.schools.set_index("school_code")
    assert sorted(schools.index) == built.region10
    assert bool(schools.loc["1003", "selective"]) and not bool(schools.loc["1001", "selective"])
    assert schools.loc["1002", "municipality_code"] == "10-01"
    passports = data.passports.set_index("school_code")
    expected = float(SocialPassport.objects.get(school=school, year=2024).low_income_families)
    assert passports.loc[PASSPORT_2024, "low_income_families"] == pytest.approx(expected)
    assert data.read["passports"]["years"] == {"2025": 14, "2024": 1}
    assert data.read["passports"]["missing"] == 0


def test_read_lists_the_parts_and_counts_with_a_fingerprint(built: Built) -> None:
    data = _load(built)
    read = data.read
    assert sorted((p["procedure"], p["year"]) for p in read["parts"]) == [
        ("oge", 2024), ("oge", 2025), ("vpr", 2024), ("vpr", 2025)]
    assert all(p["rows"] == 15 * 2 * 32 for p in read["parts"])  # 14 region-10 schools + «2001», 2 works
    assert (read["schools"], read["aggregate_rows"], read["task_rows"]) == (15, 4, len(data.tasks))
    assert read["works"]["pupils"] == 14 * 8 and read["works"]["aggregates"] == 4
    assert _load(built).read["fingerprint"] == read["fingerprint"]
    SocialPassport.objects.filter(school__code=LOW, year=YEAR).update(low_income_families=Decimal("0.1"))
    assert _load(built).read["fingerprint"] != read["fingerprint"]


def test_history_holds_every_school_of_earlier_approved_lists(built: Built, rule_sets: dict[str, RuleSet]) -> None:
    earlier: Run = run_now(built.cast.r10, 2024, rule_sets["federal"])
    list_approve(actor=built.cast.alice, run=earlier)
    override_set(actor=built.cast.rita, region=built.cast.r10, year=2024, school=built.cast.s3, action="include",
                 reason="Проверка Рособрнадзора")
    data = _load(built)
    history = data.history
    assert set(history["year"]) == {2024}
    assert sorted(history["school_code"]) == built.region10
    # No school meets the federal rule in 2024 (it needs 2023 too): only the manual inclusion is listed.
    assert sorted(history.loc[history["included"], "school_code"]) == ["1003"]
    assert not history["exit"].any()
    assert data.read["history"]["years"] == [2024]
    assert data.read["history"]["lists"][0]["run"] == earlier.pk


def test_a_year_without_results_is_refused(built: Built) -> None:
    with pytest.raises(ValidationFailed):
        _load(built, year=2026)


def test_identification_leaves_mean_only_works_out_and_says_so(built: Built, rule_sets: dict[str, RuleSet]) -> None:
    SchoolIndicator.objects.filter(school__code=AGGREGATES_ONLY, year=YEAR, subject__code="math").update(
        mark2=None, mark3=None, mark4=None, mark5=None, fail_share=None, fail_low=None, fail_high=None,
        high_share=None, high_low=None, high_high=None)
    run = run_now(built.cast.r10, YEAR, rule_sets["federal"])
    assert run.inputs["works"]["aggregates_suppressed"] == {"works": 1, "schools": 1}
    texts = [w.text for w in warning_texts(run.warnings)]
    assert any("только средний результат" in t or "недостаточно данных" in t for t in texts), texts
    assert run.inputs["works"]["aggregates"] == 3  # the other three aggregate rows are read
