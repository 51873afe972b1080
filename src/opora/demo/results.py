"""Synthetic pupil results of a demo territory: ВПР, ОГЭ and ЕГЭ for 2023–2025.

Pure (numpy + pyarrow, no Django) and deterministic: the same territory and seed give the same
tables. A pupil's ability is drawn around the school's level, which follows its social passport
(more disadvantage, lower results), its type, and a school effect. Each task score is binomial
in the task's maximum with a logistic chance of ability minus the task's difficulty.

A few schools get planted patterns a user should be able to find (`DemoResults.patterns`):
- `declining`: results fall every year (fail share up by 10+ points year over year);
- `inflated`: ВПР scores piled exactly on the mark boundaries, journal marks equal to the
  ВПР marks, hard tasks done better than easy ones;
- `resilient`: a disadvantaged school with good results;
- `grade5_drop`: strong grade 4, the same pupils much weaker in grade 5 the next year.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from opora.demo.results_scales import (
    DIFFICULTY_LOCATION,
    EGE_ELECTIVES,
    OGE_ELECTIVES,
    RESULT_YEARS,
    ScaleRow,
    demo_scales,
    stable_rng,
)
from opora.demo.rows import PassportRow, SchoolRow, Territory
from opora.results.schema import RESULT_SCHEMA

PATTERNS: tuple[str, ...] = ("declining", "inflated", "resilient", "grade5_drop")
CLASS_SIZE = 25
CLASS_LETTERS = np.array(list("АБВГДЕЖИКЛМН"))
# Grades a school teaches, by type; pupils per grade = enrolment / number of grades.
_GRADES = {"primary": range(1, 5), "basic": range(1, 10), "evening": range(9, 12)}
_TYPE_EFFECT = {"lyceum": 0.45, "gymnasium": 0.4, "in_depth": 0.3, "correctional": -0.9, "evening": -0.7}
_SELECTIVE = {"lyceum", "gymnasium", "in_depth"}
# Share of a grade sitting the work; ЕГЭ takers are those who stayed on after grade 9.
_PARTICIPATION = {"vpr": 0.93, "oge": 0.97, "ege": 1.0}
_GRADE11_SHARE = 0.55
_EGE_SHIFT = 0.45  # pupils staying for grades 10–11 are stronger than their grade-9 cohort
_DECLINE = {2023: 0.4, 2024: -0.45, 2025: -1.2}


@dataclass
class DemoResults:
    """What the generator returns: scales (with tasks), one table per (procedure, year), and
    the schools that got each planted pattern."""

    scales: list[ScaleRow]
    tables: dict[tuple[str, int], pa.Table] = field(default_factory=dict)
    patterns: dict[str, list[str]] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(t.num_rows for t in self.tables.values())


def school_grades(school_type: str) -> range:
    return _GRADES.get(school_type, range(1, 12))


# --- Deterministic per-pupil randomness ---------------------------------------------------------


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a well-spread uint64 from any uint64 (wraps around on purpose)."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def hashed_normal(keys: np.ndarray, salt: int) -> np.ndarray:
    """Standard normal values that depend only on (key, salt): a pupil keeps their ability
    whichever work, year or generation order asks for it."""
    with np.errstate(over="ignore"):
        salted = np.uint64(salt) * np.uint64(0x9E3779B97F4A7C15)
        base = keys.astype(np.uint64) * np.uint64(2) + salted
    u1 = (_mix(base) >> np.uint64(11)).astype(np.float64) / float(1 << 53)
    u2 = (_mix(base + np.uint64(1)) >> np.uint64(11)).astype(np.float64) / float(1 << 53)
    return np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)


# --- Scoring ------------------------------------------------------------------------------------


def marks_for(primary: np.ndarray, scale: ScaleRow) -> np.ndarray:
    assert scale.mark3_from is not None and scale.mark4_from is not None
    assert scale.mark5_from is not None
    return (
        2
        + (primary >= scale.mark3_from).astype(np.int8)
        + (primary >= scale.mark4_from)
        + (primary >= scale.mark5_from)
    ).astype(np.int8)


def task_scores(
    rng: np.random.Generator,
    ability: np.ndarray,
    scale: ScaleRow,
    difficulty_shift: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Scores (pupils × tasks): binomial in the task maximum, chance logistic in ability.

    `difficulty_shift` moves a difficulty level per pupil (how inflated results are drawn)."""
    tasks = scale.tasks
    task_rng = stable_rng(scale.procedure, scale.subject, scale.grade, "locations")
    location = np.array([DIFFICULTY_LOCATION[t.difficulty] for t in tasks])
    location = location + task_rng.normal(0.0, 0.3, len(tasks))
    logits = 1.6 * (ability[:, None] - location[None, :])
    if difficulty_shift:
        for level, shift in difficulty_shift.items():
            cols = [j for j, t in enumerate(tasks) if t.difficulty == level]
            logits[:, cols] -= 1.6 * shift[:, None]
    chance = 1.0 / (1.0 + np.exp(-logits))
    top = np.array([t.max_score for t in tasks])
    return rng.binomial(np.broadcast_to(top, chance.shape), chance).astype(np.float32)


