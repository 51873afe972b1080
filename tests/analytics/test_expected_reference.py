"""The expected-result model against reference fits on the same data — statsmodels WLS with the
model's weights, and statsmodels MixedLM (REML) on the pupil rows behind the school means — and its
empirical-Bayes part on regions whose real school differences are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from opora.analytics.expected import REASON_NO_SIGNAL, REASON_SMALL_GROUP, expected_results

# The most common level is not the first by name, so a wrong reference level would show.
TYPES = ["secondary"] * 5 + ["gymnasium", "lyceum", "basic"]
SETTLEMENTS = ["town"] * 3 + ["city", "village"]
TRUE_BETA = {"intercept": 60.0, "swi_composite": 4.0, "type:basic": -4.0, "type:gymnasium": 5.0,
             "type:lyceum": 3.0, "settlement:city": 1.5, "settlement:village": -2.0}
PUPIL_VAR = 400.0  # pupils' results spread with sd 20 points around their school's mean


def _region(seed: int, schools: int = 300, tau: float = 0.0, within_var: bool = True) -> pd.DataFrame:
    """Schools whose mean result is x·β + u + e: u ~ N(0, τ²) the real difference, e ~ N(0, 400/N)
    the noise of a mean over N pupils."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "school_code": [f"s{i:03d}" for i in range(schools)],
        "participants": rng.integers(12, 400, schools),
        "swi_composite": rng.normal(0, 1, schools),
        "type": rng.choice(TYPES, schools),
        "settlement": rng.choice(SETTLEMENTS, schools),
    })
    noise = rng.normal(0, tau, schools) + rng.normal(0, 1, schools) * np.sqrt(PUPIL_VAR / frame["participants"])
    frame["result"] = _truth(frame) + noise
    if within_var:
        frame["within_var"] = PUPIL_VAR
    return frame


def _design(frame: pd.DataFrame, references: dict[str, str]) -> pd.DataFrame:
    """Intercept, SWI and one dummy per non-reference level, named as expected.py names its terms."""
    design = pd.DataFrame({"intercept": 1.0, "swi_composite": frame["swi_composite"]}, index=frame.index)
    for factor, reference in references.items():
        dummies = pd.get_dummies(frame[factor], prefix=factor, prefix_sep=":", dtype=float)
        design = design.join(dummies.drop(columns=f"{factor}:{reference}"))
    return design


def _truth(frame: pd.DataFrame) -> pd.Series:
    return _design(frame, {"type": "secondary", "settlement": "town"}).mul(pd.Series(TRUE_BETA)).sum(axis=1)


def _reference_fit(frame: pd.DataFrame,
                   tau2: float = 0.0) -> tuple[sm.regression.linear_model.RegressionResultsWrapper, pd.DataFrame]:
    """statsmodels WLS with weights 1/(τ² + s²/N) on the schools with at least 10 pupils,
    reference = the most common level among them."""
    fitted = frame[frame["participants"] >= 10]
    references = {factor: fitted[factor].value_counts().idxmax() for factor in ("type", "settlement")}
    design = _design(frame, references)
    within = fitted["within_var"] if "within_var" in fitted.columns else PUPIL_VAR
    weights = 1.0 / (tau2 + within / fitted["participants"])
    model = sm.WLS(fitted["result"], design.loc[fitted.index], weights=weights).fit()
    return model, design


def test_coefficients_and_expected_results_agree_with_statsmodels_wls() -> None:
    frame = _region(seed=1, tau=3.0)
    frame.loc[:4, "participants"] = [3, 5, 7, 9, 9]  # out of the fit, but they still get an expected result
    fit = expected_results(frame)
    reference, design = _reference_fit(frame, fit.tau2)

    assert fit.reference_levels == {"type": "secondary", "settlement": "town"}
    ours = fit.coefficients.set_index("term")["coefficient"]
    assert list(ours.index) == list(reference.params.index)
    assert ours.to_numpy() == pytest.approx(reference.params.to_numpy(), rel=1e-8, abs=1e-8)
    # The fit recovers the rule the data were made with (a sanity check on the data, not the code).
    assert ours.to_numpy() == pytest.approx(pd.Series(TRUE_BETA)[ours.index].to_numpy(), abs=1.0)

    out = fit.schools.set_index("school_code")
    predicted = pd.Series(reference.predict(design).to_numpy(), index=frame["school_code"])
    assert out["expected"].to_numpy() == pytest.approx(predicted.to_numpy(), rel=1e-8, abs=1e-8)
    assert out["residual"].to_numpy() == pytest.approx((frame["result"] - predicted.to_numpy()).to_numpy(), abs=1e-8)
    assert (out.loc[["s000", "s004"], "reason"] == REASON_SMALL_GROUP).all()
    assert fit.schools_fitted == reference.nobs == 295


