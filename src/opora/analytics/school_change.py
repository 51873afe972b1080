"""A school's change over the years against the region's (METHODS.md §5, "for every rule set"):
dynamics (improved / stable / declined) and decline risk.

Both judge the change of the fail share on the logit scale, log((k + ½)/(n − k + ½)), minus the
region's change of the same work on the same scale. On that scale a region-wide shift (a new,
harder test form) moves a school at 2 % fails as much as one at 30 %, so subtracting it leaves
schools near the floor or the ceiling where they were — on the share scale a region rising by 10
points would make every school near 0 % "decline". A school's works are pooled with weights
1/variance (the binomial variance of a logit: 1/(k + ½) + 1/(n − k + ½), summed over the years).

The pooled change is then judged against the year-to-year variation the region's own schools show
(`calibration.yardstick`: a robust centre and the real between-school variance of changes beyond
sampling noise), not against sampling noise alone: cohorts differ, and real school panels vary
from year to year far more than binomial noise says. A school is marked when its z passes the
bar that a stated share of ordinary schools passes by chance (`RuleParams.dynamics_fpr`, split
over the two directions; `decline_fpr` for decline risk). With fewer than
`calibration.MIN_SCHOOLS` schools the region's variation cannot be read: sampling noise alone is
used and `summary["calibrated"]` is False.

Decline risk (two ways, either suffices): "two years running" — the pooled change rose beyond
the region's in both steps (year − 2 → year − 1 → year), the two-year rise passes its bar, and
the fail share rose by at least `decline_bar` beyond the region's; or "trend" — the two-year
rise passes its bar and the line through the three years, on this year's regional footing,
reaches `fail_bar` next year while the school is still below it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from opora.analytics.calibration import MIN_SCHOOLS, Yardstick, bar, yardstick
from opora.analytics.rules import RuleParams
from opora.analytics.rules.steps import _EPS, POPULATION, SCHOOL_WORK, Selection, _align, _frame, _region_keys, counted


def _logit(k: pd.Series | np.ndarray, n: pd.Series | np.ndarray) -> np.ndarray:
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    logit: np.ndarray = np.log((k + 0.5) / (n - k + 0.5))
    return logit


def _logit_var(k: pd.Series | np.ndarray, n: pd.Series | np.ndarray) -> np.ndarray:
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    variance: np.ndarray = 1.0 / (k + 0.5) + 1.0 / (n - k + 0.5)
    return variance


def _region_counts(scope: pd.DataFrame) -> pd.DataFrame:
    keys = _region_keys(scope)
    g = scope.groupby(keys, as_index=False, observed=True)[["fail_count", "participants"]].sum()
    return g.rename(columns={"fail_count": "region_fail", "participants": "region_n"})


def _wide(works: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """One row per school × work with N ≥ min in every year of `years`: participants, fail_count,
    fail_share and the region's counts per year (columns '<name>_<year>'), population kept."""
    keys = _region_keys(works)
    w = works.merge(_region_counts(works), on=keys, how="left")
    index = [*SCHOOL_WORK, *([POPULATION] if POPULATION in w.columns else [])]
    wide = w.set_index([*index, "year"])[["participants", "fail_count", "region_fail", "region_n"]].unstack("year")
    if wide.empty or not all(y in wide["participants"].columns for y in years):
        return pd.DataFrame()
    wide = wide.dropna(subset=[("participants", y) for y in years])
    wide.columns = [f"{name}_{year}" for name, year in wide.columns]
    return wide.reset_index()


def _step(wide: pd.DataFrame, before: int, after: int) -> tuple[np.ndarray, np.ndarray]:
    """Per work row: the logit change beyond the region's and its sampling variance."""
    change = (_logit(wide[f"fail_count_{after}"], wide[f"participants_{after}"])
              - _logit(wide[f"fail_count_{before}"], wide[f"participants_{before}"]))
    region = (_logit(wide[f"region_fail_{after}"], wide[f"region_n_{after}"])
              - _logit(wide[f"region_fail_{before}"], wide[f"region_n_{before}"]))
    var = (_logit_var(wide[f"fail_count_{after}"], wide[f"participants_{after}"])
           + _logit_var(wide[f"fail_count_{before}"], wide[f"participants_{before}"]))
    return change - region, var


