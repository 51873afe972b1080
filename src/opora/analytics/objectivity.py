"""Signs of non-objective results (METHODS.md §6): a prompt to analyse, never a verdict.

`objectivity_signs(works, tasks, schools, year, config)` checks five signs for every school of one
comparison population (the region = the schools in `schools`; rows of other schools are ignored)
and returns one row per school × sign × work considered with the numbers behind the verdict, a
summary per school and the regional numbers used.

Inputs: `works` (WORK_FEATURE_COLUMNS, whole grades), `tasks` (school_code, procedure, year, subject,
grade, task, participants, completion 0–1), `schools` (school_code, selective; `type` is used when
`selective` is absent). Works considered: procedures in `config.procedures` (ВПР by default) of
`year`. Statuses: present / absent / not_enough_data; a not_enough_data row says why in
numbers["reason"] (few_participants, few_schools, no_measure, no_tasks, few_tasks, aggregates,
test_score, no_boundary, no_journal, no_previous, no_evaluable_work).

Choices where METHODS is silent (ours):
- Measure ("above the region", "unstable jump"): mean_pct; where a work (procedure, subject, grade;
  for jumps over the three years used) has a school with enough pupils but no mean_pct, the whole
  work uses the pass rate 100 × (1 − fail_share) instead, so a school and its region are always on
  one scale (numbers["measure"] = "mean_pct" / "pass_pct").
- Regional mean and sd per work: plain (not N-weighted) mean over the population's schools with
  ≥ min_participants pupils, population sd (ddof = 0: the schools are the whole region, not a
  sample); the school itself is included. Fewer than MIN_REGION_SCHOOLS such schools → no verdict.
- Above the region: value > mean + above_sd × sd. A selective school (lyceum, gymnasium, in-depth)
  is evaluated but never marked (status absent, numbers["selective"] = true). "Confirmed" means the
  participant-weighted mean of the school's differences from the regional means over its ОГЭ/ЕГЭ
  core works of the same year (≥ min_participants each) is > 0; with no such works the result is
  not confirmed and numbers["confirm_absent"] = true.
- Inverted difficulty: regional completion of a task = participant-weighted over all population
  schools. A task counts as "better" / "worse" only when the school's completion differs from the
  region's by more than TASK_MARGIN_SE binomial standard errors √(r(1−r)/N) (an upper bound for the
  noise of a mean of scores in [0, 1]): with one or two hard and easy tasks, a quarter of average
  schools would otherwise show the pattern by chance. Pattern = more than half of the hard tasks
  better and more than half of the easy tasks worse (at least one of each). Rank correlation =
  Spearman (average ranks) over the tasks the school has; a constant completion gives none. The
  whole sign needs ≥ min_tasks tasks and ≥ min_participants pupils (max of the task rows').
- Boundary peak: mark works from pupil rows with ≥ peak_min_participants pupils; a boundary peaks
  when at ≥ peak_ratio × below, at ≥ MIN_AT_BOUNDARY and the pile-up is beyond chance: if the two
  scores were equally likely, at or more of the at + below pupils would land on the boundary with
  probability ("chance", one-sided binomial) ≤ PEAK_ALPHA. Without this guard, counts like 3 against
  1 flagged one ordinary school in five (40–110 pupils) in our synthetic regions. numbers describe
  the boundary with a peak (else the nearest to one) with the largest excess at − peak_ratio ×
  below; ratio is null when nobody scored one point below.
- Journal gap: gap part = journal_gap2 / journal_n (pupil rows only); imbalance part =
  (raised − lowered) / n with n = journal_n, or lowered + confirmed + raised for aggregates; each
  needs n ≥ journal_min. numbers["gap2_share"] is null when only the imbalance could be evaluated.
- Unstable jump: per work the change of the measure from year − 1 to year (both years with enough
  pupils), centred on the region's mean change of that work and divided by the sd of the regional
  changes. Present as "jump" when z ≥ jump_sd, or as "reverted" when the change year − 2 → year − 1
  had z ≥ jump_sd and the centred change to `year` gives back at least half of that centred jump.
- Index: Σ weight × present / Σ weight over the signs evaluated (≥ 1 work with a verdict). A sign
  with weight 0 is switched off: its rows stay in `signs` but it is neither listed, counted in
  signs_evaluated nor in the index.

The keys of numbers per sign are NUMBER_KEYS. Vectorised pandas: group operations over work
rows, no loop over schools (a national call, 1.3M work rows and 6M task rows, takes ~20 s).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binom

ABOVE_REGION = "above_region"
INVERTED_DIFFICULTY = "inverted_difficulty"
BOUNDARY_PEAK = "boundary_peak"
JOURNAL_GAP = "journal_gap"
UNSTABLE_JUMP = "unstable_jump"
SIGNS = (ABOVE_REGION, INVERTED_DIFFICULTY, BOUNDARY_PEAK, JOURNAL_GAP, UNSTABLE_JUMP)
PRESENT, ABSENT, NOT_ENOUGH_DATA = "present", "absent", "not_enough_data"
SIGN_COLUMNS = ["school_code", "sign", "status", "procedure", "subject", "grade", "numbers"]
SCHOOL_COLUMNS = ["school_code", "objectivity_index", "objectivity_signs", "signs_evaluated"]
SELECTIVE_TYPES = ("lyceum", "gymnasium", "in_depth")
BOUNDARIES = ("b3", "b4", "b5")

MIN_REGION_SCHOOLS = 5  # a regional mean and sd from fewer schools is no yardstick
MIN_AT_BOUNDARY = 3  # a handful of pupils on a boundary is no peak
PEAK_ALPHA = 0.01  # ... nor is a pile-up that chance gives one school in a hundred
TASK_MARGIN_SE = 1.0  # "better/worse on a task" = beyond one binomial standard error
_WORK = ["procedure", "subject", "grade"]
_KEYS = ["school_code", *_WORK]
_POP = "_pop"  # the comparison population of a row (one constant when the call has one population)
_GROUP = [_POP, *_WORK]  # a work within its population: the unit of every regional number
_PKEYS = [_POP, *_KEYS]
_TASK_COLUMNS = [*_KEYS, "year", "task", "participants", "completion"]
_EPS = 1e-9  # shares compared with bars: 3/10 must reach 0.30
_TINY_SD = 1e-12


# --- Configuration -------------------------------------------------------------------------------


def _check_number(name: str, value: Any, *, integer: bool = False, low: float | None = None,
                  high: float | None = None, low_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name}: must be a number")
    if integer and value != int(value):
        raise ValueError(f"{name}: must be a whole number")
    if low is not None and (value <= low if low_open else value < low):
        raise ValueError(f"{name}: must be {'greater than' if low_open else 'at least'} {low:g}")
    if high is not None and value > high:
        raise ValueError(f"{name}: must be at most {high:g}")
    return int(value) if integer else float(value)


def _check_codes(name: str, value: Any, *, empty: bool) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError(f"{name}: must be a list of procedure codes")
    if not empty and not value:
        raise ValueError(f"{name}: must not be empty")
    if any(not isinstance(code, str) or not code for code in value):
        raise ValueError(f"{name}: every code must be a non-empty string")
    return tuple(value)


@dataclass(frozen=True)
class ObjectivityConfig:
    """The thresholds of the five signs (a rule set may edit every field)."""

    procedures: tuple[str, ...] = ("vpr",)
    confirm_procedures: tuple[str, ...] = ("oge", "ege")
    min_participants: int = 10
    above_sd: float = 1.5
    hard_bar: float = 0.30
    easy_bar: float = 0.70
    rank_corr_min: float = 0.3
    min_tasks: int = 8
    peak_ratio: float = 3.0
    peak_min_participants: int = 30
    journal_gap_share: float = 0.15
    journal_min: int = 10
    imbalance_share: float = 0.30
    jump_sd: float = 2.0
    weights: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SIGNS, 1.0))

    def __post_init__(self) -> None:
        checked: dict[str, Any] = {
            "procedures": _check_codes("procedures", self.procedures, empty=False),
            "confirm_procedures": _check_codes("confirm_procedures", self.confirm_procedures, empty=True),
            "min_participants": _check_number("min_participants", self.min_participants, integer=True, low=1),
            "above_sd": _check_number("above_sd", self.above_sd, low=0, low_open=True),
            "hard_bar": _check_number("hard_bar", self.hard_bar, low=0, high=1),
            "easy_bar": _check_number("easy_bar", self.easy_bar, low=0, high=1),
            "rank_corr_min": _check_number("rank_corr_min", self.rank_corr_min, low=-1, high=1),
            "min_tasks": _check_number("min_tasks", self.min_tasks, integer=True, low=3),
            "peak_ratio": _check_number("peak_ratio", self.peak_ratio, low=1, low_open=True),
            "peak_min_participants": _check_number("peak_min_participants", self.peak_min_participants,
                                                   integer=True, low=1),
            "journal_gap_share": _check_number("journal_gap_share", self.journal_gap_share, low=0, high=1,
                                               low_open=True),
            "journal_min": _check_number("journal_min", self.journal_min, integer=True, low=1),
            "imbalance_share": _check_number("imbalance_share", self.imbalance_share, low=0, high=1,
                                             low_open=True),
            "jump_sd": _check_number("jump_sd", self.jump_sd, low=0, low_open=True),
        }
        if checked["hard_bar"] >= checked["easy_bar"]:
            raise ValueError("hard_bar: must be below easy_bar")
        if not isinstance(self.weights, Mapping):
            raise ValueError("weights: must map sign codes to numbers")
        unknown = sorted(str(k) for k in self.weights if k not in SIGNS)
        if unknown:
            raise ValueError(f"weights: unknown sign {', '.join(unknown)}")
        weights = dict.fromkeys(SIGNS, 1.0)  # a sign left out keeps its default weight
        weights.update({k: _check_number(f"weights.{k}", v, low=0) for k, v in self.weights.items()})
        checked["weights"] = weights
        for name, value in checked.items():
            object.__setattr__(self, name, value)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["procedures"] = list(self.procedures)
        data["confirm_procedures"] = list(self.confirm_procedures)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ObjectivityConfig:
        """A config from a (partial) dict; missing fields keep their defaults."""
        if not isinstance(data, Mapping):
            raise ValueError("objectivity: must be a mapping of settings")
        names = {f.name for f in fields(cls)}
        unknown = sorted(str(k) for k in data if k not in names)
        if unknown:
            raise ValueError(f"{unknown[0]}: unknown setting")
        return cls(**dict(data))


@dataclass(frozen=True)
class ObjectivityResult:
    """`signs` (SIGN_COLUMNS): one row per school × sign × work considered (status present /
    absent / not_enough_data, numbers a JSON-able dict), plus one row with procedure NA and status
    not_enough_data per school × sign without any verdict. `schools` (SCHOOL_COLUMNS): one row per
    school of the population. `region`: the regional numbers used (JSON-able)."""

    signs: pd.DataFrame
    schools: pd.DataFrame
    region: dict[str, Any]


# --- Helpers -------------------------------------------------------------------------------------


def _num(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as float64 (NA → NaN); an absent column is all NaN."""
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index)
    return pd.to_numeric(frame[column], errors="coerce").astype("float64")


