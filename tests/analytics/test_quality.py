from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from opora.analytics.quality import (
    QUALITY_GROUP_COLUMNS,
    QUALITY_INDEX_COLUMNS,
    QUALITY_SCHOOL_COLUMNS,
    REASON_NO_MARKS,
    REASON_SMALL_GROUP,
    quality_groups,
    quality_index,
)

SELECTION = {"vpr": (5, 6), "oge": (9,)}


def _work(school: str, marks: tuple[int, int, int, int], *, procedure: str = "vpr", grade: int = 5,
          subject: str = "ru", core: bool = True, year: int = 2025, mean_pct: float | None = 50.0) -> dict[str, Any]:
    return {"school_code": school, "procedure": procedure, "year": year, "subject": subject, "grade": grade,
            "core": core, "score_kind": "mark", "participants": sum(marks), "mark2": marks[0], "mark3": marks[1],
            "mark4": marks[2], "mark5": marks[3], "mean_pct": mean_pct}


# Three clearly separated kinds of school: mostly 2s and 3s, mostly 3s and 4s, mostly 4s and 5s.
PROFILES = {"weak": (0.45, 0.40, 0.12, 0.03), "middle": (0.08, 0.45, 0.37, 0.10), "strong": (0.01, 0.09, 0.40, 0.50)}


def _three_kinds(per_kind: int = 30, seed: int = 5) -> pd.DataFrame:
    """Schools drawn from the three profiles, each writing ВПР Russian 5 and maths 6 (40 pupils each)."""
    rng = np.random.default_rng(seed)
    rows = []
    for kind, shares in PROFILES.items():
        for i in range(per_kind):
            for subject, grade in [("ru", 5), ("math", 6)]:
                marks = tuple(int(m) for m in rng.multinomial(40, shares))
                rows.append(_work(f"{kind}{i:02d}", marks, subject=subject, grade=grade))
    return pd.DataFrame(rows)


def _kind(code: str) -> str:
    return code.rstrip("0123456789")


def test_schools_from_three_separated_distributions_form_three_groups_ordered_by_mean_mark() -> None:
    result = quality_groups(_three_kinds(), SELECTION, 2025, k=3)
    schools = result.schools.set_index("school_code")
    group_of_kind = schools.groupby(schools.index.map(_kind))["quality_group"].agg(lambda g: set(g.dropna()))
    assert group_of_kind.to_dict() == {"weak": {1}, "middle": {2}, "strong": {3}}  # each kind whole, weakest first
    groups = result.groups.set_index("group")
    assert list(result.groups.columns) == QUALITY_GROUP_COLUMNS
    assert list(groups.index) == [1, 2, 3]
    assert groups["mean_mark"].is_monotonic_increasing
    assert groups["schools"].tolist() == [30, 30, 30]
    # The centroid of the weakest group is close to the distribution its schools were drawn from.
    shares = ["share2", "share3", "share4", "share5"]
    assert groups.loc[1, shares].to_numpy() == pytest.approx(PROFILES["weak"], abs=0.04)
    assert groups[shares].sum(axis=1).to_numpy() == pytest.approx(1.0)


def test_a_schools_shares_pool_its_selected_works() -> None:
    works = pd.DataFrame([_work("s1", (2, 4, 4, 0)), _work("s1", (0, 2, 4, 4), subject="math", grade=6)])
    school = quality_groups(works, SELECTION, 2025, k=1).schools.iloc[0]
    assert list(quality_groups(works, SELECTION, 2025).schools.columns) == QUALITY_SCHOOL_COLUMNS
    assert school["participants"] == 20
    assert [school[f"share{m}"] for m in range(2, 6)] == pytest.approx([0.10, 0.30, 0.40, 0.20])
    assert school["mean_mark"] == pytest.approx(2 * 0.1 + 3 * 0.3 + 4 * 0.4 + 5 * 0.2)
    assert school["quality_group"] == 1 and school["reason"] == ""


def test_the_same_input_gives_the_same_groups_whatever_the_row_order() -> None:
    works = _three_kinds(seed=8)
    first = quality_groups(works, SELECTION, 2025)
    again = quality_groups(works, SELECTION, 2025)
    shuffled = quality_groups(works.sample(frac=1.0, random_state=3), SELECTION, 2025)
    pd.testing.assert_frame_equal(first.schools, again.schools)
    pd.testing.assert_frame_equal(first.schools, shuffled.schools)
    pd.testing.assert_frame_equal(first.groups, shuffled.groups)
    assert len(first.groups) == 9  # 90 different schools: the default k stands


def test_k_is_cut_to_the_number_of_distinct_distributions() -> None:
    works = pd.DataFrame([
        _work("a", (10, 10, 0, 0)), _work("b", (5, 5, 0, 0)),  # the same distribution as a
        _work("c", (0, 10, 10, 0)), _work("d", (0, 0, 10, 10)),
    ])
    result = quality_groups(works, SELECTION, 2025, k=9)
    schools = result.schools.set_index("school_code")["quality_group"]
    assert schools.to_dict() == {"a": 1, "b": 1, "c": 2, "d": 3}
    assert result.groups["group"].tolist() == [1, 2, 3]
    assert result.groups["schools"].tolist() == [2, 1, 1]
    assert result.groups["mean_mark"].to_numpy() == pytest.approx([2.5, 3.5, 4.5])


