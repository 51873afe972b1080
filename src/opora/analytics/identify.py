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
from dataclasses import dataclass
from itertools import groupby
from typing import Any

import numpy as np
import pandas as pd

from opora.analytics.expected import ExpectedConfig, expected_results
from opora.analytics.objectivity import ObjectivityConfig, objectivity_signs
from opora.analytics.quality import quality_groups, quality_index
from opora.analytics.rules import (
    REASON_KEPT,
    Z95,
    RuleParams,
    Selection,
    counted,
    decide,
    decline_risk,
    dynamics,
    inclusion,
    score,
    stable_context,
    stable_years,
    typology,
)
from opora.analytics.swi import social_wellbeing

IDENTIFY_COLUMNS = [
    "school_code", "swi", "swi_stanine", "adverse_context", "result", "expected", "residual", "residual_low",
    "residual_high", "reliability", "position", "typology", "resilient", "quality_index", "quality_group",
    "low_results", "low_score", "decline_risk", "dynamics", "objectivity_index", "objectivity_signs", "repeated",
    "exit", "included", "stable_years", "stable_thresholds", "stable_context",
]
REASON_NOT_FITTED = "not_fitted"  # too few schools (or no usable school) for the expected-result model
PERTURBATION = (0.9, 1.1)
RULE_COLUMNS = ["school_code", "procedure", "year", "subject", "grade", "core", "participants", "mark2", "mark3",
                "mark4", "mark5", "fail_count", "high_count", "fail_share", "high_share", "mean_pct"]
_FLIP = {"above": "below", "below": "above", "as_expected": "as_expected"}


@dataclass(frozen=True)
class Identification:
    """`schools`: IDENTIFY_COLUMNS, one row per school of the population in its order;
    `evidence`: school_code → flag → {"value", "rule", numbers…}; `population`: the numbers
    shared by every school (SWI population, expected-result fit, quality centroids, regional
    objectivity numbers, region dynamics, selection summary, params)."""

    schools: pd.DataFrame
    evidence: dict[str, dict[str, Any]]
    population: dict[str, Any]


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


def _values(series: pd.Series) -> list[Any]:
    """A column as a list of Python values, NaN/NA → None."""
    return series.to_numpy(dtype=object, na_value=None).tolist()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    keys = [str(c) for c in frame.columns]  # a list: zipping with a pandas Index is ten times slower
    columns = [_values(frame[c]) for c in frame.columns]
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]


def _by_school(frame: pd.DataFrame, columns: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Records of `columns` grouped by school_code."""
    if frame.empty:
        return {}
    frame = frame.sort_values("school_code", kind="stable")
    rows = zip(frame["school_code"].tolist(), _records(frame[columns]), strict=True)
    return {code: [r for _, r in group] for code, group in groupby(rows, key=lambda x: x[0])}


# --- Steps ----------------------------------------------------------------------------------------


def _scope(works: pd.DataFrame, codes: pd.Index, params: RuleParams) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The works of the population in the rule's procedures and subjects: all columns (for the
    objectivity signs), and the columns the rules read with categorical keys (fast group-bys)."""
    keep = works["school_code"].astype(str).isin(codes) & works["procedure"].isin(params.procedures)
    if params.subjects is not None:
        keep &= works["subject"].isin(params.subjects)
    full = works if keep.all() else works[keep.to_numpy()]
    narrow = pd.DataFrame({c: full[c] for c in RULE_COLUMNS if c in full.columns})
    for key in ("school_code", "procedure", "subject"):
        narrow[key] = narrow[key].astype(str).astype("category")
    narrow["core"] = narrow["core"].fillna(False).astype(bool)
    return full.assign(school_code=full["school_code"].astype(str)), narrow


def _measure(works: pd.DataFrame, quality: pd.DataFrame, year: int, params: RuleParams) -> tuple[pd.DataFrame, int]:
    """school_code, result, participants, within_var for the expected-result model, and its
    orientation (+1: higher is better)."""
    if params.expected_measure == "quality_index":
        frame = quality.rename(columns={"quality_index": "result", "quality_participants": "participants"})
        # Pupils' variance of a score in [0, 1] with mean q is at most q(1 − q) (Bhatia–Davis): the works
        # carry no pupil spread, and the bound errs towards calling fewer schools above or below.
        return frame.assign(within_var=frame["result"] * (1 - frame["result"]))[
            ["school_code", "result", "participants", "within_var"]], 1
    core = counted(works[(works["year"] == year) & works["core"].astype(bool)], params.min_participants)
    g = core.groupby("school_code", as_index=False)[["participants", "fail_count"]].sum()
    p = g["fail_count"] / g["participants"]
    return pd.DataFrame({"school_code": g["school_code"], "result": p, "participants": g["participants"],
                         "within_var": p * (1 - p)}), -1


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
            "within_var": fit.within_var, "tau2": fit.tau2, "schools_fitted": fit.schools_fitted}
    return out, info


