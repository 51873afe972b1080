"""What a rule set can and cannot judge on the data loaded: run-level warnings and, per school, why
it was not assessed. Every later stage consumes the year's list, so a run says plainly where it
could not judge instead of showing blanks or zeros.

`inventory(works, passports, codes, year, params)` summarises what is loaded (JSON-able: works with
enough pupils per procedure × year × grade, the passport indicators present); the rule-set editor
builds the same inventory from the database before any run. `rule_warnings(params, inventory,
year)` turns it into warnings: dicts with `code`, `level` and the numbers a message needs:
- level "cannot": a condition of the rule set that the loaded data cannot meet — no school can
  be flagged by it (`opora identify --strict` fails on these);
- level "limited": a part of the identification that cannot be judged (dynamics without last
  year, a sign without its data, the expected result without a signal …);
- level "info": counts of schools not assessed, by reason.
`not_assessed(...)` gives each school's first reason (NOT_ASSESSED, '' when assessed).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from opora.analytics.calibration import MIN_SCHOOLS
from opora.analytics.rules import RuleParams

CANNOT, LIMITED, INFO = "cannot", "limited", "info"
# Why a school was not assessed by the rule set, in the order they are looked for.
NO_RESULTS = "no_results"  # no result of the year at all
NOT_IN_SELECTION = "not_in_selection"  # results, but none of the works the rule set reads
TOO_FEW_PARTICIPANTS = "too_few_participants"  # the works it reads have fewer pupils than min_participants
NO_PREVIOUS_YEAR = "no_previous_year"  # the rule compares with last year and the school has no result then
NO_PASSPORT = "no_passport"  # no social passport: no index, typology or expected result
FEW_PASSPORT_INDICATORS = "few_passport_indicators"  # fewer passport indicators than the index needs
NOT_ASSESSED = (NO_RESULTS, NOT_IN_SELECTION, TOO_FEW_PARTICIPANTS, NO_PREVIOUS_YEAR, NO_PASSPORT,
                FEW_PASSPORT_INDICATORS)
SIGN_DATA = {  # what each objectivity sign needs, for the warning when no school could be judged
    "above_region": "confirm_exams", "inverted_difficulty": "tasks", "boundary_peak": "distribution",
    "journal_gap": "journal", "unstable_jump": "previous_year",
}


def _reads(works: pd.DataFrame, params: RuleParams, year: int | None = None) -> pd.Series:
    """Rows of `works` the rule's selection reads (procedures, subjects; for the quality kind the
    procedure × grade pairs and core subjects), of `year` when given."""
    keep = works["procedure"].astype(str).isin(params.procedures)
    if params.subjects is not None:
        keep &= works["subject"].astype(str).isin(params.subjects)
    if params.kind == "quality":
        pairs = {(p, int(g)) for p, grades in params.quality_selection.items() for g in grades}
        grade = pd.to_numeric(works["grade"], errors="coerce").fillna(-1).astype(int)
        keep = pd.Series([(p, g) in pairs for p, g in zip(works["procedure"].astype(str), grade, strict=True)],
                         index=works.index) & works["core"].fillna(False).astype(bool)
    if year is not None:
        keep &= works["year"] == year
    return keep


def inventory(works: pd.DataFrame, passports: pd.DataFrame, codes: pd.Index, year: int,
              params: RuleParams) -> dict[str, Any]:
    """What is loaded for the schools `codes`: works (procedure, year, grade, core → schools with
    ≥ min_participants and any), passport indicators (→ schools with a value), the schools, and
    whether pupil-only data (journal, score distribution) and task results are there."""
    w = works[works["school_code"].astype(str).isin(codes)]
    big = w["participants"] >= params.min_participants
    frame = w.assign(_big=big, school_code=w["school_code"].astype(str))
    groups = frame.groupby(["procedure", "year", "grade", "core"], observed=True)
    rows = [{"procedure": str(p), "year": int(y), "grade": int(g), "core": bool(c),
             "schools": int(part["school_code"].nunique()),
             "schools_enough": int(part.loc[part["_big"], "school_code"].nunique())}
            for (p, y, g, c), part in groups]
    indicators = {}
    if len(passports):
        p = passports[passports["school_code"].astype(str).isin(codes)]
        for name in params.swi["signs"]:
            indicators[name] = int(p[name].notna().sum()) if name in p.columns else 0
    current = w[w["year"] == year]

    def has(column: str) -> bool:
        return column in current.columns and bool(current[column].notna().any())

    return {
        "schools": len(codes), "year": year, "works": rows, "passport_schools": int(
            passports["school_code"].astype(str).isin(codes).sum()) if len(passports) else 0,
        "indicators": indicators, "journal": has("lowered") or has("journal_n"), "distribution": has("b3_at"),
        "schools_with_results": int(frame.loc[(frame["year"] == year) & frame["_big"], "school_code"].nunique()),
    }


def _procedures(inv: dict[str, Any], year: int, params: RuleParams, *, enough: bool = True) -> list[str]:
    key = "schools_enough" if enough else "schools"
    found = {w["procedure"] for w in inv["works"] if w["year"] == year and w[key] > 0}
    return [p for p in params.procedures if p in found]  # in the rule's order


def rule_warnings(params: RuleParams, inv: dict[str, Any], year: int) -> list[dict[str, Any]]:
    """The warnings of the rule set on the loaded data (see the module docstring)."""
    out: list[dict[str, Any]] = []
    loaded = sorted({w["procedure"] for w in inv["works"] if w["year"] == year})
    now = _procedures(inv, year, params)
    before = _procedures(inv, year - 1, params)
    if not now:
        out.append({"code": "no_works", "level": CANNOT, "year": year, "procedures": list(params.procedures),
                    "loaded": loaded})
    if params.kind == "federal":
        if now and len(now) < params.min_procedures and params.connective == "and":
            out.append({"code": "procedures_short", "level": CANNOT, "year": year, "needed": params.min_procedures,
                        "loaded": now})
        if now and not set(now) & set(before):
            out.append({"code": "previous_year_missing", "level": CANNOT if params.connective == "and" else LIMITED,
                        "year": year - 1, "procedures": now})
    if params.kind == "municipal":
        missing = [y for y in range(year - params.years + 1, year) if not _procedures(inv, y, params)]
        if now and missing:
            out.append({"code": "window_years_missing", "level": LIMITED, "years": missing})
    if params.kind == "quality":
        pairs = {(p, g) for p, grades in params.quality_selection.items() for g in grades}
        found = sorted({(w["procedure"], w["grade"]) for w in inv["works"]
                        if w["year"] == year and w["core"] and (w["procedure"], w["grade"]) in pairs
                        and w["schools_enough"] > 0})
        if not found:
            grades = sorted({(w["procedure"], w["grade"]) for w in inv["works"] if w["year"] == year})
            out.append({"code": "selection_empty", "level": CANNOT, "year": year,
                        "selection": {p: list(g) for p, g in params.quality_selection.items()},
                        "loaded": [{"procedure": p, "grade": g} for p, g in grades]})
    core_now = {w["procedure"] for w in inv["works"] if w["year"] == year and w["core"]}
    core_before = {w["procedure"] for w in inv["works"] if w["year"] == year - 1 and w["core"]}
    if core_now and not core_now & core_before:
        out.append({"code": "dynamics_no_previous_year", "level": LIMITED, "year": year - 1})
    if now and not _procedures(inv, year - 2, params):
        out.append({"code": "decline_no_earlier_years", "level": LIMITED, "years": [year - 2, year - 1]})
    present = [name for name, n in inv["indicators"].items() if n > 0]
    need = params.swi["min_indicators"]
    if len(present) < need:
        out.append({"code": "passport_indicators_few", "level": CANNOT, "needed": need, "present": present})
    elif inv["passport_schools"] < inv["schools"]:
        out.append({"code": "passport_missing", "level": LIMITED, "schools": inv["schools"] - inv["passport_schools"]})
    judged = inv.get("schools_with_results", inv["schools"])
    if 0 < judged < MIN_SCHOOLS:
        out.append({"code": "small_region", "level": LIMITED, "schools": judged, "needed": MIN_SCHOOLS})
    return out


def run_warnings(expected: dict[str, Any], marks: dict[str, Any], reasons: pd.Series) -> list[dict[str, Any]]:
    """Warnings only a run can give: the expected result without a signal or a fit, objectivity
    signs that no school could be judged by, and the schools not assessed by reason."""
    out: list[dict[str, Any]] = []
    if expected.get("reason"):
        out.append({"code": "expected_not_fitted", "level": LIMITED, "error": expected.get("error", "")})
    elif expected and not expected.get("signal", True):
        out.append({"code": "expected_no_signal", "level": LIMITED, "q_p": expected.get("q_p"),
                    "schools": expected.get("schools_fitted")})
    for sign, numbers in marks.items():
        if numbers.get("schools") and not numbers.get("judged"):
            out.append({"code": "sign_not_judged", "level": LIMITED, "sign": sign, "needs": SIGN_DATA.get(sign, "")})
    counts = reasons[reasons != ""].value_counts()
    if len(counts):
        out.append({"code": "not_assessed", "level": INFO,
                    "reasons": {str(k): int(v) for k, v in counts.items()}, "schools": int(counts.sum())})
    return out


def not_assessed(works: pd.DataFrame, codes: pd.Index, year: int, params: RuleParams,
                 swi_reason: pd.Series, has_passport: pd.Series) -> pd.Series:
    """Per school of `codes` (in order): the first reason it was not assessed, '' when it was.
    `swi_reason` and `has_passport` are aligned with `codes`."""
    w = works.assign(school_code=works["school_code"].astype(str))
    this_year = w[w["year"] == year]
    read = this_year[_reads(this_year, params).to_numpy(bool)]
    big = read[read["participants"] >= params.min_participants]
    any_now = set(this_year["school_code"])
    in_selection = set(read["school_code"])
    enough = set(big["school_code"])
    reason = np.full(len(codes), "", dtype=object)
    code = np.asarray(codes, dtype=object)
    checks = [
        (~np.isin(code, list(any_now)), NO_RESULTS),
        (~np.isin(code, list(in_selection)), NOT_IN_SELECTION),
        (~np.isin(code, list(enough)), TOO_FEW_PARTICIPANTS),
    ]
    if params.kind == "federal" and params.connective == "and":
        last = w[(w["year"] == year - 1) & (w["participants"] >= params.min_participants)]
        last = last[_reads(last, params).to_numpy(bool)]
        checks.append((~np.isin(code, list(set(last["school_code"]))), NO_PREVIOUS_YEAR))
    checks += [(~np.asarray(has_passport, dtype=bool), NO_PASSPORT),
               (np.asarray(swi_reason.fillna("").astype(str) != "", dtype=bool), FEW_PASSPORT_INDICATORS)]
    for mask, name in reversed(checks):  # the first check that holds wins
        reason = np.where(mask, name, reason)
    return pd.Series(reason, index=codes, dtype=object)
