"""The steps every selection shares: the verdict's containers, the works that count, regional
shares, percentiles and alignment of per-school values to the schools given."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

_EPS = 1e-9  # 15/50 must count as ≥ 0.30 and 0.30 − 0.20 as ≥ 0.10
WORK = ["procedure", "subject", "grade"]
SCHOOL_WORK = ["school_code", *WORK]
POPULATION = "population"  # works and scores may carry each school's comparison population


@dataclass(frozen=True)
class Selection:
    """`schools`: one row per school code given, in their order — school_code, judged,
    low_results, low_score and the kind's own columns; `detail`: long rows behind the verdicts
    (federal: one per school × procedure × year); `summary`: population numbers (e.g. the
    municipal cut)."""

    schools: pd.DataFrame
    detail: pd.DataFrame
    summary: dict[str, Any]


@dataclass(frozen=True)
class Scores:
    """What a selection ranks or thresholds, computed once (it does not depend on the
    thresholds that `perturbed` moves): `decide` turns it into a Selection for any thresholds."""

    kind: str
    year: int
    schools: pd.DataFrame
    detail: pd.DataFrame


def counted(works: pd.DataFrame, min_participants: int) -> pd.DataFrame:
    """Works large enough to count (N ≥ min_participants)."""
    return works[works["participants"].to_numpy() >= min_participants]


def _region_keys(works: pd.DataFrame) -> list[str]:
    """A work and year, within its population when `works` has a population column."""
    return [*WORK, "year", *([POPULATION] if POPULATION in works.columns else [])]


def region_shares(works: pd.DataFrame) -> pd.DataFrame:
    """Regional fail share per work and year, pooled over every pupil of the population:
    procedure, subject, grade, year, (population,) region_fail_share, region_participants."""
    g = works.groupby(_region_keys(works), as_index=False, observed=True)[["fail_count", "participants"]].sum()
    g = g[g["participants"] > 0]
    return g.assign(region_fail_share=g["fail_count"] / g["participants"]).rename(
        columns={"participants": "region_participants"}).drop(columns="fail_count")


def _frame(codes: pd.Index | pd.Series | list[str]) -> pd.DataFrame:
    return pd.DataFrame({"school_code": pd.Index(codes).astype(object)})


def _align(values: pd.Series, codes: pd.Index, fill: Any = np.nan) -> np.ndarray:
    """`values` (indexed by school_code) in the order of `codes`, `fill` where absent."""
    if values.empty:
        return np.full(len(codes), fill)
    values = values.set_axis(pd.Index(values.index.astype(str)))
    position = values.index.get_indexer(codes)
    out: np.ndarray = values.to_numpy()[position]
    if (position < 0).any():
        out = np.where(position >= 0, out, fill)
    return out


def percentile(values: pd.Series, population: np.ndarray | None = None) -> pd.Series:
    """Mid-rank percentile (rank − ½)/n in (0, 1) among the values present (of the same
    population, when given: one code per value); ties share their rank."""
    present = values.dropna().round(12)
    out = pd.Series(np.nan, index=values.index)
    if len(present) and population is None:
        out[present.index] = (present.rank(method="average") - 0.5) / len(present)
    elif len(present):
        groups = present.groupby(pd.Series(population, index=values.index)[present.index].to_numpy())
        out[present.index] = (groups.rank(method="average") - 0.5) / groups.transform("size")
    return out



def _earlier_inclusions(history: pd.DataFrame | None, year: int) -> pd.Series:
    """Years in earlier lists per school (history rows with included true, year < `year`)."""
    if history is None or history.empty:
        return pd.Series(dtype=float)
    earlier = history[(history["year"] < year) & history["included"].astype(bool)]
    return earlier.groupby(earlier["school_code"].astype(str))["year"].nunique().astype(float)
