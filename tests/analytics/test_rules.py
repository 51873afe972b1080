from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from opora.analytics.rules import (
    DEFAULT_RULE_SETS,
    RuleParams,
    decide,
    federal_scores,
    federal_selection,
    inclusion,
    municipal_selection,
    quality_selection,
    stable_context,
    stable_years,
    typology,
)
from opora.analytics.school_change import decline_risk, dynamics

Y = 2025


def work(school: str, procedure: str, year: int, fails: int, n: int = 50, *, subject: str = "ru", grade: int = 5,
         high: int = 0, core: bool = True) -> dict[str, Any]:
    return {"school_code": school, "procedure": procedure, "year": year, "subject": subject, "grade": grade,
            "core": core, "participants": n, "fail_count": fails, "high_count": high,
            "fail_share": fails / n, "high_share": high / n}


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def verdicts(selection: Any) -> dict[str, bool]:
    return dict(zip(selection.schools["school_code"], selection.schools["low_results"], strict=True))


# --- Parameters -----------------------------------------------------------------------------------


def test_params_round_trip_through_json() -> None:
    for kind, data in DEFAULT_RULE_SETS.items():
        params = RuleParams.from_dict(json.loads(json.dumps(data)))
        assert params.kind == kind
        assert params == RuleParams.from_dict(params.to_dict())
        assert params.to_dict() == data


def test_a_partial_dict_takes_the_defaults_for_the_rest() -> None:
    params = RuleParams.from_dict({"kind": "municipal", "share": 0.2, "weights": {"objectivity": 0}})
    assert params.share == 0.2
    assert params.fail_bar == 0.30 and params.years == 2 and params.procedures == ("vpr", "oge", "ege")
    assert params.weights == {"core_fail": 1.0, "core_high": 1.0, "other_fail": 1.0, "inclusions": 1.0,
                              "objectivity": 0.0}
    assert params.swi["adverse_stanines"] == [1, 2, 3]


@pytest.mark.parametrize(("field", "value"), [
    ("kind", "regional"), ("procedures", []), ("procedures", "vpr"), ("subjects", [""]),
    ("min_participants", 0), ("min_participants", True), ("fail_bar", 1.5), ("fail_bar", 0),
    ("min_procedures", 0), ("connective", "xor"), ("years", 0), ("weights", {"nope": 1}),
    ("weights", {c: 0 for c in ("core_fail", "core_high", "other_fail", "inclusions", "objectivity")}),
    ("select", "best"), ("share", -0.1), ("rank_threshold", 1.2), ("quality_selection", {"vpr": []}),
    ("k", 0), ("low_groups", 10), ("swi", {"adverse_stanines": [0]}), ("swi", {"colour": 1}),
    ("expected_measure", "mean_mark"), ("decline_bar", "a lot"), ("objectivity", {"above_sd": -1}),
    ("objectivity", {"colour": 1}), ("colour", "blue"),
])
def test_every_field_is_validated_with_its_name(field: str, value: Any) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        RuleParams.from_dict({field: value})


def test_perturbed_scales_the_selection_thresholds_only() -> None:
    params = RuleParams(kind="municipal", rank_threshold=0.95)
    lower, higher = params.perturbed(0.9), params.perturbed(1.1)
    assert lower.fail_bar == pytest.approx(0.27) and higher.fail_bar == pytest.approx(0.33)
    assert lower.share == pytest.approx(0.09) and higher.share == pytest.approx(0.11)
    assert lower.decline_bar == pytest.approx(0.09) and higher.decline_bar == pytest.approx(0.11)
    assert lower.rank_threshold == pytest.approx(0.855) and higher.rank_threshold == 1.0  # a percentile: clipped
    assert (lower.low_groups, higher.low_groups) == (2, 4)  # whole groups move by one
    assert lower.min_participants == higher.min_participants == 10
    assert lower.weights == params.weights and lower.kind == "municipal"
    assert params.perturbed(1) == params
    with pytest.raises(ValueError, match="^factor: "):
        params.perturbed(0)


# --- Federal rule -----------------------------------------------------------------------------------


def _federal_works() -> pd.DataFrame:
    rows = [
        # a: ВПР and ОГЭ failing now, ВПР also last year → low under both connectives
        work("a", "vpr", Y, 20), work("a", "oge", Y, 20, grade=9), work("a", "vpr", Y - 1, 20),
        work("a", "oge", Y - 1, 5, grade=9),
        # b: two procedures failing now, none last year → low only with "or"
        work("b", "vpr", Y, 20), work("b", "ege", Y, 20, grade=11), work("b", "vpr", Y - 1, 5),
        # c: one procedure failing two years running → low only with "or"
        work("c", "vpr", Y, 20), work("c", "vpr", Y - 1, 20), work("c", "oge", Y, 2, grade=9),
        # d: every pupil fails, but 8 pupils per work → never judged
        *[work("d", p, y, 8, n=8) for p in ("vpr", "oge", "ege") for y in (Y - 1, Y)],
        # e: 10/20 and 2/40 pool to 12/60 = 20% in ВПР: not failing, though one work is at 50%
        work("e", "vpr", Y, 10, n=20), work("e", "vpr", Y, 2, n=40, subject="math"),
        work("e", "oge", Y, 20, grade=9), work("e", "vpr", Y - 1, 20), work("e", "oge", Y - 1, 20, grade=9),
    ]
    return frame(rows)


