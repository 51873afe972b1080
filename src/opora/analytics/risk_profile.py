"""Risk profiles of schools from questionnaire answers (METHODS.md §7, spec of issue 5).

Pipeline, each step a pure function over pandas frames:
1. `response_flags` / `group_quality` (survey_quality.py): excluded responses, respondents per group.
2. `question_means`: per school × question, the mean normalised (0..1) answer of the used responses.
3. `indicator_scores`: per school × indicator, the score in the risk direction; it counts only when
   its group has enough respondents at that school.
4. `factor_scores`: per school × factor, the weighted mean of the counted indicators (NaN when none)
   and the same per respondent group.
5. `levels`: high / medium / low by cut-offs or percentile among the schools of the call; "" for NaN.
6. `divergences`: the head's factor score against the teachers' and the pupils'.
7. `school_reasons`: why a profile is not to be trusted (codes + numbers; notes are informational).

Codes are stable strings; pages translate them. No Django here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from opora.analytics.risk_definition import Definition, LevelRule
from opora.analytics.survey_quality import answers_wide, flags_from_wide, group_quality, responses_frame

NOTE_NO_DATA = "no_data"
NOTE_TOO_FEW = "too_few:{group}"
NOTE_DIVERGENCE = "divergence:{group}"
REASON_NO_ANSWERS = "no_answers"
REASON_TOO_FEW = "too_few"
REASON_RATE_LOW = "rate_low"
REASON_FLAGGED = "flagged"
REASON_DIVERGENCE = "divergence"
REASON_EXPECTED_UNKNOWN = "expected_unknown"  # a note: does not make the profile untrusted
# The head's view is compared with these groups' (parents see the school from outside).
DIVERGENCE_GROUPS = ("teacher", "pupil")
FACTOR_COLUMNS = ["school", "factor", "position", "score", "level", "indicators", "groups", "notes"]
SCHOOL_COLUMNS = ["school", "trusted", "reasons"]
INDICATOR_COLUMNS = ["school", "factor", "question", "group", "text", "weight", "direction", "score", "n",
                     "counted"]
DIVERGENCE_COLUMNS = ["school", "factor", "group", "head", "other", "diff"]
_EPS = 1e-9  # scores are means of fractions: 0.6 may come out as 0.59999999999


@dataclass
class RiskProfiles:
    """factors (FACTOR_COLUMNS): one row per school × factor of the definition, position = the
    factor's index in the definition (0-based); score float|NaN; level high|medium|low|""; indicators
    list of dicts (question, group, text, score float|None, n, weight, direction, counted); groups
    {group: score} of the groups that counted; notes list of codes (too_few:<group>,
    divergence:<group>, no_data). quality: `group_quality`. schools (SCHOOL_COLUMNS): trusted and
    reasons (dicts with "code"; informational ones carry "note": True)."""

    factors: pd.DataFrame
    quality: pd.DataFrame
    schools: pd.DataFrame


def question_means(flagged: pd.DataFrame, wide: pd.DataFrame, definition: Definition) -> pd.DataFrame:
    """flagged responses + their `answers_wide` → school, question, mean (the normalised 0..1 answer
    averaged over the used responses that answered), n (how many); only pairs with n > 0."""
    codes = list(wide.columns)
    scales = {s.code: s for s in definition.scales}
    low = np.array([scales[definition.question(c).scale].low for c in codes], dtype=float)
    high = np.array([scales[definition.question(c).scale].high for c in codes], dtype=float)
    used = ~flagged["excluded"].to_numpy(dtype=bool)
    normalised = pd.DataFrame((wide.to_numpy()[used] - low) / (high - low), columns=codes)
    by_school = normalised.groupby(flagged["school"].to_numpy()[used])
    sums, counts = by_school.sum(), by_school.count()
    out = pd.DataFrame({"sum": sums.stack(), "n": counts.stack()})
    out = out[out["n"] > 0].rename_axis(["school", "question"]).reset_index()
    out["mean"] = out["sum"] / out["n"]
    return out.astype({"school": "int64", "question": object, "n": "int64"})[["school", "question", "mean", "n"]]


def indicator_scores(means: pd.DataFrame, quality: pd.DataFrame, definition: Definition) -> pd.DataFrame:
    """`question_means` + `group_quality` → one row per school (of quality) × indicator of the
    definition (INDICATOR_COLUMNS): score = mean, or 1 − mean for direction −1 (NaN without answers);
    n answers; counted = the question's group is `enough` at the school and n > 0."""
    table = pd.DataFrame([{"factor": i.factor, "question": i.question, "group": definition.question(i.question).group,
                           "text": definition.question(i.question).text, "weight": float(i.weight),
                           "direction": int(i.direction)} for i in definition.indicators])
    schools = pd.DataFrame({"school": pd.unique(quality["school"]).astype("int64")})
    grid = schools.merge(table, how="cross")
    grid = grid.merge(means, on=["school", "question"], how="left")
    grid["n"] = grid["n"].fillna(0).astype("int64")
    grid["score"] = np.where(grid["direction"] < 0, 1.0 - grid["mean"], grid["mean"]).astype(float)
    enough = quality.set_index(["school", "group"])["enough"]
    keys = pd.MultiIndex.from_frame(grid[["school", "group"]])
    grid["counted"] = enough.reindex(keys).fillna(False).to_numpy(dtype=bool) & (grid["n"] > 0).to_numpy()
    return grid[INDICATOR_COLUMNS]


