from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from opora.analytics.expected import (
    REASON_NO_SWI,
    REASON_SMALL_GROUP,
    ExpectedConfig,
    expected_results,
)


def _region(seed: int = 1, schools: int = 40, noise: float = 0.0) -> pd.DataFrame:
    """Schools whose result is 50 + 5·SWI + 3 (gymnasium) − 4 (village), plus optional noise."""
    rng = np.random.default_rng(seed)
    swi = rng.normal(0, 1, schools)
    kind = np.where(np.arange(schools) % 4 == 0, "gymnasium", "school")
    settlement = np.where(np.arange(schools) % 3 == 0, "village", "city")
    result = 50 + 5 * swi + 3 * (kind == "gymnasium") - 4 * (settlement == "village") + rng.normal(0, noise, schools)
    return pd.DataFrame({"school_code": [f"s{i:02d}" for i in range(schools)], "result": result,
                         "participants": rng.integers(20, 200, schools), "swi_composite": swi,
                         "type": kind, "settlement": settlement})


def test_the_fit_recovers_the_rule_behind_noiseless_results() -> None:
    fit = expected_results(_region())
    rule = fit.coefficients.set_index("term")["coefficient"]
    assert rule["intercept"] == pytest.approx(50)
    assert rule["swi_composite"] == pytest.approx(5)
    assert rule["type:gymnasium"] == pytest.approx(3)
    assert rule["settlement:village"] == pytest.approx(-4)
    assert fit.reference_levels == {"type": "school", "settlement": "city"}  # the most common levels
    assert fit.schools["residual"].abs().max() == pytest.approx(0, abs=1e-9)
    # Nothing differs beyond the rule: the model places nobody (and says why).
    assert not fit.signal
    assert fit.schools["position"].isna().all()
    assert set(fit.schools["reason"]) == {"no_signal"}


def test_the_fit_weights_schools_by_what_their_results_tell() -> None:
    frame = _region(noise=4.0).assign(within_var=400.0)
    fit = expected_results(frame)
    x = np.column_stack([np.ones(len(frame)), frame["swi_composite"], frame["type"] == "gymnasium",
                         frame["settlement"] == "village"]).astype(float)
    # weight = 1 / (τ² + s²/N): the real differences plus the school's sampling noise
    w = 1.0 / (fit.tau2 + 400.0 / frame["participants"].to_numpy(dtype=float))
    reference = np.linalg.solve(x.T @ (w[:, None] * x), x.T @ (w * frame["result"].to_numpy()))
    assert fit.coefficients["coefficient"].to_numpy() == pytest.approx(reference)
    unweighted = np.linalg.lstsq(x, frame["result"].to_numpy(), rcond=None)[0]
    assert not np.allclose(reference, unweighted)  # the weights matter on these data


def test_a_dummy_without_variance_is_dropped() -> None:
    frame = _region().assign(settlement="city")
    fit = expected_results(frame)
    assert "settlement:village" not in set(fit.coefficients["term"])
    assert fit.dropped_terms == ()  # never built: only one level among the fitted schools
    aliased = _region().assign(settlement=lambda f: np.where(f["type"] == "gymnasium", "village", "city"))
    fit = expected_results(aliased)
    assert fit.dropped_terms == ("settlement:village",)  # the same schools as type:gymnasium


def _with_two_outliers(small: int, large: int, raw: float) -> pd.DataFrame:
    """A noisy region plus two schools on the same spot of the line with the same raw residual."""
    frame = _region(seed=3, schools=60, noise=4.0).assign(within_var=400.0)  # pupils' sd 20 points
    twins = pd.DataFrame({"school_code": ["small", "large"], "result": [50 + raw] * 2,
                          "participants": [small, large], "swi_composite": [0.0, 0.0],
                          "type": ["school"] * 2, "settlement": ["city"] * 2, "within_var": [400.0] * 2})
    return pd.concat([frame, twins], ignore_index=True)