def _json_values(values: Any, kind: str) -> np.ndarray:
    """An object array of JSON-native values: int / float / bool / str, missing → None."""
    s = pd.Series(values)
    if kind == "str":
        missing = s.isna().to_numpy()
        out = s.astype(object).to_numpy(copy=True)
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


def _records(frame: pd.DataFrame, spec: Mapping[str, str]) -> list[dict[str, Any]]:
    """Rows of `frame` as JSON-able dicts with the keys of `spec` (key → kind)."""
    columns = [_json_values(frame[key].to_numpy() if key in frame.columns else np.full(len(frame), np.nan), kind)
               for key, kind in spec.items()]
    keys = list(spec)
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]


def _rows(frame: pd.DataFrame, sign: str, status: np.ndarray, spec: Mapping[str, str]) -> pd.DataFrame:
    """The sign rows (SIGN_COLUMNS) of the work rows in `frame`."""
    return pd.DataFrame({
        "school_code": frame["school_code"].to_numpy(),
        "sign": sign,
        "status": status,
        "procedure": frame["procedure"].to_numpy(),
        "subject": frame["subject"].to_numpy(),
        "grade": frame["grade"].to_numpy(),
        "numbers": _records(frame, spec),
    })


def _status(evaluable: pd.Series | np.ndarray, present: pd.Series | np.ndarray) -> np.ndarray:
    evaluable = np.asarray(evaluable, dtype=bool)
    present = np.asarray(present, dtype=bool)
    return np.where(~evaluable, NOT_ENOUGH_DATA, np.where(present, PRESENT, ABSENT))