def _weighted(indicators: pd.DataFrame, by: list[str]) -> pd.Series:
    counted = indicators[indicators["counted"]]
    weighted = counted.assign(ws=counted["weight"] * counted["score"]).groupby(by)[["ws", "weight"]].sum()
    return weighted["ws"] / weighted["weight"]


def factor_scores(indicators: pd.DataFrame, definition: Definition) -> pd.DataFrame:
    """`indicator_scores` → school, factor, position, score (weighted mean of the counted indicators;
    NaN when none counted), groups ({group: weighted mean of that group's counted indicators})."""
    schools = pd.unique(indicators["school"]).astype("int64")
    factors = pd.DataFrame({"factor": [f.code for f in definition.factors],
                            "position": range(len(definition.factors))})
    out = pd.DataFrame({"school": schools}).merge(factors, how="cross")
    score = _weighted(indicators, ["school", "factor"])
    keys = pd.MultiIndex.from_frame(out[["school", "factor"]])
    out["score"] = score.reindex(keys).to_numpy(dtype=float) if len(score) else np.nan
    groups: dict[tuple[int, str], dict[str, float]] = {}
    for (school, factor, group), value in _weighted(indicators, ["school", "factor", "group"]).items():
        groups.setdefault((int(school), factor), {})[group] = float(value)
    order = {g: i for i, g in enumerate(definition.groups_used())}
    out["groups"] = [dict(sorted(groups.get((s, f), {}).items(), key=lambda kv: order.get(kv[0], 9)))
                     for s, f in zip(out["school"], out["factor"], strict=True)]
    return out.astype({"school": "int64", "position": "int64"})


def levels(factors: pd.DataFrame, rule: LevelRule) -> pd.Series:
    """factors (factor, score) → level per row: "high" | "medium" | "low", "" when the score is NaN.

    cutoffs: score ≥ high → high, ≥ medium → medium, else low. percentile: the score's percentile
    rank among the rows of the same factor that have a score, (rank − 0.5) / count with ties at
    their average rank (the top of 4 schools → 0.875, one school alone → 0.5); ≥ high_percentile →
    high, ≥ medium_percentile → medium, else low."""
    score = factors["score"].astype(float)
    if rule.method == "percentile":
        ranks = score.groupby(factors["factor"]).rank(method="average")
        count = score.notna().groupby(factors["factor"]).transform("sum")
        value, high, medium = (ranks - 0.5) / count, rule.high_percentile, rule.medium_percentile
    else:
        value, high, medium = score, rule.high, rule.medium
    level = np.where(value >= high - _EPS, "high", np.where(value >= medium - _EPS, "medium", "low"))
    return pd.Series(np.where(score.isna(), "", level), index=factors.index, dtype=object)


def divergences(factors: pd.DataFrame, definition: Definition) -> pd.DataFrame:
    """factors (school, factor, groups) → DIVERGENCE_COLUMNS: every school × factor × group of
    DIVERGENCE_GROUPS where both the head and that group counted and their scores differ by at least
    `quality.divergence` (head, other = the two group scores, diff = |head − other|)."""
    rows = []
    for school, factor, groups in zip(factors["school"], factors["factor"], factors["groups"], strict=True):
        head = groups.get("head")
        for group in DIVERGENCE_GROUPS:
            other = groups.get(group)
            if head is None or other is None:
                continue
            diff = abs(head - other)
            if diff >= definition.quality.divergence - _EPS:
                rows.append({"school": int(school), "factor": factor, "group": group, "head": head, "other": other,
                             "diff": diff})
    return pd.DataFrame(rows, columns=DIVERGENCE_COLUMNS)


def _r(value: float) -> float | None:
    return None if pd.isna(value) else round(float(value), 4)


def _group_reasons(row: dict[str, Any], definition: Definition) -> list[dict[str, Any]]:
    rule, group = definition.group_rule(row["group"]), row["group"]
    if row["respondents"] == 0:
        return [{"code": REASON_NO_ANSWERS, "group": group}]
    reasons: list[dict[str, Any]] = []
    if not row["enough"]:
        reasons.append({"code": REASON_TOO_FEW, "group": group, "used": int(row["used"]), "min": rule.min_respondents})
    if row["rate_ok"] is False:
        reasons.append({"code": REASON_RATE_LOW, "group": group, "rate": _r(row["rate"]), "min_rate": rule.min_rate,
                        "used": int(row["used"]), "expected": _r(row["expected"])})
    if row["flagged_share"] > definition.quality.max_flagged_share + _EPS:
        reasons.append({"code": REASON_FLAGGED, "group": group, "share": _r(row["flagged_share"]),
                        "max": definition.quality.max_flagged_share, "too_fast": int(row["too_fast"]),
                        "straightlining": int(row["straightlining"]), "duplicate": int(row["duplicate"])})
    if row["rate_ok"] is None:
        reasons.append({"code": REASON_EXPECTED_UNKNOWN, "group": group, "note": True})
    return reasons