def test_small_schools_and_schools_without_marks_are_not_grouped_and_say_why() -> None:
    works = pd.concat([_three_kinds(per_kind=5), pd.DataFrame([
        _work("tiny", (3, 3, 2, 1)),  # 9 pupils
        _work("nomarks", (0, 0, 0, 0), procedure="ege", grade=11),  # only a work outside the selection
        _work("testscore", (0, 0, 0, 0), procedure="oge", grade=9),
    ])], ignore_index=True)
    works.loc[works["school_code"] == "testscore", "participants"] = 25
    schools = quality_groups(works, SELECTION, 2025, k=3).schools.set_index("school_code")
    assert pd.isna(schools.loc["tiny", "quality_group"]) and schools.loc["tiny", "reason"] == REASON_SMALL_GROUP
    assert schools.loc["tiny", "participants"] == 9
    assert schools.loc["tiny", "share2"] == pytest.approx(3 / 9)  # still shown, only not grouped
    for code in ["nomarks", "testscore"]:
        assert pd.isna(schools.loc[code, "quality_group"]) and schools.loc[code, "reason"] == REASON_NO_MARKS
        assert np.isnan(schools.loc[code, "mean_mark"])
    assert schools["quality_group"].notna().sum() == 15
    # With a lower minimum the 9-pupil school is grouped, with the weak schools it resembles.
    relaxed = quality_groups(works, SELECTION, 2025, k=3, min_participants=5).schools.set_index("school_code")
    assert relaxed.loc["tiny", "quality_group"] == 1 and relaxed.loc["tiny", "reason"] == ""


def test_non_core_subjects_other_years_and_unselected_grades_are_ignored() -> None:
    works = pd.DataFrame([
        _work("s1", (0, 10, 10, 0), mean_pct=60.0),
        _work("s1", (20, 0, 0, 0), subject="history", core=False, mean_pct=10.0),
        _work("s1", (20, 0, 0, 0), grade=7, mean_pct=10.0),  # ВПР 7 is not in the selection
        _work("s1", (20, 0, 0, 0), year=2024, mean_pct=10.0),
        _work("s1", (20, 0, 0, 0), procedure="oge", grade=5, mean_pct=10.0),  # ОГЭ takes grade 9 only
    ])
    school = quality_groups(works, SELECTION, 2025).schools.iloc[0]
    assert school["participants"] == 20 and school["share2"] == 0.0 and school["mean_mark"] == pytest.approx(3.5)
    index = quality_index(works, SELECTION, 2025).iloc[0]
    assert index["quality_index"] == pytest.approx(0.60) and index["quality_participants"] == 20
    # Another selection picks other rows: ВПР 7 alone.
    assert quality_index(works, {"vpr": [7]}, 2025).iloc[0]["quality_index"] == pytest.approx(0.10)


def test_quality_index_is_the_participant_weighted_mean_of_the_percent_of_maximum() -> None:
    works = pd.DataFrame([
        _work("s1", (5, 10, 10, 5), mean_pct=40.0),  # 30 pupils
        _work("s1", (0, 5, 5, 0), subject="math", grade=6, mean_pct=70.0),  # 10 pupils
        _work("s1", (10, 20, 20, 10), procedure="oge", grade=9, mean_pct=55.0),  # 60 pupils
        _work("s1", (0, 50, 50, 0), subject="math", procedure="oge", grade=9, mean_pct=None),  # skipped
        _work("s2", (0, 5, 5, 0), mean_pct=None),
        _work("s3", (0, 5, 5, 0), procedure="ege", grade=11),
    ])
    index = quality_index(works, SELECTION, 2025).set_index("school_code")
    assert list(quality_index(works, SELECTION, 2025).columns) == QUALITY_INDEX_COLUMNS
    assert index.loc["s1", "quality_index"] == pytest.approx((30 * 0.40 + 10 * 0.70 + 60 * 0.55) / 100)
    assert index.loc["s1", "quality_participants"] == 100
    for code in ["s2", "s3"]:  # no mean_pct, no selected work: a row without an index
        assert np.isnan(index.loc[code, "quality_index"]) and index.loc[code, "quality_participants"] == 0
    # The default selection is ВПР 5–6 and ОГЭ 9.
    assert quality_index(works, None, 2025).equals(quality_index(works, SELECTION, 2025))


def test_bad_settings_are_clear_errors() -> None:
    works = pd.DataFrame([_work("s1", (0, 10, 10, 0))])
    with pytest.raises(ValueError, match="at least 1"):
        quality_groups(works, SELECTION, 2025, k=0)
    with pytest.raises(ValueError, match="at least one procedure"):
        quality_index(works, {}, 2025)
    with pytest.raises(ValueError, match="Missing columns"):
        quality_groups(works.drop(columns=["core"]), SELECTION, 2025)