def _pool(wide: pd.DataFrame, value: np.ndarray, var: np.ndarray) -> pd.DataFrame:
    """Inverse-variance pooled value and its variance per school (population kept)."""
    keys = ["school_code", *([POPULATION] if POPULATION in wide.columns else [])]
    parts = pd.DataFrame({k: wide[k].astype(str) if k == "school_code" else wide[k] for k in keys})
    parts["_w"] = 1.0 / var
    parts["_wx"] = value / var
    g = parts.groupby(keys, sort=False, observed=True)[["_w", "_wx"]].sum().reset_index()
    return g.assign(value=g["_wx"] / g["_w"], var=1.0 / g["_w"]).drop(columns=["_w", "_wx"])


def _z(pooled: pd.DataFrame) -> tuple[np.ndarray, dict[Any, Yardstick]]:
    """z of each school's pooled value against its population's yardstick (sampling noise alone,
    centred on 0, when the population is too small to read its own variation)."""
    groups = pooled[POPULATION] if POPULATION in pooled.columns else pd.Series(None, index=pooled.index)
    z = np.full(len(pooled), np.nan)
    sticks: dict[Any, Yardstick] = {}
    for pop, index in groups.astype(object).fillna("").astype(str).groupby(
            groups.astype(object).fillna("").astype(str), sort=False).groups.items():
        rows = pooled.loc[index]
        stick = yardstick(rows["value"].to_numpy(), rows["var"].to_numpy())
        if not stick.known:
            stick = Yardstick(0.0, 0.0, stick.schools)
        sticks[pop] = stick
        z[pooled.index.get_indexer(index)] = stick.z(rows["value"].to_numpy(), rows["var"].to_numpy())
    return z, sticks


def _stick(stick: Yardstick | None) -> dict[str, Any]:
    if stick is None:
        return {"calibrated": False, "schools": 0}
    return {"centre": stick.centre, "spread": float(np.sqrt(stick.tau2)), "schools": stick.schools,
            "calibrated": stick.schools >= MIN_SCHOOLS}


def _stick_summary(sticks: dict[Any, Yardstick], population: bool) -> dict[str, Any]:
    if population:
        return {"populations": {pop: _stick(stick) for pop, stick in sticks.items()}}
    return _stick(next(iter(sticks.values()), None))