def _reason(*choices: tuple[Any, str]) -> np.ndarray:
    """The first reason whose condition holds; None where none does (the row has a verdict)."""
    conditions = [np.asarray(c, dtype=bool) for c, _ in choices]
    return np.select(conditions, [r for _, r in choices], default=None).astype(object)


def _with_measure(frame: pd.DataFrame, group: Sequence[str], min_participants: int) -> pd.DataFrame:
    """`frame` with `participants` (float), `value`, `measure` and `eligible` (enough pupils and a
    value). mean_pct, unless a school with enough pupils in the group lacks it: then the pass rate."""
    out = frame.copy()
    out["participants"] = _num(frame, "participants")
    mean_pct, pass_pct = _num(frame, "mean_pct"), 100.0 * (1.0 - _num(frame, "fail_share"))
    enough = out["participants"] >= min_participants
    out["_gap"] = enough & mean_pct.isna()
    use_pct = ~out.groupby(list(group), sort=False)["_gap"].transform("any").astype(bool) if len(out) else enough
    out["value"] = mean_pct.where(use_pct, pass_pct)
    out["measure"] = np.where(use_pct, "mean_pct", "pass_pct")
    out["eligible"] = enough & out["value"].notna()
    return out.drop(columns="_gap")


def _positions(codes: pd.Series, mapped: pd.Series) -> np.ndarray:
    """`mapped` (indexed by school code) looked up for each code, through the distinct codes."""
    keys, uniques = pd.factorize(codes)
    values = mapped.to_numpy()[mapped.index.get_indexer(pd.Index(uniques).astype(object))]
    return values[keys] if len(keys) else np.zeros(0, dtype=mapped.dtype)


