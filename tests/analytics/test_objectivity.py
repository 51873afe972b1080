from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from opora.analytics.objectivity import (
    ABOVE_REGION,
    BOUNDARY_PEAK,
    INVERTED_DIFFICULTY,
    JOURNAL_GAP,
    NUMBER_KEYS,
    SCHOOL_KEYS,
    SIGN_COLUMNS,
    SIGNS,
    UNSTABLE_JUMP,
    ObjectivityConfig,
    ObjectivityResult,
    objectivity_signs,
)
from tests.analytics.objectivity_data import (
    AGGREGATES,
    INFLATED,
    LYCEUM,
    SMALL,
    STRONG,
    YEAR,
    frames,
    ordinary,
    region,
    schools_frame,
    work,
    works_frame,
)

ORDINARY = [s.code for s in ordinary()]


@pytest.fixture(scope="module")
def synthetic() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return region()


@pytest.fixture(scope="module")
def result(synthetic: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> ObjectivityResult:
    works, tasks, schools = synthetic
    return objectivity_signs(works, tasks, schools, YEAR)


def row(result: ObjectivityResult, school: str, sign: str) -> dict[str, Any]:
    """The school's row for the sign on its ВПР work (there is one work per school here)."""
    frame = result.signs[(result.signs["school_code"] == school) & (result.signs["sign"] == sign)
                         & result.signs["procedure"].notna()]
    assert len(frame) == 1, frame
    return frame.iloc[0].to_dict()


def verdict(result: ObjectivityResult, school: str, sign: str) -> dict[str, Any]:
    """The school's verdict for the sign over all its works (the school row)."""
    frame = result.signs[(result.signs["school_code"] == school) & (result.signs["sign"] == sign)
                         & result.signs["procedure"].isna()]
    assert len(frame) == 1, frame
    return frame.iloc[0].to_dict()


def summary(result: ObjectivityResult, school: str) -> dict[str, Any]:
    return result.schools.set_index("school_code").loc[school].to_dict()


# --- The synthetic region ------------------------------------------------------------------------


def test_the_inflated_school_shows_every_sign_with_its_numbers(result: ObjectivityResult) -> None:
    school = summary(result, INFLATED.code)
    assert school["objectivity_signs"] == sorted(SIGNS)
    assert school["objectivity_index"] == 1.0
    assert school["signs_evaluated"] == 5

    above = row(result, INFLATED.code, ABOVE_REGION)["numbers"]
    assert above["value"] > above["bar"] == pytest.approx(above["region_mean"] + 1.5 * above["region_sd"])
    assert above["confirmed"] is False and above["confirm_diff"] < 0 and above["confirm_works"] == 2
    judged = verdict(result, INFLATED.code, ABOVE_REGION)["numbers"]
    assert judged["standing"] >= 1.5 and judged["z"] >= judged["bar"] and judged["false_positive_rate"] == 0.01

    peak = row(result, INFLATED.code, BOUNDARY_PEAK)["numbers"]
    assert peak["below"] == 0 and peak["at"] >= 10  # pupils one point short were pushed onto the boundary
    assert peak["boundary"] in ("b4", "b5") and peak["peaks"] >= 2

    inverted = row(result, INFLATED.code, INVERTED_DIFFICULTY)["numbers"]
    assert inverted["hard_better"] == inverted["hard_tasks"] >= 3  # leaked hard tasks
    assert inverted["easy_worse"] > inverted["easy_tasks"] / 2
    assert inverted["inverted_pattern"] and inverted["rank_corr"] < 0.3 and inverted["contrast"] > 0.3

    journal = row(result, INFLATED.code, JOURNAL_GAP)["numbers"]
    assert journal["direction"] == "raised" and journal["imbalance"] >= 0.3 and journal["gap2_share"] >= 0.15

    jump = row(result, INFLATED.code, UNSTABLE_JUMP)["numbers"]
    assert jump["kind"] == "jump" and jump["z"] >= 2.0
    assert jump["change"] == pytest.approx(jump["value"] - jump["previous_value"])
    for sign in SIGNS:  # the work of a marked school that points the same way is marked too
        assert row(result, INFLATED.code, sign)["status"] == "present"


def test_ordinary_schools_show_no_sign_that_noise_cannot_explain(result: ObjectivityResult) -> None:
    signs = result.signs[result.signs["school_code"].isin(ORDINARY)]
    present = signs[signs["status"] == "present"]
    # Above the region, pile-ups, inverted tasks and journal gaps do not come from sampling noise;
    # a change far beyond the region's (now or last year) is a tail event: about one school in 100.
    assert set(present["sign"]) <= {UNSTABLE_JUMP}
    assert present["school_code"].nunique() <= 1
    indexes = result.schools.set_index("school_code").loc[ORDINARY, "objectivity_index"]
    assert (indexes <= 0.2).all() and (indexes == 0).sum() >= 31


def test_the_region_says_how_many_schools_each_sign_marks_and_how_many_chance_would(
        result: ObjectivityResult) -> None:
    marks = result.region["marks"]
    assert set(marks) == set(SIGNS)
    assert marks[BOUNDARY_PEAK]["marked"] == 1 and marks[BOUNDARY_PEAK]["judged"] == 35  # not small, aggregates
    assert marks[ABOVE_REGION]["marked"] == 2  # the inflated school and the aggregates school
    for sign in SIGNS:
        assert marks[sign]["false_positive_rate"] == 0.01
        assert marks[sign]["by_chance"] == pytest.approx(0.01 * marks[sign]["judged"], abs=0.05)


def test_a_school_of_eight_pupils_is_never_flagged(result: ObjectivityResult) -> None:
    school = summary(result, SMALL.code)
    assert school["objectivity_signs"] == [] and np.isnan(school["objectivity_index"])
    assert school["signs_evaluated"] == 0
    rows = result.signs[result.signs["school_code"] == SMALL.code]
    assert set(rows["status"]) == {"not_enough_data"}
    # It is as inflated as the big one: the numbers are there, the verdict is not.
    assert row(result, SMALL.code, ABOVE_REGION)["numbers"]["reason"] == "few_participants"
    assert row(result, SMALL.code, INVERTED_DIFFICULTY)["numbers"]["low_rank_corr"] is True
    assert verdict(result, SMALL.code, ABOVE_REGION)["numbers"]["reason"] == "no_evaluable_work"


def test_a_selective_school_above_the_region_is_not_marked(
    synthetic: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], result: ObjectivityResult
) -> None:
    numbers = row(result, LYCEUM.code, ABOVE_REGION)
    assert numbers["status"] == "absent"
    assert numbers["numbers"]["above"] and numbers["numbers"]["selective"] and not numbers["numbers"]["confirmed"]
    works, tasks, schools = synthetic
    plain = schools.assign(selective=schools["selective"] & (schools["school_code"] != LYCEUM.code))
    again = objectivity_signs(works, tasks, plain, YEAR)
    assert verdict(again, LYCEUM.code, ABOVE_REGION)["status"] == "present"


