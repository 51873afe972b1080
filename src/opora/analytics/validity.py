"""How well identification recovers the truth of a synthetic region (`analytics/synthetic.py`):
the scenarios of the validity check and the figures per flag — recall on the planted schools,
the share of ordinary schools marked (false-positive rate), precision, correlations. Used by
`benchmarks/validity.py` (the printed table) and the validity tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from opora.analytics.identify import Identification, identify
from opora.analytics.rules import KINDS, RuleParams
from opora.analytics.synthetic import (
    DEFAULT_PLANTED,
    INFLATED,
    RegionSpec,
    SyntheticRegion,
    generate,
    latest_passports,
    tasks_frame,
    true_quality_effect,
    works_from_aggregates,
    works_from_pupils,
)

# Which sign should find which planted inflation.
SIGN_FOR = {"boundary": "boundary_peak", "journal": "journal_gap", "jump": "unstable_jump",
            "leak": "inverted_difficulty"}
LOW_KINDS = ("low", "ceiling")


@dataclass(frozen=True)
class Scenario:
    """A region and what Opora is given of it: `source` pupils / aggregates (with the optional
    `sd` or `distribution` columns)."""

    name: str
    spec: RegionSpec = field(default_factory=RegionSpec)
    source: str = "pupils"
    sd: bool = False
    distribution: bool = False
    description: str = ""


SCENARIOS: dict[str, Scenario] = {s.name: s for s in (
    Scenario("ordinary", description="all procedures from pupil rows, planted schools of every kind"),
    Scenario("aggregates", source="aggregates", description="aggregates only: marks, mean score, journal counts"),
    Scenario("aggregates_sd", source="aggregates", sd=True, description="aggregates with the score's sd"),
    Scenario("aggregates_distribution", source="aggregates", sd=True, distribution=True,
             description="aggregates with the distribution of primary scores"),
    Scenario("vpr_only", spec=RegionSpec(procedures=("vpr",)), description="only ВПР loaded"),
    Scenario("shift", spec=RegionSpec(shift={2025: 0.5}), description="a harder ВПР form in 2025 for everyone"),
    Scenario("no_inflation", spec=RegionSpec(planted={k: v for k, v in DEFAULT_PLANTED.items() if k not in INFLATED}),
             description="no planted inflation"),
)}


@dataclass(frozen=True)
class Generated:
    region: SyntheticRegion
    works: pd.DataFrame
    tasks: pd.DataFrame
    schools: pd.DataFrame
    passports: pd.DataFrame


def prepare(scenario: Scenario, seed: int) -> Generated:
    region = generate(scenario.spec, seed)
    works = works_from_pupils(region)
    if scenario.source == "aggregates":
        works = works_from_aggregates(region, sd=scenario.sd, distribution=scenario.distribution, works=works)
        tasks = tasks_frame(region)  # aggregates forms carry task completion too
    else:
        tasks = tasks_frame(region)
    return Generated(region=region, works=works, tasks=tasks, schools=region.schools,
                     passports=latest_passports(region))


def run(generated: Generated, kind: str, **params: Any) -> Identification:
    rule = RuleParams(kind=kind, **params)
    return identify(generated.works, generated.tasks, generated.schools, generated.passports, None,
                    generated.region.spec.year, rule)


def _share(mask: pd.Series) -> float:
    return float(mask.mean()) if len(mask) else float("nan")


def figures(generated: Generated, result: Identification, kind: str) -> list[dict[str, Any]]:
    """Rows of (flag, measure, value) for one rule set's identification of the region."""
    truth = generated.region.truth.set_index("school_code")
    s = result.schools.set_index("school_code").join(truth)
    ordinary = s["kind"] == "ordinary"
    rows: list[dict[str, Any]] = []

    def add(flag: str, measure: str, value: float, target: str = "") -> None:
        rows.append({"rule_set": kind, "flag": flag, "measure": measure, "value": value, "target": target})

    low = s["low_results"].astype(bool)
    add("low_results", "recall (planted low)", _share(low[s["kind"].isin(LOW_KINDS)]))
    add("low_results", "tiny flagged", float(low[s["kind"] == "tiny"].sum()), "0")
    add("low_results", "schools flagged", float(low.sum()))
    if kind == "quality":
        residual = pd.to_numeric(s["residual"], errors="coerce")
        judged = residual.notna()
        true = true_quality_effect(generated.region).reindex(s.index)
        # Inflated results are not the school's real level: the residual rightly shows them high.
        both = judged & true.notna() & ~s["kind"].isin(INFLATED)
        add("expected", "corr(residual, true effect)",
            float(np.corrcoef(residual[both], true[both])[0, 1]) if both.sum() > 2 else float("nan"), "≥ 0.95")
        add("expected", "share of residuals exactly 0", _share(residual[judged] == 0))
        add("expected", "share above or below", _share(s.loc[judged, "position"].isin(["above", "below"])))
        resilient = s["typology"] == "resilient"
        add("resilient", "recall (planted resilient)", _share(resilient[s["kind"] == "resilient"]))
        add("resilient", "ordinary marked", _share(resilient[ordinary]))
    dyn = s["dynamics"].astype("string")
    moved = dyn.isin(["improved", "declined"])
    add("dynamics", "ordinary improved or declined", _share(moved[ordinary]), "≤ 5%")
    add("dynamics", "recall declined (planted declining)", _share((dyn == "declined")[s["kind"] == "declining"]),
        "≥ 80%")
    add("dynamics", "recall improved (planted improving)", _share((dyn == "improved")[s["kind"] == "improving"]))
    risk = s["decline_risk"].astype(bool)
    add("decline_risk", "recall (planted declining)", _share(risk[s["kind"] == "declining"]), "≥ 80%")
    add("decline_risk", "ordinary marked", _share(risk[ordinary]))
    signs = s["objectivity_signs"].map(lambda v: list(v) if isinstance(v, list | tuple | np.ndarray) else [])
    for sign in ("above_region", "inverted_difficulty", "boundary_peak", "journal_gap", "unstable_jump"):
        has = signs.map(lambda v, sign=sign: sign in v)
        add(sign, "ordinary marked", _share(has[ordinary]), "≤ 5%")
        planted = [k for k, v in SIGN_FOR.items() if v == sign]
        for k in planted:
            if (s["kind"] == k).any():
                add(sign, f"recall ({k})", _share(has[s["kind"] == k]), "≥ 80%")
        marked = has[s["kind"].isin(INFLATED) | ordinary]
        if marked.any():  # any planted inflation counts: a jump also shows in the journal gap
            inflated = s.loc[marked[marked].index, "kind"].isin(INFLATED)
            add(sign, "precision (marked that are inflated)", _share(inflated))
    anything = signs.map(bool)
    add("objectivity", "ordinary with any sign", _share(anything[ordinary]))
    return rows


def scenario_figures(name: str, seed: int, kinds: tuple[str, ...] = KINDS,
                     adjust: Callable[[RuleParams], RuleParams] | None = None) -> pd.DataFrame:
    scenario = SCENARIOS[name]
    generated = prepare(scenario, seed)
    rows = []
    for kind in kinds:
        result = run(generated, kind)
        if adjust is not None:
            result = identify(generated.works, generated.tasks, generated.schools, generated.passports, None,
                              generated.region.spec.year, adjust(RuleParams(kind=kind)))
        rows.extend(figures(generated, result, kind))
    frame = pd.DataFrame(rows)
    return frame.assign(scenario=name, seed=seed)


__all__ = ["SCENARIOS", "Scenario", "figures", "prepare", "run", "scenario_figures", "replace"]