def test_federal_rule_needs_two_failing_procedures_and_one_failing_two_years() -> None:
    codes = pd.Index(["a", "b", "c", "d", "e", "f"])
    strict = federal_selection(_federal_works(), codes, Y, RuleParams())
    assert verdicts(strict) == {"a": True, "b": False, "c": False, "d": False, "e": False, "f": False}
    loose = federal_selection(_federal_works(), codes, Y, RuleParams(connective="or"))
    assert verdicts(loose) == {"a": True, "b": True, "c": True, "d": False, "e": True, "f": False}
    scores = strict.schools.set_index("school_code")
    assert scores.loc["a", "low_score"] == 2 and scores.loc["e", "low_score"] == 1
    assert not scores.loc["d", "judged"] and not scores.loc["f", "judged"]
    pooled = strict.detail.set_index(["school_code", "procedure", "year"]).loc[("e", "vpr", Y)]
    assert (pooled["participants"], pooled["fail_count"], pooled["works"]) == (60, 12, 2)
    assert not pooled["failing"]


def test_federal_rule_counts_a_share_right_at_the_bar_as_failing() -> None:
    works = frame([work("a", p, y, 15, grade=g) for p, g in (("vpr", 5), ("oge", 9)) for y in (Y - 1, Y)])
    scores = federal_scores(works, pd.Index(["a"]), Y, RuleParams())
    assert verdicts(decide(scores, RuleParams())) == {"a": True}  # 15/50 = 30%
    assert verdicts(decide(scores, RuleParams().perturbed(1.1))) == {"a": False}
    assert verdicts(decide(scores, RuleParams(min_procedures=3))) == {"a": False}


# --- Municipal rule ---------------------------------------------------------------------------------


def _municipal_works(schools: int = 20) -> pd.DataFrame:
    """School i fails i pupils of 100 in core subjects in each of the last two years (higher i = worse),
    with a high share falling and other-subject fails rising alike."""
    rows = []
    for i in range(schools):
        for year in (Y - 1, Y):
            rows.append(work(f"s{i:02d}", "vpr", year, i + 1, n=100, high=60 - i))
            rows.append(work(f"s{i:02d}", "vpr", year, i, n=100, subject="bio", core=False))
    rows += [work("tiny", "vpr", y, 8, n=8) for y in (Y - 1, Y)]
    return frame(rows)


def test_municipal_rule_selects_the_worst_share_of_the_judged_schools() -> None:
    codes = pd.Index([f"s{i:02d}" for i in range(20)] + ["tiny"])
    selection = municipal_selection(_municipal_works(), codes, Y, RuleParams(kind="municipal"))
    chosen = selection.schools.set_index("school_code")
    assert sorted(chosen.index[chosen["low_results"]]) == ["s18", "s19"]  # 10% of 20 judged
    assert not chosen.loc["tiny", "judged"] and pd.isna(chosen.loc["tiny", "composite"])
    assert chosen.loc["s19", "core_fail"] == pytest.approx(0.20)
    assert chosen.loc["s19", "core_fail_pct"] == pytest.approx(19.5 / 20)
    assert chosen.loc["s19", "core_high_pct"] == pytest.approx(19.5 / 20)  # the lowest high share is the worst
    assert chosen.loc["s00", "inclusions_pct"] == pytest.approx(0.5)  # all tied at no inclusions
    assert selection.summary["count"] == 2
    wider = municipal_selection(_municipal_works(), codes, Y, RuleParams(kind="municipal", share=0.25))
    assert wider.summary["selected"] == 5


