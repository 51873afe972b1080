from __future__ import annotations

import pandas as pd
import pytest

from opora.analytics.indicators import scales_table
from opora.analytics.tasks import (
    ACHIEVED,
    NOT_ACHIEVED,
    UNCERTAIN,
    achievement,
    mark_group_crossings,
    systemic_deficits,
    task_achievement,
    task_completion,
    task_completion_by_mark,
    task_specs_table,
)
from tests.analytics.tables import VPR5_RU, one, pupil, results

WORK = {k: VPR5_RU[k] for k in ("procedure", "year", "subject", "grade")}
SPECS = [
    {**WORK, "task": 1, "max_score": 1, "difficulty": "basic", "skill": "чтение"},
    {**WORK, "task": 2, "max_score": 2, "difficulty": "advanced", "skill": "чтение"},
]


def test_task_completion_is_the_mean_share_of_the_maximum() -> None:
    rows = [pupil(primary_score=10, tasks=[1, 2, 5]), pupil(primary_score=10, tasks=[0, 1, 5]),
            pupil(primary_score=10, tasks=[1, None])]
    frame = task_completion(results(rows), task_specs_table(SPECS), by_class=False)
    first = one(frame, task=1)
    second = one(frame, task=2)
    assert (first["completion"], first["participants"]) == (pytest.approx(2 / 3), 3)
    # the pupil without a score for task 2 is not counted; task 3 has no spec and is ignored
    assert (second["completion"], second["participants"]) == (pytest.approx(0.75), 2)
    assert len(frame.to_pandas()) == 2


def test_works_without_task_specs_are_skipped() -> None:
    rows = [pupil(primary_score=10, tasks=[1, 2])]
    other = [{**s, "subject": "ma"} for s in SPECS]
    assert task_completion(results(rows), task_specs_table(other), by_class=False).to_pandas().empty


def test_task_completion_per_class() -> None:
    rows = [pupil(primary_score=10, tasks=[1, 2], class_name="5А"),
            pupil(primary_score=10, tasks=[0, 0], class_name="5Б")]
    frame = task_completion(results(rows), task_specs_table(SPECS), by_class=True)
    assert one(frame, class_name="5А", task=1)["completion"] == 1.0
    assert one(frame, class_name="5Б", task=1)["completion"] == 0.0


@pytest.mark.parametrize(
    ("completion", "difficulty", "status"),
    [(0.64, "basic", ACHIEVED), (0.63, "basic", UNCERTAIN), (0.57, "basic", UNCERTAIN),
     (0.56, "basic", NOT_ACHIEVED), (0.32, "advanced", ACHIEVED), (0.315, "high", UNCERTAIN),
     (0.285, "advanced", UNCERTAIN), (0.28, "high", NOT_ACHIEVED)],
)
def test_achievement_by_difficulty_with_the_uncertainty_zone(completion: float, difficulty: str, status: str) -> None:
    assert achievement(completion, difficulty) == status


def _achieved(rows: list[tuple[int, float]], specs: list[dict[str, object]]) -> pd.DataFrame:
    completion = pd.DataFrame([{"school_code": "s1", **WORK, "class_name": "", "task": t, "completion": c,
                                "participants": 20} for t, c in rows])
    return task_achievement(completion, pd.DataFrame(specs))


def test_a_skill_whose_tasks_are_mostly_not_achieved_is_a_systemic_deficit() -> None:
    specs = [{**WORK, "task": i, "max_score": 1, "difficulty": "basic", "skill": skill}
             for i, skill in enumerate(["дроби", "дроби", "дроби", "проценты", "проценты"], start=1)]
    achieved = _achieved([(1, 0.2), (2, 0.3), (3, 0.9), (4, 0.2), (5, 0.9)], specs)
    assert list(achieved["status"]) == [NOT_ACHIEVED, NOT_ACHIEVED, ACHIEVED, NOT_ACHIEVED, ACHIEVED]
    deficits = systemic_deficits(achieved).set_index("skill")
    assert bool(deficits.loc["дроби", "deficit"]) is True
    assert deficits.loc["дроби", "not_achieved"] == 2
    assert bool(deficits.loc["проценты", "deficit"]) is False  # one of two is not "mostly"


def test_a_lower_mark_group_doing_better_than_a_higher_one_is_a_crossing() -> None:
    # mark 2 pupils (score < 8) score on task 2; the mark 4 pupils (12..16) do not.
    rows = [pupil(primary_score=5, tasks=[0, 2]), pupil(primary_score=6, tasks=[1, 2]),
            pupil(primary_score=13, tasks=[1, 0]), pupil(primary_score=14, tasks=[1, 1])]
    by_mark = task_completion_by_mark(results(rows), scales_table([VPR5_RU]), task_specs_table(SPECS)).to_pandas()
    assert one(task_completion_by_mark(results(rows), scales_table([VPR5_RU]), task_specs_table(SPECS)),
               mark=2, task=2)["completion"] == 1.0
    crossings = mark_group_crossings(by_mark)
    assert list(zip(crossings["task"], crossings["lower_mark"], crossings["higher_mark"], strict=True)) == [(2, 2, 4)]
    assert crossings.iloc[0]["lower_completion"] == 1.0
    assert crossings.iloc[0]["higher_completion"] == 0.25
