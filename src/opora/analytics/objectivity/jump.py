"""Unstable jump: a year-on-year change far beyond the region's, not sustained.

Per work: the change of the measure from year − 1 to year (both years with enough pupils), its z
against the region's changes of that work (robust: the median change and 1.4826 × MAD). Per
school the works' z are pooled (pupil weights) and the pooled z judged against the region's
schools (calibration). Present as "jump" when it reaches both jump_sd (METHODS: beyond 2 SD) and
the bar at half the false-positive rate; as "reverted" when last year's change (year − 2 →
year − 1) did so and this year gives back at least half of it. A whole region moving (a new,
easier test) moves the median, not the verdicts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from opora.analytics.calibration import bar
from opora.analytics.objectivity.common import (
    EPS,
    GROUP,
    PKEYS,
    TINY_SD,
    Table,
    judge,
    reason_of,
    region_stats,
    rows_of,
    school_rows,
    with_measure,
    work_status,
)
from opora.analytics.objectivity.config import UNSTABLE_JUMP, ObjectivityConfig

JUMP_SPEC = {
    "participants": "int", "measure": "str", "value": "float", "previous_value": "float", "change": "float",
    "region_mean_change": "float", "region_sd_change": "float", "region_schools": "int", "z": "float",
    "jump": "bool", "earlier_change": "float", "earlier_region_mean_change": "float",
    "earlier_region_sd_change": "float", "earlier_z": "float", "reverted": "bool", "kind": "str", "reason": "str",
}


def _changes(hist: pd.DataFrame, before: int, after: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per school × work: the change of the measure from `before` to `after` (both eligible), the
    region's robust centre and spread of those changes and the z of the school's."""
    cols = [*PKEYS, "value", "participants"]
    a = hist.loc[hist["eligible"] & (hist["year"] == after), cols]
    b = hist.loc[hist["eligible"] & (hist["year"] == before), cols[:-1]]
    pair = a.merge(b, on=PKEYS, suffixes=("", "_before"))
    pair["change"] = pair["value"] - pair["value_before"]
    stats = region_stats(pair, "change", GROUP)
    pair = pair.merge(stats, on=GROUP, how="left")
    sd = pair["sd"].where(pair["sd"] > TINY_SD)
    centred = pair["change"] - pair["mean"]
    # Every school of the region changed alike: the same change is no jump, another is far off.
    flat = np.where(centred.abs() <= 1e-9, 0.0, np.sign(centred) * np.inf)
    pair["z"] = (centred / sd).where(sd.notna(), pd.Series(flat, index=pair.index).where(pair["sd"].notna()))
    stats = stats.assign(from_year=before, to_year=after)
    return pair, stats


def _pooled(pair: pd.DataFrame, rate: float) -> pd.DataFrame:
    """The school's pupil-weighted z and centred change, judged against the region's schools."""
    frame = pair.assign(_x=pair["z"], _v=0.0, _w=pair["participants"], _eval=pair["z"].notna())
    verdicts, _z = judge(frame, rate)
    centred = (pair["change"] - pair["mean"]) * pair["participants"]
    sums = pd.DataFrame({"school_code": pair["school_code"], "_c": centred.where(pair["z"].notna(), 0.0),
                         "_n": pair["participants"].where(pair["z"].notna(), 0.0)}).groupby("school_code").sum()
    return verdicts.join((sums["_c"] / sums["_n"]).rename("centred"), on="school_code")


def unstable_jump(works: pd.DataFrame, population: pd.Index, year: int,
                  config: ObjectivityConfig) -> tuple[pd.DataFrame, dict[str, Table]]:
    hist = works[works["procedure"].isin(config.procedures) & works["year"].between(year - 2, year)]
    hist = with_measure(hist, GROUP, config.min_participants)
    now, now_stats = _changes(hist, year - 1, year)
    earlier, earlier_stats = _changes(hist, year - 2, year - 1)
    rows = hist[hist["year"] == year].merge(
        now[[*PKEYS, "value_before", "change", "mean", "sd", "schools", "z"]], on=PKEYS, how="left")
    rows = rows.rename(columns={"value_before": "previous_value", "mean": "region_mean_change",
                                "sd": "region_sd_change", "schools": "region_schools"})
    rows = rows.merge(earlier[[*PKEYS, "change", "mean", "sd", "z"]].rename(columns={
        "change": "earlier_change", "mean": "earlier_region_mean_change", "sd": "earlier_region_sd_change",
        "z": "earlier_z"}), on=PKEYS, how="left").reset_index(drop=True)

    rate = config.false_positive_rate / 2
    threshold = max(config.jump_sd, bar(rate))
    by_now = _pooled(now, rate)
    by_earlier = _pooled(earlier, rate)[["school_code", "z", "centred"]].rename(
        columns={"z": "earlier_school_z", "centred": "earlier_centred"})
    verdicts = by_now.merge(by_earlier, on="school_code", how="left")
    verdicts["jump"] = verdicts["z"] >= threshold - EPS
    verdicts["reverted"] = (verdicts["earlier_school_z"] >= threshold - EPS) \
        & (verdicts["centred"] <= -0.5 * verdicts["earlier_centred"] + EPS)
    present = verdicts["jump"] | verdicts["reverted"]
    # numpy's stubs know no None among the choices; it makes an object array with None where neither holds.
    verdicts["kind"] = np.where(verdicts["jump"], "jump", np.where(verdicts["reverted"], "reverted", None))  # type: ignore[call-overload]
    school = school_rows(population, UNSTABLE_JUMP, verdicts, present, threshold, rate,
                         {"kind": "str", "earlier_school_z": "float"})

    kind = verdicts.set_index("school_code")["kind"]
    rows["jump"] = rows["z"] >= threshold - EPS
    centred = rows["change"] - rows["region_mean_change"]
    earlier_centred = rows["earlier_change"] - rows["earlier_region_mean_change"]
    rows["reverted"] = (rows["earlier_z"] >= threshold - EPS) & (centred <= -0.5 * earlier_centred + EPS)
    rows["kind"] = rows["school_code"].map(kind).where(rows["jump"] | rows["reverted"])
    evaluable = rows["z"].notna().to_numpy()
    flagged = rows["school_code"].isin(set(verdicts.loc[present.to_numpy(bool), "school_code"])).to_numpy()
    judged = rows["school_code"].isin(set(verdicts.loc[verdicts["z"].notna(), "school_code"])).to_numpy()
    rows["reason"] = reason_of((~rows["eligible"], "few_participants"), (rows["change"].isna(), "no_previous"),
                               (rows["z"].isna(), "few_schools"), (~judged, "few_schools"))
    # A work of a flagged school points the same way when its own z (now, or last year's) is ≥ 1.
    row_z = np.fmax(rows["z"].to_numpy(float), np.where(rows["reverted"], rows["earlier_z"], np.nan))
    status = work_status(evaluable & judged, row_z, flagged)
    stats = pd.concat([now_stats, earlier_stats], ignore_index=True)
    stats = stats.merge(hist[[*GROUP, "measure"]].drop_duplicates(GROUP), on=GROUP, how="left")
    region: dict[str, Table] = {"changes": (stats, {
        "procedure": "str", "subject": "str", "grade": "int", "from_year": "int", "to_year": "int", "measure": "str",
        "mean": "float", "sd": "float", "schools": "int"})}
    return pd.concat([rows_of(rows, UNSTABLE_JUMP, status, JUMP_SPEC), school], ignore_index=True), region