def _push_to_boundaries(scores: np.ndarray, scale: ScaleRow, rows: np.ndarray, rng: np.random.Generator) -> None:
    """Raise the pupils one or two points under a mark boundary exactly onto it (in place)."""
    top = np.array([t.max_score for t in scale.tasks], dtype=np.float32)
    bounds = [b for b in (scale.mark3_from, scale.mark4_from) if b is not None]
    for i in rows:
        total = int(scores[i].sum())
        for bound in bounds:
            if bound - 2 <= total < bound and rng.random() < 0.9:
                need = bound - total
                for j in np.flatnonzero(scores[i] < top):
                    add = min(need, int(top[j] - scores[i, j]))
                    scores[i, j] += add
                    need -= add
                    if need == 0:
                        break


# --- Schools ------------------------------------------------------------------------------------


@dataclass
class _Schools:
    codes: np.ndarray  # str
    types: list[str]
    enrolment: np.ndarray
    disadvantage: np.ndarray  # from the passport: higher = worse off
    level: np.ndarray  # latent school level on the ability scale

    def __len__(self) -> int:
        return len(self.types)


def passport_disadvantage(passport: PassportRow) -> float:
    """A rough disadvantage score from the social passport (0 ≈ well off, 1 ≈ worst off)."""
    parts = (
        (0.6 - float(passport.parents_higher_education)) / 0.58,
        (float(passport.low_income_families) - 0.03) / 0.5,
        (float(passport.unemployed_parents) - 0.01) / 0.22,
    )
    return sum(parts) / len(parts)


def _schools(territory: Territory, rng: np.random.Generator) -> _Schools:
    first_year: dict[str, PassportRow] = {}
    for p in territory.passports:
        if p.school_code not in first_year or p.year < first_year[p.school_code].year:
            first_year[p.school_code] = p
    rows: list[SchoolRow] = territory.schools
    disadvantage = np.array([passport_disadvantage(first_year[s.code]) if s.code in first_year else 0.5 for s in rows])
    z = (disadvantage - disadvantage.mean()) / (disadvantage.std() or 1.0)
    type_effect = np.array([_TYPE_EFFECT.get(s.type, 0.0) for s in rows])
    level = -0.45 * z + type_effect + rng.normal(0.0, 0.25, len(rows))
    return _Schools(
        codes=np.array([s.code for s in rows]),
        types=[s.type for s in rows],
        enrolment=np.array([s.enrolment for s in rows]),
        disadvantage=disadvantage,
        level=level,
    )


