"""Risk profiles from questionnaire answers: factor scores and levels, notes, and why a profile is
not to be trusted (risk_profile.py). Expected numbers are worked out by hand in the comments."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from opora.analytics.risk_definition import Definition, LevelRule, default_definition
from opora.analytics.risk_profile import RiskProfiles, levels, risk_profiles
from tests.analytics.test_survey_quality import Responses, expected, tiny


def factor(profiles: RiskProfiles, school: int, code: str) -> dict[str, Any]:
    rows = profiles.factors
    return rows[(rows["school"] == school) & (rows["factor"] == code)].iloc[0].to_dict()


def reasons(profiles: RiskProfiles, school: int) -> list[dict[str, Any]]:
    return profiles.schools.set_index("school").loc[school, "reasons"]


def trusted(profiles: RiskProfiles, school: int) -> bool:
    return bool(profiles.schools.set_index("school").loc[school, "trusted"])


def codes(profiles: RiskProfiles, school: int) -> list[str]:
    return [r["code"] for r in reasons(profiles, school)]


def full_school(school: int = 1, *, head: dict[str, int] | None = None) -> Responses:
    """A head, two teachers and three pupils (distinct devices), all usable, of `school`."""
    return (Responses()
            .add(school, "head", head or {"H1": 4, "H2": 4})
            .add(school, "teacher", {"T1": 1, "T2": 4}).add(school, "teacher", {"T1": 2, "T2": 3})
            .add(school, "pupil", {"P1": 1, "P2": 1}, client="a").add(school, "pupil", {"P1": 1, "P2": 1}, client="b")
            .add(school, "pupil", {"P1": 2, "P2": 0}, client="c"))


FULL_EXPECTED = [(1, "head", 1.0), (1, "teacher", 2.0), (1, "pupil", 3.0)]


# --- scores -------------------------------------------------------------------------------------

def test_factor_score_is_the_weighted_mean_of_indicators_in_the_risk_direction():
    profiles = risk_profiles(full_school().frame(), expected(FULL_EXPECTED), tiny())
    climate = factor(profiles, 1, "climate")
    # H1 = 4 → 1 (weight 2); T1 = 1, 2 → 0, 1/3 → mean 1/6, reversed 5/6 (weight 1): (2 + 5/6) / 3
    assert climate["score"] == pytest.approx(17 / 18)
    assert climate["groups"] == pytest.approx({"head": 1.0, "teacher": 5 / 6})
    assert climate["level"] == "high" and climate["notes"] == []
    motivation = factor(profiles, 1, "motivation")
    # H2 1 (×1); T2 = 4, 3 → 5/6 (×1); P1 = 1, 1, 2 → 1/9, reversed 8/9 (×3); P2 = 1, 1, 0 → 2/3 (×1)
    assert motivation["score"] == pytest.approx((1 + 5 / 6 + 3 * 8 / 9 + 2 / 3) / 6)
    assert motivation["groups"]["pupil"] == pytest.approx((3 * 8 / 9 + 2 / 3) / 4)
    p1 = next(i for i in motivation["indicators"] if i["question"] == "P1")
    assert (p1["group"], p1["score"], p1["n"], p1["weight"], p1["direction"]) == ("pupil", pytest.approx(8 / 9), 3,
                                                                                    3.0, -1)
    assert trusted(profiles, 1) and reasons(profiles, 1) == []


def test_pupils_answering_at_the_top_of_the_risk_direction_make_their_factors_high():
    shipped = default_definition()
    top = {i.question: (4 if i.direction > 0 else 1) for i in shipped.indicators
           if shipped.question(i.question).group == "pupil"}
    bottom = {q: 5 - v for q, v in top.items()}
    responses = Responses().add(1, "pupil", top, times=10).add(2, "pupil", top, times=10).add(2, "pupil", bottom,
                                                                                             times=5)
    profiles = risk_profiles(responses.frame(), expected([]), shipped)
    for code in ("motivation", "discipline", "environment", "equipment"):  # measured by pupils
        assert factor(profiles, 1, code)["score"] == pytest.approx(1.0)
        assert factor(profiles, 1, code)["level"] == "high"
        assert factor(profiles, 2, code)["score"] == pytest.approx(10 / 15)  # 10 at 1, 5 at 0
        assert factor(profiles, 2, code)["level"] == "high"
        assert "too_few:head" in factor(profiles, 1, code)["notes"]
    for code in ("professional_development", "special_needs"):  # no pupil questions
        assert math.isnan(factor(profiles, 1, code)["score"])
        assert factor(profiles, 1, code)["level"] == ""
        assert "no_data" in factor(profiles, 1, code)["notes"]


def test_excluded_responses_do_not_count_in_the_scores():
    responses = full_school()
    responses.add(1, "pupil", {"P1": 4, "P2": 0}, seconds=1.0, times=5)   # too fast: left out
    responses.add(1, "pupil", {"P1": 1, "P2": 1}, client="a")               # a duplicate of pupil "a"
    profiles = risk_profiles(responses.frame(), expected(FULL_EXPECTED), tiny())
    assert factor(profiles, 1, "motivation")["groups"]["pupil"] == pytest.approx((3 * 8 / 9 + 2 / 3) / 4)


# --- levels -------------------------------------------------------------------------------------

def test_cut_offs_give_high_from_exactly_0_6_and_medium_from_exactly_0_4():
    scores = pd.DataFrame({"factor": "f", "score": [0.6, 0.7 - 0.1, 0.5999, 0.4, 0.3999, 0.0, math.nan]})
    assert list(levels(scores, LevelRule())) == ["high", "high", "medium", "medium", "low", "low", ""]


def test_percentile_levels_rank_the_schools_against_each_other():
    scores = pd.DataFrame({"factor": ["f"] * 4 + ["g"] * 2,
                           "score": [0.1, 0.2, 0.3, 0.4, 0.9, math.nan]})
    # ranks (r − 0.5) / n: .125, .375, .625, .875 → low, low, medium (≥ .5), high (≥ .75); g alone: .5
    assert list(levels(scores, LevelRule(method="percentile"))) == ["low", "low", "medium", "high", "medium", ""]


def test_percentile_method_of_the_definition_is_applied_among_the_schools_of_the_call():
    responses = Responses()
    for school, h1 in zip((1, 2, 3, 4), (1, 2, 3, 4), strict=True):
        responses.add(school, "head", {"H1": h1, "H2": 1})
    by_cutoffs = risk_profiles(responses.frame(), expected([]), tiny())
    by_rank = risk_profiles(responses.frame(), expected([]), tiny(levels={"method": "percentile"}))
    # climate = H1 normalised: 0, 1/3, 2/3, 1 (teachers too few: left out)
    assert [factor(by_cutoffs, s, "climate")["level"] for s in (1, 2, 3, 4)] == ["low", "low", "high", "high"]
    assert [factor(by_rank, s, "climate")["level"] for s in (1, 2, 3, 4)] == ["low", "low", "medium", "high"]


# --- too few, no data, no answers ---------------------------------------------------------------

def test_a_group_with_too_few_respondents_is_left_out_with_a_note_and_a_reason():
    responses = Responses().add(1, "head", {"H1": 4, "H2": 4}).add(1, "teacher", {"T1": 4, "T2": 4})
    profiles = risk_profiles(responses.frame(), expected([]), tiny())
    climate = factor(profiles, 1, "climate")
    assert climate["score"] == pytest.approx(1.0)  # the head only: the lone teacher's T1 (→ 0) is left out
    assert "teacher" not in climate["groups"] and "too_few:teacher" in climate["notes"]
    assert {"code": "too_few", "group": "teacher", "used": 1, "min": 2} in reasons(profiles, 1)
    assert not trusted(profiles, 1)


def test_a_factor_without_counted_indicators_has_no_score_no_level_and_a_no_data_note():
    responses = Responses().add(1, "pupil", {"P1": 1, "P2": 1}, client="x", times=1)
    responses.add(1, "pupil", {"P1": 2, "P2": 1}).add(1, "pupil", {"P1": 3, "P2": 0})
    climate = factor(risk_profiles(responses.frame(), expected([]), tiny()), 1, "climate")
    assert math.isnan(climate["score"]) and climate["level"] == ""
    assert climate["notes"] == ["too_few:head", "too_few:teacher", "no_data"]


def test_no_responses_give_profiles_without_data_and_no_answers_reasons():
    profiles = risk_profiles(pd.DataFrame(), expected([(5, "head", 1.0), (6, "pupil", 100.0)]), tiny())
    assert sorted(profiles.factors["school"].unique()) == [5, 6]
    assert profiles.factors["score"].isna().all() and set(profiles.factors["level"]) == {""}
    assert all("no_data" in notes for notes in profiles.factors["notes"])
    assert reasons(profiles, 5) == [{"code": "no_answers", "group": g} for g in ("head", "teacher", "pupil")]
    assert not trusted(profiles, 5)


# --- response rate and flagged answers ----------------------------------------------------------

def test_a_rate_below_the_minimum_is_a_reason_and_an_unknown_expected_number_only_a_note():
    profiles = risk_profiles(full_school().frame(), expected([(1, "head", 1.0), (1, "teacher", 5.0)]), tiny())
    assert {"code": "rate_low", "group": "teacher", "rate": 0.4, "min_rate": 0.5, "used": 2, "expected": 5.0} \
        in reasons(profiles, 1)
    assert {"code": "expected_unknown", "group": "pupil", "note": True} in reasons(profiles, 1)
    assert not trusted(profiles, 1)


def test_a_profile_with_only_notes_is_trusted():
    profiles = risk_profiles(full_school().frame(), expected([(1, "head", 1.0), (1, "teacher", 4.0)]), tiny())
    assert codes(profiles, 1) == ["expected_unknown"] and trusted(profiles, 1)


def test_more_than_the_allowed_share_of_flagged_answers_is_a_reason():
    responses = full_school()
    responses.add(1, "pupil", {"P1": 1, "P2": 1}, seconds=0.5, times=2)  # 2 of 5 pupils too fast: 0.4 > 0.3
    profiles = risk_profiles(responses.frame(), expected(FULL_EXPECTED), tiny())
    assert reasons(profiles, 1) == [{"code": "flagged", "group": "pupil", "share": 0.4, "max": 0.3, "too_fast": 2,
                                     "straightlining": 0, "duplicate": 0}]


def test_a_flagged_share_of_exactly_the_maximum_is_still_acceptable():
    responses = full_school()
    responses.add(1, "pupil", {"P1": 1, "P2": 1}, client="d", times=4)
    responses.add(1, "pupil", {"P1": 1, "P2": 1}, client="a", times=3)
    profiles = risk_profiles(responses.frame(), expected([(1, "head", 1.0), (1, "teacher", 2.0),
                                                          (1, "pupil", 4.0)]), tiny())
    # "d" sent the same answers 4 times and "a" 3 more: 6 of 10 pupils' responses are duplicates
    assert codes(profiles, 1) == ["flagged"] and reasons(profiles, 1)[0]["duplicate"] == 6
    responses = full_school()
    responses.add(1, "pupil", {"P1": 1, "P2": 1}, times=4)               # unknown devices: not duplicates
    responses.add(1, "pupil", {"P1": 1, "P2": 1}, client="a", times=3)   # 3 of 10 flagged: exactly 0.3
    profiles = risk_profiles(responses.frame(), expected([(1, "head", 1.0), (1, "teacher", 2.0),
                                                          (1, "pupil", 7.0)]), tiny())
    assert codes(profiles, 1) == [] and trusted(profiles, 1)


# --- divergence ---------------------------------------------------------------------------------

def test_a_head_seeing_a_factor_far_from_the_teachers_makes_the_profile_untrusted():
    profiles = risk_profiles(full_school(head={"H1": 1, "H2": 4}).frame(), expected(FULL_EXPECTED), tiny())
    climate = factor(profiles, 1, "climate")
    assert climate["groups"] == pytest.approx({"head": 0.0, "teacher": 5 / 6})
    assert climate["notes"] == ["divergence:teacher"]
    assert reasons(profiles, 1) == [{"code": "divergence", "factor": "climate", "group": "teacher", "head": 0.0,
                                     "other": 0.8333, "diff": 0.8333}]
    assert not trusted(profiles, 1)
    # motivation: head 1, teachers 5/6, pupils 5/6 — within 0.3, no note
    assert factor(profiles, 1, "motivation")["notes"] == []


def test_a_difference_of_exactly_the_divergence_threshold_counts():
    definition: Definition = tiny(quality={"divergence": 0.5})
    responses = (Responses().add(1, "head", {"H1": 4, "H2": 4})
                 .add(1, "teacher", {"T1": 2, "T2": 4}).add(1, "teacher", {"T1": 3, "T2": 4}))
    # teachers' climate: T1 = 2, 3 → mean 1/2, reversed 1/2; head 1 → diff exactly 0.5
    climate = factor(risk_profiles(responses.frame(), expected([]), definition), 1, "climate")
    assert climate["notes"] == ["divergence:teacher"]


# --- shape of the result ------------------------------------------------------------------------

def test_every_school_gets_every_factor_in_the_definition_order_with_all_its_indicators_listed():
    responses = Responses().add(2, "head", {"H1": 4, "H2": 4}).add(2, "teacher", {"T1": 1, "T2": 1})
    profiles = risk_profiles(responses.frame(), expected([(1, "pupil", 30.0)]), tiny())
    assert list(zip(profiles.factors["school"], profiles.factors["factor"], profiles.factors["position"],
                    strict=True)) == [(1, "climate", 0), (1, "motivation", 1), (2, "climate", 0), (2, "motivation", 1)]
    listed = factor(profiles, 2, "climate")["indicators"]
    assert [(i["question"], i["n"], i["counted"]) for i in listed] == [("H1", 1, True), ("T1", 1, False)]
    assert list(profiles.schools["school"]) == [1, 2]
