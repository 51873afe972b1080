from __future__ import annotations

import json
from functools import cache

import pandas as pd
import pytest

from opora.analytics.identify import IDENTIFY_COLUMNS, REASON_NOT_FITTED, Identification, identify
from opora.analytics.rules import RuleParams

from .identify_data import Region, build_region

KINDS = ("federal", "municipal", "quality")


@cache
def region(jump: float = 0.0) -> Region:
    return build_region(jump=jump)


@cache
def run(kind: str, jump: float = 0.0, **overrides: object) -> Identification:
    r = region(jump)
    params = RuleParams.from_dict({"kind": kind, **overrides})
    return identify(r.works, r.tasks, r.schools, r.passports, r.history, r.year, params)


def table(kind: str, jump: float = 0.0) -> pd.DataFrame:
    return run(kind, jump).schools.set_index("school_code")


def truth(name: str) -> list[str]:
    return region().truth[name]


def test_one_row_per_school_with_the_contract_columns() -> None:
    for kind in KINDS:
        schools = run(kind).schools
        assert list(schools.columns) == IDENTIFY_COLUMNS
        assert schools["school_code"].tolist() == region().schools["school_code"].tolist()


@pytest.mark.parametrize("kind", ["federal", "municipal"])
def test_low_schools_are_flagged_and_good_schools_are_not(kind: str) -> None:
    schools = table(kind)
    assert schools.loc[truth("low"), "low_results"].all()
    assert schools.loc[truth("low"), "included"].all()
    assert not schools.loc[truth("good"), "low_results"].any()
    assert (schools.loc[truth("low"), "repeated"] == 3).all()  # 2023, 2024 and now


def test_the_quality_rule_flags_the_low_schools_by_their_group() -> None:
    schools = table("quality")
    assert (schools.loc[truth("low"), "quality_group"] == 1).all()
    assert schools.loc[truth("low"), "low_results"].all()
    assert not schools.loc[truth("good"), "low_results"].any()
    assert schools.loc["resilient", "quality_group"] == schools["quality_group"].max()


def test_a_school_of_eight_pupils_is_never_flagged() -> None:
    for kind in KINDS:
        tiny = table(kind).loc["tiny"]
        assert not tiny["low_results"] and not tiny["included"] and not tiny["decline_risk"]
        assert pd.isna(tiny["quality_group"]) and pd.isna(tiny["dynamics"]) and pd.isna(tiny["position"])


def test_a_declining_school_is_at_risk_though_not_low() -> None:
    schools = table("federal")
    assert schools.loc["declining", "decline_risk"] and not schools.loc["declining", "low_results"]
    assert schools.loc["declining", "dynamics"] == "declined"
    ordinary = schools.index.str.startswith("s")
    assert not schools.loc[ordinary, "decline_risk"].any()
    evidence = run("federal").evidence["declining"]["decline_risk"]
    assert {w["procedure"] for w in evidence["works"]} == {"vpr", "oge"}
    assert evidence["two_years"] or evidence["projected"] >= 0.30
    assert evidence["z_two_years"] >= evidence["rule"]["bar"] and evidence["rise"] >= 0.10


def test_an_improving_school_improves_and_ordinary_schools_stay_stable() -> None:
    schools = table("federal")
    assert schools.loc["improving", "dynamics"] == "improved"
    assert set(schools.loc[schools.index.str.startswith("s"), "dynamics"]) == {"stable"}


def test_a_region_wide_jump_marks_nobody_improved_or_declined() -> None:
    schools = table("federal", jump=1.2)
    ordinary = schools.index.str.startswith("s")
    changes = pd.DataFrame([run("federal", 1.2).evidence[c]["dynamics"] for c in schools.index[ordinary]])
    assert (changes["change"] > 0.03).all() and changes["change"].mean() > 0.15  # every school's fail share jumped
    assert set(schools.loc[ordinary, "dynamics"]) == {"stable"}
    assert not schools.loc[ordinary, "decline_risk"].any()
    assert schools.loc["improving", "dynamics"] == "improved"  # still better than the region moved