@pytest.mark.filterwarnings("ignore:The design matrix is rank-deficient")
def test_a_term_repeating_another_is_dropped_without_changing_the_expected_results() -> None:
    frame = _region(seed=2, tau=3.0)
    # Every gymnasium is in a village and every village school a gymnasium: the two dummies are one.
    others = frame["settlement"].replace("village", "city")
    frame["settlement"] = np.where(frame["type"] == "gymnasium", "village", others)
    fit = expected_results(frame)
    reference, _ = _reference_fit(frame, fit.tau2)  # statsmodels solves the rank-deficient fit by pseudo-inverse
    assert fit.dropped_terms == ("settlement:village",)
    assert fit.schools["expected"].to_numpy() == pytest.approx(reference.fittedvalues.to_numpy(), rel=1e-8)


def test_the_pooled_within_variance_is_the_wls_scale_when_schools_are_the_same_size() -> None:
    frame = _region(seed=3, tau=3.0, within_var=False).assign(participants=50)
    fit = expected_results(frame)
    reference, _ = _reference_fit(frame.assign(within_var=1.0))
    # With one size and no pupils' variance, noise and real differences cannot be told apart: all
    # spread counts as noise, and the model says it can place nobody rather than placing everyone
    # 'as expected'.
    assert fit.within_var == pytest.approx(reference.scale, rel=1e-8)
    assert fit.tau2 == pytest.approx(0.0, abs=1e-8)
    assert not fit.signal
    assert fit.schools["position"].isna().all()
    assert set(fit.schools["reason"]) == {REASON_NO_SIGNAL}
    assert fit.schools["residual"].abs().max() > 0  # the raw residuals stay for the page


def _with_twins(raw: float) -> pd.DataFrame:
    """A region with real differences (τ = 3) plus a 400-pupil and a 12-pupil school sitting on the
    same spot of the line with the same raw residual."""
    frame = _region(seed=4, tau=3.0)
    twins = pd.DataFrame({"school_code": ["large", "small"], "participants": [400, 12], "swi_composite": [0.0, 0.0],
                          "type": ["secondary"] * 2, "settlement": ["town"] * 2, "within_var": [PUPIL_VAR] * 2})
    twins["result"] = TRUE_BETA["intercept"] + raw
    return pd.concat([frame, twins], ignore_index=True)


@pytest.mark.parametrize(("raw", "position"), [(8.0, "above"), (-8.0, "below")])
def test_a_large_school_with_a_real_difference_is_placed_and_a_small_one_is_shrunk_more(raw: float,
                                                                                        position: str) -> None:
    frame = _with_twins(raw)
    fit = expected_results(frame)
    out = fit.schools.set_index("school_code")
    assert fit.signal and fit.q_p < 1e-6
    assert fit.tau2 == pytest.approx(9.0, rel=0.35)  # REML finds the real differences of the data

    large, small = out.loc["large"], out.loc["small"]
    assert large["residual"] == pytest.approx(small["residual"])
    assert large["position"] == position
    assert small["position"] == "as_expected"  # 12 pupils are not called on one result
    assert small["reliability"] < 0.3 < 0.85 < large["reliability"]
    assert abs(small["shrunk"]) < 0.3 * abs(large["shrunk"])
    assert small["high"] - small["low"] > 2 * (large["high"] - large["low"])
    for school in (large, small):  # the normal posterior of u given r
        assert school["reliability"] == pytest.approx(fit.tau2 / (fit.tau2 + school["sampling_var"]))
        assert school["shrunk"] == pytest.approx(school["reliability"] * school["residual"])
        half = 1.96 * np.sqrt(fit.tau2 * school["sampling_var"] / (fit.tau2 + school["sampling_var"]))
        assert school["high"] - school["shrunk"] == pytest.approx(half)


