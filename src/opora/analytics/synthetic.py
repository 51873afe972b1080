"""A synthetic region with known truth, to check identification on data shaped like a real
region's rather than like the demo's (`benchmarks/validity.py`, `tests/analytics/test_validity.py`).

The model, per pupil p of school s in year y and work w (procedure × subject × grade):

    θ = slope·c_s + u_s,y + v_s,y + e_s,y,w + ε_p

c_s the school's social context (it also drives the social passport), u_s,y its persistent
effect (constant except for planted declining or improving schools), v_s,y a yearly effect
(cohorts differ: the variation real school panels show beyond sampling noise), e_s,y,w a work
effect and ε_p ~ N(0, 1) the pupil. Pupils answer the work's tasks by a two-parameter logistic
model (one- and two-point tasks, difficulties from easy to hard); the primary score is the sum.
Mark boundaries are set once from the first year's regional distribution (≈ 12 % «2» in ВПР), so
a harder test form in a later year (`RegionSpec.shift`) moves every school's results and no
school's standing. Journal marks are the pupil's expected mark, a little generous everywhere.

Planted schools (`RegionSpec.planted`, names in `PLANTED`), every other school is ordinary:
- low: effect −1.6 every year (fail share ≳ 30 % in ВПР and ОГЭ, Russian and mathematics, every
  year, whatever the context); the effects of planted schools never depend on their context, which
  would bend the expected-result line for everyone;
- ceiling / floor: effect −2.4 / +1.6, the floor with a favourable context (fail share near 70 % / 0 %);
- resilient: the most adverse context with effect +1.0;
- declining: effect 0 → −0.9 → −1.8 over the last three years (each step about three and a half
  times the yearly swing of an ordinary school's change); improving: −1.2, then 0 in the last;
- tiny: 4–8 pupils per work, effect −1.3 (never to be flagged);
- boundary: in the last year's ВПР, 80 % of the pupils one to three points below the «3» boundary
  get exactly the boundary score;
- journal: journal marks one mark more generous than the school's results (last year's ВПР);
- jump: the last year's ВПР results raised by 1.3 (latent units, ≈ +18 points of the mean score in
  every work of a middling school), not its ОГЭ/ЕГЭ; the journal marks stay what pupils know;
- leak: the hardest third of the last year's ВПР tasks answered right 85 % of the time.
Inflated kinds (boundary, journal, jump, leak) are ordinary schools otherwise, of middling or low
results (effect N(−0.3, 0.3)): inflation pays where there is a fail share to avoid, and a school
already near the top has no room to jump.

Everything is numpy, vectorised per work and year, deterministic for a seed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from opora.analytics.swi import DEFAULT_SIGNS

PLANTED = ("low", "ceiling", "floor", "resilient", "declining", "improving", "tiny", "boundary", "journal", "jump",
           "leak")
INFLATED = ("boundary", "journal", "jump", "leak")
DEFAULT_PLANTED: dict[str, int] = {"low": 10, "ceiling": 4, "floor": 4, "resilient": 8, "declining": 10,
                                   "improving": 6, "tiny": 6, "boundary": 10, "journal": 10, "jump": 10, "leak": 10}
# procedure, grade, subject, core, tasks
WORKS: tuple[tuple[str, int, str, bool, int], ...] = (
    ("vpr", 4, "rus", True, 14), ("vpr", 4, "math", True, 12), ("vpr", 4, "okr", False, 10),
    ("vpr", 5, "rus", True, 14), ("vpr", 5, "math", True, 14), ("vpr", 5, "bio", False, 10),
    ("vpr", 6, "rus", True, 14), ("vpr", 6, "math", True, 13), ("vpr", 6, "hist", False, 10),
    ("vpr", 7, "rus", True, 14), ("vpr", 7, "math", True, 16), ("vpr", 8, "rus", True, 14),
    ("vpr", 8, "math", True, 16),
    ("oge", 9, "rus", True, 12), ("oge", 9, "math", True, 16), ("oge", 9, "soc", False, 12),
    ("ege", 11, "rus", True, 14), ("ege", 11, "math_prof", True, 12),
)
CORE = {subject: core for _p, _g, subject, core, _t in WORKS}
PASSPORT = {  # indicator: (regional mean, change per unit of context, noise sd)
    "parents_higher_education": (0.33, 0.11, 0.025), "single_parent_families": (0.21, -0.04, 0.015),
    "low_income_families": (0.16, -0.06, 0.02), "large_families": (0.13, -0.025, 0.015),
    "unemployed_parents": (0.07, -0.025, 0.01), "non_russian_home_language": (0.05, -0.015, 0.012),
    "special_needs": (0.05, -0.012, 0.01), "prevention_register": (0.03, -0.01, 0.006),
}
assert set(PASSPORT) == set(DEFAULT_SIGNS)
# Target regional shares of marks 2 / 3 / 4 / 5 in the first year (ВПР, ОГЭ); ЕГЭ: below the minimum.
MARK_SHARES = {"vpr": (0.12, 0.43, 0.33, 0.12), "oge": (0.08, 0.42, 0.36, 0.14)}
EGE_BELOW_MIN, EGE_HIGH = 0.05, 0.25
PUSH_SHARE, PUSH_POINTS = 0.8, 3
LEAK_SHARE = 0.85
JUMP = 1.3  # latent units: about +18 points of the mean score in every ВПР work of a middling school


@dataclass(frozen=True)
class RegionSpec:
    """What to generate. `shift`: year → harder test forms that year (latent units, every work of
    `shift_procedures`); `procedures`: the procedures loaded (e.g. ("vpr",) for a ВПР-only region)."""

    schools: int = 300
    municipalities: int = 10
    years: tuple[int, ...] = (2022, 2023, 2024, 2025)
    procedures: tuple[str, ...] = ("vpr", "oge", "ege")
    planted: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_PLANTED))
    shift: Mapping[int, float] = field(default_factory=dict)
    shift_procedures: tuple[str, ...] = ("vpr",)
    context_slope: float = 0.35
    school_sd: float = 0.45
    year_sd: float = 0.15
    work_sd: float = 0.12
    cohort_median: float = 30.0
    region: str = "R1"

    @property
    def year(self) -> int:
        return self.years[-1]


@dataclass(frozen=True)
class SyntheticRegion:
    """`schools`: school_code, municipality_code, type, settlement, selective; `passports`:
    school_code, year and the passport shares; `pupils`: RESULT_SCHEMA rows; `scales`: SCALES_SCHEMA
    dicts; `task_specs`: TASK_SPECS_SCHEMA dicts; `truth`: school_code, kind ('ordinary' or a
    PLANTED name), context, effect (the school's latent effect in the last year: u + v), effects
    per year (effect_<year>); `true_works`: per school × work × year the noise-free mean score
    (`true_pct`, % of the maximum, what infinitely many pupils of the school would score) and the
    same for a school of its context without an effect of its own (`context_pct`)."""

    spec: RegionSpec
    schools: pd.DataFrame
    passports: pd.DataFrame
    pupils: pd.DataFrame
    scales: list[dict[str, object]]
    task_specs: list[dict[str, object]]
    truth: pd.DataFrame
    true_works: pd.DataFrame

    def kind(self, kind: str) -> list[str]:
        codes: list[str] = self.truth.loc[self.truth["kind"] == kind, "school_code"].tolist()
        return codes

    @property
    def ordinary(self) -> list[str]:
        return self.kind("ordinary")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    p: np.ndarray = 1.0 / (1.0 + np.exp(-x))
    return p


@dataclass(frozen=True)
class _Work:
    procedure: str
    grade: int
    subject: str
    max_scores: np.ndarray  # per task
    difficulty: np.ndarray  # per task, latent units
    level: np.ndarray  # basic / advanced / high


def _works(spec: RegionSpec, rng: np.random.Generator) -> list[_Work]:
    out: list[_Work] = []
    offset = {"vpr": -0.3, "oge": -0.4, "ege": 0.0}
    for procedure, grade, subject, _core, tasks in WORKS:
        if procedure not in spec.procedures:
            continue
        max_scores = np.where(np.arange(tasks) % 3 == 2, 2.0, 1.0)
        difficulty = np.linspace(-1.6, 1.8, tasks) + rng.normal(0, 0.15, tasks) + offset[procedure]
        rank = np.argsort(np.argsort(difficulty)) / max(tasks - 1, 1)
        level = np.where(rank < 0.6, "basic", np.where(rank < 0.9, "advanced", "high"))
        out.append(_Work(procedure, grade, subject, max_scores, difficulty, level))
    return out


def _schools(spec: RegionSpec, rng: np.random.Generator) -> pd.DataFrame:
    n = spec.schools
    planted = [k for k in PLANTED for _ in range(int(spec.planted.get(k, 0)))]
    if len(planted) > n:
        raise ValueError("More planted schools than schools.")
    kinds = np.array(planted + ["ordinary"] * (n - len(planted)), dtype=object)
    kinds = kinds[rng.permutation(n)]
    context = rng.normal(0, 1, n)
    context[kinds == "resilient"] = -rng.uniform(1.8, 2.5, (kinds == "resilient").sum())
    context[kinds == "floor"] = rng.uniform(1.2, 2.0, (kinds == "floor").sum())
    effect = rng.normal(0, spec.school_sd, n)
    fixed = {"floor": 1.6, "resilient": 1.0, "tiny": -1.3, "low": -1.6, "ceiling": -2.4}
    for kind, value in fixed.items():
        effect[kinds == kind] = value + rng.normal(0, 0.05, (kinds == kind).sum())
    effect[kinds == "declining"] = rng.normal(0.0, 0.1, (kinds == "declining").sum())
    # Inflation pays where results are middling or low (a fail share to avoid): there its schools are.
    inflated = np.isin(kinds, INFLATED)
    effect[inflated] = rng.normal(-0.3, 0.3, inflated.sum())
    effect[kinds == "improving"] = -1.2 + rng.normal(0, 0.05, (kinds == "improving").sum())
    settlement = np.where(context + rng.normal(0, 0.5, n) < -0.6, "village",
                          np.where(context + rng.normal(0, 0.5, n) < 0.4, "town", "city"))
    kind_of_school = np.where(settlement == "village", np.where(rng.random(n) < 0.3, "basic", "secondary"),
                              "secondary")
    top = (context > 1.1) & ~np.isin(kinds, [*INFLATED, "low", "ceiling", "declining", "improving", "tiny"])
    kind_of_school = np.where(top & (rng.random(n) < 0.6), np.where(rng.random(n) < 0.5, "lyceum", "gymnasium"),
                              kind_of_school)
    inflated = np.isin(kinds, INFLATED)
    kind_of_school = np.where(inflated, "secondary", kind_of_school)
    size = spec.cohort_median * np.exp(rng.normal(0, 0.45, n)) * np.where(settlement == "village", 0.6, 1.0)
    size = np.where(kinds == "tiny", rng.uniform(4, 8, n), np.maximum(size, 6))
    size = np.where(inflated | np.isin(kinds, ["low", "declining", "improving", "resilient"]),
                    np.maximum(size, spec.cohort_median * 0.9), size)
    width = len(str(n))
    return pd.DataFrame({
        "school_code": [f"{spec.region}-{i + 1:0{width}d}" for i in range(n)],
        "municipality_code": [f"{spec.region}-M{(i % spec.municipalities) + 1:02d}" for i in range(n)],
        "type": kind_of_school, "settlement": settlement,
        "selective": np.isin(kind_of_school, ["lyceum", "gymnasium", "in_depth"]),
        "kind": kinds, "context": context, "effect0": effect, "size": size,
    })


def _effects(spec: RegionSpec, schools: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """school × year: the persistent effect u (with planted trends) plus the yearly effect v."""
    years = np.array(spec.years)
    n = len(schools)
    u = np.repeat(schools["effect0"].to_numpy()[:, None], len(years), axis=1)
    last = len(years) - 1
    declining = (schools["kind"] == "declining").to_numpy()
    for back, drop in ((1, 0.9), (0, 1.8)):
        u[declining, last - back] -= drop
    improving = (schools["kind"] == "improving").to_numpy()
    u[improving, last] += 1.2
    v = rng.normal(0, spec.year_sd, (n, len(years)))
    planted = schools["kind"].isin(["low", "ceiling", "floor", "resilient", "tiny"]).to_numpy()
    v[planted] *= 0.3  # planted levels stay where they are meant to be
    return pd.DataFrame(u + v, index=schools["school_code"], columns=years)


def _task_scores(theta: np.ndarray, work: _Work, shift: float, rng: np.random.Generator,
                 leak: np.ndarray | None = None) -> np.ndarray:
    """pupils × tasks scores (0..max) by a 2PL model; two-point tasks have two steps."""
    d = work.difficulty + shift
    z = theta[:, None] - d[None, :]
    first = rng.random(z.shape) < _sigmoid(1.5 * (z + 0.35))
    second = rng.random(z.shape) < _sigmoid(1.5 * (z - 0.35))
    scores = np.where(work.max_scores[None, :] == 2, first.astype(float) + (first & second), first.astype(float))
    if leak is not None and leak.any():
        hard = np.argsort(work.difficulty)[-max(1, len(d) // 3):]
        right = rng.random((int(leak.sum()), len(hard))) < LEAK_SHARE
        block = scores[leak][:, hard]
        block = np.where(right, work.max_scores[hard][None, :], block)
        rows = np.flatnonzero(leak)
        scores[np.ix_(rows, hard)] = block
    return scores


def _expected_score(theta: np.ndarray, work: _Work) -> np.ndarray:
    z = theta[:, None] - work.difficulty[None, :]
    p1, p2 = _sigmoid(1.5 * (z + 0.35)), _sigmoid(1.5 * (z - 0.35))
    expected: np.ndarray = np.where(work.max_scores[None, :] == 2, p1 + p1 * p2, p1).sum(axis=1)
    return expected


def _boundaries(scores: np.ndarray, shares: tuple[float, ...]) -> tuple[float, float, float]:
    """Whole-point boundaries of marks 3, 4, 5 that give about `shares` of marks 2..5."""
    cum = np.cumsum(shares)[:3]
    out: list[float] = []
    for q in cum:
        b = float(np.ceil(np.quantile(scores, q) + 1e-9))
        out.append(max(b, (out[-1] + 1) if out else 1.0))
    return out[0], out[1], out[2]


def _mark(primary: np.ndarray, b: tuple[float, float, float]) -> np.ndarray:
    return np.where(primary >= b[2], 5, np.where(primary >= b[1], 4, np.where(primary >= b[0], 3, 2)))


def generate(spec: RegionSpec | None = None, seed: int = 1) -> SyntheticRegion:
    """The region of `spec` for `seed` (see the module docstring)."""
    spec = spec or RegionSpec()
    rng = np.random.default_rng(seed)
    schools = _schools(spec, rng)
    effects = _effects(spec, schools, rng)
    works = _works(spec, rng)
    codes = schools["school_code"].to_numpy()
    kinds = schools["kind"].to_numpy()
    context = schools["context"].to_numpy()
    last = spec.year
    frames: list[pd.DataFrame] = []
    scales: list[dict[str, object]] = []
    specs: list[dict[str, object]] = []
    bounds: dict[tuple[str, int, str], tuple[float, float, float]] = {}
    true_rows: list[pd.DataFrame] = []
    scaled: set[tuple[str, int, str, int]] = set()
    ege: dict[tuple[str, int, str], tuple[float, float]] = {}
    for year in spec.years:
        for work in works:
            key = (work.procedure, work.grade, work.subject)
            has = np.ones(len(codes), bool)
            if work.grade >= 10:
                has &= schools["type"].to_numpy() != "basic"
            n = rng.poisson(schools["size"].to_numpy()) * has
            n = np.where(has, np.maximum(n, np.where(kinds == "tiny", 4, 5)), 0)
            n = np.where(kinds == "tiny", np.minimum(n, 8), n)
            school = np.repeat(np.arange(len(codes)), n)
            if not len(school):
                continue
            work_effect = rng.normal(0, spec.work_sd, len(codes))
            base = spec.context_slope * context + effects[year].to_numpy() + work_effect
            shift_now = float(spec.shift.get(year, 0.0)) if work.procedure in spec.shift_procedures else 0.0
            true_rows.append(pd.DataFrame({
                "school_code": codes[has], "procedure": work.procedure, "year": year, "subject": work.subject,
                "grade": work.grade, "true_pct": _mean_pct(base[has] - shift_now, work),
                "context_pct": _mean_pct(spec.context_slope * context[has] - shift_now, work)}))
            theta = base[school] + rng.normal(0, 1, len(school))
            inflate = (year == last) & (work.procedure == "vpr")
            if inflate:
                theta = theta + np.where(kinds[school] == "jump", JUMP, 0.0)
            shift = float(spec.shift.get(year, 0.0)) if work.procedure in spec.shift_procedures else 0.0
            leak = (kinds[school] == "leak") if inflate else None
            tasks = _task_scores(theta, work, shift, rng, leak)
            primary = tasks.sum(axis=1)
            if key not in bounds:
                if work.procedure == "ege":
                    lo = float(np.ceil(np.quantile(primary, EGE_BELOW_MIN)))
                    ege[key] = (lo, float(np.quantile(primary, 1 - EGE_HIGH)))
                    bounds[key] = (lo, lo, lo)
                else:
                    bounds[key] = _boundaries(primary, MARK_SHARES[work.procedure])
            b = bounds[key]
            max_score = float(work.max_scores.sum())
            if inflate:
                pushed = (kinds[school] == "boundary") & (primary >= b[0] - PUSH_POINTS) & (primary < b[0]) \
                    & (rng.random(len(primary)) < PUSH_SHARE)
                primary = np.where(pushed, b[0], primary)
            frame = pd.DataFrame({
                "procedure": work.procedure, "year": year, "school_code": codes[school], "subject": work.subject,
                "grade": work.grade, "class_name": None,
                "pupil": [f"{year}{work.procedure}{work.grade}{work.subject}-{i}" for i in range(len(school))],
                "variant": None, "primary_score": primary, "mark": None, "test_score": None,
                "journal_mark": None, "tasks": list(tasks),
            })
            if work.procedure == "ege":
                test = np.round(primary / max_score * 100).astype(int)
                frame["test_score"] = test
            else:
                frame["mark"] = _mark(primary, b)
            if work.procedure == "vpr":
                expected = _mark(_expected_score(theta - (JUMP if inflate else 0.0) * (kinds[school] == "jump"),
                                                 work), b).astype(float)
                bias = 0.2 + np.where((kinds[school] == "journal") & inflate, 1.0, 0.0)
                journal = np.clip(np.round(expected + bias + rng.normal(0, 0.45, len(school))), 2, 5)
                frame["journal_mark"] = journal.astype(int)
            frames.append(frame)
            if (*key, year) not in scaled:
                scaled.add((*key, year))
                scale: dict[str, object] = {
                    "procedure": work.procedure, "year": year, "subject": work.subject, "grade": work.grade,
                    "score_kind": "test_score" if work.procedure == "ege" else "mark", "max_score": max_score,
                    "mark3_from": None, "mark4_from": None, "mark5_from": None, "min_score": None, "high_bar": None,
                    "test_table": None,
                }
                if work.procedure == "ege":
                    lo, hi = ege[key]
                    scale.update(min_score=float(round(lo / max_score * 100)),
                                 high_bar=float(round(hi / max_score * 100)))
                else:
                    scale.update(mark3_from=b[0], mark4_from=b[1], mark5_from=b[2])
                scales.append(scale)
                specs.extend({"procedure": work.procedure, "year": year, "subject": work.subject,
                              "grade": work.grade, "task": t + 1, "max_score": float(work.max_scores[t]),
                              "difficulty": str(work.level[t]), "skill": f"skill-{t + 1}"}
                             for t in range(len(work.max_scores)))
    pupils = pd.concat(frames, ignore_index=True)
    truth = pd.DataFrame({"school_code": codes, "kind": kinds, "context": context,
                          "effect": effects[last].to_numpy(),
                          **{f"effect_{y}": effects[y].to_numpy() for y in spec.years}})
    return SyntheticRegion(spec=spec, schools=schools[["school_code", "municipality_code", "type", "settlement",
                                                       "selective"]].copy(),
                           passports=_passports(spec, schools, rng), pupils=pupils, scales=scales,
                           task_specs=specs, truth=truth, true_works=pd.concat(true_rows, ignore_index=True))


_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(24)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()


def _mean_pct(centre: np.ndarray, work: _Work) -> np.ndarray:
    """The expected mean score (% of the maximum) of pupils θ ~ N(centre, 1): Gauss–Hermite."""
    theta = (centre[:, None] + _NODES[None, :]).ravel()
    scores = _expected_score(theta, work).reshape(len(centre), len(_NODES))
    mean: np.ndarray = scores @ _WEIGHTS / work.max_scores.sum() * 100.0
    return mean


def _passports(spec: RegionSpec, schools: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    c = schools["context"].to_numpy()
    for year in spec.years:
        frame = pd.DataFrame({"school_code": schools["school_code"].to_numpy(), "year": year})
        for name, (mean, slope, sd) in PASSPORT.items():
            frame[name] = np.clip(mean + slope * c + rng.normal(0, sd, len(c)), 0.0, 1.0).round(3)
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)


# --- Views of the region as Opora's inputs ------------------------------------------------------


def pupil_table(region: SyntheticRegion) -> pa.Table:
    """The pupil rows as an Arrow table of RESULT_SCHEMA."""
    from opora.results.schema import RESULT_SCHEMA

    frame = region.pupils.copy()
    frame["variant"] = frame["variant"].astype(object)
    return pa.Table.from_pandas(frame, schema=RESULT_SCHEMA, preserve_index=False)


def true_quality_effect(region: SyntheticRegion, selection: Mapping[str, tuple[int, ...]] | None = None,
                        year: int | None = None) -> pd.Series:
    """The school's real difference on the quality index's scale (a share of the maximum): its
    noise-free index minus that of a school of the same context without an effect of its own,
    each pupil-weighted over the core works of `selection` (default ВПР 5–6 and ОГЭ 9)."""
    selection = selection or {"vpr": (5, 6), "oge": (9,)}
    year = year or region.spec.year
    t = region.true_works[region.true_works["year"] == year]
    t = t[t["subject"].map(CORE).fillna(False).astype(bool)]
    t = t[[g in selection.get(p, ()) for p, g in zip(t["procedure"], t["grade"], strict=True)]]
    n = region.pupils.groupby(["school_code", "procedure", "year", "subject", "grade"]).size().rename("n")
    t = t.join(n, on=["school_code", "procedure", "year", "subject", "grade"]).dropna(subset=["n"])
    t = t.assign(_d=(t["true_pct"] - t["context_pct"]) * t["n"])
    g = t.groupby("school_code")[["_d", "n"]].sum()
    return (g["_d"] / g["n"] / 100.0).rename("true_effect")


def latest_passports(region: SyntheticRegion, year: int | None = None) -> pd.DataFrame:
    """One passport row per school (of `year`, default the last), as identification reads them."""
    year = year or region.spec.year
    p = region.passports[region.passports["year"] == year]
    return p.drop(columns="year").reset_index(drop=True)


def works_from_pupils(region: SyntheticRegion) -> pd.DataFrame:
    """The works frame (WORK_FEATURE_COLUMNS) identification reads when pupil rows are loaded."""
    import ibis

    from opora.analytics.indicators import scales_table
    from opora.analytics.work_features import WORK_FEATURE_COLUMNS, work_features, work_features_frame

    results = ibis.memtable(pupil_table(region))
    frame = work_features_frame(work_features(results, scales_table(region.scales)).to_pyarrow())
    frame = frame.assign(source="pupils", core=frame["subject"].map(CORE).fillna(False).astype(bool))
    return frame[WORK_FEATURE_COLUMNS].sort_values(["school_code", "procedure", "year", "subject", "grade"]) \
        .reset_index(drop=True)


def works_from_aggregates(region: SyntheticRegion, *, sd: bool = False, distribution: bool = False,
                          works: pd.DataFrame | None = None) -> pd.DataFrame:
    """The works frame when only school aggregates (federal-portal forms) are loaded: counts of
    marks, shares, mean score and the journal comparison; `sd` keeps the score's standard
    deviation, `distribution` the counts by primary score (here: at and around the boundaries)."""
    from opora.analytics.work_features import DISTRIBUTION_COLUMNS

    frame = (works if works is not None else works_from_pupils(region)).copy()
    frame["source"] = "aggregates"
    frame["journal_n"] = pd.NA
    frame["journal_gap2"] = pd.NA
    if not sd and not distribution:
        frame["pct_sd"] = np.nan
    if not distribution:
        for column in DISTRIBUTION_COLUMNS:
            frame[column] = pd.NA
    return frame


def tasks_frame(region: SyntheticRegion, year: int | None = None) -> pd.DataFrame:
    """Whole-grade task completion per school × work × task (the TaskIndicator rows of a year)."""
    import ibis

    from opora.analytics.tasks import task_completion, task_specs_table

    year = year or region.spec.year
    pupils = pupil_table(region)
    results = ibis.memtable(pupils).filter(ibis._.year == year)
    frame = task_completion(results, task_specs_table(region.task_specs), by_class=False).to_pandas()
    columns = ["school_code", "procedure", "year", "subject", "grade", "task", "participants", "completion"]
    return frame[columns].astype({"year": "int64", "grade": "int64", "task": "int64",
                                  "participants": "int64"}).reset_index(drop=True)
