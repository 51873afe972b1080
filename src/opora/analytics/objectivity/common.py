"""Shared steps of the objectivity signs: JSON numbers, sign rows, the measure of a work, and the
school-level verdict against the region's own schools (`judge`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from opora.analytics.calibration import yardstick

PRESENT, ABSENT, NOT_ENOUGH_DATA = "present", "absent", "not_enough_data"
SIGN_COLUMNS = ["school_code", "sign", "status", "procedure", "subject", "grade", "numbers"]
BOUNDARIES = ("b3", "b4", "b5")
MIN_REGION_SCHOOLS = 5  # a regional mean and sd of a work from fewer schools is no yardstick
WORK = ["procedure", "subject", "grade"]
KEYS = ["school_code", *WORK]
POP = "_pop"  # the comparison population of a row (one constant when the call has one population)
GROUP = [POP, *WORK]  # a work within its population: the unit of every regional number
PKEYS = [POP, *KEYS]
EPS = 1e-9  # shares compared with bars: 3/10 must reach 0.30
TINY_SD = 1e-12
# A regional table: its rows (with POP) and the JSON spec of a record; split per population at the end.
Table = tuple[pd.DataFrame, Mapping[str, str]]
# The numbers of a sign's school row (the verdict over all its works).
SCHOOL_SPEC = {"scope": "str", "works": "int", "statistic": "float", "z": "float", "bar": "float",
               "false_positive_rate": "float", "region_centre": "float", "region_spread": "float",
               "region_schools": "int", "reason": "str"}


def num(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as float64 (NA → NaN); an absent column is all NaN."""
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index)
    return pd.to_numeric(frame[column], errors="coerce").astype("float64")


def json_values(values: Any, kind: str) -> np.ndarray:
    """An object array of JSON-native values: int / float / bool / str, missing → None."""
    s = pd.Series(values)
    if kind == "str":
        missing = s.isna().to_numpy()
        out: np.ndarray = s.astype(object).to_numpy(copy=True)
    else:
        f = pd.to_numeric(s, errors="coerce").astype("float64").to_numpy()
        missing = ~np.isfinite(f)
        if kind == "int":
            out = np.where(missing, 0, f).astype(np.int64).astype(object)
        elif kind == "bool":
            out = np.where(missing, 0, f).astype(bool).astype(object)
        else:
            out = f.astype(object)
    out[missing] = None
    return out


def records(frame: pd.DataFrame, spec: Mapping[str, str]) -> list[dict[str, Any]]:
    """Rows of `frame` as JSON-able dicts with the keys of `spec` (key → kind)."""
    columns = [json_values(frame[key].to_numpy() if key in frame.columns else np.full(len(frame), np.nan), kind)
               for key, kind in spec.items()]
    keys = list(spec)
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]


def rows_of(frame: pd.DataFrame, sign: str, status: np.ndarray, spec: Mapping[str, str]) -> pd.DataFrame:
    """The sign rows (SIGN_COLUMNS) of the work rows in `frame`."""
    return pd.DataFrame({
        "school_code": frame["school_code"].to_numpy(),
        "sign": sign,
        "status": status,
        "procedure": frame["procedure"].to_numpy(),
        "subject": frame["subject"].to_numpy(),
        "grade": frame["grade"].to_numpy(),
        "numbers": records(frame, spec),
    })


def status_of(evaluable: pd.Series | np.ndarray, present: pd.Series | np.ndarray) -> np.ndarray:
    evaluable = np.asarray(evaluable, dtype=bool)
    present = np.asarray(present, dtype=bool)
    return np.where(~evaluable, NOT_ENOUGH_DATA, np.where(present, PRESENT, ABSENT))


def reason_of(*choices: tuple[Any, str]) -> np.ndarray:
    """The first reason whose condition holds; None where none does (the row has a verdict)."""
    conditions = [np.asarray(c, dtype=bool) for c, _ in choices]
    # numpy's stubs want a default of the choices' type; None makes the object array wanted here.
    reasons: np.ndarray = np.select(conditions, [r for _, r in choices], default=None).astype(object)  # type: ignore[call-overload]
    return reasons


def with_measure(frame: pd.DataFrame, group: Sequence[str], min_participants: int) -> pd.DataFrame:
    """`frame` with `participants` (float), `value`, `measure` and `eligible` (enough pupils and a
    value). mean_pct, unless a school with enough pupils in the group lacks it: then the pass rate."""
    out = frame.copy()
    out["participants"] = num(frame, "participants")
    mean_pct, pass_pct = num(frame, "mean_pct"), 100.0 * (1.0 - num(frame, "fail_share"))
    enough = out["participants"] >= min_participants
    out["_gap"] = enough & mean_pct.isna()
    use_pct = ~out.groupby(list(group), sort=False)["_gap"].transform("any").astype(bool) if len(out) else enough
    out["value"] = mean_pct.where(use_pct, pass_pct)
    out["measure"] = np.where(use_pct, "mean_pct", "pass_pct")
    out["eligible"] = enough & out["value"].notna()
    return out.drop(columns="_gap")


def positions(codes: pd.Series, mapped: pd.Series) -> np.ndarray:
    """`mapped` (indexed by school code) looked up for each code, through the distinct codes."""
    keys, uniques = pd.factorize(codes)
    values = mapped.to_numpy()[mapped.index.get_indexer(pd.Index(uniques).astype(object))]
    return values[keys] if len(keys) else np.zeros(0, dtype=mapped.dtype)