def test_a_school_whose_state_exams_confirm_it_is_not_marked(
    synthetic: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], result: ObjectivityResult
) -> None:
    strong = row(result, STRONG.code, ABOVE_REGION)
    assert strong["status"] == "absent" and strong["numbers"]["above"] and strong["numbers"]["confirmed"]
    works, tasks, schools = synthetic
    no_exams = works[~((works["school_code"] == STRONG.code) & (works["procedure"] == "oge"))]
    again = objectivity_signs(no_exams, tasks, schools, YEAR)
    # Without exams the result can be neither confirmed nor refuted: no verdict, and it says why.
    assert verdict(again, STRONG.code, ABOVE_REGION)["status"] == "not_enough_data"
    assert verdict(again, STRONG.code, ABOVE_REGION)["numbers"]["reason"] == "no_confirmation"
    numbers = row(again, STRONG.code, ABOVE_REGION)["numbers"]
    assert numbers["confirm_absent"] is True and numbers["reason"] == "no_confirmation"


def test_aggregates_only_school_gets_above_region_but_no_peak_or_gap_of_two(result: ObjectivityResult) -> None:
    assert verdict(result, AGGREGATES.code, ABOVE_REGION)["status"] == "present"
    peak = row(result, AGGREGATES.code, BOUNDARY_PEAK)
    assert peak["status"] == "not_enough_data" and peak["numbers"]["reason"] == "aggregates"
    journal = row(result, AGGREGATES.code, JOURNAL_GAP)
    assert journal["status"] == "absent"  # the imbalance of «Повысили» and «Понизили» could be judged
    assert journal["numbers"]["gap2_share"] is None and journal["numbers"]["imbalance"] is not None
    school = summary(result, AGGREGATES.code)
    assert school["signs_evaluated"] == 4 and school["objectivity_index"] == pytest.approx(0.25)


