"""A synthetic region with known truth for the identification tests (and any test or benchmark
that needs identification inputs): `build_region()` gives the five input frames of
`opora.analytics.identify.identify` for three years, 2023–2025, deterministic for a seed.

Ordinary schools ("s0001"…) have a context c ~ N(0, 1) that drives their social passport and
their results (fail share falls and high share rises with c), constant over the years except for
±1 pupil of noise per work, so they show no dynamics. Named schools carry the truth
(`Region.truth`):
- low1..low4: 45% fails in every procedure and year (flagged by every rule, far from the bars);
- edge: exactly 30% fails in ВПР and ОГЭ every year (flagged by the federal rule, right at the bar);
- tiny: 8 pupils per work, all failing (never flagged: too few pupils);
- declining: ВПР and ОГЭ fail share 4% → 16% → 28% while the region stays put (decline risk, not low);
- improving: 40% fails in 2023–2024, 10% in 2025 (dynamics improved);
- resilient: the most adverse context, results far above its peers (typology resilient);
- inflated: in the 2023 and 2024 lists, ordinary fails, but its 2025 ВПР is implausible (far above
  the region, unconfirmed by ОГЭ/ЕГЭ, pupils piled on the mark-3 boundary, journal marks far below)
  — no longer low, kept in the list for its objectivity signs;
- leaver: in the 2024 list, ordinary and steady results now — exits.
`good` lists the ordinary schools with the fewest fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

YEARS = (2023, 2024, 2025)
YEAR = YEARS[-1]
# procedure, grade, subject, core, score_kind, base participants
WORKS = [
    ("vpr", 5, "ru", True, "mark", 50), ("vpr", 5, "math", True, "mark", 50), ("vpr", 5, "bio", False, "mark", 50),
    ("vpr", 6, "ru", True, "mark", 50), ("vpr", 6, "math", True, "mark", 50), ("vpr", 6, "hist", False, "mark", 50),
    ("oge", 9, "ru", True, "mark", 40), ("oge", 9, "math", True, "mark", 40), ("oge", 9, "soc", False, "mark", 40),
    ("ege", 11, "ru", True, "test_score", 25), ("ege", 11, "math", True, "test_score", 25),
]
WORK_COLUMNS = [
    "school_code", "procedure", "year", "subject", "grade", "source", "core", "score_kind", "participants",
    "mark2", "mark3", "mark4", "mark5", "fail_count", "high_count", "fail_share", "high_share", "mean_pct",
    "mean_mark", "lowered", "confirmed", "raised", "journal_n", "journal_gap2",
    "b3_at", "b3_below", "b4_at", "b4_below", "b5_at", "b5_below",
]
PASSPORT = {  # indicator: (mean, change per unit of context c)
    "parents_higher_education": (0.35, 0.10), "single_parent_families": (0.20, -0.04),
    "low_income_families": (0.15, -0.05), "large_families": (0.12, -0.02), "unemployed_parents": (0.06, -0.02),
    "non_russian_home_language": (0.04, -0.01), "special_needs": (0.05, -0.012),
    "prevention_register": (0.02, -0.008),
}
TASKS = 10
# name: context c, type, settlement, fail share, high share, size, school effect on mean_pct (points)
NAMED = {
    "low1": (-0.3, "secondary", "city", 0.45, 0.12, 1.0, -3.0),
    "low2": (-0.6, "secondary", "town", 0.45, 0.12, 1.2, -3.0),
    "low3": (-0.9, "secondary", "city", 0.45, 0.12, 0.9, -3.0),
    "low4": (-1.2, "secondary", "village", 0.45, 0.12, 1.0, -3.0),
    "edge": (0.0, "secondary", "city", 0.30, 0.30, 1.0, 0.0),
    "tiny": (-1.0, "basic", "village", 1.00, 0.00, 1.0, 0.0),
    "declining": (0.2, "secondary", "city", 0.04, 0.40, 1.0, 0.0),
    "improving": (-0.2, "secondary", "town", 0.40, 0.20, 1.0, 0.0),
    "resilient": (-2.3, "secondary", "village", 0.03, 0.75, 1.0, 8.0),
    "inflated": (0.0, "secondary", "city", 0.10, 0.45, 1.0, 0.0),
    "leaver": (0.3, "secondary", "city", 0.10, 0.45, 1.0, 0.0),
}


@dataclass
class Region:
    works: pd.DataFrame
    tasks: pd.DataFrame
    schools: pd.DataFrame
    passports: pd.DataFrame
    history: pd.DataFrame
    year: int = YEAR
    truth: dict[str, list[str]] = field(default_factory=dict)


def _schools(ordinary: int, rng: np.random.Generator) -> pd.DataFrame:
    c = rng.normal(0, 1, ordinary)
    kind = np.where(c > 1.2, np.where(np.arange(ordinary) % 2 == 0, "lyceum", "gymnasium"),
                    np.where(np.arange(ordinary) % 8 == 3, "basic", "secondary"))
    out = pd.DataFrame({
        "school_code": [f"s{i:04d}" for i in range(1, ordinary + 1)],
        "c": c,
        "type": kind,
        "settlement": rng.choice(["city", "town", "village"], ordinary, p=[0.6, 0.25, 0.15]),
        "fail": np.clip(0.12 - 0.05 * c + rng.normal(0, 0.02, ordinary), 0.02, 0.22),
        "high": np.clip(0.45 + 0.10 * c + rng.normal(0, 0.04, ordinary), 0.15, 0.75),
        "size": rng.uniform(0.5, 2.0, ordinary),
        "effect": rng.normal(0, 4.0, ordinary),
        "named": False,
    })
    named = pd.DataFrame([(code, *values, True) for code, values in NAMED.items()], columns=out.columns)
    out = pd.concat([out, named], ignore_index=True)
    out["municipality_code"] = [f"m{i % 4 + 1}" for i in range(len(out))]
    out["selective"] = out["type"].isin(["lyceum", "gymnasium", "in_depth"])
    return out


def _plan(schools: pd.DataFrame, rng: np.random.Generator, jump: float) -> pd.DataFrame:
    """Every school × work × year with its target fail and high shares."""
    works = pd.DataFrame(WORKS, columns=["procedure", "grade", "subject", "core", "score_kind", "base"])
    plan = schools.merge(works, how="cross").merge(pd.DataFrame({"year": YEARS}), how="cross")
    plan = plan[~((plan["type"] == "basic") & (plan["procedure"] == "ege"))].reset_index(drop=True)
    code, procedure, year = plan["school_code"], plan["procedure"], plan["year"]
    plan["n"] = np.maximum(np.round(plan["base"] * plan["size"]), 10).astype(int)
    plan.loc[code == "tiny", "n"] = 8
    f, h = plan["fail"].to_numpy(copy=True), plan["high"].to_numpy(copy=True)
    vpr_oge = procedure.isin(["vpr", "oge"]).to_numpy()
    edge = (code == "edge").to_numpy()
    f[edge & ~vpr_oge], h[edge & ~vpr_oge] = 0.08, 0.40
    declining = (code == "declining").to_numpy() & vpr_oge
    f[declining] = year[declining].map({2023: 0.04, 2024: 0.16, 2025: 0.28}).to_numpy()
    improving = ((code == "improving") & (year == YEAR)).to_numpy()
    f[improving], h[improving] = 0.10, 0.40
    inflated = ((code == "inflated") & (year == YEAR) & (procedure == "vpr")).to_numpy()
    f[inflated], h[inflated] = 0.0, 0.95
    plan["f"], plan["h"] = f, h
    plan["shift"] = np.where(year == YEAR, jump, 0.0)
    # ±1 pupil of noise on ordinary schools' fails in other subjects: core results stay put (no dynamics).
    plan["noise"] = np.where(plan["named"] | plan["core"], 0, rng.integers(-1, 2, len(plan)))
    # Sampling noise of the mean score (20 points per pupil), redrawn every year; none for named schools.
    plan["pct_noise"] = np.where(plan["named"], 0.0, rng.normal(0, 1, len(plan)) * 20 / np.sqrt(plan["n"]))
    return plan


def _nullable(values: np.ndarray, known: np.ndarray) -> pd.Series:
    return pd.Series(values, dtype="Int64").where(known)


def _works(plan: pd.DataFrame) -> pd.DataFrame:
    n = plan["n"].to_numpy()
    # A harder test moves every school by the same amount on the logit scale (a latent shift).
    f = np.clip(plan["f"].to_numpy(float), 1e-6, 1 - 1e-6)
    shifted = np.where(plan["shift"] > 0, 1 / (1 + np.exp(-(np.log(f / (1 - f)) + plan["shift"]))), plan["f"])
    fail = np.clip(np.round(n * np.clip(shifted, 0, 1)) + plan["noise"], 0, n).astype(int)
    high = np.minimum(np.round(n * plan["h"] * np.where(plan["shift"] > 0, 0.6, 1.0)), n - fail).astype(int)
    mark4 = np.round(high * 0.65).astype(int)
    mark5, mark3 = high - mark4, n - fail - high
    marks = plan["score_kind"].eq("mark").to_numpy()
    pct = 100 * (0.25 * fail + 0.5 * mark3 + 0.7 * mark4 + 0.88 * mark5) / n + plan["effect"] + plan["pct_noise"]
    inflated = ((plan["school_code"] == "inflated") & (plan["year"] == YEAR)).to_numpy()
    vpr = plan["procedure"].eq("vpr").to_numpy()
    pct = np.where(inflated & vpr, 92.0, np.where(inflated, pct - 6.0, pct))
    journal = vpr
    out = pd.DataFrame({
        "school_code": plan["school_code"], "procedure": plan["procedure"], "year": plan["year"],
        "subject": plan["subject"], "grade": plan["grade"],
        "source": np.where(vpr, "pupils", "aggregates"), "core": plan["core"], "score_kind": plan["score_kind"],
        "participants": n,
        "mark2": np.where(marks, fail, 0), "mark3": np.where(marks, mark3, 0),
        "mark4": np.where(marks, mark4, 0), "mark5": np.where(marks, mark5, 0),
        "fail_count": fail, "high_count": high, "fail_share": fail / n, "high_share": high / n,
        "mean_pct": np.clip(pct, 0, 100),
        "mean_mark": np.where(marks, (2 * fail + 3 * mark3 + 4 * mark4 + 5 * mark5) / n, np.nan),
    })
    lowered = np.where(inflated, 0, np.round(0.12 * n)).astype(int)
    raised = np.where(inflated, np.round(0.6 * n), np.round(0.08 * n)).astype(int)
    counts = {
        "lowered": lowered, "confirmed": n - lowered - raised, "raised": raised, "journal_n": n,
        "journal_gap2": np.where(inflated, np.round(0.4 * n), np.round(0.02 * n)).astype(int),
    }
    for name, values in counts.items():
        out[name] = _nullable(values, journal)
    usual = np.round(0.06 * n).astype(int)
    for m in (3, 4, 5):
        at = np.where(inflated & (m == 3), np.round(0.24 * n), usual).astype(int)
        below = np.where(inflated & (m == 3), 0, usual)
        out[f"b{m}_at"] = _nullable(at, journal & marks)
        out[f"b{m}_below"] = _nullable(below, journal & marks)
    return out[WORK_COLUMNS].reset_index(drop=True)


def _tasks(works: pd.DataFrame) -> pd.DataFrame:
    """ВПР task completion in the year under study: easy tasks first, shifted by the school's mean."""
    current = works[(works["year"] == YEAR) & (works["procedure"] == "vpr")]
    difficulty = pd.DataFrame({"task": np.arange(1, TASKS + 1), "base": np.linspace(0.85, 0.25, TASKS)})
    rows = current[["school_code", "procedure", "year", "subject", "grade", "participants", "mean_pct"]].merge(
        difficulty, how="cross")
    completion = rows["base"] + (rows["mean_pct"] - 55) / 100
    return rows.assign(completion=np.clip(completion, 0, 1)).drop(columns=["base", "mean_pct"]).reset_index(drop=True)


