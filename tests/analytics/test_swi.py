from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from opora.analytics.swi import (
    NOTE_CONSTANT,
    NOTE_MISSING,
    REASON_FEW_INDICATORS,
    SwiConfig,
    social_wellbeing,
    stanines,
)

THREE = SwiConfig(signs={"parents_higher_education": 1, "low_income_families": -1, "prevention_register": -1})


def _three_schools() -> pd.DataFrame:
    # means 0.4, 0.2, 0.02; population sds √(0.08/3), √(0.02/3), √(0.0008/3)
    return pd.DataFrame({
        "school_code": ["a", "b", "c"],
        "parents_higher_education": [0.2, 0.4, 0.6],
        "low_income_families": [0.3, 0.2, 0.1],
        "prevention_register": [0.04, 0.02, 0.00],
    })


def test_every_indicator_is_oriented_so_that_higher_means_better_off() -> None:
    result = social_wellbeing(_three_schools(), THREE)
    z = np.sqrt(1.5)  # (0.6 − 0.4) / √(0.08/3), the same for every indicator here
    composite = result.schools.set_index("school_code")["swi_composite"]
    assert composite["a"] == pytest.approx(-z)  # fewest educated parents, most poverty and prevention
    assert composite["b"] == pytest.approx(0.0)
    assert composite["c"] == pytest.approx(z)
    population = result.population.set_index("indicator")
    assert population.loc["parents_higher_education", "mean"] == pytest.approx(0.4)
    assert population.loc["parents_higher_education", "sd"] == pytest.approx(np.sqrt(0.08 / 3))
    assert population.loc["low_income_families", "sign"] == -1


def test_a_missing_indicator_is_left_out_of_that_schools_average_only() -> None:
    frame = pd.DataFrame({
        "school_code": ["a", "b", "c", "d"],
        "parents_higher_education": [0.2, 0.4, 0.6, np.nan],
        "low_income_families": [0.4, 0.2, 0.2, 0.2],
        "prevention_register": [0.1, 0.1, 0.1, 0.3],
        "large_families": [0.1, 0.1, 0.1, 0.1],
    })
    config = SwiConfig(signs={**THREE.signs, "large_families": -1}, min_indicators=2)
    result = social_wellbeing(frame, config).schools.set_index("school_code")
    # low income: mean 0.25, sd √0.0075; prevention: mean 0.15, sd √0.0075; parents: mean 0.4, sd √(0.08/3)
    z_low_d = -(0.2 - 0.25) / np.sqrt(0.0075)
    z_prev_d = -(0.3 - 0.15) / np.sqrt(0.0075)
    assert result.loc["d", "indicators_used"] == 2  # no parents' data, large families constant
    assert result.loc["d", "swi_composite"] == pytest.approx((z_low_d + z_prev_d) / 2)
    assert result.loc["a", "indicators_used"] == 3


def test_a_school_with_only_two_indicators_gets_no_index_and_a_reason() -> None:
    frame = _three_schools()
    frame.loc[1, "prevention_register"] = np.nan
    result = social_wellbeing(frame, THREE).schools.set_index("school_code")
    assert pd.isna(result.loc["b", "swi_composite"]) and pd.isna(result.loc["b", "swi_stanine"])
    assert result.loc["b", "reason"] == REASON_FEW_INDICATORS
    assert not result.loc["b", "adverse_context"]
    assert result.loc["a", "reason"] == "" and not pd.isna(result.loc["a", "swi_stanine"])


def test_a_constant_indicator_and_an_empty_one_are_excluded_and_noted() -> None:
    frame = _three_schools().assign(large_families=0.1, special_needs=np.nan)
    config = SwiConfig(signs={**THREE.signs, "large_families": -1, "special_needs": -1, "unemployed_parents": -1})
    result = social_wellbeing(frame, config)
    notes = result.population.set_index("indicator")
    assert notes.loc["large_families", "note"] == NOTE_CONSTANT and not notes.loc["large_families", "used"]
    assert notes.loc["special_needs", "note"] == NOTE_MISSING
    assert notes.loc["unemployed_parents", "note"] == NOTE_MISSING  # no such column at all
    assert notes.loc["parents_higher_education", "note"] == "" and notes.loc["parents_higher_education", "used"]
    assert list(result.schools["indicators_used"]) == [3, 3, 3]
    assert result.schools["swi_composite"].to_numpy() == pytest.approx(
        social_wellbeing(_three_schools(), THREE).schools["swi_composite"].to_numpy())


def test_stanines_of_100_schools_follow_the_standard_percentages() -> None:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"school_code": [f"s{i:03d}" for i in range(100)],
                          "parents_higher_education": rng.uniform(0, 1, 100),
                          "low_income_families": rng.uniform(0, 1, 100),
                          "prevention_register": rng.uniform(0, 0.1, 100)})
    schools = social_wellbeing(frame, THREE).schools
    counts = schools["swi_stanine"].value_counts().sort_index()
    assert list(counts) == [4, 7, 12, 17, 20, 17, 12, 7, 4]
    ordered = schools.sort_values("swi_composite")
    assert list(ordered["swi_stanine"]) == sorted(ordered["swi_stanine"])  # stanine rises with the index
    assert ordered["adverse_context"].sum() == 23  # stanines 1–3
    assert ordered["adverse_context"].iloc[:23].all()


def test_fewer_than_nine_schools_still_get_stanines_by_rank() -> None:
    assert list(stanines(pd.Series([3.0]))) == [5]
    assert list(stanines(pd.Series([0.5, -1.0, 2.0]))) == [5, 3, 7]  # mid-rank percentiles 50, 16.7, 83.3
    result = social_wellbeing(_three_schools(), THREE).schools
    assert list(result["swi_stanine"]) == [3, 5, 7]
    assert list(result["adverse_context"]) == [True, False, False]


def test_tied_schools_share_a_stanine() -> None:
    values = pd.Series([1.0, 1.0, 1.0, 1.0, 0.0, 2.0, 2.0 + 1e-15])
    out = stanines(values)
    assert out.iloc[0] == out.iloc[1] == out.iloc[2] == out.iloc[3] == 5
    assert out.iloc[5] == out.iloc[6]  # equal up to float noise
    assert pd.isna(stanines(pd.Series([np.nan, 1.0])).iloc[0])


def test_the_adverse_stanines_are_a_setting() -> None:
    config = SwiConfig(signs=THREE.signs, adverse_stanines=(1, 2, 3, 4, 5))
    result = social_wellbeing(_three_schools(), config).schools
    assert list(result["adverse_context"]) == [True, True, False]


def test_a_bad_configuration_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="signs must be"):
        SwiConfig(signs={"parents_higher_education": 2})
    with pytest.raises(ValueError, match="between 1 and 9"):
        SwiConfig(adverse_stanines=(0,))
    with pytest.raises(ValueError, match="once"):
        social_wellbeing(pd.concat([_three_schools(), _three_schools()]), THREE)


def test_the_index_is_the_same_whatever_the_row_order() -> None:
    frame = _three_schools()
    forward = social_wellbeing(frame, THREE).schools.set_index("school_code").sort_index()
    backward = social_wellbeing(frame.iloc[::-1], THREE).schools.set_index("school_code").sort_index()
    pd.testing.assert_frame_equal(forward, backward)
