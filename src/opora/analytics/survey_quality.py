"""Quality of questionnaire answers before they feed a risk profile (METHODS.md §7, spec of issue 5).

`response_flags` marks each response too fast, straight-lining or a duplicate (any of them → excluded);
`group_quality` counts them per school × respondent group against the expected number of respondents.

The answers (one dict question → value per response) are turned once into a responses × questions
matrix (`answers_wide`): NaN where unanswered, where the value is not on the question's scale, or where
the question belongs to another group. Everything after that is vectorised. No Django here.
"""

from __future__ import annotations

from itertools import chain, repeat

import numpy as np
import pandas as pd

from opora.analytics.risk_definition import Definition

RESPONSE_COLUMNS = ["response", "school", "group", "client", "seconds", "answers"]
FLAG_COLUMNS = ["too_fast", "straightlining", "duplicate", "excluded"]
QUALITY_COLUMNS = ["school", "group", "respondents", "used", "too_fast", "straightlining", "duplicate",
                   "expected", "rate", "enough", "rate_ok", "flagged_share"]


def responses_frame(responses: pd.DataFrame) -> pd.DataFrame:
    """The responses with the contract's columns and types (an empty frame may come without columns):
    response/school int, group str, client str ("" unknown), seconds float (NaN unknown), answers dict."""
    out = responses.copy()
    for column in RESPONSE_COLUMNS:
        if column not in out.columns:
            out[column] = pd.Series(dtype=object)
    out["response"] = pd.to_numeric(out["response"]).astype("int64")
    out["school"] = pd.to_numeric(out["school"]).astype("int64")
    # Plain object columns of str: numpy compares them fast (pyarrow strings iterate slowly).
    for column in ("group", "client"):
        values = out[column].to_numpy(dtype=object)
        out[column] = pd.Series(["" if v is None or v != v else str(v) for v in values.tolist()],
                                index=out.index, dtype=object)
    out["seconds"] = pd.to_numeric(out["seconds"], errors="coerce").astype(float)
    out["answers"] = pd.Series([a if type(a) is dict else {} for a in out["answers"].tolist()], index=out.index,
                               dtype=object)
    return out


def answers_wide(responses: pd.DataFrame, definition: Definition) -> pd.DataFrame:
    """responses (columns group, answers) → float frame, same index, one column per question of the
    definition (its order), the raw answer value; NaN when not answered, off the question's scale, or
    the question is not of the response's group (unknown question codes are ignored)."""
    codes = [q.code for q in definition.questions]
    answers = responses["answers"].tolist()
    lengths = np.fromiter(map(len, answers), dtype=np.int64, count=len(answers))
    total = int(lengths.sum())
    position = {code: i for i, code in enumerate(codes)}
    columns = np.fromiter(map(position.get, chain.from_iterable(answers), repeat(-1)), dtype=np.int64, count=total)
    try:
        values = np.fromiter(chain.from_iterable(map(dict.values, answers)), dtype=float, count=total)
    except (TypeError, ValueError):  # None or a stray string: coerce what can be read, drop the rest
        raw = pd.Series(list(chain.from_iterable(map(dict.values, answers))), dtype=object)
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    rows = np.repeat(np.arange(len(answers)), lengths)
    # Validity on the long arrays (one entry per given answer): a known question of the response's
    # group, answered with a value of its scale.
    group_ids = {g: i for i, g in enumerate(sorted({q.group for q in definition.questions}))}
    question_groups = np.array([group_ids[q.group] for q in definition.questions] + [-2], dtype=np.int64)
    response_groups = np.fromiter(map(group_ids.get, responses["group"].tolist(), repeat(-1)), dtype=np.int64,
                                  count=len(answers))
    lowest = min(min(s.values()) for s in definition.scales)
    highest = max(max(s.values()) for s in definition.scales)
    allowed = np.zeros((len(codes) + 1, highest - lowest + 1), dtype=bool)
    for i, q in enumerate(definition.questions):
        allowed[i, [v - lowest for v in definition.scale(q.scale).values()]] = True
    integral = np.isfinite(values) & (values == np.round(values)) & (values >= lowest) & (values <= highest)
    offset = np.where(integral, values - lowest, 0).astype(np.int64)
    valid = integral & allowed[columns, offset] & (question_groups[columns] == response_groups[rows])
    matrix = np.full((len(answers), len(codes)), np.nan)
    matrix[rows[valid], columns[valid]] = values[valid]
    return pd.DataFrame(matrix, index=responses.index, columns=codes)