def build_region(*, ordinary: int = 49, seed: int = 4, jump: float = 0.0) -> Region:
    """The region: `ordinary` ordinary schools plus the named ones. `jump` moves every school's
    fail share in 2025 by that much on the logit scale (a new, harder test) and cuts the high shares."""
    rng = np.random.default_rng(seed)
    schools = _schools(ordinary, rng)
    works = _works(_plan(schools, rng, jump))
    passports = pd.DataFrame({"school_code": schools["school_code"]})
    for name, (mean, slope) in PASSPORT.items():
        passports[name] = np.clip(mean + slope * schools["c"] + rng.normal(0, 0.005, len(schools)), 0, 1)
    history = pd.DataFrame(
        [(code, year, True, False) for year in (2023, 2024) for code in ("low1", "low2", "low3", "low4", "inflated")]
        + [("leaver", 2024, True, False)], columns=["school_code", "year", "included", "exit"])
    ordinary_rows = schools[~schools["named"]]
    truth = {
        "low": ["low1", "low2", "low3", "low4"],
        "good": ordinary_rows.nsmallest(10, "fail")["school_code"].tolist(),
        **{name: [name] for name in NAMED if not name.startswith("low")},
    }
    return Region(works=works, tasks=_tasks(works),
                  schools=schools[["school_code", "municipality_code", "type", "settlement", "selective"]].copy(),
                  passports=passports, history=history, year=YEAR, truth=truth)
