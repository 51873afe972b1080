"""Synthetic regions with known truth for the objectivity-sign tests.

Pupils answer TASKS one-point tasks with P(correct) = logistic(school effect + pupil ability −
task difficulty); marks come from the primary score and BOUNDS. A school "inflated" in YEAR had the
hard tasks leaked (answered right with probability LEAK), pupils one or two points short of a
boundary pushed onto it, and journal marks that still show what the pupils really know.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from opora.analytics.work_features import BOUNDARY_COLUMNS, PUPIL_ONLY_COLUMNS, WORK_FEATURE_COLUMNS

YEAR = 2025
TASKS = 20
DIFFICULTY = np.linspace(-2.4, 2.4, TASKS)  # task 1 easiest (~85% in the region), task 20 hardest (~12%)
BOUNDS = (8, 12, 16)  # primary score from which marks 3, 4, 5 start
LEAK = 0.9
LEAKED = DIFFICULTY > 0.6  # the hardest tasks (regional completion ≲ 35%)
VPR = ("vpr", "ma", 5)
OGE = (("oge", "ru", 9), ("oge", "ma", 9))


@dataclass(frozen=True)
class School:
    code: str
    effect: float = 0.0  # logit shift of the school's pupils in YEAR's ВПР
    pupils: int = 60
    type: str = "secondary"
    inflated: bool = False
    source: str = "pupils"  # "aggregates": only what the ФИС ОКО forms give
    previous_effect: float | None = None  # ВПР of YEAR − 1 and YEAR − 2 (default: effect)
    oge_effect: float | None = None  # ОГЭ of YEAR (default: effect)


def _answers(rng: np.random.Generator, effect: float, pupils: int) -> np.ndarray:
    ability = effect + rng.normal(0.0, 1.0, pupils)
    chance = 1.0 / (1.0 + np.exp(-(ability[:, None] - DIFFICULTY[None, :])))
    return rng.random((pupils, TASKS)) < chance


def _marks(primary: np.ndarray) -> np.ndarray:
    return 2 + np.searchsorted(np.array(BOUNDS), primary, side="right")


def _work_row(school: School, work: tuple[str, str, int], year: int, primary: np.ndarray,
              journal: np.ndarray) -> dict[str, Any]:
    procedure, subject, grade = work
    mark = _marks(primary)
    n = len(primary)
    row: dict[str, Any] = {
        "school_code": school.code, "procedure": procedure, "year": year, "subject": subject, "grade": grade,
        "source": school.source, "core": True, "score_kind": "mark", "participants": n,
        **{f"mark{m}": int((mark == m).sum()) for m in (2, 3, 4, 5)},
        "fail_count": int((mark == 2).sum()), "high_count": int((mark >= 4).sum()),
        "fail_share": float((mark == 2).mean()), "high_share": float((mark >= 4).mean()),
        "mean_pct": float(primary.mean() / TASKS * 100), "mean_mark": float(mark.mean()),
        "lowered": int((mark < journal).sum()), "confirmed": int((mark == journal).sum()),
        "raised": int((mark > journal).sum()), "journal_n": n,
        "journal_gap2": int((np.abs(mark - journal) >= 2).sum()),
    }
    for m, edge in zip((3, 4, 5), BOUNDS, strict=True):
        row[f"b{m}_at"], row[f"b{m}_below"] = int((primary == edge).sum()), int((primary == edge - 1).sum())
    if school.source == "aggregates":
        row.update(dict.fromkeys(PUPIL_ONLY_COLUMNS, None))
    return row


def _school_rows(rng: np.random.Generator, school: School) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    works, tasks = [], []
    before = school.effect if school.previous_effect is None else school.previous_effect
    for year, effect in ((YEAR - 2, before), (YEAR - 1, before), (YEAR, school.effect)):
        true = _answers(rng, effect, school.pupils)
        answered, primary = true, true.sum(axis=1)
        if school.inflated and year == YEAR:
            answered = true | (LEAKED[None, :] & (rng.random(true.shape) < LEAK))
            primary = answered.sum(axis=1)
            for edge in BOUNDS:
                primary = np.where((primary == edge - 1) | (primary == edge - 2), edge, primary)
            journal = _marks(true.sum(axis=1))  # the teachers' marks still show what pupils know
        else:
            noise = rng.choice([-1, 0, 1], size=school.pupils, p=[0.12, 0.76, 0.12])
            journal = np.clip(_marks(primary) + noise, 2, 5)
        works.append(_work_row(school, VPR, year, primary, journal))
        if year == YEAR:
            tasks += [{"school_code": school.code, "procedure": VPR[0], "year": year, "subject": VPR[1],
                       "grade": VPR[2], "task": t + 1, "participants": school.pupils,
                       "completion": float(answered[:, t].mean())} for t in range(TASKS)]
    oge_effect = school.effect if school.oge_effect is None else school.oge_effect
    for work in OGE:
        primary = _answers(rng, oge_effect, school.pupils).sum(axis=1)
        works.append(_work_row(school, work, YEAR, primary, _marks(primary)))
    return works, tasks


def frames(schools: list[School], seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(works, tasks, schools) for the given schools; deterministic for a seed."""
    rng = np.random.default_rng(seed)
    works, tasks = [], []
    for school in schools:
        w, t = _school_rows(rng, school)
        works += w
        tasks += t
    works_frame = pd.DataFrame(works, columns=WORK_FEATURE_COLUMNS)
    works_frame = works_frame.astype({c: "Int64" for c in ["lowered", "confirmed", "raised", *PUPIL_ONLY_COLUMNS]})
    school_frame = pd.DataFrame({
        "school_code": [s.code for s in schools], "municipality_code": "m1", "type": [s.type for s in schools],
        "settlement": "town", "selective": [s.type in ("lyceum", "gymnasium", "in_depth") for s in schools],
    })
    return works_frame, pd.DataFrame(tasks), school_frame


