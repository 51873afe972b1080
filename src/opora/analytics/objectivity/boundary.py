"""Boundary peak: pupils piled up exactly on a mark boundary (pushed over the line).

Where the work's score distribution is known — pupil rows, or aggregates with the distribution
of primary scores — each boundary b (of marks 3, 4, 5) has the pupils one point below it, on it
and one point above it. For a smooth distribution the middle one holds about a third of the
three (the region's own share f for that work and boundary stands for "about"); pushing pupils
from b − 1 … b − 3 onto b raises it. Per school and boundary, over its works: the excess share
(Σ on − f·Σ three) / Σ three with its binomial variance, judged against the region's schools
(calibration) at a third of the false-positive rate per boundary. The sign is present when one
boundary passes its bar and, there, at least MIN_AT_BOUNDARY pupils are on the boundary, at
least peak_ratio times as many as one point below (METHODS' count at b ≥ 3 × count at b − 1),
over at least peak_min_participants pupils of the school's works.

The work rows show, per work, the boundary with the largest excess (a peak first) with its
counts, ratio and the one-sided binomial chance of so many of the at + below pupils landing on
the boundary side if both scores were equally likely.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binom

from opora.analytics.calibration import bar
from opora.analytics.objectivity.common import (
    BOUNDARIES,
    EPS,
    GROUP,
    POP,
    judge,
    num,
    reason_of,
    rows_of,
    school_rows,
    work_status,
)
from opora.analytics.objectivity.config import BOUNDARY_PEAK, ObjectivityConfig

MIN_AT_BOUNDARY = 3  # a handful of pupils on a boundary is no peak
PEAK_SPEC = {
    "participants": "int", "boundary": "str", "at": "int", "below": "int", "ratio": "float", "chance": "float",
    "peaks": "int",
    **{f"{b}_{side}": "int" for b in BOUNDARIES for side in ("at", "below")}, "reason": "str",
}


def boundary_peak(current: pd.DataFrame, population: pd.Index,
                  config: ObjectivityConfig) -> pd.DataFrame:
    rows = current.copy().reset_index(drop=True)
    rows["participants"] = num(rows, "participants")
    n = len(rows)
    at = np.column_stack([num(rows, f"{b}_at") for b in BOUNDARIES]) if n else np.empty((0, 3))
    below = np.column_stack([num(rows, f"{b}_below") for b in BOUNDARIES]) if n else np.empty((0, 3))
    above = np.column_stack([num(rows, f"{b}_above") for b in BOUNDARIES]) if n else np.empty((0, 3))
    known = ~np.isnan(at) & ~np.isnan(below)
    at0, below0 = np.nan_to_num(at), np.nan_to_num(below)
    # above is new in the store: rows from before it have none, and then only b and b − 1 count.
    above0 = np.where(np.isnan(above), 0.0, above)
    marks = rows["score_kind"].eq("mark").to_numpy() if "score_kind" in rows.columns else np.ones(n, bool)
    enough = (rows["participants"] >= config.min_participants).to_numpy()
    usable = known & (marks & enough)[:, None]

    # The region's share on the boundary among the three scores, per work and boundary.
    three = below0 + at0 + above0
    frame = pd.DataFrame({POP: rows[POP].to_numpy(), **{k: rows[k].to_numpy() for k in ("procedure", "subject",
                                                                                        "grade")}})
    share = np.full((n, 3), np.nan)
    for j in range(3):
        parts = frame.assign(_at=np.where(usable[:, j], at0[:, j], 0.0), _m=np.where(usable[:, j], three[:, j], 0.0))
        sums = parts.groupby(GROUP, sort=False)[["_at", "_m"]].transform("sum")
        share[:, j] = (sums["_at"] / sums["_m"].where(sums["_m"] > 0)).to_numpy()

    threshold = bar(config.false_positive_rate / 3)
    verdicts = []
    row_z = np.full((n, 3), np.nan)
    for j, b in enumerate(BOUNDARIES):
        f = share[:, j]
        ok = usable[:, j] & (three[:, j] > 0) & np.isfinite(f)
        stat = rows.assign(_x=np.where(ok, at0[:, j] / np.where(three[:, j] > 0, three[:, j], 1) - f, np.nan),
                           _v=f * (1 - f) / np.where(three[:, j] > 0, three[:, j], 1), _w=three[:, j], _eval=ok)
        judged, z = judge(stat, config.false_positive_rate / 3)
        row_z[:, j] = z
        sums = pd.DataFrame({"school_code": rows["school_code"], "_at": np.where(ok, at0[:, j], 0.0),
                             "_below": np.where(ok, below0[:, j], 0.0),
                             "_n": np.where(ok, rows["participants"], 0.0)}).groupby("school_code").sum()
        judged = judged.join(sums, on="school_code").assign(boundary=b)
        judged["peak"] = (judged["z"] >= threshold) & (judged["_at"] >= MIN_AT_BOUNDARY) \
            & (judged["_at"] >= config.peak_ratio * judged["_below"] - EPS) \
            & (judged["_n"] >= config.peak_min_participants)
        verdicts.append(judged)
    every = pd.concat(verdicts, ignore_index=True)
    if len(every):
        # Per school the boundary to show: a peak first, then the largest z.
        every = every.assign(_order=every["peak"].astype(float) * 1e6 + every["z"].fillna(-1e6))
        best = every.sort_values("_order", ascending=False).drop_duplicates("school_code")
    else:
        best = every.assign(peak=pd.Series(dtype=bool))
    best = best.rename(columns={"_at": "at", "_below": "below", "_n": "pooled_participants"})
    school = school_rows(population, BOUNDARY_PEAK, best, best["peak"].fillna(False), threshold,
                         config.false_positive_rate / 3,
                         {"boundary": "str", "at": "int", "below": "int", "pooled_participants": "int"})

    # The work rows: the boundary with a peak first, then the largest excess over peak_ratio × below.
    chance = binom.sf(at0 - 1, at0 + below0, 0.5) if n else np.empty((0, 3))
    local = known & (at0 >= MIN_AT_BOUNDARY) & (at0 >= config.peak_ratio * below0 - EPS) & (chance <= 0.01)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(below0 > 0, at0 / below0, np.where(at0 > 0, np.inf, np.nan))
    ratio = np.where(known, ratio, np.nan)
    order = np.where(local, 1e9, 0.0) + np.where(known, at0 - config.peak_ratio * below0, -1e12)
    pick = order.argmax(axis=1) if n else np.zeros(0, dtype=int)
    line = np.arange(n)
    any_known = known.any(axis=1)
    rows["boundary"] = np.where(any_known, np.array(BOUNDARIES, dtype=object)[pick], None)
    rows["at"] = np.where(any_known, at[line, pick], np.nan)
    rows["below"] = np.where(any_known, below[line, pick], np.nan)
    rows["ratio"] = np.where(any_known, ratio[line, pick], np.nan)  # inf → null in numbers
    rows["chance"] = np.where(any_known, chance[line, pick], np.nan)
    rows["peaks"] = local.sum(axis=1)
    from_pupils = rows["source"].eq("pupils").to_numpy() if "source" in rows.columns else np.ones(n, bool)
    evaluable = usable.any(axis=1)
    flagged_codes = set(best.loc[best["peak"].fillna(False).to_numpy(bool), "school_code"])
    judged_codes = set(best.loc[best["z"].notna(), "school_code"])
    flagged = rows["school_code"].isin(flagged_codes).to_numpy()
    judged = rows["school_code"].isin(judged_codes).to_numpy()
    rows["reason"] = reason_of((~from_pupils & ~any_known, "aggregates"), (~marks, "test_score"),
                               (~enough, "few_participants"), (~any_known, "no_boundary"), (~judged, "few_schools"))
    z = np.nanmax(np.where(np.isnan(row_z), -np.inf, row_z), axis=1) if n else np.zeros(0)
    status = work_status(evaluable & judged, z, flagged)
    return pd.concat([rows_of(rows, BOUNDARY_PEAK, status, PEAK_SPEC), school], ignore_index=True)
