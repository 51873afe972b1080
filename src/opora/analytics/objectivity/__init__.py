"""Signs of non-objective results (METHODS.md §6): a prompt to analyse, never a verdict.

`objectivity_signs(works, tasks, schools, year, config)` checks five signs for every school of one
comparison population (the region = the schools in `schools`; rows of other schools are ignored):
above the region unconfirmed (`above.py`), inverted difficulty (`inverted.py`), boundary peak
(`boundary.py`), journal gap (`journal.py`), unstable jump (`jump.py`).

Every sign is decided per school, over all its works of the year in `config.procedures` (ВПР by
default), and judged against the region's own schools at a stated false-positive rate
(`config.false_positive_rate`, split evenly over the tests a sign makes, `calibration.py`): in a
region without non-objective results a sign marks about that share of its schools, whatever their
size and however many works they wrote. Judging each work on its own would multiply the chances:
a school with eight works would carry a sign by chance four to eight times as often. METHODS' bars
(1.5 SD, 3 × below the boundary, 15 % two marks apart, an imbalance of 30 %, 2 SD of the changes)
stay as the size a difference must have besides.

Returns one row per school × sign × work considered (status present / absent / not_enough_data
and the numbers of that work; a work of a marked school is present when it points the same way)
and one school row per school × sign (procedure NA) with the verdict over its works — statistic,
z, bar, false-positive rate, the region's centre and spread, or a reason (few_schools,
no_evaluable_work, no_confirmation); a summary per school; the regional numbers used, with per
sign how many schools it marks out of those judged and how many chance alone would mark.
Not-enough-data reasons of work rows: few_participants, few_schools, no_measure, no_tasks,
few_tasks, aggregates, test_score, no_boundary, no_journal, no_previous, no_confirmation.

Index: Σ weight × present / Σ weight over the signs judged. A sign with weight 0 is switched off:
its rows stay in `signs` but it is neither listed, counted in signs_evaluated nor in the index.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from opora.analytics.objectivity.above import ABOVE_SPEC, above_region
from opora.analytics.objectivity.boundary import MIN_AT_BOUNDARY, PEAK_SPEC, boundary_peak
from opora.analytics.objectivity.common import (
    ABSENT,
    BOUNDARIES,
    NOT_ENOUGH_DATA,
    POP,
    PRESENT,
    SCHOOL_SPEC,
    SIGN_COLUMNS,
    Table,
    positions,
    records,
)
from opora.analytics.objectivity.config import (
    ABOVE_REGION,
    BOUNDARY_PEAK,
    INVERTED_DIFFICULTY,
    JOURNAL_GAP,
    SIGNS,
    UNSTABLE_JUMP,
    ObjectivityConfig,
)
from opora.analytics.objectivity.inverted import INVERTED_SPEC, inverted_difficulty
from opora.analytics.objectivity.journal import JOURNAL_SPEC, journal_gap
from opora.analytics.objectivity.jump import JUMP_SPEC, unstable_jump

SCHOOL_COLUMNS = ["school_code", "objectivity_index", "objectivity_signs", "signs_evaluated"]
SELECTIVE_TYPES = ("lyceum", "gymnasium", "in_depth")
_TASK_COLUMNS = ["school_code", "procedure", "year", "subject", "grade", "task", "participants", "completion"]
# The keys of a work row's numbers per sign; school rows carry SCHOOL_KEYS and the sign's own.
NUMBER_KEYS: dict[str, tuple[str, ...]] = {
    ABOVE_REGION: tuple(ABOVE_SPEC), INVERTED_DIFFICULTY: tuple(INVERTED_SPEC), BOUNDARY_PEAK: tuple(PEAK_SPEC),
    JOURNAL_GAP: tuple(JOURNAL_SPEC), UNSTABLE_JUMP: tuple(JUMP_SPEC),
}
SCHOOL_KEYS = tuple(SCHOOL_SPEC)

__all__ = [
    "ABOVE_REGION", "ABSENT", "BOUNDARIES", "BOUNDARY_PEAK", "INVERTED_DIFFICULTY", "JOURNAL_GAP", "MIN_AT_BOUNDARY",
    "NOT_ENOUGH_DATA", "NUMBER_KEYS", "PRESENT", "SCHOOL_COLUMNS", "SCHOOL_KEYS", "SIGNS", "SIGN_COLUMNS",
    "UNSTABLE_JUMP", "ObjectivityConfig", "ObjectivityResult", "objectivity_signs",
]


@dataclass(frozen=True)
class ObjectivityResult:
    """`signs` (SIGN_COLUMNS): the work rows and the school rows (see the module docstring).
    `schools` (SCHOOL_COLUMNS): one row per school of the population. `region`: the regional
    numbers used (JSON-able), with `marks`: per sign the schools marked and judged."""

    signs: pd.DataFrame
    schools: pd.DataFrame
    region: dict[str, Any]


def _selective(schools: pd.DataFrame) -> pd.Series:
    flag = (schools["selective"].fillna(False).astype(bool) if "selective" in schools.columns
            else schools.get("type", pd.Series("", index=schools.index)).isin(SELECTIVE_TYPES))
    return pd.Series(flag.to_numpy(), index=schools["school_code"].astype(str).to_numpy())


def _summary(signs: pd.DataFrame, population: pd.Index, weights: Mapping[str, float]) -> pd.DataFrame:
    """Per school, from its school rows: which signs are present / judged."""
    rows = signs[signs["procedure"].isna()]
    school = population.get_indexer(rows["school_code"])
    sign = pd.Index(SIGNS).get_indexer(rows["sign"])
    keep = (school >= 0) & (sign >= 0)
    cell = school[keep] * len(SIGNS) + sign[keep]
    size = len(population) * len(SIGNS)
    shape = (len(population), len(SIGNS))
    status = rows["status"].to_numpy()[keep]
    present = np.bincount(cell, weights=(status == PRESENT).astype(float), minlength=size) > 0
    evaluated = np.bincount(cell, weights=(status != NOT_ENOUGH_DATA).astype(float), minlength=size) > 0
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


def _marks(signs: pd.DataFrame, pops: pd.Series, pop: int | None, config: ObjectivityConfig) -> dict[str, Any]:
    """Per sign: schools marked, schools judged, the stated false-positive rate and how many
    schools chance alone would mark among those judged."""
    rows = signs[signs["procedure"].isna()]
    if pop is not None:
        rows = rows[rows["school_code"].map(pops).to_numpy() == pop]
    out = {}
    for sign in SIGNS:
        mine = rows[rows["sign"] == sign]
        judged = int((mine["status"] != NOT_ENOUGH_DATA).sum())
        out[sign] = {"marked": int((mine["status"] == PRESENT).sum()), "judged": judged,
                     "schools": len(mine), "false_positive_rate": config.false_positive_rate,
                     "by_chance": round(config.false_positive_rate * judged, 1)}
    return out


def _region_of(tables: Mapping[str, Table], pop: int | None) -> dict[str, Any]:
    """The regional tables as JSON records: all rows (pop None) or those of one population."""
    out = {}
    for name, (frame, spec) in tables.items():
        out[name] = records(frame if pop is None else frame[frame[POP].to_numpy() == pop], spec)
    return out


def objectivity_signs(works: pd.DataFrame, tasks: pd.DataFrame | None, schools: pd.DataFrame, year: int,
                      config: ObjectivityConfig | None = None) -> ObjectivityResult:
    """The five signs of non-objective results for every school of `schools` in `year` (see the
    module docstring); `tasks` may be None when no task completion is known.

    When `schools` has a `population` column, each population is a region of its own (regional
    numbers and yardsticks per population; school codes must be unique) and `region` maps each
    population code to its regional numbers — the same as one call per population."""
    config = config or ObjectivityConfig()
    schools = schools.drop_duplicates("school_code")
    population = pd.Index(schools["school_code"].astype(str), name="school_code")
    many = "population" in schools.columns
    pop_codes, pop_names = pd.factorize(schools["population"]) if many else (np.zeros(len(schools), int), [None])
    pop_of = pd.Series(pop_codes, index=population)
    works = works[works["school_code"].astype(str).isin(population)].assign(
        school_code=lambda f: f["school_code"].astype(str))
    works = works.assign(**{POP: positions(works["school_code"], pop_of)})
    if "class_name" in works.columns:  # whole grades only
        works = works[works["class_name"].fillna("") == ""]
    current = works[(works["year"] == year) & works["procedure"].isin(config.procedures)]
    tasks = pd.DataFrame(columns=_TASK_COLUMNS) if tasks is None else tasks
    tasks = tasks.assign(school_code=tasks["school_code"].astype(str))
    tasks = tasks[tasks["school_code"].isin(population)]
    tasks = tasks.assign(**{POP: positions(tasks["school_code"], pop_of)})

    # Missing z-scores (too few schools, no previous year) are NaN by design: comparisons with them are False.
    with np.errstate(invalid="ignore"):
        above, above_tables = above_region(works, current, _selective(schools), population, year, config)
        inverted, task_tables = inverted_difficulty(current, tasks, population, year, config)
        jump, jump_tables = unstable_jump(works, population, year, config)
        parts = [above, inverted, boundary_peak(current, population, config),
                 journal_gap(current, population, config), jump]
    signs = pd.concat(parts, ignore_index=True)
    signs["grade"] = pd.array(pd.to_numeric(signs["grade"], errors="coerce"), dtype="Int64")
    signs = signs[SIGN_COLUMNS].sort_values(["school_code", "sign", "procedure", "subject", "grade"],
                                            na_position="last", kind="stable").reset_index(drop=True)
    tables = {**above_tables, **task_tables, **jump_tables}
    if many:
        region = {name: {**_region_of(tables, i), "marks": _marks(signs, pop_of, i, config),
                         "config": config.to_dict()} for i, name in enumerate(pop_names)}
    else:
        region = {**_region_of(tables, None), "marks": _marks(signs, pop_of, None, config),
                  "config": config.to_dict()}
    return ObjectivityResult(signs=signs, schools=_summary(signs, population, config.weights), region=region)
