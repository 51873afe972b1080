"""The pupils' spread of scores within a school's work (`pct_sd`: the standard deviation of the
primary score as a percentage of the maximum), which the expected result needs to tell a school's
real difference from the noise of its mean.

Pupil rows give it directly (`work_features`), so do aggregates that carry a score sd or a
distribution of primary scores. Aggregates with marks only get an estimate from their own mark
distribution: a mark covers a band of scores, so sd_pct² ≈ k²·(var_mark + 1/12), k the width of
a mark in percentage points (the variance of the marks plus that of a uniform spread within a
band). k is the slope of the schools' mean score on their mean mark over the same work
(procedure × year × subject × grade) in the region — the data's own exchange rate of marks into
score points —, or over all works when one has too few schools to fit it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SOURCES = ("pupils", "file", "marks")  # where pct_sd came from: pupil rows, the aggregates file, its marks
MIN_SLOPE_SCHOOLS = 8
_WORK = ["procedure", "year", "subject", "grade"]
_MARK_VALUES = np.array([2.0, 3.0, 4.0, 5.0])


def _mark_variance(works: pd.DataFrame) -> pd.Series:
    counts = np.column_stack([pd.to_numeric(works[f"mark{m}"], errors="coerce").fillna(0).to_numpy(float)
                              for m in (2, 3, 4, 5)]) if len(works) else np.empty((0, 4))
    n = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = counts @ _MARK_VALUES / n
        var = (counts * (_MARK_VALUES[None, :] - mean[:, None]) ** 2).sum(axis=1) / np.maximum(n - 1, 1)
    return pd.Series(np.where(n >= 2, var, np.nan), index=works.index)


def _slopes(works: pd.DataFrame, keys: list[str]) -> tuple[pd.Series, float]:
    """Percentage points per mark: per work (index = `keys`) and over all works."""
    rows = works.assign(
        _pct=pd.to_numeric(works["mean_pct"], errors="coerce"),
        _mark=pd.to_numeric(works["mean_mark"], errors="coerce"),
        _n=pd.to_numeric(works["participants"], errors="coerce"),
    ).dropna(subset=["_pct", "_mark", "_n"])
    rows = rows[rows["_n"] >= 5]
    if rows.empty:
        return pd.Series(dtype=float), float("nan")
    g = rows.groupby(keys, sort=False)
    x = rows["_mark"] - g["_mark"].transform("mean")
    y = rows["_pct"] - g["_pct"].transform("mean")
    w = rows["_n"]
    sxy = (w * x * y).groupby([rows[k] for k in keys], sort=False).sum()
    sxx = (w * x * x).groupby([rows[k] for k in keys], sort=False).sum()
    size = g.size()
    slope = (sxy / sxx.where(sxx > 0)).where(size >= MIN_SLOPE_SCHOOLS)
    overall = float((w * x * y).sum() / (w * x * x).sum()) if (w * x * x).sum() > 0 else float("nan")
    return slope[slope > 0], overall if overall > 0 else float("nan")


def with_score_sd(works: pd.DataFrame, population: pd.Series | None = None) -> pd.DataFrame:
    """`works` with `pct_sd` filled where it can be estimated from the marks, and `pct_sd_source`
    (one of SOURCES, or '' where nothing could be said). With `population` (school_code → code)
    the exchange rate of marks is fitted within each school's population, as one call each."""
    out = works.copy()
    known = pd.to_numeric(out["pct_sd"], errors="coerce") if "pct_sd" in out.columns \
        else pd.Series(np.nan, index=out.index)
    source = np.where(known.notna(), np.where(out.get("source", "pupils") == "pupils", "pupils", "file"), "")
    missing = known.isna().to_numpy()
    if missing.any() and {"mark2", "mark3", "mark4", "mark5", "mean_pct", "mean_mark"} <= set(out.columns):
        keys = list(_WORK)
        frame = out
        if population is not None:
            frame = out.assign(_population=out["school_code"].astype(str).map(population))
            keys.append("_population")
        slopes, overall = _slopes(frame, keys)
        k = pd.Series(slopes.reindex(pd.MultiIndex.from_frame(frame[keys])).to_numpy(), index=out.index)
        if population is not None:
            overall_by = {pop: _slopes(part, keys)[1] for pop, part in frame.groupby("_population", sort=False)}
            k = k.fillna(frame["_population"].map(overall_by))
        else:
            k = k.fillna(overall)
        estimate = k * np.sqrt(_mark_variance(out) + 1.0 / 12.0)
        fill = missing & estimate.notna().to_numpy()
        known = known.where(~fill, estimate)
        source = np.where(fill, "marks", source)
    out["pct_sd"] = known.astype(float)
    out["pct_sd_source"] = source
    return out