def _region_stats(frame: pd.DataFrame, column: str, group: Sequence[str]) -> pd.DataFrame:
    """Plain mean, population sd and number of schools of `column` per group over the rows given;
    mean and sd are NaN for groups with fewer than MIN_REGION_SCHOOLS schools."""
    g = frame.groupby(list(group), sort=False)[column]
    stats = pd.DataFrame({"mean": g.mean(), "sd": g.std(ddof=0), "schools": g.count()}).reset_index()
    few = stats["schools"] < MIN_REGION_SCHOOLS
    stats.loc[few, ["mean", "sd"]] = np.nan
    return stats


def _keys_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[_KEYS].drop_duplicates()


# --- Above the region, unconfirmed ---------------------------------------------------------------

_ABOVE_SPEC = {
    "participants": "int", "measure": "str", "value": "float", "region_mean": "float", "region_sd": "float",
    "bar": "float", "region_schools": "int", "above": "bool", "selective": "bool", "confirmed": "bool",
    "confirm_absent": "bool", "confirm_value": "float", "confirm_region_mean": "float", "confirm_diff": "float",
    "confirm_works": "int", "confirm_participants": "int", "reason": "str",
}


def _confirmation(works: pd.DataFrame, year: int, config: ObjectivityConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per school: its ОГЭ/ЕГЭ core results of `year` against their regional means."""
    core = works["core"].fillna(False).astype(bool) if "core" in works.columns else pd.Series(False, works.index)
    rows = works[(works["year"] == year) & works["procedure"].isin(config.confirm_procedures) & core]
    rows = _with_measure(rows, _GROUP, config.min_participants)
    rows = rows[rows["eligible"]]
    stats = _region_stats(rows, "value", _GROUP)
    rows = rows.merge(stats, on=_GROUP, how="inner")
    rows = rows[rows["mean"].notna()]
    n = rows["participants"]
    rows = rows.assign(_wv=n * rows["value"], _wm=n * rows["mean"])
    per = rows.groupby("school_code", sort=False).agg(
        confirm_participants=("participants", "sum"), confirm_works=("value", "size"), _wv=("_wv", "sum"),
        _wm=("_wm", "sum")).reset_index()
    per["confirm_value"] = per["_wv"] / per["confirm_participants"]
    per["confirm_region_mean"] = per["_wm"] / per["confirm_participants"]
    per["confirm_diff"] = per["confirm_value"] - per["confirm_region_mean"]
    region = rows[[*_GROUP, "measure"]].drop_duplicates(_GROUP).merge(stats, on=_GROUP)
    return per.drop(columns=["_wv", "_wm"]), region


_STATS_SPEC = {"procedure": "str", "subject": "str", "grade": "int", "measure": "str", "mean": "float", "sd": "float",
               "schools": "int"}
# A regional table: its rows (with _POP) and the JSON spec of a record; split per population at the end.
_Table = tuple[pd.DataFrame, Mapping[str, str]]


def _above_region(works: pd.DataFrame, current: pd.DataFrame, selective: pd.Series, year: int,
                  config: ObjectivityConfig) -> tuple[pd.DataFrame, dict[str, _Table]]:
    rows = _with_measure(current, _GROUP, config.min_participants)
    stats = _region_stats(rows[rows["eligible"]], "value", _GROUP)
    rows = rows.merge(stats.rename(columns={"mean": "region_mean", "sd": "region_sd", "schools": "region_schools"}),
                      on=_GROUP, how="left")
    confirm, confirm_region = _confirmation(works, year, config)
    rows = rows.merge(confirm, on="school_code", how="left")
    rows["bar"] = rows["region_mean"] + config.above_sd * rows["region_sd"]
    evaluable = rows["eligible"] & rows["region_sd"].notna()
    rows["above"] = evaluable & (rows["value"] > rows["bar"] + _EPS)
    rows["selective"] = rows["school_code"].map(selective).fillna(False).astype(bool)
    rows["confirm_absent"] = rows["confirm_works"].isna()
    rows["confirmed"] = rows["confirm_diff"] > 0
    rows["reason"] = _reason((rows["participants"].fillna(0) < config.min_participants, "few_participants"),
                              (rows["value"].isna(), "no_measure"),
                              (rows["region_sd"].isna(), "few_schools"))
    present = rows["above"] & ~rows["selective"] & ~rows["confirmed"]
    region = {
        "above_region": (rows[[*_GROUP, "measure"]].drop_duplicates(_GROUP).merge(stats, on=_GROUP), _STATS_SPEC),
        "confirm": (confirm_region, _STATS_SPEC),
    }
    return _rows(rows, ABOVE_REGION, _status(evaluable, present), _ABOVE_SPEC), region


# --- Inverted difficulty -------------------------------------------------------------------------

_INVERTED_SPEC = {
    "participants": "int", "tasks": "int", "hard_tasks": "int", "hard_better": "int", "easy_tasks": "int",
    "easy_worse": "int", "rank_corr": "float", "inverted_pattern": "bool", "low_rank_corr": "bool", "reason": "str",
}


def _inverted_difficulty(current: pd.DataFrame, tasks: pd.DataFrame, population: pd.Index, year: int,
                         config: ObjectivityConfig) -> tuple[pd.DataFrame, dict[str, _Table]]:
    t = tasks[(tasks["year"] == year) & tasks["procedure"].isin(config.procedures)
              & tasks["school_code"].isin(population)].copy()
    t["participants"] = _num(t, "participants")
    t["completion"] = _num(t, "completion")
    t = t[t["completion"].notna() & (t["participants"] > 0)]
    # Regional completion of a task: all the region's pupils (participant-weighted over schools).
    t["_w"] = t["participants"] * t["completion"]
    reg = t.groupby([*_GROUP, "task"], sort=False).agg(_w=("_w", "sum"), region_participants=("participants", "sum"))
    reg["region_completion"] = reg["_w"] / reg["region_participants"]
    reg = reg.drop(columns="_w").reset_index()
    t = t.merge(reg[[*_GROUP, "task", "region_completion"]], on=[*_GROUP, "task"], how="left")

    r = t["region_completion"]
    margin = TASK_MARGIN_SE * np.sqrt(r * (1 - r) / t["participants"])
    diff = t["completion"] - r
    t["_hard"] = r < config.hard_bar
    t["_easy"] = r > config.easy_bar
    t["_hard_better"] = t["_hard"] & (diff > margin + _EPS)
    t["_easy_worse"] = t["_easy"] & (diff < -margin - _EPS)
    # Spearman = Pearson correlation of the ranks within the school's work.
    # One integer key per school × work: grouping millions of task rows by four columns again and
    # again costs more than the statistics themselves.
    t["_g"] = t.groupby(_KEYS, sort=False).ngroup()
    g = t.groupby("_g", sort=False)
    t["_x"] = g["completion"].rank(method="average")
    t["_y"] = g["region_completion"].rank(method="average")
    t["_xy"], t["_xx"], t["_yy"] = t["_x"] * t["_y"], t["_x"] ** 2, t["_y"] ** 2
    per = t.groupby("_g", sort=False).agg(
        task_participants=("participants", "max"), tasks=("task", "size"), hard_tasks=("_hard", "sum"),
        hard_better=("_hard_better", "sum"), easy_tasks=("_easy", "sum"), easy_worse=("_easy_worse", "sum"),
        _x=("_x", "mean"), _y=("_y", "mean"), _xy=("_xy", "mean"), _xx=("_xx", "mean"), _yy=("_yy", "mean"),
    )
    per = t.drop_duplicates("_g").set_index("_g")[_KEYS].join(per).reset_index(drop=True)
    vx, vy = per["_xx"] - per["_x"] ** 2, per["_yy"] - per["_y"] ** 2
    ok = (vx > _TINY_SD) & (vy > _TINY_SD)
    per["rank_corr"] = ((per["_xy"] - per["_x"] * per["_y"]) / np.sqrt(vx.where(ok) * vy.where(ok))).clip(-1, 1)

    rows = _keys_frame(current).merge(per, on=_KEYS, how="outer")
    rows["participants"] = rows["task_participants"]
    rows["tasks"] = rows["tasks"].fillna(0)
    evaluable = (rows["participants"] >= config.min_participants) & (rows["tasks"] >= config.min_tasks)
    rows["inverted_pattern"] = ((rows["hard_tasks"] >= 1) & (rows["easy_tasks"] >= 1)
                                & (rows["hard_better"] > rows["hard_tasks"] / 2)
                                & (rows["easy_worse"] > rows["easy_tasks"] / 2))
    rows["low_rank_corr"] = rows["rank_corr"] < config.rank_corr_min
    rows["reason"] = _reason((rows["tasks"] == 0, "no_tasks"),
                              (~(rows["participants"] >= config.min_participants), "few_participants"),
                              (rows["tasks"] < config.min_tasks, "few_tasks"))
    present = rows["inverted_pattern"] | rows["low_rank_corr"]
    region = {"task_completion": (reg, {"procedure": "str", "subject": "str", "grade": "int", "task": "int",
                                        "region_completion": "float", "region_participants": "int"})}
    return _rows(rows, INVERTED_DIFFICULTY, _status(evaluable, present), _INVERTED_SPEC), region


# --- Boundary peak -------------------------------------------------------------------------------

_PEAK_SPEC = {
    "participants": "int", "boundary": "str", "at": "int", "below": "int", "ratio": "float", "chance": "float",
    "peaks": "int",
    **{f"{b}_{side}": "int" for b in BOUNDARIES for side in ("at", "below")}, "reason": "str",
}


def _boundary_peak(current: pd.DataFrame, config: ObjectivityConfig) -> pd.DataFrame:
    rows = current.copy()
    rows["participants"] = _num(rows, "participants")
    at = np.column_stack([_num(rows, f"{b}_at") for b in BOUNDARIES]) if len(rows) else np.empty((0, 3))
    below = np.column_stack([_num(rows, f"{b}_below") for b in BOUNDARIES]) if len(rows) else np.empty((0, 3))
    known = ~np.isnan(at) & ~np.isnan(below)
    at0, below0 = np.nan_to_num(at), np.nan_to_num(below)
    # P(at or more of the at + below pupils on the boundary side) if both scores were equally likely.
    chance = binom.sf(at0 - 1, at0 + below0, 0.5) if len(rows) else np.empty((0, 3))
    peak = known & (at0 >= MIN_AT_BOUNDARY) & (at0 >= config.peak_ratio * below0 - _EPS) & (chance <= PEAK_ALPHA)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(below0 > 0, at0 / below0, np.where(at0 > 0, np.inf, np.nan))
    ratio = np.where(known, ratio, np.nan)
    # The boundary to show: a peak first, then the largest excess over peak_ratio × below.
    order = np.where(peak, 1e9, 0.0) + np.where(known, at0 - config.peak_ratio * below0, -1e12)
    pick = order.argmax(axis=1) if len(rows) else np.zeros(0, dtype=int)
    line = np.arange(len(rows))
    any_known = known.any(axis=1)
    rows["boundary"] = np.where(any_known, np.array(BOUNDARIES, dtype=object)[pick], None)
    rows["at"] = np.where(any_known, at[line, pick], np.nan)
    rows["below"] = np.where(any_known, below[line, pick], np.nan)
    rows["ratio"] = np.where(any_known, ratio[line, pick], np.nan)  # inf → null in numbers
    rows["chance"] = np.where(any_known, chance[line, pick], np.nan)
    rows["peaks"] = peak.sum(axis=1)
    from_pupils = rows["source"].eq("pupils") if "source" in rows.columns else pd.Series(True, rows.index)
    marks = rows["score_kind"].eq("mark") if "score_kind" in rows.columns else pd.Series(True, rows.index)
    large = rows["participants"] >= config.peak_min_participants
    evaluable = from_pupils & marks & large & any_known
    rows["reason"] = _reason((~from_pupils, "aggregates"), (~marks, "test_score"), (~large, "few_participants"),
                              (~any_known, "no_boundary"))
    return _rows(rows, BOUNDARY_PEAK, _status(evaluable, peak.any(axis=1)), _PEAK_SPEC)


# --- Journal gap ---------------------------------------------------------------------------------

_JOURNAL_SPEC = {
    "journal_n": "int", "gap2": "int", "gap2_share": "float", "raised": "int", "lowered": "int", "confirmed": "int",
    "imbalance": "float", "direction": "str", "gap_present": "bool", "imbalance_present": "bool", "reason": "str",
}


def _journal_gap(current: pd.DataFrame, config: ObjectivityConfig) -> pd.DataFrame:
    rows = current.copy()
    raised, lowered, confirmed = _num(rows, "raised"), _num(rows, "lowered"), _num(rows, "confirmed")
    journal_n, gap2 = _num(rows, "journal_n"), _num(rows, "journal_gap2")
    # Aggregates have no journal_n: the three «Понизили/Подтвердили/Повысили» counts are the base.
    n = journal_n.fillna(raised + lowered + confirmed)
    gap_ok = gap2.notna() & (journal_n >= config.journal_min)
    imbalance_ok = raised.notna() & lowered.notna() & (n >= config.journal_min)
    rows["journal_n"], rows["gap2"], rows["raised"], rows["lowered"], rows["confirmed"] = (
        n, gap2, raised, lowered, confirmed)
    rows["gap2_share"] = (gap2 / journal_n).where(gap_ok)
    rows["imbalance"] = ((raised - lowered) / n).where(imbalance_ok)
    rows["direction"] = np.where(rows["imbalance"] > 0, "raised", np.where(rows["imbalance"] < 0, "lowered", None))
    rows["gap_present"] = rows["gap2_share"] >= config.journal_gap_share - _EPS
    rows["imbalance_present"] = rows["imbalance"].abs() >= config.imbalance_share - _EPS
    evaluable = gap_ok | imbalance_ok
    rows["reason"] = _reason((~evaluable, "no_journal"))
    present = rows["gap_present"] | rows["imbalance_present"]
    return _rows(rows, JOURNAL_GAP, _status(evaluable, present), _JOURNAL_SPEC)


# --- Unstable jump -------------------------------------------------------------------------------

_JUMP_SPEC = {
    "participants": "int", "measure": "str", "value": "float", "previous_value": "float", "change": "float",
    "region_mean_change": "float", "region_sd_change": "float", "region_schools": "int", "z": "float",
    "jump": "bool", "earlier_change": "float", "earlier_region_mean_change": "float",
    "earlier_region_sd_change": "float", "earlier_z": "float", "reverted": "bool", "kind": "str", "reason": "str",
}


def _changes(hist: pd.DataFrame, before: int, after: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per school × work: the change of the measure from `before` to `after` (both eligible), its
    regional mean and sd over those schools and the z of the centred change."""
    cols = [*_PKEYS, "value"]
    a = hist.loc[hist["eligible"] & (hist["year"] == after), cols]
    b = hist.loc[hist["eligible"] & (hist["year"] == before), cols]
    pair = a.merge(b, on=_PKEYS, suffixes=("", "_before"))
    pair["change"] = pair["value"] - pair["value_before"]
    stats = _region_stats(pair, "change", _GROUP)
    pair = pair.merge(stats, on=_GROUP, how="left")
    sd = pair["sd"].where(pair["sd"] > _TINY_SD)
    pair["z"] = (pair["change"] - pair["mean"]) / sd
    stats = stats.assign(from_year=before, to_year=after)
    return pair, stats


def _unstable_jump(works: pd.DataFrame, year: int, config: ObjectivityConfig) -> tuple[pd.DataFrame, dict[str, _Table]]:
    hist = works[works["procedure"].isin(config.procedures) & works["year"].between(year - 2, year)]
    hist = _with_measure(hist, _GROUP, config.min_participants)
    now, now_stats = _changes(hist, year - 1, year)
    earlier, earlier_stats = _changes(hist, year - 2, year - 1)
    rows = hist[hist["year"] == year].merge(
        now[[*_PKEYS, "value_before", "change", "mean", "sd", "schools", "z"]], on=_PKEYS, how="left")
    rows = rows.rename(columns={"value_before": "previous_value", "mean": "region_mean_change",
                                "sd": "region_sd_change", "schools": "region_schools"})
    rows = rows.merge(earlier[[*_PKEYS, "change", "mean", "sd", "z"]].rename(columns={
        "change": "earlier_change", "mean": "earlier_region_mean_change", "sd": "earlier_region_sd_change",
        "z": "earlier_z"}), on=_PKEYS, how="left")
    rows["jump"] = rows["z"] >= config.jump_sd - _EPS
    centred = rows["change"] - rows["region_mean_change"]
    earlier_centred = rows["earlier_change"] - rows["earlier_region_mean_change"]
    rows["reverted"] = (rows["earlier_z"] >= config.jump_sd - _EPS) & (centred <= -0.5 * earlier_centred + _EPS)
    rows["kind"] = np.where(rows["jump"], "jump", np.where(rows["reverted"], "reverted", None))
    evaluable = rows["z"].notna()
    rows["reason"] = _reason((~rows["eligible"], "few_participants"), (rows["change"].isna(), "no_previous"),
                              (rows["z"].isna(), "few_schools"))
    stats = pd.concat([now_stats, earlier_stats], ignore_index=True)
    stats = stats.merge(hist[[*_GROUP, "measure"]].drop_duplicates(_GROUP), on=_GROUP, how="left")
    region = {"changes": (stats, {"procedure": "str", "subject": "str", "grade": "int", "from_year": "int",
                                  "to_year": "int", "measure": "str", "mean": "float", "sd": "float",
                                  "schools": "int"})}
    return _rows(rows, UNSTABLE_JUMP, _status(evaluable, rows["jump"] | rows["reverted"]), _JUMP_SPEC), region


NUMBER_KEYS: dict[str, tuple[str, ...]] = {
    ABOVE_REGION: tuple(_ABOVE_SPEC), INVERTED_DIFFICULTY: tuple(_INVERTED_SPEC), BOUNDARY_PEAK: tuple(_PEAK_SPEC),
    JOURNAL_GAP: tuple(_JOURNAL_SPEC), UNSTABLE_JUMP: tuple(_JUMP_SPEC),
}


# --- Assembly ------------------------------------------------------------------------------------


def _selective(schools: pd.DataFrame) -> pd.Series:
    flag = (schools["selective"].fillna(False).astype(bool) if "selective" in schools.columns
            else schools.get("type", pd.Series("", index=schools.index)).isin(SELECTIVE_TYPES))
    return pd.Series(flag.to_numpy(), index=schools["school_code"].astype(str).to_numpy())


def _without_verdict(signs: pd.DataFrame, population: pd.Index) -> pd.DataFrame:
    """One row per school × sign without any verdict: procedure NA, status not_enough_data."""
    everything = pd.MultiIndex.from_product([population, SIGNS], names=["school_code", "sign"])
    judged = signs.loc[signs["status"] != NOT_ENOUGH_DATA, ["school_code", "sign"]].drop_duplicates()
    considered = signs.groupby(["school_code", "sign"], sort=False).size()
    missing = everything.difference(pd.MultiIndex.from_frame(judged))
    works = considered.reindex(missing, fill_value=0).to_numpy()
    return pd.DataFrame({
        "school_code": missing.get_level_values(0), "sign": missing.get_level_values(1), "status": NOT_ENOUGH_DATA,
        "procedure": None, "subject": None, "grade": pd.NA,
        "numbers": [{"reason": "no_evaluable_work", "works": int(w)} for w in works],
    })


def _summary(signs: pd.DataFrame, population: pd.Index, weights: Mapping[str, float]) -> pd.DataFrame:
    """Per school: which signs are present / evaluated on any work, as a school × sign matrix."""
    school = population.get_indexer(signs["school_code"])
    sign = pd.Index(SIGNS).get_indexer(signs["sign"])
    cell = school * len(SIGNS) + sign
    size = len(population) * len(SIGNS)
    shape = (len(population), len(SIGNS))
    present = np.bincount(cell, weights=(signs["status"] == PRESENT).to_numpy(float), minlength=size) > 0
    evaluated = np.bincount(cell, weights=(signs["status"] != NOT_ENOUGH_DATA).to_numpy(float), minlength=size) > 0
    w = np.array([weights[s] for s in SIGNS])
    on = w > 0
    present, evaluated = present.reshape(shape) & on, evaluated.reshape(shape) & on
    evaluated_weight = evaluated @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.where(evaluated_weight > 0, (present @ w) / evaluated_weight, np.nan)
    codes = np.array(SIGNS, dtype=object)
    order = np.argsort(codes)  # listed alphabetically
    return pd.DataFrame({
        "school_code": population,
        "objectivity_index": index,
        "objectivity_signs": [list(codes[order][flags]) for flags in present[:, order]],
        "signs_evaluated": evaluated.sum(axis=1).astype(int),
    })


def _region_of(tables: Mapping[str, _Table], pop: int | None) -> dict[str, Any]:
    """The regional tables as JSON records: all rows (pop None) or those of one population."""
    out = {}
    for name, (frame, spec) in tables.items():
        out[name] = _records(frame if pop is None else frame[frame[_POP].to_numpy() == pop], spec)
    return out


def objectivity_signs(works: pd.DataFrame, tasks: pd.DataFrame | None, schools: pd.DataFrame, year: int,
                      config: ObjectivityConfig | None = None) -> ObjectivityResult:
    """The five signs of non-objective results for every school of `schools` in `year` (see the
    module docstring); `tasks` may be None when no task completion is known.

    When `schools` has a `population` column, each population is a region of its own (regional
    means, sds, changes and task completion per population; school codes must be unique) and
    `region` maps each population code to its regional numbers — the same as one call per
    population."""
    config = config or ObjectivityConfig()
    schools = schools.drop_duplicates("school_code")
    population = pd.Index(schools["school_code"].astype(str), name="school_code")
    many = "population" in schools.columns
    pop_codes, pop_names = pd.factorize(schools["population"]) if many else (np.zeros(len(schools), int), [None])
    pop_of = pd.Series(pop_codes, index=population)
    works = works[works["school_code"].astype(str).isin(population)].assign(
        school_code=lambda f: f["school_code"].astype(str))
    works = works.assign(**{_POP: _positions(works["school_code"], pop_of)})
    if "class_name" in works.columns:  # whole grades only
        works = works[works["class_name"].fillna("") == ""]
    current = works[(works["year"] == year) & works["procedure"].isin(config.procedures)]
    tasks = pd.DataFrame(columns=_TASK_COLUMNS) if tasks is None else tasks
    tasks = tasks.assign(school_code=tasks["school_code"].astype(str))
    tasks = tasks[tasks["school_code"].isin(population)]
    tasks = tasks.assign(**{_POP: _positions(tasks["school_code"], pop_of)})

    above, above_region = _above_region(works, current, _selective(schools), year, config)
    inverted, task_region = _inverted_difficulty(current, tasks, population, year, config)
    jump, jump_region = _unstable_jump(works, year, config)
    parts = [above, inverted, _boundary_peak(current, config), _journal_gap(current, config), jump]
    signs = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else \
        pd.DataFrame(columns=SIGN_COLUMNS)
    signs = pd.concat([signs, _without_verdict(signs, population)], ignore_index=True)
    signs["grade"] = pd.array(pd.to_numeric(signs["grade"], errors="coerce"), dtype="Int64")
    signs = signs[SIGN_COLUMNS].sort_values(["school_code", "sign", "procedure", "subject", "grade"],
                                            na_position="last", kind="stable").reset_index(drop=True)
    tables = {**above_region, **task_region, **jump_region}
    if many:
        region = {name: {**_region_of(tables, i), "config": config.to_dict()} for i, name in enumerate(pop_names)}
    else:
        region = {**_region_of(tables, None), "config": config.to_dict()}
    return ObjectivityResult(signs=signs, schools=_summary(signs, population, config.weights), region=region)