def region_stats(frame: pd.DataFrame, column: str, group: Sequence[str]) -> pd.DataFrame:
    """The region's typical value and spread of `column` per group over the rows given, robustly
    (the few schools a sign looks for must not widen the yardstick): "mean" is the median, "sd"
    1.4826 × the median absolute deviation (the sd of a normal distribution; the population sd
    when more than half the schools share one value), with the number of schools; mean and sd
    are NaN for groups with fewer than MIN_REGION_SCHOOLS schools."""
    if frame.empty:
        return pd.DataFrame(columns=[*group, "mean", "sd", "schools"])
    g = frame.groupby(list(group), sort=False)[column]
    centre = g.transform("median")
    deviation = (frame[column] - centre).abs()
    mad = deviation.groupby([frame[k] for k in group], sort=False).median()
    stats = pd.DataFrame({"mean": g.median(), "sd": 1.4826 * mad, "schools": g.count()})
    plain = g.std(ddof=0)
    stats["sd"] = stats["sd"].where(stats["sd"] > TINY_SD, plain)
    stats = stats.reset_index()
    few = stats["schools"] < MIN_REGION_SCHOOLS
    stats.loc[few, ["mean", "sd"]] = np.nan
    return stats


def keys_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[KEYS].drop_duplicates()




# --- The school's verdict against the region -------------------------------------------------------


def judge(rows: pd.DataFrame, rate: float) -> tuple[pd.DataFrame, np.ndarray]:
    """Pool each school's evaluable rows and judge the pooled statistic against its population.

    `rows`: school_code, POP, `_x` (the row's statistic), `_v` (its sampling variance, 0 when the
    region's spread stands for it), `_w` (its pooling weight), `_eval` (bool). Returns per school
    (school_code, POP, statistic, variance, works, z, centre, spread, region_schools) and the z of
    every row against its population's yardstick (NaN for rows not evaluable): z ≥ bar(rate) marks
    a share `rate` of ordinary schools (calibration.py)."""
    ok = rows["_eval"].to_numpy(bool) & np.isfinite(rows["_x"].to_numpy(float))
    r = rows.loc[ok, ["school_code", POP, "_x", "_v", "_w"]]
    r = r.assign(_wx=r["_w"] * r["_x"], _wwv=r["_w"] ** 2 * r["_v"].fillna(0.0))
    g = r.groupby(["school_code", POP], sort=False).agg(_w=("_w", "sum"), _wx=("_wx", "sum"), _wwv=("_wwv", "sum"),
                                                        works=("_x", "size")).reset_index()
    g["statistic"] = g["_wx"] / g["_w"]
    g["variance"] = g["_wwv"] / g["_w"] ** 2
    g = g.drop(columns=["_w", "_wx", "_wwv"])
    for column in ("z", "centre", "spread"):
        g[column] = np.nan
    g["region_schools"] = 0
    row_z = np.full(len(rows), np.nan)
    for pop, index in g.groupby(POP, sort=False).groups.items():
        part = g.loc[index]
        stick = yardstick(part["statistic"].to_numpy(), part["variance"].to_numpy())
        g.loc[index, "z"] = stick.z(part["statistic"].to_numpy(), part["variance"].to_numpy())
        g.loc[index, ["centre", "spread", "region_schools"]] = [stick.centre, float(np.sqrt(stick.tau2)),
                                                                stick.schools]
        mine = ok & (rows[POP].to_numpy() == pop)
        row_z[mine] = stick.z(rows.loc[mine, "_x"].to_numpy(float), rows.loc[mine, "_v"].fillna(0.0).to_numpy(float))
    return g, row_z


def school_rows(population: pd.Index, sign: str, verdicts: pd.DataFrame, present: pd.Series, bar: float,
                rate: float, extra: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per school of `population` for `sign` with the school-level numbers (procedure
    NA): present / absent where judged, not_enough_data (reason) otherwise. `verdicts` is judge's
    per-school frame (plus the columns named in `extra`), `present` aligned with it."""
    v = verdicts.set_index("school_code").reindex(population)
    judged = v["z"].notna().to_numpy()
    is_present = pd.Series(present.to_numpy(bool), index=verdicts["school_code"]).reindex(population) \
        .fillna(False).to_numpy(bool)
    # None where the school is judged (numpy's stubs know no None among the choices: an object array).
    reason = np.where(judged, None, np.where(v["works"].fillna(0).to_numpy() > 0, "few_schools",  # type: ignore[call-overload]
                                             "no_evaluable_work")).astype(object)
    frame = pd.DataFrame({
        "scope": "school", "works": v["works"].fillna(0).to_numpy(), "statistic": v["statistic"].to_numpy(),
        "z": v["z"].to_numpy(), "bar": bar, "false_positive_rate": rate, "region_centre": v["centre"].to_numpy(),
        "region_spread": v["spread"].to_numpy(), "region_schools": v["region_schools"].to_numpy(),
        "reason": reason,
    }, index=population)
    spec = dict(SCHOOL_SPEC)
    for column, kind in (extra or {}).items():
        frame[column] = v[column].to_numpy() if column in v.columns else np.nan
        spec[column] = kind
    return pd.DataFrame({
        "school_code": population.to_numpy(), "sign": sign, "status": status_of(judged, is_present & judged),
        "procedure": None, "subject": None, "grade": pd.NA, "numbers": records(frame, spec),
    })


def work_status(evaluable: np.ndarray, row_z: np.ndarray, school_present: np.ndarray) -> np.ndarray:
    """A work's status once its school is judged: present when the school is and the work itself
    points that way (its own z ≥ 1), absent when evaluable, else not_enough_data."""
    return status_of(evaluable, school_present & (np.nan_to_num(row_z, nan=-np.inf) >= 1.0))