def test_a_resilient_school_is_above_expected_in_an_adverse_context() -> None:
    schools = table("federal")
    resilient = schools.loc["resilient"]
    assert resilient["adverse_context"] and resilient["swi_stanine"] <= 3
    assert resilient["position"] == "above" and resilient["residual_low"] > 0
    assert resilient["typology"] == "resilient" and resilient["resilient"]
    # Ordinary schools of adverse context with a real advantage may be resilient too; every one is
    # adverse and above expected, and the planted school stands out among them.
    marked = schools[schools["resilient"]]
    assert marked["adverse_context"].all() and (marked["position"] == "above").all()
    assert len(marked) <= 5 and marked["residual"].idxmax() == "resilient"
    assert (schools.loc[truth("low"), "position"] == "below").all()
    assert schools.loc[truth("low"), "stable_context"].all()  # low and below expected agree


def test_an_inflated_school_that_would_exit_stays_with_the_reason() -> None:
    result = run("federal")
    schools = result.schools.set_index("school_code")
    inflated = schools.loc["inflated"]
    assert not inflated["low_results"] and inflated["included"] and not inflated["exit"]
    assert {"above_region", "boundary_peak", "journal_gap"} <= set(inflated["objectivity_signs"])
    assert result.evidence["inflated"]["exit"]["reason"] == "kept_objectivity"
    assert result.evidence["inflated"]["exit"]["kept"]
    leaver = schools.loc["leaver"]
    assert leaver["exit"] and not leaver["included"] and leaver["objectivity_signs"] == []
    assert leaver["stable_years"] == "2 of 3"  # out in 2023 and now, in the 2024 list


def test_stability_at_the_fail_bar() -> None:
    schools = table("federal")
    assert schools.loc["edge", "low_results"] and not schools.loc["edge", "stable_thresholds"]
    assert schools.loc[truth("low"), "stable_thresholds"].all()
    assert schools.loc[truth("good"), "stable_thresholds"].all()
    low_at = run("federal").evidence["edge"]["stability"]["low_at"]
    assert low_at == {"0.9": True, "1.1": False}
    assert schools.loc["low1", "stable_years"] == "3 of 3"


def test_the_rule_reads_only_its_procedures() -> None:
    schools = run("federal", procedures=("vpr",)).schools  # one procedure can never make two failing
    assert not schools["low_results"].any()


def test_evidence_and_population_are_json() -> None:
    for kind in KINDS:
        result = run(kind)
        assert set(result.evidence) == set(result.schools["school_code"])
        json.dumps(result.evidence, allow_nan=False)
        json.dumps(result.population, allow_nan=False)
        flags = result.evidence["low1"]
        assert set(flags) == {"low_results", "adverse_context", "expected", "typology", "quality", "decline_risk",
                              "dynamics", "objectivity", "repeated", "exit", "stability"}
        assert all("value" in flag and "rule" in flag for flag in flags.values())
        assert flags["low_results"]["value"] is True and flags["low_results"]["rule"]["kind"] == kind
        assert {"year", "procedure", "subject", "grade", "participants", "fail_share"} <= set(
            flags["low_results"]["works"][0])
    procedures = run("federal").evidence["low1"]["low_results"]["procedures"]
    assert {(p["procedure"], p["year"]) for p in procedures if p["failing"]} == {
        (p, y) for p in ("vpr", "oge", "ege") for y in (2024, 2025)}
    population = run("federal").population
    assert population["expected"]["schools_fitted"] > 50 and population["quality_groups"]
    assert population["params"]["kind"] == "federal"


def test_too_few_schools_leave_the_expected_result_empty_with_a_reason() -> None:
    r = region()
    few = ["low1", truth("good")[0], "resilient"]
    works = r.works[r.works["school_code"].isin(few)]
    schools = r.schools[r.schools["school_code"].isin(few)]
    result = identify(works, r.tasks, schools, r.passports, r.history, r.year, RuleParams())
    assert result.schools["expected"].isna().all() and result.schools["position"].isna().all()
    assert result.schools["typology"].isna().all()
    assert result.evidence["low1"]["expected"]["reason"] == REASON_NOT_FITTED
    assert result.population["expected"]["reason"] == REASON_NOT_FITTED
    json.dumps(result.evidence, allow_nan=False)


def test_a_fail_share_measure_is_oriented_so_that_above_means_better() -> None:
    schools = run("federal", expected_measure="core_fail_share").schools.set_index("school_code")
    assert (schools.loc[truth("low"), "result"] > schools.loc[truth("low"), "expected"]).all()  # more fails
    assert (schools.loc[truth("low"), "position"] == "below").all()
    assert (schools.loc[truth("low"), "residual_high"] < 0).all()
    assert schools.loc["resilient", "position"] == "above" and schools.loc["resilient", "residual"] > 0