_STATUS_RANK = {"not_enough_data": 0, "absent": 1, "present": 2}


def _sign_statuses(signs: pd.DataFrame, codes: list[str]) -> list[dict[str, str]]:
    """Per school (in the order of `codes`) each sign's best status: present > absent > not_enough_data."""
    if signs.empty:
        return [{} for _ in codes]
    rank = signs["status"].map(_STATUS_RANK).fillna(0).astype(int)
    best = rank.groupby([signs["school_code"].astype(str), signs["sign"].astype(str)]).max().unstack("sign")
    best = best.reindex(pd.Index(codes))
    names = {v: k for k, v in _STATUS_RANK.items()}
    columns = [(sign, best[sign].to_numpy()) for sign in best.columns]
    return [{sign: names[int(v[i])] for sign, v in columns if v[i] == v[i]} for i in range(len(codes))]


def identify(works: pd.DataFrame, tasks: pd.DataFrame | None, schools: pd.DataFrame, passports: pd.DataFrame,
             history: pd.DataFrame | None, year: int, params: RuleParams) -> Identification:
    """Every flag of every school of `schools` for `year` under `params` (see the module doc)."""
    codes = pd.Index(schools["school_code"].astype(str).drop_duplicates(), name="school_code")
    schools = schools.assign(school_code=schools["school_code"].astype(str)).drop_duplicates("school_code")
    history = _history(history)
    full, works = _scope(works, codes, params)
    big = counted(works, params.min_participants)
    out = pd.DataFrame({"school_code": codes.to_numpy(dtype=object)})

    # Context.
    passports = passports.assign(school_code=passports["school_code"].astype(str))
    swi = social_wellbeing(passports[passports["school_code"].isin(codes)], params.swi_config())
    out = out.merge(swi.schools, on="school_code", how="left")
    out["adverse_context"] = out["adverse_context"].fillna(False).astype(bool)

    # Quality (works with enough pupils only).
    qi = quality_index(big, params.quality_selection, year)
    qg = quality_groups(big, params.quality_selection, year, k=params.k, min_participants=params.min_participants)
    out = out.merge(qi, on="school_code", how="left").merge(
        qg.schools.rename(columns={"participants": "group_participants", "reason": "group_reason"}),
        on="school_code", how="left")

    # Expected result.
    measure, orientation = _measure(works, qi, year, params)
    base = out[["school_code", "swi_composite"]].merge(schools[["school_code", "type", "settlement"]],
                                                      on="school_code", how="left").merge(
        measure, on="school_code", how="left").assign(_orientation=orientation)
    expected, expected_info = _expected(base, params)
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
    scores = score(works, codes, year, params, history=history, objectivity=index, groups=qg.schools)
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
    out["stable_years"] = stable_years(codes, out["included"], history, year).to_numpy()
    out["stable_context"] = stable_context(out["low_results"], out["position"]).to_numpy()

    frame = out.rename(columns={"swi_composite": "swi"})
    frame["swi_stanine"] = frame["swi_stanine"].astype("Int64")
    frame["quality_group"] = frame["quality_group"].astype("Int64")
    frame["position"] = frame["position"].astype("string")
    frame["typology"] = frame["typology"].astype("string")
    frame["dynamics"] = frame["dynamics"].astype("string")
    frame["stable_context"] = frame["stable_context"].astype("boolean")
    result = frame[IDENTIFY_COLUMNS].reset_index(drop=True)

    evidence = _evidence(frame, listed, selection, perturbed, decline, dyn, objectivity.signs, big, year, params)
    population = jsonable({
        "year": year, "schools": len(codes), "params": params.to_dict(),
        "swi": swi.population, "expected": expected_info, "quality_groups": qg.groups,
        "objectivity": objectivity.region, "dynamics": dyn.summary, "selection": selection.summary,
        "decline_risk": {"years": decline.summary.get("years"), "schools": int(out["decline_risk"].sum())},
    })
    return Identification(schools=result, evidence=evidence, population=population)