def test_every_school_and_sign_has_a_verdict_row_and_every_number_is_json(result: ObjectivityResult) -> None:
    assert list(result.signs.columns) == SIGN_COLUMNS
    school_rows = result.signs[result.signs["procedure"].isna()]
    assert len(school_rows) == len(result.schools) * len(SIGNS)
    assert not school_rows.duplicated(["school_code", "sign"]).any()
    assert set(result.signs["status"]) <= {"present", "absent", "not_enough_data"}
    for numbers in school_rows["numbers"]:
        assert tuple(numbers)[:len(SCHOOL_KEYS)] == SCHOOL_KEYS and numbers["scope"] == "school"
    json.dumps(list(result.signs["numbers"]), allow_nan=False)
    json.dumps(result.region, allow_nan=False)
    assert {"above_region", "confirm", "task_completion", "changes", "marks", "config"} <= set(result.region)


def test_schools_outside_the_population_do_not_move_the_region(
    synthetic: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], result: ObjectivityResult
) -> None:
    works, tasks, schools = synthetic
    outsider = works[works["school_code"] == ORDINARY[0]].assign(school_code="elsewhere", mean_pct=99.0)
    again = objectivity_signs(pd.concat([works, outsider]), tasks, schools, YEAR)
    assert "elsewhere" not in set(again.schools["school_code"])
    assert row(again, INFLATED.code, ABOVE_REGION)["numbers"]["region_mean"] == pytest.approx(
        row(result, INFLATED.code, ABOVE_REGION)["numbers"]["region_mean"])


def test_weights_set_the_index_and_a_zero_weight_switches_a_sign_off(
    synthetic: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]
) -> None:
    works, tasks, schools = synthetic
    double = objectivity_signs(works, tasks, schools, YEAR, ObjectivityConfig(weights={ABOVE_REGION: 2.0}))
    assert summary(double, AGGREGATES.code)["objectivity_index"] == pytest.approx(2 / 5)
    off = objectivity_signs(works, tasks, schools, YEAR, ObjectivityConfig(weights={ABOVE_REGION: 0.0}))
    school = summary(off, AGGREGATES.code)
    assert school["objectivity_signs"] == [] and school["objectivity_index"] == 0.0
    assert school["signs_evaluated"] == 3
    assert verdict(off, AGGREGATES.code, ABOVE_REGION)["status"] == "present"  # the row stays for inspection


# --- Hand-made regions ---------------------------------------------------------------------------

BACKGROUND = 15  # ordinary schools around the one under study: enough for the region's yardstick


def _background(**fields: Any) -> list[dict[str, Any]]:
    """Ordinary schools whose works differ a little (a region's yardstick needs a spread)."""
    rows = []
    for i in range(BACKGROUND):
        wobble = (i % 5) - 2  # −2 … +2
        rows.append(work(f"s{i:02d}", lowered=4 + wobble, confirmed=32, raised=4 - wobble // 2,
                         journal_gap2=1 + (i % 3), **{f"b{m}_{side}": 3 + ((i + m) % 3) - 1
                                                      for m in (3, 4, 5) for side in ("at", "below")},
                         **{f"b{m}_above": 3 + ((i + 2 * m) % 3) - 1 for m in (3, 4, 5)}, **fields))
    return rows


