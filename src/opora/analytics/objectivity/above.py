"""Above the region, unconfirmed (FIOKO 2018): a ВПР result far above the region's that the
school's own ОГЭ/ЕГЭ results do not bear out.

Per work: the school's standing = (value − the region's median) / the region's robust sd of that
work (schools with enough pupils). Per school: its ВПР standing S (pupil-weighted over its works)
and its exam standing C over its ОГЭ/ЕГЭ core works of the same year. The sign is present when
S ≥ above_sd (FIOKO's "mean + 1.5 SD", on robust numbers) and S − C, the gap between the ВПР and
the exams, is beyond the gap the region's schools show by chance (calibration: z ≥ bar at the
false-positive rate). A selective school is judged but never marked; a school without exam
results cannot be confirmed or refuted: not_enough_data ('no_confirmation').
"""

from __future__ import annotations

import pandas as pd

from opora.analytics.calibration import bar
from opora.analytics.objectivity.common import (
    EPS,
    GROUP,
    Table,
    judge,
    reason_of,
    region_stats,
    rows_of,
    school_rows,
    with_measure,
    work_status,
)
from opora.analytics.objectivity.config import ABOVE_REGION, ObjectivityConfig

ABOVE_SPEC = {
    "participants": "int", "measure": "str", "value": "float", "region_mean": "float", "region_sd": "float",
    "bar": "float", "region_schools": "int", "above": "bool", "selective": "bool", "confirmed": "bool",
    "confirm_absent": "bool", "confirm_value": "float", "confirm_region_mean": "float", "confirm_diff": "float",
    "confirm_works": "int", "confirm_participants": "int", "standing": "float", "confirm_standing": "float",
    "reason": "str",
}
STATS_SPEC = {"procedure": "str", "subject": "str", "grade": "int", "measure": "str", "mean": "float", "sd": "float",
              "schools": "int"}