def test_a_small_schools_residual_is_shrunk_much_more_than_a_large_schools() -> None:
    fit = expected_results(_with_two_outliers(12, 300, raw=10.0))
    out = fit.schools.set_index("school_code")
    assert out.loc["small", "residual"] == pytest.approx(out.loc["large", "residual"])
    assert fit.tau2 > 0
    for school, n in [("small", 12), ("large", 300)]:
        assert out.loc[school, "sampling_var"] == pytest.approx(400 / n)
        assert out.loc[school, "reliability"] == pytest.approx(fit.tau2 / (fit.tau2 + 400 / n))
    assert out.loc["large", "reliability"] > 0.8
    assert out.loc["small", "shrunk"] < 0.5 * out.loc["large", "shrunk"]
    assert out.loc["large", "position"] == "above"
    assert out.loc["small", "position"] == "as_expected"  # 12 pupils are not flagged on one good year


def test_positions_follow_the_interval() -> None:
    frame = _with_two_outliers(12, 300, raw=-10.0)
    out = expected_results(frame).schools.set_index("school_code")
    assert out.loc["large", "position"] == "below"
    assert out.loc["large", "high"] < 0
    half = 1.96 * np.sqrt(out["reliability"] * out["sampling_var"])
    assert (out["low"] - (out["shrunk"] - half)).abs().max() == pytest.approx(0)
    assert ((out["position"] == "above") == (out["low"] > 0)).all()
    assert ((out["position"] == "below") == (out["high"] < 0)).all()
    assert set(out["position"]) <= {"above", "as_expected", "below"}


def test_schools_without_swi_or_with_few_pupils_are_not_judged_and_stay_out_of_the_fit() -> None:
    frame = _region()
    frame.loc[0, "swi_composite"] = np.nan
    frame.loc[1, "participants"] = 9
    frame.loc[1, "result"] = 1000.0  # would wreck the fit if it entered it
    fit = expected_results(frame)
    out = fit.schools.set_index("school_code")
    assert out.loc["s00", "reason"] == REASON_NO_SWI and pd.isna(out.loc["s00", "position"])
    assert pd.isna(out.loc["s00", "expected"])
    assert out.loc["s01", "reason"] == REASON_SMALL_GROUP and pd.isna(out.loc["s01", "position"])
    assert pd.isna(out.loc["s01", "reliability"])
    assert out.loc["s01", "expected"] == pytest.approx(1000.0 - out.loc["s01", "residual"])
    assert fit.schools_fitted == 38
    assert fit.coefficients.set_index("term")["coefficient"]["swi_composite"] == pytest.approx(5)


def test_without_a_within_variance_it_is_estimated_from_the_residuals() -> None:
    rng = np.random.default_rng(11)
    schools = 2000  # the size effect on the spread is subtle: it takes many schools to see it
    n = rng.integers(10, 400, schools)
    swi = rng.normal(0, 1, schools)
    # real differences τ = 3, pupils' sd 20: the school mean's noise has variance 400/N
    result = 60 + 4 * swi + rng.normal(0, 3, schools) + rng.normal(0, 1, schools) * np.sqrt(400 / n)
    frame = pd.DataFrame({"school_code": range(schools), "result": result, "participants": n,
                          "swi_composite": swi, "type": "school", "settlement": "city"})
    fit = expected_results(frame)
    assert fit.within_var == pytest.approx(400, rel=0.25)
    assert fit.tau2 == pytest.approx(9, rel=0.2)


def test_too_few_schools_for_the_model_is_a_clear_error() -> None:
    frame = _region(schools=5)
    with pytest.raises(ValueError, match="Too few schools"):
        expected_results(frame)
    with pytest.raises(ValueError, match="Missing columns"):
        expected_results(frame.drop(columns=["settlement"]))


def test_the_factors_are_a_setting_and_the_result_is_deterministic() -> None:
    frame = _region(noise=3.0)
    config = ExpectedConfig(factors=("type",))
    first = expected_results(frame, config)
    second = expected_results(frame.iloc[::-1].reset_index(drop=True), config)
    assert list(first.coefficients["term"]) == ["intercept", "swi_composite", "type:gymnasium"]
    pd.testing.assert_frame_equal(first.schools.set_index("school_code").sort_index(),
                                  second.schools.set_index("school_code").sort_index())