def _one_work(**fields: Any) -> dict[str, dict[str, Any]]:
    rows = [work("x", **{"b3_above": 3, "b4_above": 3, "b5_above": 3, **fields}), *_background()]
    codes = sorted({r["school_code"] for r in rows})
    result = objectivity_signs(works_frame(rows), None, schools_frame(codes), YEAR)
    return {sign: {"work": row(result, "x", sign), "school": verdict(result, "x", sign)}
            for sign in (BOUNDARY_PEAK, JOURNAL_GAP)}


def test_a_clear_pile_up_on_a_boundary_is_a_peak() -> None:
    peak = _one_work(b4_at=15, b4_below=2)[BOUNDARY_PEAK]
    assert peak["school"]["status"] == "present" and peak["work"]["status"] == "present"
    assert peak["school"]["numbers"]["boundary"] == "b4" and peak["school"]["numbers"]["z"] >= 3
    assert peak["work"]["numbers"]["ratio"] == 7.5 and peak["work"]["numbers"]["chance"] < 0.01


@pytest.mark.parametrize("at, below", [(3, 0), (4, 1), (8, 3)])
def test_a_handful_on_a_boundary_is_no_peak(at: int, below: int) -> None:
    assert _one_work(b3_at=at, b3_below=below)[BOUNDARY_PEAK]["school"]["status"] == "absent"


@pytest.mark.parametrize("fields, reason", [
    ({"participants": 8, "b4_at": 6, "b4_below": 0}, "few_participants"),
    ({"score_kind": "test_score", "b4_at": None, "b4_below": None, "b3_at": None, "b3_below": None,
      "b5_at": None, "b5_below": None}, "test_score"),
])
def test_peaks_are_not_judged_on_small_or_test_score_works(fields: dict[str, Any], reason: str) -> None:
    peak = _one_work(**fields)[BOUNDARY_PEAK]
    assert peak["work"]["status"] == "not_enough_data" and peak["work"]["numbers"]["reason"] == reason
    assert peak["school"]["status"] == "not_enough_data"


def test_a_peak_needs_enough_pupils_over_the_schools_works() -> None:
    # A pile-up the region's spread calls unusual, but in a school of 25 pupils: too few to say.
    peak = _one_work(participants=25, b4_at=12, b4_below=0)[BOUNDARY_PEAK]
    assert peak["school"]["status"] == "absent" and peak["school"]["numbers"]["pooled_participants"] == 25


@pytest.mark.parametrize("fields, status, direction", [
    ({"journal_gap2": 12}, "present", "raised"),  # 12/40 two marks apart, the region 1–3 in 40
    ({"journal_gap2": 4}, "absent", "raised"),
    ({"raised": 17, "lowered": 4, "confirmed": 19}, "present", "raised"),  # (17 − 4)/40 = 0.325
    ({"raised": 4, "lowered": 17, "confirmed": 19}, "present", "lowered"),
    ({"raised": 10, "lowered": 4, "confirmed": 26}, "absent", "raised"),  # beyond the region, under the 30% bar
])
def test_journal_gap_of_two_marks_or_an_imbalance(fields: dict[str, Any], status: str, direction: str) -> None:
    fields = {"raised": 5, "lowered": 4, "confirmed": 31, **fields}
    journal = _one_work(**fields)[JOURNAL_GAP]
    assert journal["school"]["status"] == status and journal["work"]["numbers"]["direction"] == direction


def test_a_journal_imbalance_the_whole_region_shares_is_no_sign() -> None:
    # Every school's journal is generous: «Понизили» 16 of 40 everywhere is the region's norm.
    rows = [work(f"s{i:02d}", lowered=15 + (i % 3), confirmed=22, raised=3 - (i % 3), journal_gap2=1)
            for i in range(BACKGROUND)]
    rows.append(work("x", lowered=17, confirmed=21, raised=2, journal_gap2=1))
    codes = sorted({r["school_code"] for r in rows})
    result = objectivity_signs(works_frame(rows), None, schools_frame(codes), YEAR)
    assert row(result, "x", JOURNAL_GAP)["numbers"]["imbalance"] == pytest.approx(-15 / 40)  # past the 30% bar
    assert verdict(result, "x", JOURNAL_GAP)["status"] == "absent"
    assert not (result.signs["status"] == "present").any()