def _history(history: pd.DataFrame | None) -> pd.DataFrame:
    columns = ["school_code", "year", "included", "exit"]
    if history is None or history.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return history.assign(school_code=history["school_code"].astype(str), year=history["year"].astype(int),
                          included=history["included"].fillna(False).astype(bool))


# --- Evidence --------------------------------------------------------------------------------------


def _evidence(frame: pd.DataFrame, listed: pd.DataFrame, selection: Selection, perturbed: dict[float, np.ndarray],
              decline: Selection, dyn: Selection, signs: pd.DataFrame, big: pd.DataFrame, year: int,
              params: RuleParams) -> dict[str, dict[str, Any]]:
    """One JSON-able dict per school: flag → {"value", "rule", numbers}."""
    codes = frame["school_code"].tolist()
    col = {c: _values(frame[c]) for c in frame.columns if c not in ("objectivity_signs",)}
    rule = params.selection_rule()
    swi_rule = {"min_indicators": params.swi["min_indicators"], "adverse_stanines": params.swi["adverse_stanines"]}
    expected_rule = {"measure": params.expected_measure, "factors": ["swi", "type", "settlement"],
                     "min_participants": params.min_participants, "z": Z95}
    quality_rule = {"selection": {p: list(g) for p, g in params.quality_selection.items()}, "k": params.k,
                    "min_participants": params.min_participants}
    decline_rule = {"decline_bar": params.decline_bar, "fail_bar": params.fail_bar,
                    "min_participants": params.min_participants, "years": decline.summary.get("years")}
    dynamics_rule = {"min_participants": params.min_participants, "z": Z95, "subjects": "core"}
    typology_rule = {"adverse_stanines": params.swi["adverse_stanines"]}
    objectivity_rule = {"weights": params.objectivity.get("weights")}
    list_rule = {"kind": params.kind}
    stability_rule = {"factors": list(PERTURBATION)}

    low = _low_numbers(selection, frame["school_code"], big, year, params)
    decline_works = _by_school(decline.detail, [c for c in decline.detail.columns if c != "school_code"])
    dyn_cols = [c for c in ("fail_before", "fail_now", "participants_before", "participants_now", "change",
                            "region_change", "relative_change", "se") if c in dyn.schools.columns]
    dyn_values = {c: _values(dyn.schools[c]) for c in dyn_cols}
    statuses = _sign_statuses(signs, codes)
    present = signs[signs["status"] == "present"]
    present_rows = _by_school(present, ["sign", "procedure", "subject", "grade", "numbers"])
    share_cols = [c for c in ("share2", "share3", "share4", "share5") if c in frame.columns]
    shares = {c: _values(frame[c]) for c in share_cols}
    reason = listed["reason"].tolist()
    earlier, last_year = listed["earlier"].tolist(), listed["last_year"].tolist()
    at = {f: v.tolist() for f, v in perturbed.items()}
    signs_listed = frame["objectivity_signs"].tolist()

    evidence: dict[str, dict[str, Any]] = {}
    for i, code in enumerate(codes):
        lows = col["low_results"][i]
        evidence[code] = {
            "low_results": {"value": lows, "rule": rule, "score": col["low_score"][i], **low[i]},
            "adverse_context": {"value": col["adverse_context"][i], "rule": swi_rule, "swi": col["swi"][i],
                                "stanine": col["swi_stanine"][i], "indicators_used": col["indicators_used"][i],
                                "reason": col["reason"][i] or ""},
            "expected": {"value": col["expected"][i], "rule": expected_rule, "result": col["result"][i],
                         "participants": col["result_participants"][i], "residual": col["raw_residual"][i],
                         "shrunk": col["residual"][i], "low": col["residual_low"][i],
                         "high": col["residual_high"][i], "reliability": col["reliability"][i],
                         "position": col["position"][i], "reason": col["expected_reason"][i] or ""},
            "typology": {"value": col["typology"][i], "rule": typology_rule,
                         "adverse_context": col["adverse_context"][i], "position": col["position"][i],
                         "low_results": lows},
            "quality": {"value": col["quality_group"][i], "rule": quality_rule,
                        "quality_index": col["quality_index"][i], "participants": col["quality_participants"][i],
                        "group_participants": col["group_participants"][i], "mean_mark": col["mean_mark"][i],
                        **{c: shares[c][i] for c in share_cols}, "reason": col["group_reason"][i] or ""},
            "decline_risk": {"value": col["decline_risk"][i], "rule": decline_rule,
                             "works": decline_works.get(code, [])},
            "dynamics": {"value": col["dynamics"][i], "rule": dynamics_rule,
                         **{c: dyn_values[c][i] for c in dyn_cols}},
            "objectivity": {"value": col["objectivity_index"][i], "rule": objectivity_rule,
                            "signs": list(signs_listed[i]), "signs_evaluated": col["signs_evaluated"][i],
                            "statuses": statuses[i], "present": present_rows.get(code, [])},
            "repeated": {"value": col["repeated"][i], "rule": list_rule, "earlier": earlier[i],
                         "included": col["included"][i]},
            "exit": {"value": col["exit"][i], "rule": list_rule, "last_year": last_year[i],
                     "included": col["included"][i], "reason": reason[i],
                     "kept": reason[i] == REASON_KEPT},
            "stability": {"value": col["stable_thresholds"][i], "rule": stability_rule,
                          "stable_years": col["stable_years"][i], "stable_thresholds": col["stable_thresholds"][i],
                          "low_at": {str(f): at[f][i] for f in PERTURBATION},
                          "stable_context": col["stable_context"][i]},
        }
    return evidence