def _confirmation(works: pd.DataFrame, year: int, config: ObjectivityConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per school: its ОГЭ/ЕГЭ core results of `year` against the region's (values and standing)."""
    core = works["core"].fillna(False).astype(bool) if "core" in works.columns else pd.Series(False, works.index)
    rows = works[(works["year"] == year) & works["procedure"].isin(config.confirm_procedures) & core]
    rows = with_measure(rows, GROUP, config.min_participants)
    rows = rows[rows["eligible"]]
    stats = region_stats(rows, "value", GROUP)
    rows = rows.merge(stats, on=GROUP, how="inner")
    rows = rows[rows["mean"].notna() & (rows["sd"] > 0)]
    n = rows["participants"]
    rows = rows.assign(_wv=n * rows["value"], _wm=n * rows["mean"], _ws=n * (rows["value"] - rows["mean"]) / rows["sd"])
    per = rows.groupby("school_code", sort=False).agg(
        confirm_participants=("participants", "sum"), confirm_works=("value", "size"), _wv=("_wv", "sum"),
        _wm=("_wm", "sum"), _ws=("_ws", "sum")).reset_index()
    per["confirm_value"] = per["_wv"] / per["confirm_participants"]
    per["confirm_region_mean"] = per["_wm"] / per["confirm_participants"]
    per["confirm_diff"] = per["confirm_value"] - per["confirm_region_mean"]
    per["confirm_standing"] = per["_ws"] / per["confirm_participants"]
    region = rows[[*GROUP, "measure"]].drop_duplicates(GROUP).merge(stats, on=GROUP)
    return per.drop(columns=["_wv", "_wm", "_ws"]), region


def above_region(works: pd.DataFrame, current: pd.DataFrame, selective: pd.Series, population: pd.Index, year: int,
                 config: ObjectivityConfig) -> tuple[pd.DataFrame, dict[str, Table]]:
    rows = with_measure(current, GROUP, config.min_participants)
    stats = region_stats(rows[rows["eligible"]], "value", GROUP)
    rows = rows.merge(stats.rename(columns={"mean": "region_mean", "sd": "region_sd", "schools": "region_schools"}),
                      on=GROUP, how="left")
    confirm, confirm_region = _confirmation(works, year, config)
    rows = rows.merge(confirm, on="school_code", how="left")
    rows["bar"] = rows["region_mean"] + config.above_sd * rows["region_sd"]
    rows["standing"] = (rows["value"] - rows["region_mean"]) / rows["region_sd"].where(rows["region_sd"] > 0)
    measurable = rows["eligible"] & rows["standing"].notna()
    rows["above"] = measurable & (rows["value"] > rows["bar"] + EPS)
    rows["selective"] = rows["school_code"].map(selective).fillna(False).astype(bool)
    rows["confirm_absent"] = rows["confirm_works"].isna()
    evaluable = measurable & ~rows["confirm_absent"]

    # The school: ВПР standing S and the gap S − C to its exams, judged against the region's gaps.
    rows["_x"] = rows["standing"] - rows["confirm_standing"]
    rows["_v"] = 0.0  # the region's spread of gaps holds the sampling noise
    rows["_w"] = rows["participants"]
    rows["_eval"] = evaluable
    rows["_s"] = rows["standing"] * rows["participants"]
    verdicts, row_z = judge(rows, config.false_positive_rate)
    sums = rows[evaluable].groupby("school_code", sort=False).agg(_s=("_s", "sum"), _n=("participants", "sum"))
    verdicts["standing"] = verdicts["school_code"].map(sums["_s"] / sums["_n"])
    verdicts["confirm_standing"] = verdicts["school_code"].map(confirm.set_index("school_code")["confirm_standing"])
    verdicts["selective"] = verdicts["school_code"].map(selective).fillna(False).astype(bool)
    threshold = bar(config.false_positive_rate)
    present = (verdicts["standing"] >= config.above_sd - EPS) & (verdicts["z"] >= threshold) & ~verdicts["selective"]
    school = school_rows(population, ABOVE_REGION, verdicts, present, threshold, config.false_positive_rate,
                         {"standing": "float", "confirm_standing": "float", "selective": "bool"})
    no_confirm = [code for code in population if code in set(rows.loc[measurable & rows["confirm_absent"],
                                                                      "school_code"])
                  and code not in set(verdicts["school_code"])]
    if no_confirm:
        mask = school["school_code"].isin(no_confirm).to_numpy()
        school.loc[mask, "numbers"] = [{**n, "reason": "no_confirmation"} for n in school.loc[mask, "numbers"]]

    judged = rows["school_code"].isin(set(verdicts.loc[verdicts["z"].notna(), "school_code"]))
    flagged = rows["school_code"].isin(set(verdicts.loc[present.to_numpy(bool), "school_code"])).to_numpy()
    # Confirmed: the exams bear the ВПР out — the school's gap is within what chance gives.
    gap = rows["school_code"].isin(set(verdicts.loc[(verdicts["z"] >= threshold).to_numpy(bool), "school_code"]))
    rows["confirmed"] = evaluable & judged & ~gap
    rows["reason"] = reason_of((rows["participants"].fillna(0) < config.min_participants, "few_participants"),
                               (rows["value"].isna(), "no_measure"),
                               (rows["region_sd"].isna(), "few_schools"),
                               (rows["confirm_absent"], "no_confirmation"),
                               (~judged, "few_schools"))
    status = work_status((evaluable & judged).to_numpy(bool), row_z, flagged)
    region: dict[str, Table] = {
        "above_region": (rows[[*GROUP, "measure"]].drop_duplicates(GROUP).merge(stats, on=GROUP), STATS_SPEC),
        "confirm": (confirm_region, STATS_SPEC),
    }
    out = pd.concat([rows_of(rows, ABOVE_REGION, status, ABOVE_SPEC), school], ignore_index=True)
    return out, region