def test_journal_gap_from_aggregates_judges_only_the_imbalance() -> None:
    aggregates = {"source": "aggregates", "journal_n": None, "journal_gap2": None}
    journal = _one_work(raised=20, lowered=2, confirmed=18, **aggregates)[JOURNAL_GAP]
    assert journal["school"]["status"] == "present" and journal["work"]["numbers"]["journal_n"] == 40
    assert journal["work"]["numbers"]["gap2_share"] is None
    assert journal["school"]["numbers"]["imbalance_present"] is True
    missing = _one_work(raised=None, lowered=None, confirmed=None, **aggregates)[JOURNAL_GAP]
    assert missing["work"]["status"] == "not_enough_data" and missing["work"]["numbers"]["reason"] == "no_journal"


def test_without_enough_schools_for_a_yardstick_there_is_no_verdict() -> None:
    rows = [work("x", b4_at=15, b4_below=2), *_background()[:5]]
    codes = sorted({r["school_code"] for r in rows})
    result = objectivity_signs(works_frame(rows), None, schools_frame(codes), YEAR)
    school = verdict(result, "x", BOUNDARY_PEAK)
    assert school["status"] == "not_enough_data" and school["numbers"]["reason"] == "few_schools"
    assert row(result, "x", BOUNDARY_PEAK)["numbers"]["reason"] == "few_schools"


# --- Unstable jump -------------------------------------------------------------------------------


def _jump_region(before: dict[int, list[float]], extra: dict[str, dict[int, float]] | None = None) -> pd.DataFrame:
    """Twenty schools whose year-on-year changes spread evenly over ±3 points (z within ±1.8)."""
    rows = []
    spread = np.linspace(-3.0, 3.0, 20)
    for i, change in enumerate(spread):
        value = 50.0 + i
        for year, shift in before.items():
            rows.append(work(f"s{i:02d}", year=year, mean_pct=value + shift[0] + (change if shift[1] else 0)))
    for code, by_year in (extra or {}).items():
        rows += [work(code, year=year, mean_pct=value) for year, value in by_year.items()]
    return works_frame(rows)


def test_a_region_wide_jump_marks_nobody() -> None:
    # Every school gains 15 points (a new, easier test) give or take three.
    works = _jump_region({YEAR - 1: [0.0, False], YEAR: [15.0, True]})
    result = objectivity_signs(works, None, schools_frame(sorted(set(works["school_code"]))), YEAR)
    jumps = result.signs[result.signs["sign"] == UNSTABLE_JUMP]
    assert (jumps["status"] == "absent").all() and len(jumps) == 40
    assert jumps["numbers"].iloc[0]["region_mean_change"] == pytest.approx(15.0, abs=0.2)


def test_a_school_jumping_beyond_the_region_is_marked_and_the_rest_are_not() -> None:
    works = _jump_region({YEAR - 1: [0.0, False], YEAR: [15.0, True]},
                         {"up": {YEAR - 1: 50.0, YEAR: 85.0}})
    result = objectivity_signs(works, None, schools_frame(sorted(set(works["school_code"]))), YEAR)
    present = result.signs[(result.signs["sign"] == UNSTABLE_JUMP) & (result.signs["status"] == "present")]
    assert set(present["school_code"]) == {"up"}
    assert verdict(result, "up", UNSTABLE_JUMP)["numbers"]["kind"] == "jump"
    assert row(result, "up", UNSTABLE_JUMP)["numbers"]["change"] == 35.0