def test_municipal_rule_counts_earlier_inclusions_and_objectivity() -> None:
    codes = pd.Index([f"s{i:02d}" for i in range(20)])
    history = frame([{"school_code": "s10", "year": y, "included": True, "exit": False} for y in (2022, 2023, 2024)])
    objectivity = pd.Series({"s10": 1.0, **{f"s{i:02d}": 0.0 for i in range(20) if i != 10}})
    base = RuleParams(kind="municipal", weights={"core_high": 0, "other_fail": 0})
    plain = municipal_selection(_municipal_works(), codes, Y, base).schools.set_index("school_code")
    marked = municipal_selection(_municipal_works(), codes, Y, base, history, objectivity).schools.set_index(
        "school_code")
    assert marked.loc["s10", "inclusions"] == 3
    # a middling school (core fails 10.5/20) that is worst on inclusions and objectivity (19.5/20)
    assert marked.loc["s10", "composite"] == pytest.approx((10.5 + 19.5 + 19.5) / 20 / 3)
    assert marked.loc["s10", "low_results"] and not plain.loc["s10", "low_results"]
    assert plain.loc["s10", "composite"] == pytest.approx((10.5 / 20 + 0.5) / 2)  # no objectivity index: left out
    blind = RuleParams(kind="municipal", weights={"core_high": 0, "other_fail": 0, "inclusions": 0, "objectivity": 0})
    unweighted = municipal_selection(_municipal_works(), codes, Y, blind, history, objectivity).schools
    assert unweighted.set_index("school_code").loc["s10", "composite"] == pytest.approx(10.5 / 20)


def test_municipal_rule_by_threshold() -> None:
    codes = pd.Index([f"s{i:02d}" for i in range(20)])
    params = RuleParams(kind="municipal", select="threshold", rank_threshold=0.8, weights={"inclusions": 0})
    chosen = municipal_selection(_municipal_works(), codes, Y, params).schools
    assert (chosen["low_results"] == (chosen["composite"] >= 0.8)).all()
    assert chosen["low_results"].sum() == 4  # percentiles (i + ½)/20 ≥ 0.8 for i = 16..19


# --- Quality rule ----------------------------------------------------------------------------------


def test_quality_rule_flags_the_lowest_groups_and_never_an_ungrouped_school() -> None:
    groups = frame([{"school_code": c, "quality_group": g} for c, g in (("a", 1), ("b", 3), ("c", 4))])
    groups["quality_group"] = groups["quality_group"].astype("Int64")
    selection = quality_selection(groups, pd.Index(["a", "b", "c", "d"]), Y, RuleParams(kind="quality"))
    assert verdicts(selection) == {"a": True, "b": True, "c": False, "d": False}


# --- Decline risk ------------------------------------------------------------------------------------


def _flat_region(region_change: float = 0.0) -> list[dict[str, Any]]:
    """Nine schools of 100 pupils at 10% fails, moving by `region_change` a year."""
    return [work(f"r{i}", "vpr", y, round(100 * (0.10 + region_change * (y - Y + 2))), n=100)
            for i in range(9) for y in (Y - 2, Y - 1, Y)]


def _school(shares: tuple[float, float, float], n: int = 50, code: str = "x") -> list[dict[str, Any]]:
    return [work(code, "vpr", y, round(n * s), n=n) for y, s in zip((Y - 2, Y - 1, Y), shares, strict=True)]


def test_decline_risk_two_years_of_rising_fails_against_a_flat_region() -> None:
    works = frame(_flat_region() + _school((0.04, 0.16, 0.28)))
    result = decline_risk(works, pd.Index(["x", "r0"]), Y, RuleParams())
    schools = result.schools.set_index("school_code")
    assert schools["decline_risk"].to_dict() == {"x": True, "r0": False}
    # 24 points beyond the region's 12 in 950 (x is part of the region)
    assert schools.loc["x", "two_years"] and schools.loc["x", "rise"] == pytest.approx(0.24 - 12 / 950)
    flagged = result.detail.iloc[0]
    assert (flagged["school_code"], flagged["procedure"], flagged["subject"]) == ("x", "vpr", "ru")
    assert flagged["change_now"] > 0.10


def test_decline_risk_is_relative_to_the_region() -> None:
    works = frame(_flat_region(0.12) + _school((0.04, 0.16, 0.28)))
    assert not decline_risk(works, pd.Index(["x"]), Y, RuleParams()).schools["decline_risk"].any()


def test_decline_risk_by_trend_crossing_the_bar_next_year() -> None:
    # steps of 5 and 10 points: not two years of ≥ 10, but the line reaches 32% next year from 25% now
    works = frame(_flat_region() + _school((0.10, 0.15, 0.25), n=100) + _school((0.10, 0.12, 0.14), code="slow"))
    result = decline_risk(works, pd.Index(["x", "slow"]), Y, RuleParams())
    schools = result.schools.set_index("school_code")
    assert schools["decline_risk"].to_dict() == {"x": True, "slow": False}
    assert schools.loc["x", "trend"]
    flagged = result.detail.iloc[0]
    # region 105/1050, 111/1050, 122/1050 (x and slow are in it): x on this year's footing
    # 10% + 1.62%, 15% + 1.05%, 25% → mean 17.56% + 2 × slope 6.69%
    assert flagged["projected"] == pytest.approx(0.3094, abs=1e-4)


def test_decline_risk_ignores_small_works() -> None:
    works = frame(_flat_region() + _school((0.0, 0.5, 0.875), n=8))
    assert not decline_risk(works, pd.Index(["x"]), Y, RuleParams()).schools["decline_risk"].any()


