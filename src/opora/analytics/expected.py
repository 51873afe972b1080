"""Expected result (METHODS.md §4, our method): a school's result against schools in a like
context. A regression of the school result on the SWI composite, school type and settlement; the
residual is shrunk towards zero by its reliability (empirical Bayes) so that small schools are not
flagged by noise, and shown with a 95% interval.

The model, for school i with N_i participants:

    y_i = x_i·β + u_i + e_i,   u_i ~ N(0, τ²) the school's real difference,
                               e_i ~ N(0, σ²_i), σ²_i = s²_i / N_i the sampling noise of its mean,

s²_i the within-school variance of the pupils' results (from pupil rows, or for aggregates from
their mark distribution, score sd or score distribution: the caller passes `within_var`). τ² is
estimated by restricted maximum likelihood (REML, the standard for this random-effects model:
Fay–Herriot / meta-analysis) and β by generalised least squares with weights 1/(τ² + σ²_i), so a
school weighs by how much it really tells. The reliability λ_i = τ²/(τ² + σ²_i), the shrunk
residual λ_i·r_i and its interval λ_i·r_i ± z·√(λ_i·σ²_i) are the posterior mean and the normal
posterior interval of u_i given r_i. The interval treats β and τ² as known: with dozens of schools
per region their uncertainty is small beside a school's own noise.

Whether the schools differ at all beyond sampling noise is tested first (Cochran's Q of the fit
at τ² = 0 against χ² with n − p degrees of freedom, at `signal_alpha`). When they do not, every
difference is noise: no school is placed (position NA, reason 'no_signal', the raw residual
kept) and `ExpectedFit.signal` is False, so the caller says so instead of showing a column of
zeros as results.

Positions are on the scale of the result: for a fail share 'above' means more failures than
expected (the caller reads it as worse).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# Reasons are stable codes; the page translates them.
REASON_NO_RESULT = "no_result"
REASON_NO_SWI = "no_swi"
REASON_SMALL_GROUP = "small_group"
REASON_NO_SIGNAL = "no_signal"  # the schools differ by no more than sampling noise: nobody is placed
POSITIONS = ("above", "as_expected", "below")
INTERCEPT = "intercept"
SWI = "swi_composite"
_RANK_TOL = 1e-9
_NOISE = 1e-9
_GLS_ROUNDS = 5


@dataclass(frozen=True)
class ExpectedConfig:
    factors: tuple[str, ...] = ("type", "settlement")  # categorical columns, one dummy per non-reference level
    min_participants: int = 10  # the small-group rule: fewer pupils are not judged
    z: float = 1.96  # 95% interval
    signal_alpha: float = 0.05  # the heterogeneity test: below this p-value the schools differ


@dataclass(frozen=True)
class ExpectedFit:
    """`schools`: school_code, expected, residual, sampling_var, reliability, shrunk, low, high,
    position ('above'/'as_expected'/'below', NA when not judged), reason ('' or a REASON_* code).
    Schools left out of the fit still get `expected` and `residual` when they have an SWI and
    known levels, so a page can show them, but no reliability or position.

    `coefficients`: term, factor, level, coefficient — 'intercept', 'swi_composite' and one row
    per dummy ('type', 'gymnasium'); `reference_levels` are the levels the dummies compare with;
    `dropped_terms` had no variance or repeated other terms. `within_var` is the pooled s² used
    for schools without their own (NaN if every school had one), `tau2` the between-school
    variance (REML), `schools_fitted` the n of the fit; `q`, `q_df`, `q_p` Cochran's test of
    between-school differences and `signal` whether it found them."""

    schools: pd.DataFrame
    coefficients: pd.DataFrame
    reference_levels: dict[str, str]
    dropped_terms: tuple[str, ...]
    within_var: float
    tau2: float
    schools_fitted: int
    q: float = float("nan")
    q_df: int = 0
    q_p: float = float("nan")
    signal: bool = True


def _reference(levels: pd.Series) -> str:
    """The most common level (ties: the first by name), so the dummies compare with the usual case."""
    counts = levels.value_counts()
    return str(sorted(counts[counts == counts.max()].index)[0])


def _design(frame: pd.DataFrame, factors: tuple[str, ...], fit: pd.Series) -> tuple[pd.DataFrame, dict[str, str]]:
    """Columns intercept, swi_composite and factor:level dummies (levels as seen in the fit rows)."""
    design = pd.DataFrame({INTERCEPT: 1.0, SWI: frame["swi"]}, index=frame.index)
    references: dict[str, str] = {}
    for factor in factors:
        levels = frame[factor]
        references[factor] = _reference(levels[fit])
        for level in sorted(set(levels[fit]) - {references[factor]}):
            design[f"{factor}:{level}"] = (levels == level).astype(float)
    return design, references


def _independent(columns: np.ndarray, names: list[str]) -> tuple[list[int], list[str]]:
    """Keep columns in order while each adds rank (drops constants and aliased dummies)."""
    kept: list[int] = []
    dropped: list[str] = []
    for j, name in enumerate(names):
        trial = columns[:, [*kept, j]]
        if np.linalg.matrix_rank(trial, tol=_RANK_TOL * max(1.0, np.abs(trial).max())) > len(kept):
            kept.append(j)
        else:
            dropped.append(name)
    return kept, dropped


def _pooled_within_var(residual: np.ndarray, participants: np.ndarray, params: int) -> float:
    """s² when the caller gave none: E[r²] ≈ τ² + s²/N, so the slope of r² on 1/N across schools
    of different sizes is s². The line is fitted by iterated weighted least squares with weights
    1/(τ² + s²/N)², since Var(r²) = 2(τ² + s²/N)² for normal residuals (plain OLS is dominated by
    the noisiest small schools). When the sizes do not vary or the slope is not positive, fall back
    to the WLS scale Σ N·r² / (n − p), which counts all spread as noise: no school is then called
    above or below by chance. Callers with pupil data should pass within_var instead (for a share,
    p(1 − p) is the pupils' variance)."""
    inverse = 1.0 / participants
    squared = residual**2
    if np.ptp(inverse) > 0:
        x = np.column_stack([np.ones_like(inverse), inverse])
        coef = np.linalg.lstsq(x, squared, rcond=None)[0]
        for _ in range(_GLS_ROUNDS):
            fitted = np.maximum(x @ coef, _NOISE * max(float(squared.mean()), _NOISE))
            w = 1.0 / fitted
            coef = np.linalg.lstsq(x * w[:, None], squared * w, rcond=None)[0]
        if coef[1] > 0:
            return float(coef[1])
    return float((participants * squared).sum() / max(len(residual) - params, 1))


def _positions(low: pd.Series, high: pd.Series) -> pd.Series:
    position = pd.Series(pd.NA, index=low.index, dtype="string")
    judged = low.notna()
    position[judged] = "as_expected"
    position[judged & (low > 0)] = "above"
    position[judged & (high < 0)] = "below"
    return position


def expected_results(schools: pd.DataFrame, config: ExpectedConfig | None = None) -> ExpectedFit:
    """Fit the expected result and place each school above, as or below it.

    Input: one row per school_code with result, participants, swi_composite, the factor columns
    (default type, settlement; a missing level counts as the level '') and optionally within_var
    (the pooled within-school variance of pupils' results, s²_i; a missing value takes the pooled
    estimate). Schools without a result or SWI, or with fewer than `min_participants`, stay out
    of the fit with a reason. Raises ValueError when fewer than parameters + 2 schools remain.
    """
    config = config or ExpectedConfig()
    required = ["school_code", "result", "participants", "swi_composite", *config.factors]
    absent = [c for c in required if c not in schools.columns]
    if absent:
        raise ValueError(f"Missing columns for the expected result: {', '.join(absent)}.")
    if schools["school_code"].duplicated().any():
        raise ValueError("Each school must appear once in the expected-result table.")

    frame = pd.DataFrame({
        "school_code": schools["school_code"].to_numpy(),
        "y": pd.to_numeric(schools["result"], errors="coerce").to_numpy(dtype=float),
        "n": pd.to_numeric(schools["participants"], errors="coerce").to_numpy(dtype=float),
        "swi": pd.to_numeric(schools["swi_composite"], errors="coerce").to_numpy(dtype=float),
    })
    for factor in config.factors:
        frame[factor] = schools[factor].fillna("").astype(str).to_numpy()
    own_var = (pd.to_numeric(schools["within_var"], errors="coerce").to_numpy(dtype=float)
               if "within_var" in schools.columns else np.full(len(frame), np.nan))
    frame["own_var"] = np.where(own_var >= 0, own_var, np.nan)

    reason = np.select(
        [frame["y"].isna(), frame["swi"].isna(), ~(frame["n"] >= config.min_participants)],
        [REASON_NO_RESULT, REASON_NO_SWI, REASON_SMALL_GROUP], default="")
    fit = pd.Series(reason == "", index=frame.index)
    if not fit.any():
        raise ValueError("No school has a result, a social well-being index and enough participants.")

    design, references = _design(frame, config.factors, fit)
    names = list(design.columns)
    weights = np.sqrt(frame.loc[fit, "n"].to_numpy())
    kept, dropped = _independent(design[fit].to_numpy() * weights[:, None], names)
    params = len(kept)
    if fit.sum() < params + 2:
        raise ValueError(f"Too few schools to fit the expected result: {int(fit.sum())} usable, "
                         f"at least {params + 2} needed.")
    x_fit = design[fit].to_numpy()[:, kept]
    y_fit = frame.loc[fit, "y"].to_numpy()
    n_fit = frame.loc[fit, "n"].to_numpy()
    # The within-school variance: the schools' own, a missing one by the median of those known,
    # or (none known) estimated from how the residuals of a first WLS fit spread with size.
    own = frame["own_var"]
    if own[fit].notna().any():
        pooled = float(own[fit].median()) if own[fit].isna().any() else np.nan
    else:
        first = np.linalg.lstsq(x_fit * weights[:, None], y_fit * weights, rcond=None)[0]
        pooled = _pooled_within_var(y_fit - x_fit @ first, n_fit, params)
    sampling_var = (own.fillna(pooled) / frame["n"]).where(fit)
    v_fit = sampling_var[fit].to_numpy()
    tau2 = reml_tau2(y_fit, x_fit, v_fit)
    beta = _gls(y_fit, x_fit, tau2 + v_fit)
    q, q_p = heterogeneity(y_fit, x_fit, v_fit)
    signal = bool(q_p < config.signal_alpha) and tau2 > 0

    known = frame["swi"].notna()
    for factor in config.factors:
        known &= frame[factor].isin(set(frame.loc[fit, factor]))
    expected = pd.Series(np.nan, index=frame.index)
    expected[known] = design[known].to_numpy()[:, kept] @ beta
    residual = frame["y"] - expected
    # A perfect fit leaves residuals of float noise (1e-14); they must not read as 'below'.
    residual = residual.mask(residual.abs() <= _NOISE * max(1.0, float(frame.loc[fit, "y"].abs().max())), 0.0)

    total = tau2 + sampling_var
    reliability = (tau2 / total).where(total > 0, 1.0).where(fit)
    shrunk = reliability * residual
    half = config.z * np.sqrt(reliability * sampling_var)
    low, high = shrunk - half, shrunk + half
    if not signal:
        reason = np.where(reason == "", REASON_NO_SIGNAL, reason)
        low = high = shrunk = reliability = pd.Series(np.nan, index=frame.index)

    out = pd.DataFrame({
        "school_code": frame["school_code"],
        "expected": expected,
        "residual": residual,
        "sampling_var": sampling_var,
        "reliability": reliability,
        "shrunk": shrunk,
        "low": low,
        "high": high,
        "position": _positions(low, high),
        "reason": reason,
    })
    coefficients = pd.DataFrame([
        {"term": names[j], "factor": names[j].split(":", 1)[0] if ":" in names[j] else "",
         "level": names[j].split(":", 1)[1] if ":" in names[j] else "", "coefficient": float(b)}
        for j, b in zip(kept, beta, strict=True)])
    return ExpectedFit(schools=out, coefficients=coefficients, reference_levels=references,
                       dropped_terms=tuple(dropped), within_var=pooled, tau2=tau2,
                       schools_fitted=int(fit.sum()), q=q, q_df=int(fit.sum()) - params, q_p=q_p, signal=signal)


def _gls(y: np.ndarray, x: np.ndarray, variance: np.ndarray) -> np.ndarray:
    """β of y on x with weights 1/variance."""
    w = 1.0 / np.maximum(variance, _NOISE)
    beta: np.ndarray = np.linalg.lstsq(x * np.sqrt(w)[:, None], y * np.sqrt(w), rcond=None)[0]
    return beta


def _restricted_nll(tau2: float, y: np.ndarray, x: np.ndarray, v: np.ndarray) -> float:
    """−2 × the restricted log-likelihood of y = xβ + u + e (up to a constant)."""
    total = np.maximum(tau2 + v, _NOISE)
    w = 1.0 / total
    xtwx = x.T @ (x * w[:, None])
    beta = np.linalg.lstsq(xtwx, x.T @ (w * y), rcond=None)[0]
    r = y - x @ beta
    sign, logdet = np.linalg.slogdet(xtwx)
    return float(np.log(total).sum() + (logdet if sign > 0 else 0.0) + (w * r**2).sum())


def reml_tau2(y: np.ndarray, x: np.ndarray, v: np.ndarray) -> float:
    """The REML estimate of the between-school variance τ² given the sampling variances `v`
    (a bounded one-dimensional search; 0 when the likelihood is largest there)."""
    from scipy.optimize import minimize_scalar

    spread = float(np.var(y)) if len(y) > 1 else 0.0
    if spread <= 0:
        return 0.0
    upper = 4.0 * spread + float(np.max(v, initial=0.0))
    found = minimize_scalar(_restricted_nll, bounds=(0.0, upper), args=(y, x, v), method="bounded",
                            options={"xatol": spread * 1e-8})
    tau2 = float(found.x)
    if _restricted_nll(0.0, y, x, v) <= _restricted_nll(tau2, y, x, v):
        return 0.0
    return tau2


def heterogeneity(y: np.ndarray, x: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """Cochran's Q of the fit with sampling noise alone (τ² = 0) and its χ² p-value: a small
    p-value says the schools differ by more than their sampling noise."""
    from scipy.stats import chi2

    df = len(y) - x.shape[1]
    if df <= 0:
        return float("nan"), 1.0
    w = 1.0 / np.maximum(v, _NOISE)
    r = y - x @ _gls(y, x, v)
    q = float((w * r**2).sum())
    return q, float(chi2.sf(q, df))