def test_last_years_jump_that_fell_back_is_marked_as_not_sustained() -> None:
    works = _jump_region({YEAR - 2: [0.0, False], YEAR - 1: [0.0, True], YEAR: [0.0, False]},
                         {"fell_back": {YEAR - 2: 50.0, YEAR - 1: 70.0, YEAR: 55.0},
                          "kept_it": {YEAR - 2: 50.0, YEAR - 1: 70.0, YEAR: 68.0}})
    result = objectivity_signs(works, None, schools_frame(sorted(set(works["school_code"]))), YEAR)
    fell_back = row(result, "fell_back", UNSTABLE_JUMP)
    assert fell_back["status"] == "present" and verdict(result, "fell_back", UNSTABLE_JUMP)["status"] == "present"
    assert fell_back["numbers"]["kind"] == "reverted" and fell_back["numbers"]["reverted"] is True
    assert fell_back["numbers"]["earlier_z"] >= 2.0 and fell_back["numbers"]["jump"] is False
    assert verdict(result, "kept_it", UNSTABLE_JUMP)["status"] == "absent"


def test_the_jump_verdict_does_not_move_when_the_whole_region_shifts(
    synthetic: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], result: ObjectivityResult
) -> None:
    works, tasks, schools = synthetic
    easier = works.assign(mean_pct=works["mean_pct"].where(works["year"] != YEAR, works["mean_pct"] + 12.0))
    shifted = objectivity_signs(easier, tasks, schools, YEAR)

    def jumping(r: ObjectivityResult) -> set[str]:
        s = r.signs
        return set(s.loc[(s["sign"] == UNSTABLE_JUMP) & (s["status"] == "present"), "school_code"])

    assert jumping(shifted) == jumping(result) and INFLATED.code in jumping(result)


# --- Inverted difficulty -------------------------------------------------------------------------


def _task_region(odd: list[float]) -> ObjectivityResult:
    """Fifteen schools completing ten tasks in the same order of difficulty, and 'odd' with its own."""
    base = np.linspace(0.9, 0.15, len(odd))
    rng = np.random.default_rng(5)
    rows = [{"school_code": f"s{i:02d}", "task": t + 1, "completion": float(np.clip(c + 0.02 * (i - 7)
                                                                                   + rng.normal(0, 0.03), 0, 1))}
            for i in range(BACKGROUND) for t, c in enumerate(base)]
    rows += [{"school_code": "odd", "task": t + 1, "completion": c} for t, c in enumerate(odd)]
    tasks = pd.DataFrame(rows).assign(procedure="vpr", year=YEAR, subject="ma", grade=5, participants=40)
    codes = ["odd", *[f"s{i:02d}" for i in range(BACKGROUND)]]
    return objectivity_signs(works_frame([work(c) for c in codes]), tasks, schools_frame(codes), YEAR)


def test_a_shuffled_order_of_task_difficulty_is_a_low_rank_correlation() -> None:
    # Easy tasks mostly done, hard ones not done: no inverted pattern, just no order at all.
    shuffled = [0.9, 0.2, 0.85, 0.05, 0.1, 0.95, 0.12, 0.9, 0.25, 0.2]
    result = _task_region(shuffled)
    inverted = row(result, "odd", INVERTED_DIFFICULTY)
    assert verdict(result, "odd", INVERTED_DIFFICULTY)["status"] == "present"
    assert inverted["numbers"]["low_rank_corr"] is True and inverted["numbers"]["inverted_pattern"] is False
    region = pd.DataFrame(result.region["task_completion"]).sort_values("task")["region_completion"]
    expected = pd.Series(shuffled).corr(region.reset_index(drop=True), method="spearman")
    assert inverted["numbers"]["rank_corr"] == pytest.approx(expected)


def test_a_school_weaker_on_every_task_in_the_usual_order_is_not_inverted() -> None:
    weaker = list(np.linspace(0.9, 0.15, 10) - 0.12)
    result = _task_region(weaker)
    assert verdict(result, "odd", INVERTED_DIFFICULTY)["status"] == "absent"
    assert row(result, "odd", INVERTED_DIFFICULTY)["numbers"]["rank_corr"] == pytest.approx(1.0)