# --- Dynamics ----------------------------------------------------------------------------------------


def _two_years(before: float, now: float, code: str, n: int = 200) -> list[dict[str, Any]]:
    return [work(code, "vpr", Y - 1, round(n * before), n=n), work(code, "vpr", Y, round(n * now), n=n)]


def test_dynamics_beyond_noise_only() -> None:
    region = [row for i in range(8) for row in _two_years(0.15, 0.15, f"r{i}")]
    works = frame(region + _two_years(0.30, 0.10, "up") + _two_years(0.10, 0.30, "down")
                  + _two_years(0.15, 0.17, "same") + _two_years(0.5, 0.0, "small", n=8))
    codes = pd.Index(["up", "down", "same", "small", "absent"])
    result = dynamics(works, codes, Y, RuleParams()).schools.set_index("school_code")
    assert result["dynamics"].fillna("NA").to_dict() == {"up": "improved", "down": "declined", "same": "stable",
                                                         "small": "NA", "absent": "NA"}
    assert result.loc["up", "change"] == pytest.approx(-0.20)


def test_a_region_wide_jump_moves_nobodys_dynamics() -> None:
    rng = np.random.default_rng(3)
    shares = rng.uniform(0.05, 0.25, 30)
    works = frame([row for i, s in enumerate(shares) for row in _two_years(s, s + 0.20, f"r{i:02d}")])
    codes = pd.Index([f"r{i:02d}" for i in range(30)])
    result = dynamics(works, codes, Y, RuleParams()).schools
    assert (result["change"] > 0.19).all()  # every school's raw fail share jumped
    assert set(result["dynamics"]) == {"stable"}


# --- Typology, list, stability ---------------------------------------------------------------------


def test_typology_follows_context_position_and_verdict() -> None:
    cases = [  # adverse, known, position, low → typology
        (True, True, "above", False, "resilient"),
        (True, True, "as_expected", True, "disadvantaged"),
        (True, True, "below", True, "disadvantaged"),
        (True, True, "below", False, "typical"),
        (False, True, "below", True, "underperforming"),
        (False, True, "as_expected", False, "favourable"),
        (False, True, "above", True, "favourable"),
        (False, False, "above", False, pd.NA),
        (True, True, pd.NA, True, pd.NA),
    ]
    adverse, known, position, low, expected = (pd.Series(list(c)) for c in zip(*cases, strict=True))
    result = typology(adverse, known, position.astype("string"), low)
    assert result.fillna("NA").tolist() == expected.fillna("NA").tolist()


def test_inclusion_keeps_a_leaving_school_with_objectivity_signs() -> None:
    history = frame([
        {"school_code": "kept", "year": 2024, "included": True, "exit": False},
        {"school_code": "leaver", "year": 2024, "included": True, "exit": False},
        {"school_code": "again", "year": 2023, "included": True, "exit": False},
        {"school_code": "again", "year": 2024, "included": True, "exit": False},
        {"school_code": "old", "year": 2022, "included": True, "exit": False},
    ])
    codes = pd.Index(["kept", "leaver", "again", "old", "new"])
    out = inclusion(codes, pd.Series([False, False, True, False, True]),
                    pd.Series([True, False, False, True, False]), history, Y).set_index("school_code")
    assert out["included"].to_dict() == {"kept": True, "leaver": False, "again": True, "old": False, "new": True}
    assert out["exit"].to_dict() == {"kept": False, "leaver": True, "again": False, "old": False, "new": False}
    assert out["reason"].to_dict() == {"kept": "kept_objectivity", "leaver": "", "again": "low_results",
                                       "old": "", "new": "low_results"}
    assert out["repeated"].to_dict() == {"kept": 2, "leaver": 1, "again": 3, "old": 1, "new": 1}


def test_stable_years_counts_years_with_the_same_place_in_the_list() -> None:
    history = frame([
        {"school_code": "a", "year": 2023, "included": True, "exit": False},
        {"school_code": "a", "year": 2024, "included": True, "exit": False},
        {"school_code": "b", "year": 2024, "included": True, "exit": False},
    ])
    out = stable_years(pd.Index(["a", "b", "c"]), pd.Series([True, False, False]), history, Y)
    assert out.tolist() == ["3 of 3", "2 of 3", "3 of 3"]
    assert stable_years(pd.Index(["a"]), pd.Series([True]), None, Y).tolist() == ["1 of 1"]


def test_stable_context_agrees_when_low_schools_are_below_expected() -> None:
    position = pd.Series(["below", "as_expected", "below", "above", pd.NA], dtype="string")
    out = stable_context(pd.Series([True, True, False, False, True]), position)
    assert out.astype(object).fillna("NA").tolist() == [True, False, False, True, "NA"]
