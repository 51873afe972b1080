"""Task-level analysis (METHODS.md §3): completion per task, achieved or not by difficulty,
systemic deficits by skill, and crossings between pupils grouped by mark.

Inputs: `results` (pupil rows, RESULT_SCHEMA: task scores in the list column `tasks`, index i →
task i+1), `task_specs` (one row per task, TASK_SPECS_SCHEMA) and, for the mark groups,
`scales`. A work with no task specs is skipped; scores past the last specified task are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
from ibis import _

from opora.analytics.indicators import GROUP_KEYS, WORK_KEYS, _class_keys, scored

TASK_SPECS_SCHEMA = ibis.schema(
    {
        "procedure": "string",
        "year": "int16",
        "subject": "string",
        "grade": "int8",
        "task": "int16",
        "max_score": "float64",
        "difficulty": "string",  # basic | advanced | high
        "skill": "string",
    }
)

ACHIEVED, NOT_ACHIEVED, UNCERTAIN = "achieved", "not_achieved", "uncertain"
# FIOKO: a planned result is achieved at ≥ 60% completion (basic tasks) or ≥ 30% (advanced and
# high), with an uncertainty zone of ±3 / ±1.5 percentage points around the bar.
BARS: dict[str, tuple[float, float]] = {"basic": (0.60, 0.03), "advanced": (0.30, 0.015),
                                        "high": (0.30, 0.015)}
_EPS = 1e-9  # completions are means of floats: 0.63 must count as inside the ±3 zone


def task_specs_table(rows: Iterable[Mapping[str, Any]]) -> ir.Table:
    frame = pd.DataFrame([{name: row.get(name) for name in TASK_SPECS_SCHEMA.names} for row in rows],
                         columns=list(TASK_SPECS_SCHEMA.names))
    return ibis.memtable(frame, schema=TASK_SPECS_SCHEMA)


def _task_scores(results: ir.Table, task_specs: ir.Table, keys: Sequence[str]) -> ir.Table:
    """One row per pupil and specified task: `keys`, task, score, max_score."""
    works = task_specs.select(WORK_KEYS).distinct()
    t = results.semi_join(works, WORK_KEYS).select(*keys, "tasks")
    u = t.unnest("tasks", offset="i")
    u = u.mutate(task=(u.i + 1).cast("int16")).drop("i")
    return u.join(task_specs.select(*WORK_KEYS, "task", "max_score"), [*WORK_KEYS, "task"])


def _completion(rows: ir.Table, keys: Sequence[str]) -> ir.Table:
    g = rows.group_by([*keys, "task"]).aggregate(
        participants=_.tasks.count(), score_sum=(_.tasks.cast("float64") / _.max_score).sum()
    )
    g = g.filter(g.participants > 0)
    return g.mutate(completion=g.score_sum / g.participants.cast("float64")).drop("score_sum")


def task_completion(results: ir.Table, task_specs: ir.Table, *, by_class: bool) -> ir.Table:
    """Completion of each task per school × work (× class): GROUP_KEYS, class_name, task,
    participants (pupils with a score for the task), completion (mean of score / max, 0–1).
    """
    t, keys = _class_keys(results, by_class)
    return _completion(_task_scores(t, task_specs, keys), keys)


def task_completion_by_mark(results: ir.Table, scales: ir.Table, task_specs: ir.Table) -> ir.Table:
    """Completion of each task per school × work × mark group (whole grade): GROUP_KEYS, mark,
    task, participants, completion. Pupils without a mark (test-score works) are left out.
    """
    t = scored(results, scales).filter(_.mark_.notnull()).mutate(mark=_.mark_)
    keys = [*GROUP_KEYS, "mark"]
    return _completion(_task_scores(t, task_specs, keys), keys)


def achievement(completion: float, difficulty: str) -> str:
    """'achieved', 'not_achieved' or 'uncertain' (within the zone around the bar)."""
    bar, zone = BARS.get(difficulty, BARS["basic"])
    if abs(completion - bar) <= zone + _EPS:
        return UNCERTAIN
    return ACHIEVED if completion > bar else NOT_ACHIEVED


def task_achievement(completion: pd.DataFrame, task_specs: pd.DataFrame) -> pd.DataFrame:
    """Completion rows (WORK_KEYS, task, completion, …) with the task's difficulty and skill
    and a `status` column. Rows of tasks without a spec are dropped.
    """
    specs = task_specs[[*WORK_KEYS, "task", "difficulty", "skill"]]
    out = completion.merge(specs, on=[*WORK_KEYS, "task"], how="inner")
    out["status"] = [achievement(c, d) for c, d in zip(out["completion"], out["difficulty"], strict=True)]
    return out


def systemic_deficits(achieved: pd.DataFrame, keys: Sequence[str] = (*GROUP_KEYS, "class_name")) -> pd.DataFrame:
    """Per group and skill: how many tasks check it, how many are not achieved, and `deficit`
    when more than half of them are not achieved (uncertain ones do not count either way).
    Input: the output of `task_achievement`. Tasks without a skill are ignored.
    """
    keys = [k for k in keys if k in achieved.columns]
    frame = achieved[achieved["skill"].fillna("").str.strip() != ""]
    frame = frame.assign(_not=frame["status"] == NOT_ACHIEVED)
    g = frame.groupby([*keys, "skill"], as_index=False).agg(tasks=("task", "count"), not_achieved=("_not", "sum"))
    g["not_achieved"] = g["not_achieved"].astype(int)
    g["deficit"] = g["not_achieved"] * 2 > g["tasks"]
    return g


def mark_group_crossings(by_mark: pd.DataFrame, keys: Sequence[str] = GROUP_KEYS) -> pd.DataFrame:
    """Tasks where a lower mark group did better than a higher one: a prompt to look closer.

    Input: the output of `task_completion_by_mark` (as a frame). Output: one row per crossing:
    `keys`, task, lower_mark, higher_mark, lower_completion, higher_completion, lower_n, higher_n.
    """
    keys = list(keys)
    cols = [*keys, "task", "mark", "completion", "participants"]
    left = by_mark[cols].rename(columns={"mark": "lower_mark", "completion": "lower_completion",
                                         "participants": "lower_n"})
    right = by_mark[cols].rename(columns={"mark": "higher_mark", "completion": "higher_completion",
                                          "participants": "higher_n"})
    pairs = left.merge(right, on=[*keys, "task"])
    crossed = pairs[(pairs["lower_mark"] < pairs["higher_mark"])
                    & (pairs["lower_completion"] > pairs["higher_completion"] + _EPS)]
    ordered = [*keys, "task", "lower_mark", "higher_mark", "lower_completion", "higher_completion",
               "lower_n", "higher_n"]
    return crossed[ordered].sort_values([*keys, "task", "lower_mark", "higher_mark"]).reset_index(drop=True)