def test_hard_tasks_better_and_easy_ones_worse_only_count_beyond_sampling_noise() -> None:
    usual = np.linspace(0.9, 0.15, 10)
    hard, easy = usual < 0.3, usual > 0.7  # tasks 9–10 and 1–3
    # 40 pupils: one standard error is about 0.07 on the hard tasks and 0.05 on the easy ones.
    slight = _task_region(list(usual + 0.04 * hard - 0.04 * easy))
    assert verdict(slight, "odd", INVERTED_DIFFICULTY)["status"] == "absent"
    assert row(slight, "odd", INVERTED_DIFFICULTY)["numbers"]["hard_better"] == 0
    clear = _task_region(list(usual + 0.3 * hard - 0.2 * easy))
    assert verdict(clear, "odd", INVERTED_DIFFICULTY)["status"] == "present"
    numbers = row(clear, "odd", INVERTED_DIFFICULTY)["numbers"]
    assert numbers["inverted_pattern"] is True and (numbers["hard_better"], numbers["easy_worse"]) == (2, 3)


def test_too_few_tasks_or_none_are_not_judged() -> None:
    few = row(_task_region([0.1, 0.9, 0.5, 0.6, 0.2]), "odd", INVERTED_DIFFICULTY)
    assert few["status"] == "not_enough_data" and few["numbers"]["reason"] == "few_tasks"
    works = works_frame([work(c) for c in ("a", "b")])
    none = objectivity_signs(works, None, schools_frame(["a", "b"]), YEAR)
    assert row(none, "a", INVERTED_DIFFICULTY)["numbers"]["reason"] == "no_tasks"


def test_schools_without_works_have_no_index() -> None:
    result = objectivity_signs(works_frame([]), None, schools_frame(["a", "b"]), YEAR)
    assert len(result.signs) == 2 * len(SIGNS) and (result.signs["status"] == "not_enough_data").all()
    assert result.schools["objectivity_index"].isna().all() and (result.schools["signs_evaluated"] == 0).all()


def test_frames_are_deterministic_for_a_seed() -> None:
    a, b = frames(ordinary(4)), frames(ordinary(4))
    pd.testing.assert_frame_equal(a[0], b[0])


# --- Configuration -------------------------------------------------------------------------------


def test_config_round_trips_through_json() -> None:
    config = ObjectivityConfig(procedures=("vpr", "regional"), above_sd=2.0, weights={JOURNAL_GAP: 0.5},
                               false_positive_rate=0.02)
    data = json.loads(json.dumps(config.to_dict()))
    assert ObjectivityConfig.from_dict(data) == config
    assert data["weights"] == {**dict.fromkeys(SIGNS, 1.0), JOURNAL_GAP: 0.5}
    assert ObjectivityConfig.from_dict({}) == ObjectivityConfig()


@pytest.mark.parametrize("data, field", [
    ({"min_participants": 0}, "min_participants"),
    ({"min_participants": 2.5}, "min_participants"),
    ({"above_sd": "1.5"}, "above_sd"),
    ({"jump_sd": True}, "jump_sd"),
    ({"hard_bar": 0.8}, "hard_bar"),
    ({"easy_bar": 1.2}, "easy_bar"),
    ({"rank_corr_min": -2}, "rank_corr_min"),
    ({"procedures": "vpr"}, "procedures"),
    ({"procedures": []}, "procedures"),
    ({"peak_ratio": 1}, "peak_ratio"),
    ({"false_positive_rate": 0}, "false_positive_rate"),
    ({"false_positive_rate": 0.5}, "false_positive_rate"),
    ({"weights": {"objectivity": 1.0}}, "weights"),
    ({"weights": {JOURNAL_GAP: -1}}, "weights.journal_gap"),
    ({"threshold": 3}, "threshold"),
])
def test_config_rejects_bad_settings_naming_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        ObjectivityConfig.from_dict(data)


def test_numbers_carry_the_documented_keys(result: ObjectivityResult) -> None:
    judged = result.signs[result.signs["procedure"].notna()]
    for sign, numbers in zip(judged["sign"], judged["numbers"], strict=True):
        assert tuple(numbers) == NUMBER_KEYS[sign]