def _false_calls(seeds: range, within_var: bool) -> tuple[int, int, int, float]:
    """Schools called above or below, schools placed, schools fitted, and the share a plain
    z-test would call, over regions where every difference between schools is noise."""
    called = placed = fitted = 0
    plain = []
    for seed in seeds:
        frame = _region(seed, tau=0.0, within_var=within_var)
        fit = expected_results(frame)
        out = fit.schools
        called += int(out["position"].isin(["above", "below"]).sum())
        placed += int(out["position"].notna().sum())
        fitted += fit.schools_fitted
        plain.append((out["residual"].abs() > 1.96 * np.sqrt(PUPIL_VAR / frame["participants"])).mean())
    return called, placed, fitted, float(np.mean(plain))


def test_when_schools_differ_only_by_noise_nobody_is_called_above_or_below() -> None:
    fit = expected_results(_region(seed=3, tau=0.0))
    assert not fit.signal and fit.q_p >= 0.05
    assert fit.schools["position"].isna().all()  # not 'as expected': the model cannot tell
    assert set(fit.schools["reason"]) == {REASON_NO_SIGNAL}

    called, placed, fitted, plain = _false_calls(range(10), within_var=True)
    assert fitted == 3000
    assert plain == pytest.approx(0.05, abs=0.01)  # a plain z-test would call one school in twenty
    assert called <= 0.001 * fitted
    assert placed <= 0.2 * fitted  # the heterogeneity test finds a signal in about one region of twenty
    # Without the pupils' variance it is estimated from the residuals: noisier, still rare calls.
    called, _placed, fitted, _ = _false_calls(range(10), within_var=False)
    assert called <= 0.005 * fitted


def _pupils(seed: int, schools: int = 120, tau: float = 4.0) -> pd.DataFrame:
    """Pupil rows: each school's pupils score x·β + u + ε with u ~ N(0, τ²), ε ~ N(0, 400)."""
    rng = np.random.default_rng(seed + 1000)  # not _region's stream: the effects must not follow the SWI
    frame = _region(seed, schools=schools, tau=0.0).assign(participants=rng.integers(12, 90, schools))
    effect = rng.normal(0, tau, schools)
    rows = frame.loc[frame.index.repeat(frame["participants"])].reset_index(drop=True)
    rows["u"] = np.repeat(effect, frame["participants"])
    rows["score"] = _truth(rows) + rows["u"] + rng.normal(0, 20, len(rows))
    return rows


def test_on_pupil_rows_it_agrees_with_a_statsmodels_mixedlm_reml_fit() -> None:
    pupils = _pupils(seed=5)
    means = pupils.groupby("school_code").agg(
        result=("score", "mean"), participants=("score", "size"), within_var=("score", "var"),
        swi_composite=("swi_composite", "first"), type=("type", "first"), settlement=("settlement", "first"),
    ).reset_index()
    fit = expected_results(means)
    references = fit.reference_levels
    design = _design(pupils, references)
    mixed = sm.MixedLM(pupils["score"], design, groups=pupils["school_code"]).fit(reml=True)
    tau2_reference = float(mixed.cov_re.iloc[0, 0])
    assert fit.tau2 == pytest.approx(tau2_reference, rel=0.15)
    ours = fit.coefficients.set_index("term")["coefficient"]
    assert ours.to_numpy() == pytest.approx(mixed.fe_params[ours.index].to_numpy(), abs=0.5)
    blups = pd.Series({k: float(v.iloc[0]) for k, v in mixed.random_effects.items()})
    shrunk = fit.schools.set_index("school_code")["shrunk"].reindex(blups.index)
    assert np.corrcoef(shrunk, blups)[0, 1] > 0.99
    assert (shrunk - blups).abs().median() < 0.5  # points on a 0–100 scale