def ordinary(count: int = 32, seed: int = 3) -> list[School]:
    """Schools whose results are what their pupils know: effects N(0, 0.35), 40–110 pupils."""
    rng = np.random.default_rng(seed)
    return [School(f"o{i:02d}", effect=float(rng.normal(0.0, 0.35)), pupils=int(rng.integers(40, 111)))
            for i in range(count)]


INFLATED = School("inflated", effect=-0.5, pupils=60, inflated=True)
SMALL = School("small", effect=-0.5, pupils=8, inflated=True)
LYCEUM = School("lyceum", effect=1.8, type="lyceum", oge_effect=0.0)  # ВПР far above, ОГЭ average
STRONG = School("strong", effect=1.8)  # far above the region, and so is its ОГЭ
AGGREGATES = School("aggregates", effect=1.8, source="aggregates", oge_effect=-0.3)


def region() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The main synthetic region: 32 ordinary schools and the special cases above."""
    return frames([*ordinary(), INFLATED, SMALL, LYCEUM, STRONG, AGGREGATES])


def work(school: str, year: int = YEAR, **fields: Any) -> dict[str, Any]:
    """One hand-made ВПР work row (WORK_FEATURE_COLUMNS) with plain defaults and `fields` over them."""
    row: dict[str, Any] = dict.fromkeys(WORK_FEATURE_COLUMNS)
    row.update(school_code=school, procedure="vpr", year=year, subject="ma", grade=5, source="pupils", core=True,
               score_kind="mark", participants=40, fail_share=0.1, mean_pct=50.0,
               lowered=4, confirmed=32, raised=4, journal_n=40, journal_gap2=0,
               **{c: 3 for c in BOUNDARY_COLUMNS})
    row.update(fields)
    return row


def works_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=WORK_FEATURE_COLUMNS)
    return frame.astype({c: "Int64" for c in ["lowered", "confirmed", "raised", *PUPIL_ONLY_COLUMNS]})


def schools_frame(codes: list[str], selective: tuple[str, ...] = ()) -> pd.DataFrame:
    return pd.DataFrame({"school_code": codes, "municipality_code": "m1",
                         "type": ["lyceum" if c in selective else "secondary" for c in codes],
                         "settlement": "town", "selective": [c in selective for c in codes]})