def _rule_works(big: pd.DataFrame, flagged: set[str], year: int, params: RuleParams) -> pd.DataFrame:
    """The works (N ≥ min_participants) the rule read for the flagged schools."""
    sub = big[big["school_code"].isin(flagged).to_numpy()]
    if params.kind == "federal":
        return sub[sub["year"].isin([year - 1, year]).to_numpy()]
    if params.kind == "municipal":
        return sub[sub["year"].between(year - params.years + 1, year).to_numpy()]
    pairs = {(p, g) for p, grades in params.quality_selection.items() for g in grades}
    chosen = [(p, g) in pairs for p, g in zip(sub["procedure"].astype(str), sub["grade"], strict=True)]
    return sub[(sub["year"] == year).to_numpy() & sub["core"].to_numpy(bool) & np.array(chosen, dtype=bool)]


def _low_numbers(selection: Selection, codes: pd.Series, big: pd.DataFrame, year: int,
                 params: RuleParams) -> list[dict[str, Any]]:
    """Per school the numbers behind the rule's verdict, in the order of `codes`; the works read
    are listed for the flagged schools only (the others show the pooled numbers)."""
    s = selection.schools.set_index("school_code").reindex(codes)
    if params.kind == "federal":
        detail = _by_school(selection.detail, ["procedure", "year", "participants", "fail_count", "works",
                                               "fail_share", "failing"])
        failing, both = _values(s["failing_procedures"]), _values(s["failing_both_years"])
    elif params.kind == "municipal":
        criteria = ("core_fail", "core_high", "other_fail", "inclusions", "objectivity")
        values = {c: _values(s[c]) for c in criteria}
        pct = {c: _values(s[f"{c}_pct"]) for c in criteria}
        participants, judged = _values(s["participants"]), _values(s["judged"])
        cut = selection.summary.get("cut")
    else:
        groups = _values(s["quality_group"].astype("Float64"))
    flagged = set(codes[s["low_results"].fillna(False).astype(bool).to_numpy()])
    works = _by_school(_rule_works(big, flagged, year, params),
                       ["year", "procedure", "subject", "grade", "participants", "fail_share", "high_share"])
    out: list[dict[str, Any]] = []
    for i, code in enumerate(codes.tolist()):
        if params.kind == "federal":
            row = {"failing_procedures": failing[i], "failing_both_years": both[i],
                   "procedures": detail.get(code, [])}
        elif params.kind == "municipal":
            row = {"judged": judged[i], "participants": participants[i], "cut": cut,
                   "criteria": {c: {"value": values[c][i], "percentile": pct[c][i],
                                    "weight": params.weights[c]} for c in criteria}}
        else:
            group = groups[i]
            row = {"quality_group": None if group is None else int(group), "low_groups": params.low_groups}
        row["works"] = works.get(code, [])
        out.append(row)
    return out