def _plant(schools: _Schools, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Pick distinct schools for each pattern among those big enough for it to show."""
    n = len(schools)
    count = max(2, round(n * 0.01))
    usual = np.array([t not in ("correctional", "evening", "primary") for t in schools.types])
    per_grade = schools.enrolment / np.array([len(school_grades(t)) for t in schools.types])
    big = usual & (per_grade >= 15)
    not_selective = np.array([t not in _SELECTIVE for t in schools.types])
    taken = np.zeros(n, dtype=bool)
    chosen: dict[str, np.ndarray] = {}
    for pattern in ("resilient", "declining", "inflated", "grade5_drop"):
        pool = big & ~taken
        if pattern != "grade5_drop":
            pool &= not_selective
        candidates = np.flatnonzero(pool)
        if pattern == "resilient":  # among the worst off of the usual schools
            worst_first = candidates[np.argsort(-schools.disadvantage[candidates], kind="stable")]
            candidates = worst_first[: max(2 * count, len(candidates) // 4)]
        if len(candidates) < count:  # a tiny territory: any big school will do
            candidates = np.flatnonzero(big & ~taken)
        pick = np.sort(rng.choice(candidates, size=min(count, len(candidates)), replace=False))
        taken[pick] = True
        chosen[pattern] = pick
    return chosen


# --- Works --------------------------------------------------------------------------------------


@dataclass
class _Sitting:
    """The pupils of one grade of every school in one year: who they are and how able."""

    school: np.ndarray  # index into _Schools
    index: np.ndarray  # pupil number within the school's cohort
    cohort: int | np.ndarray
    ability: np.ndarray
    class_name: np.ndarray
    pupil: np.ndarray


def _sitting(
    schools: _Schools, year: int, grade: int, procedure: str, seed: int, offsets: dict[str, np.ndarray]
) -> _Sitting:
    teaches = np.array([grade in school_grades(t) for t in schools.types])
    per_grade = schools.enrolment / np.array([len(school_grades(t)) for t in schools.types])
    wobble = 1.0 + 0.06 * hashed_normal(np.arange(len(schools)) * 64 + year * 16 + grade, seed)
    size = per_grade * wobble * _PARTICIPATION[procedure]
    if procedure == "ege":
        size = size * _GRADE11_SHARE
    counts = np.where(teaches, np.maximum(np.rint(size), 1), 0).astype(np.int64)
    school = np.repeat(np.arange(len(schools)), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    index = np.arange(len(school)) - starts
    cohort = year - grade + 1  # the year the pupil entered grade 1
    keys = (
        (school.astype(np.uint64) << np.uint64(24))
        | np.uint64(cohort - 2000) << np.uint64(12)
        | index.astype(np.uint64)
    )
    general = hashed_normal(keys, seed)
    ability = schools.level[school] + general + offsets.get(f"{year}", np.zeros(len(schools)))[school]
    ability = ability + offsets.get(f"{year}/{grade}", np.zeros(len(schools)))[school]
    if procedure == "ege":
        ability = ability + _EGE_SHIFT
    classes = np.maximum(1, np.ceil(counts / CLASS_SIZE)).astype(np.int64)
    letter = index * classes[school] // np.maximum(counts[school], 1)
    class_name = np.char.add(str(grade), CLASS_LETTERS[np.minimum(letter, len(CLASS_LETTERS) - 1)])
    pupil = np.char.add(np.char.add(schools.codes[school], f"-{cohort}-"), np.char.zfill(index.astype(str), 3))
    return _Sitting(school, index, cohort, ability, class_name, pupil)


def _offsets(schools: _Schools, patterns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Level changes by year ("2024") or by year and grade ("2024/5") for planted schools."""
    n = len(schools)
    out: dict[str, np.ndarray] = {}
    for year in RESULT_YEARS:
        by_year = np.zeros(n)
        by_year[patterns["declining"]] = _DECLINE[year]
        by_year[patterns["resilient"]] = 1.0 - schools.level[patterns["resilient"]] + 0.2
        by_year[patterns["inflated"]] = 0.2
        out[f"{year}"] = by_year
        grade4, grade5 = np.zeros(n), np.zeros(n)
        grade4[patterns["grade5_drop"]] = 0.7
        grade5[patterns["grade5_drop"]] = -0.7
        out[f"{year}/4"], out[f"{year}/5"] = grade4, grade5
    return out


def _journal(rng: np.random.Generator, marks: np.ndarray, exact: np.ndarray) -> np.ndarray:
    """The school's own marks: usually equal, often a point more generous, sometimes stricter."""
    step = rng.choice(np.array([-1, 0, 1, 2]), size=len(marks), p=[0.1, 0.57, 0.3, 0.03])
    journal = np.clip(marks + step, 2, 5).astype(np.int8)
    return np.where(exact, marks, journal).astype(np.int8)


def _work_table(
    rng: np.random.Generator, scale: ScaleRow, schools: _Schools, sit: _Sitting, rows: np.ndarray, inflated: np.ndarray
) -> pa.Table:
    """The results of one work for the pupils `rows` of a sitting."""
    n = len(rows)
    ability = sit.ability[rows] + rng.normal(0.0, 0.55, n)  # subject-specific part
    school = sit.school[rows]
    planted = inflated[school] & (scale.procedure == "vpr")
    shift = None
    if planted.any():
        shift = {"basic": np.where(planted, 1.0, 0.0), "high": np.where(planted, -1.6, 0.0)}
    scores = task_scores(rng, ability, scale, shift)
    if planted.any() and not scale.is_test_score:
        _push_to_boundaries(scores, scale, np.flatnonzero(planted), rng)
    primary = scores.sum(axis=1)
    mark = test = journal = None
    if scale.is_test_score:
        assert scale.test_table is not None
        test = pa.array(np.asarray(scale.test_table, dtype=np.int16)[primary.astype(int)])
        mark = pa.nulls(n, pa.int8())
        journal = pa.nulls(n, pa.int8())
    else:
        marks = marks_for(primary, scale)
        mark = pa.array(marks)
        test = pa.nulls(n, pa.int16())
        journal = pa.array(_journal(rng, marks, planted))
    width = len(scale.tasks)
    tasks = pa.ListArray.from_arrays(
        pa.array(np.arange(0, (n + 1) * width, width, dtype=np.int32)),
        pa.array(scores.reshape(-1)),
    )
    variant = np.where(rng.random(n) < 0.5, "1", "2")
    return pa.Table.from_arrays(
        [
            pa.array(np.full(n, scale.procedure)),
            pa.array(np.full(n, scale.year, dtype=np.int16)),
            pa.array(schools.codes[school]),
            pa.array(np.full(n, scale.subject)),
            pa.array(np.full(n, scale.grade, dtype=np.int8)),
            pa.array(sit.class_name[rows]),
            pa.array(sit.pupil[rows]),
            pa.array(variant),
            pa.array(primary.astype(np.float32)),
            mark,
            test,
            journal,
            tasks,
        ],
        schema=RESULT_SCHEMA,
    )


def _electives(
    rng: np.random.Generator, n: int, weights: dict[str, float], per_pupil: Sequence[int]
) -> dict[str, np.ndarray]:
    """Which pupils take each elective: every pupil picks `per_pupil` distinct subjects."""
    names = list(weights)
    p = np.array([weights[s] for s in names])
    # Gumbel top-k: distinct weighted picks for all pupils at once.
    keys = np.log(p)[None, :] + rng.gumbel(size=(n, len(names)))
    order = np.argsort(-keys, axis=1)
    how_many = rng.choice(np.array(per_pupil), size=n)
    chosen = np.zeros((n, len(names)), dtype=bool)
    for k in range(max(per_pupil)):
        take = how_many > k
        chosen[np.flatnonzero(take), order[take, k]] = True
    return {s: chosen[:, j] for j, s in enumerate(names)}


def _year_tables(
    rng: np.random.Generator,
    year: int,
    schools: _Schools,
    scales: dict[tuple[str, int, str, int], ScaleRow],
    seed: int,
    offsets: dict[str, np.ndarray],
    inflated: np.ndarray,
) -> Iterator[pa.Table]:
    for grade in range(4, 9):
        sit = _sitting(schools, year, grade, "vpr", seed, offsets)
        everyone = np.arange(len(sit.school))
        for (procedure, y, _subject, g), scale in scales.items():
            if (procedure, y, g) == ("vpr", year, grade):
                yield _work_table(rng, scale, schools, sit, everyone, inflated)
    sit = _sitting(schools, year, 9, "oge", seed, offsets)
    everyone = np.arange(len(sit.school))
    for subject in ("rus", "math"):
        yield _work_table(rng, scales["oge", year, subject, 9], schools, sit, everyone, inflated)
    for subject, takes in _electives(rng, len(everyone), OGE_ELECTIVES, (2,)).items():
        yield _work_table(rng, scales["oge", year, subject, 9], schools, sit, np.flatnonzero(takes), inflated)
    sit = _sitting(schools, year, 11, "ege", seed, offsets)
    everyone = np.arange(len(sit.school))
    yield _work_table(rng, scales["ege", year, "rus", 11], schools, sit, everyone, inflated)
    # Stronger pupils choose profile maths.
    profile = sit.ability + rng.normal(0.0, 0.8, len(everyone)) > 0.2
    for subject, who in (("math_prof", profile), ("math_base", ~profile)):
        yield _work_table(rng, scales["ege", year, subject, 11], schools, sit, np.flatnonzero(who), inflated)
    for subject, takes in _electives(rng, len(everyone), EGE_ELECTIVES, (1, 2, 2, 3)).items():
        yield _work_table(rng, scales["ege", year, subject, 11], schools, sit, np.flatnonzero(takes), inflated)


def generate_results(territory: Territory, seed: int, years: tuple[int, ...] = RESULT_YEARS) -> DemoResults:
    """Scales, pupil results (one RESULT_SCHEMA table per procedure and year) and the planted
    patterns of `territory`, drawn from `seed`."""
    rng = np.random.default_rng([seed, 2026])
    schools = _schools(territory, rng)
    chosen = _plant(schools, rng)
    offsets = _offsets(schools, chosen)
    inflated = np.zeros(len(schools), dtype=bool)
    inflated[chosen["inflated"]] = True
    scale_rows = demo_scales(years)
    scales = {s.key: s for s in scale_rows}
    result = DemoResults(scales=scale_rows)
    for year in years:
        parts: dict[str, list[pa.Table]] = {}
        for table in _year_tables(rng, year, schools, scales, seed, offsets, inflated):
            if table.num_rows:
                parts.setdefault(table.column("procedure")[0].as_py(), []).append(table)
        for procedure, tables in parts.items():
            result.tables[procedure, year] = pa.concat_tables(tables)
    result.patterns = {name: [str(c) for c in schools.codes[idx]] for name, idx in chosen.items()}
    return result