def school_reasons(quality: pd.DataFrame, diverging: pd.DataFrame, definition: Definition) -> pd.DataFrame:
    """`group_quality` + `divergences` → SCHOOL_COLUMNS: per school its reasons in group order, then
    the divergences in factor order. A group without any response gives only `no_answers`; otherwise
    `too_few` (used < min_respondents), `rate_low` (rate < min_rate), `flagged` (excluded share over
    max_flagged_share) and the note `expected_unknown`. trusted = no reason other than notes."""
    reasons: dict[int, list[dict[str, Any]]] = {int(s): [] for s in pd.unique(quality["school"])}
    for row in quality.to_dict("records"):
        reasons[int(row["school"])].extend(_group_reasons(row, definition))
    for row in diverging.itertuples(index=False):
        reasons.setdefault(int(row.school), []).append(
            {"code": REASON_DIVERGENCE, "factor": row.factor, "group": row.group, "head": _r(row.head),
             "other": _r(row.other), "diff": _r(row.diff)})
    return pd.DataFrame({"school": pd.Series(list(reasons), dtype="int64"),
                         "trusted": pd.Series([not any(not r.get("note") for r in rs) for rs in reasons.values()],
                                              dtype=bool),
                         "reasons": pd.Series(list(reasons.values()), dtype=object)}, columns=SCHOOL_COLUMNS)


def _factor_notes(factors: pd.DataFrame, quality: pd.DataFrame, diverging: pd.DataFrame,
                  definition: Definition) -> list[list[str]]:
    measuring: dict[str, list[str]] = {}
    for group in definition.groups_used():
        for i in definition.indicators:
            if definition.question(i.question).group == group and group not in measuring.get(i.factor, []):
                measuring.setdefault(i.factor, []).append(group)
    lacking = {(int(s), g) for s, g, ok in zip(quality["school"], quality["group"], quality["enough"], strict=True)
               if not ok}
    diverge: dict[tuple[int, str], list[str]] = {}
    for row in diverging.itertuples(index=False):
        diverge.setdefault((int(row.school), row.factor), []).append(NOTE_DIVERGENCE.format(group=row.group))
    notes = []
    for school, factor, score in zip(factors["school"], factors["factor"], factors["score"], strict=True):
        codes = [NOTE_TOO_FEW.format(group=g) for g in measuring.get(factor, []) if (int(school), g) in lacking]
        codes += diverge.get((int(school), factor), [])
        if pd.isna(score):
            codes.append(NOTE_NO_DATA)
        notes.append(codes)
    return notes


def _indicator_lists(indicators: pd.DataFrame, factors: pd.DataFrame) -> list[list[dict[str, Any]]]:
    lists: dict[tuple[int, str], list[dict[str, Any]]] = {}
    columns = [indicators[c].tolist() for c in ("school", "factor", "question", "group", "text", "score", "n",
                                                "weight", "direction", "counted")]
    for school, code, question, group, text, score, n, weight, direction, counted in zip(*columns, strict=True):
        lists.setdefault((int(school), code), []).append({
            "question": question, "group": group, "text": text, "score": None if score != score else float(score),
            "n": int(n), "weight": float(weight), "direction": int(direction), "counted": bool(counted)})
    return [lists.get((int(s), f), []) for s, f in zip(factors["school"], factors["factor"], strict=True)]


def risk_profiles(responses: pd.DataFrame, expected: pd.DataFrame, definition: Definition) -> RiskProfiles:
    """responses (response, school, group, client, seconds, answers) and expected (school, group,
    expected) → RiskProfiles of every school found in either input. Excluded responses (too fast,
    straight-lining, duplicates) are not used; groups with fewer than min_respondents used
    responses are left out of the scores of that school."""
    frame = responses_frame(responses)
    wide = answers_wide(frame, definition)
    flagged = flags_from_wide(frame, wide, definition)
    quality = group_quality(flagged, expected, definition)
    indicators = indicator_scores(question_means(flagged, wide, definition), quality, definition)
    factors = factor_scores(indicators, definition)
    factors["level"] = levels(factors, definition.levels)
    diverging = divergences(factors, definition)
    factors["notes"] = pd.Series(_factor_notes(factors, quality, diverging, definition), index=factors.index,
                                 dtype=object)
    factors["indicators"] = pd.Series(_indicator_lists(indicators, factors), index=factors.index, dtype=object)
    factors["groups"] = factors["groups"].astype(object)
    return RiskProfiles(factors=factors[FACTOR_COLUMNS].reset_index(drop=True), quality=quality,
                        schools=school_reasons(quality, diverging, definition))
