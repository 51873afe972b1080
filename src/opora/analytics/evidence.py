"""The numbers behind every flag of an identification (`evidence_of`): one JSON-able dict per
school, flag → {"value", "rule", numbers}, built column-wise; and the objectivity signs' statuses.
Split from identify.py, which computes the flags; this module only reports them."""

from __future__ import annotations

from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd

from opora.analytics.rules import CRITERIA, REASON_KEPT, Z95, RuleParams, Selection

PERTURBATION = (0.9, 1.1)  # the threshold factors the stability of a verdict is tried at
_STATUSES = ("not_enough_data", "absent", "present")  # a sign's statuses, worst to best


def _values(series: pd.Series) -> list[Any]:
    """A column as a list of Python values, NaN/NA → None."""
    values: list[Any] = series.to_numpy(dtype=object, na_value=None).tolist()
    return values


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    keys = [str(c) for c in frame.columns]  # a list: zipping with a pandas Index is ten times slower
    columns = [_values(frame[c]) for c in frame.columns]
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]


def _by_school(frame: pd.DataFrame, columns: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Records of `columns` grouped by school_code (each school's rows in their order)."""
    if frame.empty:
        return {}
    keys, uniques = pd.factorize(frame["school_code"])
    order = np.argsort(keys, kind="stable")
    records = _records(frame[columns].take(order))
    starts = np.r_[0, np.flatnonzero(np.diff(keys[order])) + 1]
    ends = np.r_[starts[1:], len(order)]
    names = pd.Index(uniques).astype(str)[keys[order][starts]].tolist()
    return {name: records[a:b] for name, a, b in zip(names, starts.tolist(), ends.tolist(), strict=True)}


def _positions(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each value in `index` (−1 if absent), through the distinct values (fast on long columns)."""
    codes, uniques = pd.factorize(values)
    found = index.get_indexer(pd.Index(uniques).astype(object))
    return np.where(codes >= 0, found[codes], -1)


def sign_statuses(signs: pd.DataFrame, codes: list[str]) -> list[dict[str, str]]:
    """Per school (in the order of `codes`) each sign's best status: present > absent > not_enough_data."""
    if signs.empty:
        return [{} for _ in codes]
    names = pd.Index(pd.unique(signs["sign"].astype(str)))
    school = _positions(signs["school_code"].astype(str), pd.Index(codes))
    sign = _positions(signs["sign"].astype(str), names)
    rank = _positions(signs["status"].astype(str), pd.Index(_STATUSES))
    keep = (school >= 0) & (rank >= 0)
    best = np.full((len(codes), len(names)), -1)
    np.maximum.at(best, (school[keep], sign[keep]), rank[keep])
    listed = names.tolist()
    return [{listed[j]: _STATUSES[r] for j, r in enumerate(row) if r >= 0} for row in best.tolist()]


def _flag(rule: dict[str, Any], value: list[Any], **numbers: list[Any]) -> list[dict[str, Any]]:
    """One {"value", "rule", numbers…} dict per school from per-school lists (the rule is shared)."""
    keys = ["value", "rule", *numbers]
    return [dict(zip(keys, row, strict=True)) for row in zip(value, repeat(rule, len(value)), *numbers.values(),
                                                              strict=True)]


def evidence_of(frame: pd.DataFrame, listed: pd.DataFrame, selection: Selection, perturbed: dict[float, np.ndarray],
              decline: Selection, dyn: Selection, signs: pd.DataFrame, big: pd.DataFrame, year: int,
              params: RuleParams, pops: np.ndarray | None = None) -> dict[str, dict[str, Any]]:
    """One JSON-able dict per school: flag → {"value", "rule", numbers}. Built column-wise: one
    list per number, zipped into the dicts (no lookups per school)."""
    codes = frame["school_code"].tolist()
    n = len(codes)
    col = {c: _values(frame[c]) for c in frame.columns if c != "objectivity_signs"}
    # Empty reason codes are "", never None.
    for name in ("reason", "expected_reason", "group_reason"):
        col[name] = [v or "" for v in col[name]]
    swi = params.swi
    dyn_numbers = {c: _values(dyn.schools[c]) if c in dyn.schools.columns else [None] * n
                   for c in ("fail_before", "fail_now", "participants_before", "participants_now", "change",
                             "region_change", "relative_change", "logit_change", "z", "bar")}
    decline_numbers = {c: _values(decline.schools[c]) for c in ("rise", "projected", "z_before", "z_now",
                                                                "z_two_years", "two_years", "trend")}
    present = signs[signs["status"] == "present"]
    present_rows = _by_school(present, ["sign", "procedure", "subject", "grade", "numbers"])
    decline_works = _by_school(decline.detail, [c for c in decline.detail.columns if c != "school_code"])
    reason = listed["reason"].tolist()
    at = {str(f): v.tolist() for f, v in perturbed.items()}
    flags = {
        "low_results": _flag(params.selection_rule(), col["low_results"], score=col["low_score"],
                             **_low_numbers(selection, frame["school_code"], big, year, params, pops)),
        "adverse_context": _flag(
            {"min_indicators": swi["min_indicators"], "adverse_stanines": swi["adverse_stanines"]},
            col["adverse_context"], swi=col["swi"], stanine=col["swi_stanine"],
            indicators_used=col["indicators_used"], reason=col["reason"]),
        "expected": _flag(
            {"measure": params.expected_measure, "factors": ["swi", "type", "settlement"],
             "min_participants": params.min_participants, "z": Z95},
            col["expected"], result=col["result"], participants=col["result_participants"],
            residual=col["raw_residual"], shrunk=col["residual"], low=col["residual_low"],
            high=col["residual_high"], reliability=col["reliability"], position=col["position"],
            reason=col["expected_reason"]),
        "typology": _flag({"adverse_stanines": swi["adverse_stanines"]}, col["typology"],
                          adverse_context=col["adverse_context"], position=col["position"],
                          low_results=col["low_results"]),
        "quality": _flag(
            {"selection": {p: list(g) for p, g in params.quality_selection.items()}, "k": params.k,
             "min_participants": params.min_participants},
            col["quality_group"], quality_index=col["quality_index"], participants=col["quality_participants"],
            group_participants=col["group_participants"], mean_mark=col["mean_mark"],
            **{c: col[c] for c in ("share2", "share3", "share4", "share5")}, reason=col["group_reason"]),
        "decline_risk": _flag(
            {"decline_bar": params.decline_bar, "fail_bar": params.fail_bar,
             "min_participants": params.min_participants, "years": decline.summary.get("years"),
             "false_positive_rate": params.decline_fpr, "bar": decline.summary.get("bar")},
            col["decline_risk"], works=[decline_works.get(c, []) for c in codes], **decline_numbers),
        "dynamics": _flag({"min_participants": params.min_participants, "false_positive_rate": params.dynamics_fpr,
                           "scale": "logit", "subjects": "core"},
                          col["dynamics"], **dyn_numbers),
        "objectivity": _flag(
            {"weights": params.objectivity.get("weights")}, col["objectivity_index"],
            signs=[list(v) for v in frame["objectivity_signs"]], signs_evaluated=col["signs_evaluated"],
            statuses=sign_statuses(signs, codes), present=[present_rows.get(c, []) for c in codes]),
        "repeated": _flag({"kind": params.kind}, col["repeated"], earlier=listed["earlier"].tolist(),
                          included=col["included"]),
        "exit": _flag({"kind": params.kind}, col["exit"], last_year=listed["last_year"].tolist(),
                      included=col["included"], reason=reason, kept=[r == REASON_KEPT for r in reason]),
        "stability": _flag(
            {"factors": list(PERTURBATION)}, col["stable_thresholds"], stable_years=col["stable_years"],
            stable_thresholds=col["stable_thresholds"],
            low_at=[dict(zip(at, row, strict=True)) for row in zip(*at.values(), strict=True)],
            stable_context=col["stable_context"]),
    }
    names = list(flags)
    return {code: dict(zip(names, row, strict=True)) for code, row in zip(codes, zip(*flags.values(), strict=True),
                                                                           strict=True)}


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
                 params: RuleParams, pops: np.ndarray | None = None) -> dict[str, list[Any]]:
    """Per-school lists of the numbers behind the rule's verdict, in the order of `codes`; the
    works read are listed for the flagged schools only (the others show the pooled numbers)."""
    s = selection.schools.set_index("school_code").reindex(codes)
    order = codes.tolist()
    n = len(order)
    flagged = set(codes[s["low_results"].fillna(False).astype(bool).to_numpy()])
    works = _by_school(_rule_works(big, flagged, year, params),
                       ["year", "procedure", "subject", "grade", "participants", "fail_share", "high_share"])
    out: dict[str, list[Any]]
    if params.kind == "federal":
        procedures = _by_school(selection.detail, ["procedure", "year", "participants", "fail_count", "works",
                                                   "fail_share", "failing"])
        out = {"failing_procedures": _values(s["failing_procedures"]),
               "failing_both_years": _values(s["failing_both_years"]),
               "procedures": [procedures.get(c, []) for c in order]}
    elif params.kind == "municipal":
        values = {c: _values(s[c]) for c in CRITERIA}
        pct = {c: _values(s[f"{c}_pct"]) for c in CRITERIA}
        if pops is None:
            cuts = [selection.summary.get("cut")] * n
        else:
            by = selection.summary.get("populations", {})
            cuts = [by.get(p, {}).get("cut") for p in pops.tolist()]
        out = {"judged": _values(s["judged"]), "participants": _values(s["participants"]), "cut": cuts,
               "criteria": [{c: {"value": values[c][i], "percentile": pct[c][i], "weight": params.weights[c]}
                             for c in CRITERIA} for i in range(n)]}
    else:
        groups = _values(s["quality_group"].astype("Int64"))
        out = {"quality_group": groups, "low_groups": [params.low_groups] * n}
    out["works"] = [works.get(c, []) for c in order]
    return out
