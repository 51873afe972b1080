"""The selections of low results, one per rule kind, each split into `*_scores` (numbers
independent of the thresholds) and the verdict at given thresholds; `score` / `decide` / `select`
dispatch on the kind."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from opora.analytics.rules.params import CRITERIA, RuleParams
from opora.analytics.rules.steps import (
    _EPS,
    POPULATION,
    Scores,
    Selection,
    _align,
    _earlier_inclusions,
    _frame,
    counted,
    percentile,
)

# --- Federal risk indicator (§5.1) ---------------------------------------------------------------


def federal_scores(works: pd.DataFrame, codes: pd.Index, year: int, params: RuleParams) -> Scores:
    """Per school × procedure × year (year − 1 and year), pooled over the works with enough
    pupils: participants, fail_count, works, fail_share."""
    w = counted(works[works["year"].isin([year - 1, year]).to_numpy()], params.min_participants)
    detail = w.groupby(["school_code", "procedure", "year"], as_index=False, observed=True).agg(
        participants=("participants", "sum"), fail_count=("fail_count", "sum"), works=("participants", "size"))
    detail["fail_share"] = detail["fail_count"] / detail["participants"]
    detail = detail.astype({"school_code": str, "procedure": str}).sort_values(
        ["school_code", "year", "procedure"]).reset_index(drop=True)
    out = _frame(codes)
    judged = detail.loc[detail["year"] == year, "school_code"].unique()
    out["judged"] = out["school_code"].isin(judged).to_numpy()
    return Scores(kind="federal", year=year, schools=out, detail=detail)


def _federal(scores: Scores, params: RuleParams) -> Selection:
    """Low results: ≥ min_procedures procedures failing in the year CONNECTIVE one procedure
    failing in both year − 1 and year (failing: pooled fail share ≥ fail_bar)."""
    detail, year = scores.detail.copy(), scores.year
    detail["failing"] = detail["fail_share"] >= params.fail_bar - _EPS
    codes = pd.Index(scores.schools["school_code"])
    failing = detail[detail["failing"]]
    failing_now = failing[failing["year"] == year].groupby("school_code").size()
    both = failing.groupby(["school_code", "procedure"]).size()
    repeated = both[both == 2].groupby(level="school_code").size()
    out = scores.schools.copy()
    out["failing_procedures"] = _align(failing_now, codes, 0).astype(int)
    out["failing_both_years"] = _align(repeated, codes, 0).astype(int) > 0
    many = out["failing_procedures"] >= params.min_procedures
    out["low_results"] = (many & out["failing_both_years"]) if params.connective == "and" \
        else (many | out["failing_both_years"])
    out["low_score"] = out["failing_procedures"].astype(float)
    return Selection(schools=out, detail=detail, summary={"selected": int(out["low_results"].sum())})


def federal_selection(works: pd.DataFrame, codes: pd.Index, year: int, params: RuleParams) -> Selection:
    """The federal verdict; detail: school_code, procedure, year, participants, fail_count,
    works, fail_share, failing."""
    return _federal(federal_scores(works, codes, year, params), params)


# --- Municipal selection (seed 002) --------------------------------------------------------------

_WORSE_HIGHER = {"core_fail": 1, "core_high": -1, "other_fail": 1, "inclusions": 1, "objectivity": 1}


def municipal_scores(works: pd.DataFrame, codes: pd.Index, year: int, params: RuleParams,
                     history: pd.DataFrame | None = None, objectivity: pd.Series | None = None,
                     population: pd.Series | None = None) -> Scores:
    """Composite rank over the last `params.years` years: pooled core fail share, pooled core
    high share (lower is worse), pooled fail share in other subjects, earlier inclusions (from
    `history`: school_code, year, included) and the objectivity index (`objectivity`: a series
    indexed by school_code). Schools without a work of N ≥ min_participants in the window are
    not judged. Columns: participants, judged, the criteria values, their percentiles
    (`<criterion>_pct`, worse = higher), composite (weighted mean of the percentiles present).
    `population` (school_code → code): schools are ranked within their population (a
    population column is added)."""
    window = works[works["year"].between(year - params.years + 1, year).to_numpy()]
    w = counted(window, params.min_participants)
    g = w.groupby(["school_code", "core"], observed=True)[["participants", "fail_count", "high_count"]].sum()
    g = g.reset_index().astype({"school_code": str})
    core = g[g["core"]].set_index("school_code")
    other = g[~g["core"]].set_index("school_code")
    codes = pd.Index(codes).astype(str)
    out = _frame(codes)
    out["participants"] = _align(g.groupby("school_code")["participants"].sum(), codes, 0).astype(int)
    out["judged"] = out["participants"] >= params.min_participants
    pops = None
    if population is not None:
        pops = _align(population, codes, None)
        out[POPULATION] = pops
    values = {
        "core_fail": _align(core["fail_count"] / core["participants"], codes),
        "core_high": _align(core["high_count"] / core["participants"], codes),
        "other_fail": _align(other["fail_count"] / other["participants"], codes),
        "inclusions": _align(_earlier_inclusions(history, year), codes, 0.0),
        "objectivity": _align(objectivity.astype(float), codes) if objectivity is not None
        else np.full(len(codes), np.nan),
    }
    weighted = pd.Series(0.0, index=out.index)
    weight_sum = pd.Series(0.0, index=out.index)
    for criterion in CRITERIA:
        value = pd.Series(values[criterion], index=out.index, dtype=float)
        pct = percentile((_WORSE_HIGHER[criterion] * value).where(out["judged"]), pops)
        out[criterion] = value
        out[f"{criterion}_pct"] = pct
        weight = params.weights[criterion]
        if weight > 0:
            weighted += (weight * pct).fillna(0)
            weight_sum += weight * pct.notna()
    out["composite"] = (weighted / weight_sum).where((weight_sum > 0) & out["judged"])
    return Scores(kind="municipal", year=year, schools=out, detail=pd.DataFrame())


def _municipal(scores: Scores, params: RuleParams) -> Selection:
    """The worst round(share × judged) composites (ties with the last one included), or the
    composites ≥ rank_threshold."""
    out = scores.schools.copy()
    if POPULATION in out.columns:
        parts = {pop: _municipal(replace(scores, schools=frame.drop(columns=POPULATION)), params)
                 for pop, frame in out.groupby(POPULATION, sort=False)}
        low = pd.concat([p.schools[["low_results", "low_score"]] for p in parts.values()]).reindex(out.index)
        out["low_results"] = low["low_results"].fillna(False).to_numpy(bool)
        out["low_score"] = low["low_score"].to_numpy(float)
        by_population = {pop: p.summary for pop, p in parts.items()}
        return Selection(schools=out, detail=pd.DataFrame(), summary={"populations": by_population})
    composite = out["composite"]
    summary: dict[str, Any] = {"judged": int(composite.notna().sum())}
    if params.select == "share":
        count = int(math.floor(params.share * summary["judged"] + 0.5))
        ranked = composite.dropna().sort_values(ascending=False)
        cut = float(ranked.iloc[count - 1]) if count > 0 else math.inf
        summary.update(count=count, cut=cut if count > 0 else None)
    else:
        cut = params.rank_threshold
        summary.update(cut=cut)
    out["low_results"] = (composite >= cut - _EPS).fillna(False).astype(bool)
    out["low_score"] = composite
    summary["selected"] = int(out["low_results"].sum())
    return Selection(schools=out, detail=pd.DataFrame(), summary=summary)


def municipal_selection(works: pd.DataFrame, codes: pd.Index, year: int, params: RuleParams,
                        history: pd.DataFrame | None = None,
                        objectivity: pd.Series | None = None) -> Selection:
    """The municipal verdict (see `municipal_scores`)."""
    return _municipal(municipal_scores(works, codes, year, params, history, objectivity), params)



# --- Quality groups (seed 000) -------------------------------------------------------------------


def quality_scores(groups: pd.DataFrame, codes: pd.Index, year: int) -> Scores:
    """`groups`: school_code, quality_group (NA when not grouped: never low)."""
    out = _frame(codes)
    group = pd.to_numeric(groups.set_index(groups["school_code"].astype(str))["quality_group"], errors="coerce")
    out["quality_group"] = _align(group.astype(float), pd.Index(out["school_code"]))
    out["judged"] = out["quality_group"].notna()
    return Scores(kind="quality", year=year, schools=out, detail=pd.DataFrame())


def _quality(scores: Scores, params: RuleParams) -> Selection:
    """Low results: quality group 1..low_groups (1 = lowest mean mark)."""
    out = scores.schools.copy()
    out["low_results"] = (out["quality_group"] <= params.low_groups).fillna(False).astype(bool)
    out["low_score"] = out["quality_group"].astype(float)
    return Selection(schools=out, detail=pd.DataFrame(), summary={"selected": int(out["low_results"].sum())})


def quality_selection(groups: pd.DataFrame, codes: pd.Index, year: int, params: RuleParams) -> Selection:
    return _quality(quality_scores(groups, codes, year), params)


def score(works: pd.DataFrame, codes: pd.Index, year: int, params: RuleParams, *,
          history: pd.DataFrame | None = None, objectivity: pd.Series | None = None,
          groups: pd.DataFrame | None = None, population: pd.Series | None = None) -> Scores:
    """The threshold-free numbers of `params.kind` (the quality kind needs `groups`); the
    municipal ranks are within each school's `population` when given."""
    if params.kind == "federal":
        return federal_scores(works, codes, year, params)
    if params.kind == "municipal":
        return municipal_scores(works, codes, year, params, history, objectivity, population)
    if groups is None:
        raise ValueError("The quality rule needs the quality groups.")
    return quality_scores(groups, codes, year)


def decide(scores: Scores, params: RuleParams) -> Selection:
    """The verdict of `scores` at the thresholds of `params` (which may be perturbed)."""
    return {"federal": _federal, "municipal": _municipal, "quality": _quality}[scores.kind](scores, params)


def select(works: pd.DataFrame, codes: pd.Index, year: int, params: RuleParams, *,
           history: pd.DataFrame | None = None, objectivity: pd.Series | None = None,
           groups: pd.DataFrame | None = None) -> Selection:
    """The selection of `params.kind`."""
    return decide(score(works, codes, year, params, history=history, objectivity=objectivity, groups=groups), params)