def _constant(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of a block of answers: how many were given, and whether all given ones are equal."""
    count = np.sum(~np.isnan(block), axis=1)
    high = np.max(np.where(np.isnan(block), -np.inf, block), axis=1, initial=-np.inf)
    low = np.min(np.where(np.isnan(block), np.inf, block), axis=1, initial=np.inf)
    return count, high == low


def straightlining(responses: pd.DataFrame, wide: pd.DataFrame, definition: Definition) -> pd.Series:
    """Bool per response: every section (screen) where the respondent answered at least
    `straightline_min_questions` questions got one identical value (each section its own value). When
    no section is that long (e.g. the parents' screens), the whole questionnaire is the section: at
    least that many answers, all one value."""
    least = max(2, definition.quality.straightline_min_questions)
    out = np.zeros(len(responses), dtype=bool)
    groups = responses["group"].to_numpy(dtype=object)
    matrix = wide.to_numpy()
    index = {code: i for i, code in enumerate(wide.columns)}
    for group in definition.groups_used():
        rows = groups == group
        if not rows.any():
            continue
        block = matrix[rows]
        any_long = np.zeros(rows.sum(), dtype=bool)
        all_constant = np.ones(rows.sum(), dtype=bool)
        for _section, questions in definition.sections_for(group):
            count, constant = _constant(block[:, [index[q.code] for q in questions]])
            long = count >= least
            any_long |= long
            all_constant &= ~long | constant
        count, constant = _constant(block[:, [index[q.code] for q in definition.questions_for(group)]])
        out[rows] = np.where(any_long, all_constant, (count >= least) & constant)
    return pd.Series(out, index=responses.index)


def duplicates(responses: pd.DataFrame, wide: pd.DataFrame) -> pd.Series:
    """Bool per response: an earlier response (lower `response` id) of the same school and group, from
    the same known client, gave identical answers (as read by `answers_wide`). The first is kept."""
    known = responses["client"].to_numpy(dtype=object) != ""
    out = np.zeros(len(responses), dtype=bool)
    if known.any():
        key = pd.DataFrame({
            "response": responses["response"].to_numpy()[known],
            "school": responses["school"].to_numpy()[known],
            "group": responses["group"].to_numpy(dtype=object)[known],
            "client": responses["client"].to_numpy(dtype=object)[known],
            "answers": pd.util.hash_pandas_object(wide[known], index=False).to_numpy(),
            "at": np.flatnonzero(known),
        }).sort_values("response", kind="stable")
        repeated = key.duplicated(subset=["school", "group", "client", "answers"], keep="first").to_numpy()
        out[key["at"].to_numpy()[repeated]] = True
    return pd.Series(out, index=responses.index)


def flags_from_wide(responses: pd.DataFrame, wide: pd.DataFrame, definition: Definition) -> pd.DataFrame:
    """`response_flags` on an already normalised frame and its `answers_wide` (no second explode)."""
    out = responses.copy()
    answered = wide.notna().sum(axis=1)
    seconds = out["seconds"]
    out["too_fast"] = (seconds.notna() & (seconds < definition.quality.min_seconds_per_question * answered))
    out["straightlining"] = straightlining(out, wide, definition)
    out["duplicate"] = duplicates(out, wide)
    out["excluded"] = out["too_fast"] | out["straightlining"] | out["duplicate"]
    for column in FLAG_COLUMNS:
        out[column] = out[column].astype(bool)
    return out


def response_flags(responses: pd.DataFrame, definition: Definition) -> pd.DataFrame:
    """responses (response, school, group, client, seconds, answers) → the same rows plus bool columns
    too_fast (seconds below min_seconds_per_question × answered questions; never when seconds is
    unknown), straightlining, duplicate and excluded (any of the three). Answered questions are the
    definition's questions of the response's group answered with a value of their scale."""
    frame = responses_frame(responses)
    return flags_from_wide(frame, answers_wide(frame, definition), definition)


def group_quality(flagged: pd.DataFrame, expected: pd.DataFrame, definition: Definition) -> pd.DataFrame:
    """flagged (`response_flags` output) and expected (school, group, expected; NaN unknown) → one row
    per school (of either input) × group of `definition.groups_used()` (QUALITY_COLUMNS):
    respondents, used (not excluded), too_fast/straightlining/duplicate counts, expected, rate
    (used / expected; NaN when expected is unknown or not positive), enough (used ≥ min_respondents),
    rate_ok (rate ≥ min_rate; None when the rate is unknown), flagged_share (excluded / respondents;
    0.0 without respondents)."""
    groups = definition.groups_used()
    if "excluded" not in flagged.columns:  # e.g. an empty frame without columns
        flagged = response_flags(flagged, definition)
    if "school" not in expected.columns:
        expected = pd.DataFrame({"school": pd.Series(dtype="int64"), "group": pd.Series(dtype=object),
                                 "expected": pd.Series(dtype=float)})
    schools = sorted({int(s) for s in flagged["school"]} | {int(s) for s in expected["school"]})
    grid = pd.MultiIndex.from_product([schools, groups], names=["school", "group"])
    counts = pd.DataFrame(index=grid, columns=["respondents", "used", "too_fast", "straightlining", "duplicate"],
                          data=0, dtype="int64")
    if len(flagged):
        rows = flagged[flagged["group"].isin(groups)].assign(
            school=lambda f: pd.to_numeric(f["school"]).astype("int64"), respondents=1,
            used=lambda f: ~f["excluded"].astype(bool))
        summed = rows.groupby(["school", "group"])[list(counts.columns)].sum()
        counts = summed.reindex(grid, fill_value=0).astype("int64")
    out = counts.reset_index()
    out["school"] = out["school"].astype("int64")
    known = expected.assign(school=pd.to_numeric(expected["school"]).astype("int64"),
                            expected=pd.to_numeric(expected["expected"], errors="coerce").astype(float))
    known = known.drop_duplicates(["school", "group"]).set_index(["school", "group"])["expected"]
    out["expected"] = known.reindex(grid).to_numpy(dtype=float)
    usable = out["expected"] > 0
    out["rate"] = (out["used"] / out["expected"].where(usable)).astype(float)
    rules = {g.group: g for g in definition.groups}
    least = out["group"].map({g: rules[g].min_respondents for g in groups}).astype("int64")
    out["enough"] = (out["used"] >= least).astype(bool)
    min_rate = out["group"].map({g: rules[g].min_rate for g in groups}).astype(float)
    rate_ok = (out["rate"] >= min_rate - 1e-9).astype(object)
    out["rate_ok"] = rate_ok.where(out["rate"].notna(), None)
    out["flagged_share"] = ((out["respondents"] - out["used"]) / out["respondents"].where(out["respondents"] > 0)) \
        .fillna(0.0).astype(float)
    return out[QUALITY_COLUMNS]
