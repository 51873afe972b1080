"""Identification of one comparison population (one region) for one year (METHODS.md §4–§6):
context, expected result, quality, objectivity signs, the rule's selection, decline risk,
dynamics, typology, the list proposal and how stable each verdict is — with the numbers behind
every flag (`evidence`) and the population's own numbers (`population`), both JSON-able.

Inputs are the frames described in spec "Identification" (works, tasks, schools, passports,
history); works are first cut to the rule's procedures and subjects and to the population's
schools. Quality index and groups use only works with N ≥ min_participants, like every rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from opora.analytics.evidence import PERTURBATION, evidence_of
from opora.analytics.expected import ExpectedConfig, expected_results
from opora.analytics.judgeability import inventory, not_assessed, rule_warnings, run_warnings
from opora.analytics.objectivity import ObjectivityConfig, objectivity_signs
from opora.analytics.quality import quality_groups, quality_index
from opora.analytics.rules import (
    POPULATION,
    RuleParams,
    Selection,
    counted,
    decide,
    inclusion,
    score,
    stable_context,
    stable_years,
    typology,
)
from opora.analytics.school_change import decline_risk, dynamics
from opora.analytics.spread import with_score_sd
from opora.analytics.swi import SwiResult, social_wellbeing

IDENTIFY_COLUMNS = [
    "school_code", "swi", "swi_stanine", "adverse_context", "result", "expected", "residual", "residual_low",
    "residual_high", "reliability", "position", "typology", "resilient", "quality_index", "quality_group",
    "low_results", "low_score", "decline_risk", "dynamics", "objectivity_index", "objectivity_signs", "repeated",
    "exit", "included", "stable_years", "stable_thresholds", "stable_context", "not_assessed_reason",
]
REASON_NOT_FITTED = "not_fitted"  # too few schools (or no usable school) for the expected-result model
RULE_COLUMNS = ["school_code", "procedure", "year", "subject", "grade", "core", "participants", "mark2", "mark3",
                "mark4", "mark5", "fail_count", "high_count", "fail_share", "high_share", "mean_pct", "pct_sd"]
_FLIP = {"above": "below", "below": "above", "as_expected": "as_expected"}


@dataclass(frozen=True)
class Identification:
    """`schools`: IDENTIFY_COLUMNS, one row per school of the population in its order;
    `evidence`: school_code → flag → {"value", "rule", numbers…}; `population`: the numbers
    shared by every school (SWI population, expected-result fit, quality centroids, regional
    objectivity numbers, region dynamics, selection summary, params, warnings); `warnings`: what the
    rule set could not judge on these data (judgeability.py; with many populations each warning
    names its population)."""

    schools: pd.DataFrame
    evidence: dict[str, dict[str, Any]]
    population: dict[str, Any]
    warnings: list[dict[str, Any]] = field(default_factory=list)


# --- JSON -----------------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """Plain JSON types: numpy scalars as Python ones, NaN/NA as None, tuples as lists, frames as
    lists of records."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | np.ndarray):
        return [jsonable(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return [jsonable(r) for r in value.to_dict("records")]
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# --- Steps ----------------------------------------------------------------------------------------


def _scope(works: pd.DataFrame, codes: pd.Index, params: RuleParams,
           population: pd.Series | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The works of the population in the rule's procedures and subjects: all columns (for the
    objectivity signs), and the columns the rules read with categorical keys (fast group-bys),
    with each school's population when there are several."""
    keep = works["school_code"].astype(str).isin(codes) & works["procedure"].isin(params.procedures)
    if params.subjects is not None:
        keep &= works["subject"].isin(params.subjects)
    full = works if keep.all() else works[keep.to_numpy()]
    narrow = pd.DataFrame({c: full[c] for c in RULE_COLUMNS if c in full.columns})
    for key in ("school_code", "procedure", "subject"):
        narrow[key] = narrow[key].astype(str).astype("category")
    narrow["core"] = narrow["core"].fillna(False).astype(bool)
    if population is not None:
        narrow[POPULATION] = narrow["school_code"].map(population)
    return full.assign(school_code=full["school_code"].astype(str)), narrow


def _measure(works: pd.DataFrame, quality: pd.DataFrame, year: int, params: RuleParams) -> tuple[pd.DataFrame, int]:
    """school_code, result, participants, within_var for the expected-result model, and its
    orientation (+1: higher is better)."""
    if params.expected_measure == "quality_index":
        # The pupils' spread pooled over the works (pupil rows, or estimated for aggregates: spread.py).
        frame = quality.rename(columns={"quality_index": "result", "quality_participants": "participants",
                                        "quality_within_var": "within_var"})
        return frame[["school_code", "result", "participants", "within_var"]], 1
    core = counted(works[(works["year"] == year) & works["core"].astype(bool)], params.min_participants)
    g = core.groupby("school_code", as_index=False)[["participants", "fail_count"]].sum()
    p = g["fail_count"] / g["participants"]
    return pd.DataFrame({"school_code": g["school_code"], "result": p, "participants": g["participants"],
                         "within_var": p * (1 - p)}), -1


def _expected_by(base: pd.DataFrame, params: RuleParams,
                 pops: np.ndarray | None) -> tuple[pd.DataFrame, dict[Any, dict[str, Any]] | dict[str, Any]]:
    """`_expected` once, or once per population (`pops`: one code per row of `base`)."""
    if pops is None:
        return _expected(base, params)
    codes, names = pd.factorize(pops)
    frames, infos = [], {}
    for i, name in enumerate(names):
        frame, infos[name] = _expected(base[codes == i], params)
        frames.append(frame.set_axis(np.flatnonzero(codes == i)))
    out = pd.concat(frames).sort_index() if frames else _expected(base, params)[0]
    return out.reset_index(drop=True), infos


def _expected(base: pd.DataFrame, params: RuleParams) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The oriented expected-result columns (NA with a reason when the model cannot be fitted)."""
    config = ExpectedConfig(factors=("type", "settlement"), min_participants=params.min_participants)
    columns = ["expected", "residual", "residual_low", "residual_high", "reliability", "position", "raw_residual",
               "expected_reason"]
    out = pd.DataFrame({"school_code": base["school_code"]})
    try:
        fit = expected_results(base, config)
    except ValueError as error:
        for column in columns:
            out[column] = np.nan
        out["position"] = pd.Series(pd.NA, index=out.index, dtype="string")
        out["expected_reason"] = REASON_NOT_FITTED
        return out, {"measure": params.expected_measure, "reason": REASON_NOT_FITTED, "error": str(error)}
    s = fit.schools.set_index("school_code").reindex(base["school_code"]).reset_index()
    sign = base["_orientation"].iloc[0] if len(base) else 1
    position = s["position"].astype("string")
    out["expected"] = s["expected"].to_numpy()
    out["raw_residual"] = (sign * s["residual"]).to_numpy()
    out["residual"] = (sign * s["shrunk"]).to_numpy()
    low, high = sign * s["low"], sign * s["high"]
    out["residual_low"] = np.fmin(low, high).to_numpy()
    out["residual_high"] = np.fmax(low, high).to_numpy()
    out["reliability"] = s["reliability"].to_numpy()
    out["position"] = (position.map(_FLIP).astype("string") if sign < 0 else position).to_numpy()
    out["expected_reason"] = s["reason"].fillna("").to_numpy()
    info = {"measure": params.expected_measure, "reason": "", "coefficients": fit.coefficients,
            "reference_levels": fit.reference_levels, "dropped_terms": list(fit.dropped_terms),
            "within_var": fit.within_var, "tau2": fit.tau2, "schools_fitted": fit.schools_fitted,
            "signal": fit.signal, "q": fit.q, "q_df": fit.q_df, "q_p": fit.q_p}
    return out, info


def _swi(passports: pd.DataFrame, params: RuleParams, population: pd.Series | None) -> tuple[SwiResult, Any]:
    """The SWI of the schools against their own population: (result, population table(s))."""
    if population is None:
        swi = social_wellbeing(passports, params.swi_config())
        return swi, swi.population
    codes, names = pd.factorize(passports["school_code"].map(population))
    parts = {name: social_wellbeing(passports[codes == i], params.swi_config()) for i, name in enumerate(names)}
    if not parts:
        return social_wellbeing(passports, params.swi_config()), {}
    schools = pd.concat([p.schools for p in parts.values()], ignore_index=True)
    return SwiResult(schools=schools, population=pd.DataFrame()), {k: p.population for k, p in parts.items()}


def identify(works: pd.DataFrame, tasks: pd.DataFrame | None, schools: pd.DataFrame, passports: pd.DataFrame,
             history: pd.DataFrame | None, year: int, params: RuleParams) -> Identification:
    """Every flag of every school of `schools` for `year` under `params` (see the module doc).

    Many populations at once: when `schools` has a `population` column (e.g. the region code;
    school codes unique over all), every population-level number — SWI z-scores and stanines,
    the expected-result fit, quality groups, regional means, sds and changes of the objectivity
    signs, municipal ranks and cut, regional fail shares of decline risk and dynamics, the years
    of earlier lists — is computed within each school's population, and `schools` and `evidence`
    are those of one call per population; `population` then maps each population code to its
    own dict."""
    codes = pd.Index(schools["school_code"].astype(str).drop_duplicates(), name="school_code")
    schools = schools.assign(school_code=schools["school_code"].astype(str)).drop_duplicates("school_code")
    pop_of = pd.Series(schools[POPULATION].to_numpy(), index=codes) if POPULATION in schools.columns else None
    pops = None if pop_of is None else pop_of.to_numpy()
    history = _history(history)
    loaded = works
    full, works = _scope(with_score_sd(works, pop_of), codes, params, pop_of)
    big = counted(works, params.min_participants)
    out = pd.DataFrame({"school_code": codes.to_numpy(dtype=object)})

    # Context.
    passports = passports.assign(school_code=passports["school_code"].astype(str))
    swi, swi_population = _swi(passports[passports["school_code"].isin(codes)], params, pop_of)
    out = out.merge(swi.schools, on="school_code", how="left")
    out["adverse_context"] = out["adverse_context"].fillna(False).astype(bool)

    # Quality (works with enough pupils only).
    qi = quality_index(big, params.quality_selection, year)
    qg = quality_groups(big, params.quality_selection, year, k=params.k, min_participants=params.min_participants,
                        population=pop_of)
    out = out.merge(qi, on="school_code", how="left").merge(
        qg.schools.rename(columns={"participants": "group_participants", "reason": "group_reason"}),
        on="school_code", how="left")

    # Expected result.
    measure, orientation = _measure(works, qi, year, params)
    base = out[["school_code", "swi_composite"]].merge(schools[["school_code", "type", "settlement"]],
                                                      on="school_code", how="left").merge(
        measure, on="school_code", how="left").assign(_orientation=orientation)
    expected, expected_info = _expected_by(base, params, pops)
    out = out.merge(base[["school_code", "result", "participants"]].rename(
        columns={"participants": "result_participants"}), on="school_code", how="left")
    out = out.merge(expected, on="school_code", how="left")

    # Objectivity signs.
    objectivity = objectivity_signs(full, tasks, schools, year, ObjectivityConfig.from_dict(params.objectivity))
    out = out.merge(objectivity.schools, on="school_code", how="left")
    out["objectivity_signs"] = [v if isinstance(v, list) else [] for v in out["objectivity_signs"]]
    has_signs = out["objectivity_signs"].map(bool).to_numpy(bool)
    index = out.set_index("school_code")["objectivity_index"]

    # Selection, then the same scores decided at perturbed thresholds.
    scores = score(works, codes, year, params, history=history, objectivity=index, groups=qg.schools,
                   population=pop_of)
    selection = decide(scores, params)
    out["low_results"] = selection.schools["low_results"].to_numpy(bool)
    out["low_score"] = selection.schools["low_score"].to_numpy(float)
    perturbed = {f: decide(scores, params.perturbed(f)).schools["low_results"].to_numpy(bool) for f in PERTURBATION}
    out["stable_thresholds"] = np.logical_and.reduce([v == out["low_results"].to_numpy() for v in perturbed.values()])

    decline = decline_risk(works, codes, year, params)
    out["decline_risk"] = decline.schools["decline_risk"].to_numpy(bool)
    dyn = dynamics(works, codes, year, params)
    out["dynamics"] = dyn.schools["dynamics"].astype("string").to_numpy()

    known = out["swi_stanine"].notna()
    out["typology"] = typology(out["adverse_context"], known, out["position"], out["low_results"]).to_numpy()
    out["resilient"] = (out["typology"] == "resilient").fillna(False).astype(bool)

    listed = inclusion(codes, out["low_results"], has_signs, history, year)
    for column in ("included", "exit", "repeated"):
        out[column] = listed[column].to_numpy()
    out["stable_years"] = stable_years(codes, out["included"], history, year, pop_of).to_numpy()
    out["stable_context"] = stable_context(out["low_results"], out["position"]).to_numpy()

    reasons = not_assessed(loaded, codes, year, params, out["reason"],
                           out["school_code"].isin(set(passports["school_code"])))
    out["not_assessed_reason"] = reasons.to_numpy()
    frame = out.rename(columns={"swi_composite": "swi"})
    frame["swi_stanine"] = frame["swi_stanine"].astype("Int64")
    frame["quality_group"] = frame["quality_group"].astype("Int64")
    frame["position"] = frame["position"].astype("string")
    frame["typology"] = frame["typology"].astype("string")
    frame["dynamics"] = frame["dynamics"].astype("string")
    frame["stable_context"] = frame["stable_context"].astype("boolean")
    result = frame[IDENTIFY_COLUMNS].reset_index(drop=True)

    evidence = evidence_of(frame, listed, selection, perturbed, decline, dyn, objectivity.signs, big, year, params,
                         pops)
    warnings = _warnings(loaded, passports, codes, year, params, pops, expected_info, objectivity.region,
                         out["not_assessed_reason"])
    if pops is None:
        population = jsonable({
            "year": year, "schools": len(codes), "params": params.to_dict(), "warnings": warnings,
            "swi": swi_population, "expected": expected_info, "quality_groups": qg.groups,
            "objectivity": objectivity.region, "dynamics": dyn.summary, "selection": selection.summary,
            "decline_risk": {"years": decline.summary.get("years"), "schools": int(out["decline_risk"].sum())},
        })
    else:
        population = _populations(pops, out, params, year, swi_population, expected_info, qg.groups,
                                  objectivity.region, dyn, selection, decline)
        for name, part in population.items():
            part["warnings"] = jsonable([{k: v for k, v in w.items() if k != "population"} for w in warnings
                                         if str(w.get("population")) == name])
    return Identification(schools=result, evidence=evidence, population=population, warnings=jsonable(warnings))


def _warnings(works: pd.DataFrame, passports: pd.DataFrame, codes: pd.Index, year: int, params: RuleParams,
              pops: np.ndarray | None, expected: dict[Any, Any], objectivity: dict[Any, Any],
              reasons: pd.Series) -> list[dict[str, Any]]:
    """The run's warnings (judgeability.py), per population when there are several."""
    if pops is None:
        inv = inventory(works, passports, codes, year, params)
        return rule_warnings(params, inv, year) + run_warnings(expected, objectivity.get("marks", {}), reasons)
    out: list[dict[str, Any]] = []
    keys, names = pd.factorize(pops)
    for i, name in enumerate(names):
        mine = codes[keys == i]
        inv = inventory(works, passports, mine, year, params)
        part = rule_warnings(params, inv, year) + run_warnings(
            expected.get(name, {}), objectivity.get(name, {}).get("marks", {}),
            pd.Series(np.asarray(reasons)[keys == i]))
        out.extend({**w, "population": str(name)} for w in part)
    return out


def _populations(pops: np.ndarray, out: pd.DataFrame, params: RuleParams, year: int, swi: dict[Any, pd.DataFrame],
                 expected: dict[Any, dict[str, Any]], groups: pd.DataFrame, objectivity: dict[Any, Any],
                 dyn: Selection, selection: Selection, decline: Selection) -> dict[str, Any]:
    """population code → the `population` dict one call for that population gives."""
    codes, names = pd.factorize(pops)
    sizes = np.bincount(codes, minlength=len(names))
    low = np.bincount(codes, weights=out["low_results"].to_numpy(float), minlength=len(names))
    risk = np.bincount(codes, weights=out["decline_risk"].to_numpy(float), minlength=len(names))
    dynamics_by = {str(k): v for k, v in dyn.summary.get("populations", {}).items()}
    selection_by = selection.summary.get("populations")
    result = {}
    for i, name in enumerate(names):
        result[str(name)] = jsonable({
            "year": year, "schools": int(sizes[i]), "params": params.to_dict(),
            "swi": swi.get(name, pd.DataFrame()), "expected": expected.get(name, {}),
            "quality_groups": groups[groups[POPULATION] == name].drop(columns=POPULATION),
            "objectivity": objectivity.get(name, {}), "dynamics": dynamics_by.get(str(name), {}),
            "selection": selection_by.get(name, {}) if selection_by is not None else {"selected": int(low[i])},
            "decline_risk": {"years": decline.summary.get("years"), "schools": int(risk[i])},
        })
    return result


def _history(history: pd.DataFrame | None) -> pd.DataFrame:
    columns = ["school_code", "year", "included", "exit"]
    if history is None or history.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return history.assign(school_code=history["school_code"].astype(str), year=history["year"].astype(int),
                          included=history["included"].fillna(False).astype(bool))


# --- Evidence --------------------------------------------------------------------------------------