def _share_sums(wide: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Per school: pooled fail shares and the region's (mix-adjusted) per year."""
    frame = pd.DataFrame({"school_code": wide["school_code"].astype(str)})
    for y in years:
        n = wide[f"participants_{y}"].astype(float)
        frame[f"n_{y}"] = n
        frame[f"k_{y}"] = wide[f"fail_count_{y}"].astype(float)
        frame[f"r_{y}"] = n * wide[f"region_fail_{y}"] / wide[f"region_n_{y}"]
    g = frame.groupby("school_code", sort=False).sum()
    out = pd.DataFrame(index=g.index)
    for y in years:
        out[f"participants_{y}"] = g[f"n_{y}"]
        out[f"fail_{y}"] = g[f"k_{y}"] / g[f"n_{y}"]
        out[f"region_{y}"] = g[f"r_{y}"] / g[f"n_{y}"]
    return out


def dynamics(works: pd.DataFrame, codes: pd.Index, year: int, params: RuleParams) -> Selection:
    """Core works of year − 1 and year (N ≥ min_participants in both), pooled per school as above.
    `schools`: school_code, dynamics (improved / stable / declined, NA without such works),
    participants_before/now, fail_before/now (pooled shares), change (points), region_change (the
    region's change on the school's own mix of works), relative_change (points), logit_change
    (the pooled change beyond the region's, logit scale), z, bar. `summary`: the region's pooled
    fail shares and the yardstick (centre, spread = √τ², schools, calibrated)."""
    scope = works[works["year"].isin([year - 1, year]) & works["core"].astype(bool)]
    w = counted(scope, params.min_participants)
    wide = _wide(w, [year - 1, year]) if len(w) else pd.DataFrame()
    out = _frame(codes)
    many = POPULATION in scope.columns
    summary: dict[str, Any] = _region_summary(scope, year)
    if wide.empty:
        out["dynamics"] = pd.Series(pd.NA, index=out.index, dtype="string")
        return Selection(schools=out, detail=pd.DataFrame(), summary=summary)
    value, var = _step(wide, year - 1, year)
    pooled = _pool(wide, value, var)
    z, sticks = _z(pooled)
    threshold = bar(params.dynamics_fpr / 2)
    shares = _share_sums(wide, [year - 1, year]).reindex(pooled["school_code"])
    numbers = pd.DataFrame({
        "participants_before": shares[f"participants_{year - 1}"].to_numpy(),
        "participants_now": shares[f"participants_{year}"].to_numpy(),
        "fail_before": shares[f"fail_{year - 1}"].to_numpy(), "fail_now": shares[f"fail_{year}"].to_numpy(),
        "region_change": (shares[f"region_{year}"] - shares[f"region_{year - 1}"]).to_numpy(),
        "logit_change": pooled["value"].to_numpy(), "z": z, "bar": threshold,
    }, index=pooled["school_code"].to_numpy())
    numbers["change"] = numbers["fail_now"] - numbers["fail_before"]
    numbers["relative_change"] = numbers["change"] - numbers["region_change"]
    numbers["dynamics"] = np.select([z <= -threshold, z >= threshold], ["improved", "declined"], "stable")
    position = pd.Index(numbers.index).get_indexer(pd.Index(out["school_code"]))
    found = position >= 0
    for column in numbers.columns:
        values = numbers[column].to_numpy()[np.maximum(position, 0)]
        out[column] = np.where(found, values, None if column == "dynamics" else np.nan)
    out["dynamics"] = out["dynamics"].astype("string")
    for column in ("participants_before", "participants_now"):
        out[column] = out[column].astype(float)
    if many:
        summary = {"populations": {pop: {**part, **_stick(sticks.get(pop)), "bar": threshold}
                                   for pop, part in summary["populations"].items()}}
    else:
        summary = {**summary, **_stick(next(iter(sticks.values()), None)), "bar": threshold}
    return Selection(schools=out, detail=pd.DataFrame(), summary=summary)


def _region_summary(scope: pd.DataFrame, year: int) -> dict[str, Any]:
    if POPULATION in scope.columns:
        return {"populations": {str(pop): _region_fail(part, year) for pop, part in
                                scope.groupby(POPULATION, sort=False, observed=True)}}
    return _region_fail(scope, year)


def _region_fail(scope: pd.DataFrame, year: int) -> dict[str, float | None]:
    region = scope.groupby("year")[["fail_count", "participants"]].sum()
    return {"region_fail_before": _ratio(region, year - 1), "region_fail_now": _ratio(region, year)}


def _ratio(sums: pd.DataFrame, year: int) -> float | None:
    if year not in sums.index or not sums.loc[year, "participants"]:
        return None
    return float(sums.loc[year, "fail_count"] / sums.loc[year, "participants"])


DECLINE_COLUMNS = ["school_code", "decline_risk", "works", "rise", "projected", "z_before", "z_now", "z_two_years",
                   "two_years", "trend"]


def decline_risk(works: pd.DataFrame, codes: pd.Index, year: int, params: RuleParams) -> Selection:
    """Decline risk over year − 2, year − 1, year (see the module docstring), from the works of
    the rule's procedures with N ≥ min_participants in all three years.
    `schools`: DECLINE_COLUMNS — works (checked), rise (the pooled fail share's two-year rise
    beyond the region's, points), projected (next year's share on this year's regional footing),
    the z of each step and of the two years; `detail`: the works of flagged schools with their
    shares per year (a, b, c), the region's, the changes beyond the region's and the projection;
    `summary`: years, bar and the yardsticks."""
    years = [year - 2, year - 1, year]
    scope = works[works["year"].isin(years)]
    w = counted(scope, params.min_participants)
    wide = _wide(w, years) if len(w) else pd.DataFrame()
    out = _frame(codes)
    threshold = bar(params.decline_fpr)
    empty = {"years": years, "bar": threshold}
    if wide.empty:
        out = out.assign(decline_risk=False, works=0, two_years=False, trend=False)
        for column in ("rise", "projected", "z_before", "z_now", "z_two_years"):
            out[column] = np.nan
        return Selection(schools=out[DECLINE_COLUMNS], detail=pd.DataFrame(), summary=empty)
    zs: dict[str, np.ndarray] = {}
    sticks: dict[str, dict[Any, Yardstick]] = {}
    pooled = None
    for name, (a, b) in {"before": (years[0], years[1]), "now": (years[1], years[2]),
                         "two_years": (years[0], years[2])}.items():
        value, var = _step(wide, a, b)
        pooled = _pool(wide, value, var)
        zs[name], sticks[name] = _z(pooled)
    assert pooled is not None
    school = pd.DataFrame({f"z_{k}": v for k, v in zs.items()}, index=pooled["school_code"].to_numpy())
    shares = _share_sums(wide, years).reindex(school.index)
    adjusted = {y: shares[f"fail_{y}"] - (shares[f"region_{y}"] - shares[f"region_{year}"]) for y in years}
    school["rise"] = (shares[f"fail_{year}"] - shares[f"fail_{years[0]}"]) \
        - (shares[f"region_{year}"] - shares[f"region_{years[0]}"])
    slope = (adjusted[year] - adjusted[years[0]]) / 2
    school["projected"] = (adjusted[years[0]] + adjusted[years[1]] + adjusted[year]) / 3 + 2 * slope
    significant = school["z_two_years"] >= threshold
    school["two_years"] = (school["z_before"] > 0) & (school["z_now"] > 0) & significant \
        & (school["rise"] >= params.decline_bar - _EPS)
    school["trend"] = significant & (school["projected"] >= params.fail_bar - _EPS) \
        & (shares[f"fail_{year}"] < params.fail_bar - _EPS)
    school["decline_risk"] = school["two_years"] | school["trend"]
    codes_ = pd.Index(out["school_code"])
    checked = wide.groupby(wide["school_code"].astype(str)).size()
    out["works"] = _align(checked, codes_, 0).astype(int)
    for column in ("rise", "projected", "z_before", "z_now", "z_two_years"):
        out[column] = _align(school[column].astype(float), codes_)
    for column in ("decline_risk", "two_years", "trend"):
        out[column] = _align(school[column].astype(bool), codes_, False).astype(bool)
    flagged = set(school.index[school["decline_risk"].to_numpy(bool)])
    # The works behind the verdict: those of flagged schools that rose beyond the region's by more
    # than their own sampling noise over the two years.
    value, var = _step(wide, years[0], years[2])
    behind = wide["school_code"].astype(str).isin(flagged).to_numpy() & (value > np.sqrt(var))
    detail = _decline_detail(wide[behind], years)
    summary = {**empty, **{f"yardstick_{k}": _stick_summary(v, POPULATION in pooled.columns)
                           for k, v in sticks.items()}}
    return Selection(schools=out[DECLINE_COLUMNS], detail=detail, summary=summary)


def _decline_detail(wide: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """The works of flagged schools: shares a/b/c, the region's, changes beyond it, projection."""
    if wide.empty:
        return pd.DataFrame()
    p = {y: wide[f"fail_count_{y}"] / wide[f"participants_{y}"] for y in years}
    r = {y: wide[f"region_fail_{y}"] / wide[f"region_n_{y}"] for y in years}
    adjusted = {y: p[y] - (r[y] - r[years[2]]) for y in years}
    slope = (adjusted[years[2]] - adjusted[years[0]]) / 2
    detail = pd.DataFrame({
        "school_code": wide["school_code"].astype(str), "procedure": wide["procedure"].astype(str),
        "subject": wide["subject"].astype(str), "grade": wide["grade"],
        **{f"participants_{i}": wide[f"participants_{y}"].astype(int) for i, y in zip("abc", years, strict=True)},
        **{f"fail_share_{i}": p[y] for i, y in zip("abc", years, strict=True)},
        **{f"region_fail_share_{i}": r[y] for i, y in zip("abc", years, strict=True)},
        "change_before": (p[years[1]] - p[years[0]]) - (r[years[1]] - r[years[0]]),
        "change_now": (p[years[2]] - p[years[1]]) - (r[years[2]] - r[years[1]]),
        "projected": (adjusted[years[0]] + adjusted[years[1]] + adjusted[years[2]]) / 3 + 2 * slope,
    })
    return detail.reset_index(drop=True)
