"""Inverted difficulty: better than the region on hard tasks while worse on easy ones, or a task
order unlike the region's (answers leaked or copied).

Per work (task completion of the year; regional completion = all the region's pupils):
- the contrast = mean(school − region) over the hard tasks − the same over the easy ones (hard:
  regional completion < hard_bar, easy: > easy_bar; a work without either uses its hardest and
  easiest third), with its binomial sampling variance Σ r(1 − r)/N / k² over both groups;
- the Spearman rank correlation of the school's and the region's completion.
Per school the contrasts are pooled (weights 1/variance) and the rank correlations averaged on
Fisher's scale (weights = tasks); each is judged against the region's schools at half the
false-positive rate. The sign is present when the pooled contrast passes its bar (and is
positive), or the rank correlation is below rank_corr_min and passes its bar. A work needs
min_tasks tasks and min_participants pupils. hard_better / easy_worse count the tasks beyond one
binomial standard error, for the reader.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from opora.analytics.calibration import bar
from opora.analytics.objectivity.common import (
    EPS,
    GROUP,
    KEYS,
    PKEYS,
    POP,
    TINY_SD,
    WORK,
    Table,
    judge,
    num,
    reason_of,
    rows_of,
    school_rows,
    work_status,
)
from opora.analytics.objectivity.config import INVERTED_DIFFICULTY, ObjectivityConfig

INVERTED_SPEC = {
    "participants": "int", "tasks": "int", "hard_tasks": "int", "hard_better": "int", "easy_tasks": "int",
    "easy_worse": "int", "rank_corr": "float", "contrast": "float", "inverted_pattern": "bool",
    "low_rank_corr": "bool", "reason": "str",
}
TASK_MARGIN_SE = 1.0  # "better/worse on a task" = beyond one binomial standard error


def _beyond_level(per: pd.DataFrame) -> pd.Series:
    """The contrast beyond what the school's general level explains. A strong school is ahead of
    the region most on the hard tasks (the easy ones leave it little room), a weak one the other
    way round; so within each work the contrast is regressed on the school's mean difference over
    all tasks (a quadratic, fitted robustly: twice, the second time without the rows beyond
    3 robust sd) and the residual is what the sign judges."""
    out = pd.Series(np.nan, index=per.index)
    usable = per["contrast"].notna() & per["level"].notna() & (per["_cv"] > 0)
    for _key, index in per[usable].groupby([POP, *WORK], sort=False).groups.items():
        part = per.loc[index]
        x, y, w = part["level"].to_numpy(), part["contrast"].to_numpy(), 1.0 / part["_cv"].to_numpy()
        if len(part) < 8:
            out[index] = y - np.average(y, weights=w)
            continue
        keep = np.ones(len(part), bool)
        for _round in range(2):
            fit = np.polyfit(x[keep], y[keep], 2, w=np.sqrt(w[keep]))
            residual = y - np.polyval(fit, x)
            spread = 1.4826 * np.median(np.abs(residual - np.median(residual))) or np.std(residual) or 1.0
            keep = np.abs(residual) <= 3 * spread
        out[index] = residual
    return out


def inverted_difficulty(current: pd.DataFrame, tasks: pd.DataFrame, population: pd.Index, year: int,
                        config: ObjectivityConfig) -> tuple[pd.DataFrame, dict[str, Table]]:
    t = tasks[(tasks["year"] == year) & tasks["procedure"].isin(config.procedures)
              & tasks["school_code"].isin(population)].copy()
    t["participants"] = num(t, "participants")
    t["completion"] = num(t, "completion")
    t = t[t["completion"].notna() & (t["participants"] > 0)]
    t["_w"] = t["participants"] * t["completion"]
    reg = t.groupby([*GROUP, "task"], sort=False).agg(_w=("_w", "sum"), region_participants=("participants", "sum"))
    reg["region_completion"] = reg["_w"] / reg["region_participants"]
    reg = reg.drop(columns="_w").reset_index()
    t = t.merge(reg[[*GROUP, "task", "region_completion"]], on=[*GROUP, "task"], how="left")

    r = t["region_completion"]
    noise = r * (1 - r) / t["participants"]
    margin = TASK_MARGIN_SE * np.sqrt(noise)
    diff = t["completion"] - r
    t["_hard"] = r < config.hard_bar
    t["_easy"] = r > config.easy_bar
    # One integer key per school × work: grouping millions of task rows by four columns again and
    # again costs more than the statistics themselves.
    t["_g"] = t.groupby(KEYS, sort=False).ngroup()
    g = t.groupby("_g", sort=False)
    # A work without hard or easy tasks by the bars compares its hardest and easiest thirds.
    third = g["region_completion"].rank(pct=True)
    no_hard = ~g["_hard"].transform("any").astype(bool)
    no_easy = ~g["_easy"].transform("any").astype(bool)
    t["_hard_c"] = t["_hard"] | (no_hard & (third <= 1 / 3))
    t["_easy_c"] = t["_easy"] | (no_easy & (third > 2 / 3))
    t["_hard_better"] = t["_hard"] & (diff > margin + EPS)
    t["_easy_worse"] = t["_easy"] & (diff < -margin - EPS)
    t["_hd"], t["_ed"] = diff.where(t["_hard_c"], 0.0), diff.where(t["_easy_c"], 0.0)
    t["_hv"], t["_ev"] = noise.where(t["_hard_c"], 0.0), noise.where(t["_easy_c"], 0.0)
    t["_d"] = diff
    t["_x"] = g["completion"].rank(method="average")
    t["_y"] = g["region_completion"].rank(method="average")
    t["_xy"], t["_xx"], t["_yy"] = t["_x"] * t["_y"], t["_x"] ** 2, t["_y"] ** 2
    per = t.groupby("_g", sort=False).agg(
        task_participants=("participants", "max"), tasks=("task", "size"), hard_tasks=("_hard", "sum"),
        hard_better=("_hard_better", "sum"), easy_tasks=("_easy", "sum"), easy_worse=("_easy_worse", "sum"),
        _kh=("_hard_c", "sum"), _ke=("_easy_c", "sum"), _hd=("_hd", "sum"), _ed=("_ed", "sum"),
        _hv=("_hv", "sum"), _ev=("_ev", "sum"), level=("_d", "mean"),
        _x=("_x", "mean"), _y=("_y", "mean"), _xy=("_xy", "mean"), _xx=("_xx", "mean"), _yy=("_yy", "mean"),
    )
    per = t.drop_duplicates("_g").set_index("_g")[[POP, *KEYS]].join(per).reset_index(drop=True)
    vx, vy = per["_xx"] - per["_x"] ** 2, per["_yy"] - per["_y"] ** 2
    ok = (vx > TINY_SD) & (vy > TINY_SD)
    per["rank_corr"] = ((per["_xy"] - per["_x"] * per["_y"]) / np.sqrt(vx.where(ok) * vy.where(ok))).clip(-1, 1)
    both = (per["_kh"] > 0) & (per["_ke"] > 0)
    per["contrast"] = (per["_hd"] / per["_kh"] - per["_ed"] / per["_ke"]).where(both)
    per["_cv"] = (per["_hv"] / per["_kh"] ** 2 + per["_ev"] / per["_ke"] ** 2).where(both)
    per["_excess"] = _beyond_level(per)

    rows = current[PKEYS].drop_duplicates().merge(per, on=PKEYS, how="outer")
    rows["participants"] = rows["task_participants"]
    rows["tasks"] = rows["tasks"].fillna(0)
    evaluable = ((rows["participants"] >= config.min_participants) & (rows["tasks"] >= config.min_tasks)).to_numpy()
    rows["inverted_pattern"] = ((rows["hard_tasks"] >= 1) & (rows["easy_tasks"] >= 1)
                                & (rows["hard_better"] > rows["hard_tasks"] / 2)
                                & (rows["easy_worse"] > rows["easy_tasks"] / 2))
    rows["low_rank_corr"] = rows["rank_corr"] < config.rank_corr_min

    rate = config.false_positive_rate / 2
    threshold = bar(rate)
    contrast = rows.assign(_x=rows["_excess"], _v=rows["_cv"], _w=1.0 / rows["_cv"].where(rows["_cv"] > 0),
                           _eval=evaluable & rows["_excess"].notna().to_numpy() & (rows["_cv"] > 0).to_numpy())
    by_contrast, contrast_z = judge(contrast, rate)
    fisher = np.arctanh(rows["rank_corr"].clip(-0.999, 0.999))
    order = rows.assign(_x=-fisher, _v=0.0, _w=rows["tasks"], _eval=evaluable & fisher.notna().to_numpy())
    by_order, order_z = judge(order, rate)
    schools = pd.Index(sorted(set(by_contrast["school_code"]) | set(by_order["school_code"])), dtype=object)
    c = by_contrast.set_index("school_code").reindex(schools)
    o = by_order.set_index("school_code").reindex(schools)
    verdicts = pd.DataFrame({
        "school_code": schools, POP: c[POP].fillna(o[POP]), "works": np.fmax(c["works"], o["works"]),
        "z": np.fmax(c["z"], o["z"]), "centre": c["centre"], "spread": c["spread"],
        "region_schools": np.fmax(c["region_schools"], o["region_schools"]), "statistic": c["statistic"],
        "contrast": c["statistic"], "rank_corr": np.tanh(-o["statistic"]), "contrast_z": c["z"], "order_z": o["z"],
    }).reset_index(drop=True)
    by_contrast_ok = (verdicts["contrast_z"] >= threshold) & (verdicts["contrast"] > 0)
    by_order_ok = (verdicts["order_z"] >= threshold) & (verdicts["rank_corr"] < config.rank_corr_min)
    present = by_contrast_ok.fillna(False) | by_order_ok.fillna(False)
    school = school_rows(population, INVERTED_DIFFICULTY, verdicts, present, threshold, rate,
                         {"contrast": "float", "rank_corr": "float"})

    flagged = rows["school_code"].isin(set(verdicts.loc[present.to_numpy(bool), "school_code"])).to_numpy()
    judged = rows["school_code"].isin(set(verdicts.loc[verdicts["z"].notna(), "school_code"])).to_numpy()
    row_z = np.fmax(contrast_z, order_z)
    rows["reason"] = reason_of((rows["tasks"] == 0, "no_tasks"),
                               (~(rows["participants"] >= config.min_participants), "few_participants"),
                               (rows["tasks"] < config.min_tasks, "few_tasks"), (~judged, "few_schools"))
    status = work_status(evaluable & judged, row_z, flagged)
    region: dict[str, Table] = {"task_completion": (reg, {
        "procedure": "str", "subject": "str", "grade": "int", "task": "int", "region_completion": "float",
        "region_participants": "int"})}
    return pd.concat([rows_of(rows, INVERTED_DIFFICULTY, status, INVERTED_SPEC), school], ignore_index=True), region
