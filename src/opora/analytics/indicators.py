"""School indicators from pupil results: one pass over the pupil rows, ratios on the groups.

Inputs (Ibis tables):
- `results`: pupil rows with the columns of `opora.results.schema.RESULT_SCHEMA`;
- `scales`: one row per work with the columns of `SCALES_SCHEMA` (see `scales_table`).

A pupil row whose work has no scale is left out: without a maximum nothing can be computed.
Semantics (METHODS.md §2): fail = mark 2, or a test score below the minimum on a test-score
scale (ЕГЭ; basic maths has marks); high = mark ≥ 4, or a test score ≥ the high bar;
mean_pct = mean(primary / max) × 100; a mark missing from the file is derived from the scale,
and so is a missing test score when the scale has a primary → test table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
from ibis import _

from opora.analytics.intervals import wilson, wilson_expr

WORK_KEYS = ["procedure", "year", "subject", "grade"]
GROUP_KEYS = ["school_code", *WORK_KEYS]
TOO_FEW, WARN = 10, 30  # N < 10: not ranked; 10 ≤ N < 30: shown with a warning

SCALES_SCHEMA = ibis.schema(
    {
        "procedure": "string",
        "year": "int16",
        "subject": "string",
        "grade": "int8",
        "score_kind": "string",  # mark | test_score (of the procedure)
        "max_score": "float64",
        "mark3_from": "float64",
        "mark4_from": "float64",
        "mark5_from": "float64",
        "min_score": "float64",
        "high_bar": "float64",
        "test_table": "array<int16>",
    }
)

INDICATOR_COLUMNS = [
    *GROUP_KEYS, "class_name", "participants", "mark2", "mark3", "mark4", "mark5",
    "fail_count", "high_count", "fail_share", "fail_low", "fail_high", "high_share", "high_low",
    "high_high", "mean_pct", "mean_mark", "small_group", "lowered", "confirmed", "raised",
]


def scales_table(rows: Iterable[Mapping[str, Any]]) -> ir.Table:
    """An in-memory `scales` table from dicts with the keys of SCALES_SCHEMA (missing: null)."""
    frame = pd.DataFrame([{name: row.get(name) for name in SCALES_SCHEMA.names} for row in rows],
                         columns=list(SCALES_SCHEMA.names))
    return ibis.memtable(frame, schema=SCALES_SCHEMA)


def small_group_expr(n: ir.IntegerValue) -> ir.StringValue:
    return ibis.cases((n < TOO_FEW, "too_few"), (n < WARN, "warn"), else_="")


def small_group(n: int) -> str:
    return "too_few" if n < TOO_FEW else "warn" if n < WARN else ""


def scored(results: ir.Table, scales: ir.Table) -> ir.Table:
    """Pupil rows joined to their scale, with `mark_`, `fail`, `high` and `pct` per pupil."""
    r = results.join(scales, WORK_KEYS)
    derived = ibis.cases(
        (r.primary_score >= r.mark5_from, 5),
        (r.primary_score >= r.mark4_from, 4),
        (r.primary_score >= r.mark3_from, 3),
        else_=2,
    )
    mark = r.mark.cast("int8").coalesce(
        ibis.ifelse(r.mark3_from.isnull(), ibis.null("int8"), derived.cast("int8"))
    )
    test = r.test_score.cast("float64").coalesce(
        r.test_table[r.primary_score.cast("int64")].cast("float64")
    )
    by_test = (r.score_kind == "test_score") & r.min_score.notnull()
    fail = ibis.ifelse(by_test, test < r.min_score, mark == 2).fill_null(False)
    high = ibis.ifelse(by_test, test >= r.high_bar, mark >= 4).fill_null(False)
    return r.mutate(mark_=mark, fail=fail, high=high, pct=r.primary_score.cast("float64") / r.max_score)


def _class_keys(t: ir.Table, by_class: bool) -> tuple[ir.Table, list[str]]:
    if by_class:
        t = t.mutate(class_name=t.class_name.fill_null("")).filter(_.class_name != "")
    else:
        t = t.mutate(class_name=ibis.literal(""))
    return t, [*GROUP_KEYS, "class_name"]


def school_indicators(results: ir.Table, scales: ir.Table, *, by_class: bool) -> ir.Table:
    """Per school × work (× class) indicators: columns INDICATOR_COLUMNS.

    One GROUP BY pass over the pupils computes counts and sums; shares, Wilson intervals and
    means are then derived on the grouped table. lowered/confirmed/raised are null when no
    pupil of the group has both a result mark and a journal mark.
    """
    t, keys = _class_keys(scored(results, scales), by_class)
    has_journal = t.mark_.notnull() & t.journal_mark.notnull()
    g = t.group_by(keys).aggregate(
        participants=_.count(),
        mark2=_.mark_.count(where=_.mark_ == 2),
        mark3=_.mark_.count(where=_.mark_ == 3),
        mark4=_.mark_.count(where=_.mark_ == 4),
        mark5=_.mark_.count(where=_.mark_ == 5),
        fail_count=_.fail.count(where=_.fail),
        high_count=_.high.count(where=_.high),
        pct_sum=_.pct.sum(),
        mean_mark=_.mark_.mean(),
        journal=_.mark_.count(where=has_journal),
        lowered=_.mark_.count(where=has_journal & (_.mark_ < _.journal_mark)),
        confirmed=_.mark_.count(where=has_journal & (_.mark_ == _.journal_mark)),
        raised=_.mark_.count(where=has_journal & (_.mark_ > _.journal_mark)),
    )
    fail_low, fail_high = wilson_expr(g.fail_count, g.participants)
    high_low, high_high = wilson_expr(g.high_count, g.participants)
    n = g.participants.cast("float64")
    no_journal = g.journal == 0
    out = g.mutate(
        fail_share=g.fail_count / n, fail_low=fail_low, fail_high=fail_high,
        high_share=g.high_count / n, high_low=high_low, high_high=high_high,
        mean_pct=g.pct_sum * 100.0 / n,
        small_group=small_group_expr(g.participants),
        lowered=ibis.ifelse(no_journal, ibis.null("int64"), g.lowered),
        confirmed=ibis.ifelse(no_journal, ibis.null("int64"), g.confirmed),
        raised=ibis.ifelse(no_journal, ibis.null("int64"), g.raised),
    )
    return out.select(INDICATOR_COLUMNS)


# --- Pooling -----------------------------------------------------------------------------------


def pooled(
    indicators: pd.DataFrame, subjects: Sequence[str] | None = None, grades: Sequence[int] | None = None,
    *, keys: Sequence[str] = ("school_code", "procedure", "year", "class_name"),
) -> pd.DataFrame:
    """N-weighted pooling of indicator rows over chosen subjects and grades.

    Input: rows with at least `keys`, subject, grade, participants, fail_share, high_share,
    mean_pct, mean_mark (and mark2..mark5 when present). Shares are pooled as counts over the
    summed N, with a fresh Wilson interval; means are N-weighted over the rows that have them.
    Output: one row per `keys` value.
    """
    frame = indicators
    if subjects is not None:
        frame = frame[frame["subject"].isin(list(subjects))]
    if grades is not None:
        frame = frame[frame["grade"].isin(list(grades))]
    keys = [k for k in keys if k in frame.columns]
    frame = frame.assign(
        _fail=frame["fail_share"] * frame["participants"],
        _high=frame["high_share"] * frame["participants"],
        _pct=frame["mean_pct"] * frame["participants"],
        _pct_n=frame["participants"].where(frame["mean_pct"].notna(), 0),
        _mark=frame["mean_mark"] * frame["participants"],
        _mark_n=frame["participants"].where(frame["mean_mark"].notna(), 0),
    )
    sums = {c: "sum" for c in ["participants", "_fail", "_high", "_pct", "_pct_n", "_mark", "_mark_n"]}
    sums.update({c: "sum" for c in ("mark2", "mark3", "mark4", "mark5") if c in frame.columns})
    g = frame.groupby(keys, as_index=False, dropna=False).agg(sums)
    g = g[g["participants"] > 0]
    fail = g["_fail"].round().astype(int)
    high = g["_high"].round().astype(int)
    fail_bounds = [wilson(k, n) for k, n in zip(fail, g["participants"], strict=True)]
    high_bounds = [wilson(k, n) for k, n in zip(high, g["participants"], strict=True)]
    out = g.assign(
        fail_share=fail / g["participants"],
        fail_low=[b[0] for b in fail_bounds], fail_high=[b[1] for b in fail_bounds],
        high_share=high / g["participants"],
        high_low=[b[0] for b in high_bounds], high_high=[b[1] for b in high_bounds],
        mean_pct=(g["_pct"] / g["_pct_n"]).where(g["_pct_n"] > 0),
        mean_mark=(g["_mark"] / g["_mark_n"]).where(g["_mark_n"] > 0),
        small_group=[small_group(int(n)) for n in g["participants"]],
    )
    return out.drop(columns=[c for c in out.columns if c.startswith("_")]).reset_index(drop=True)


# --- Reference implementations for the benchmark ------------------------------------------------


def _sql_list(paths: Sequence[str]) -> str:
    return ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)


def bare_sql_indicators(paths: Sequence[str], scales: str = "scales") -> str:
    """The same whole-grade figures as `school_indicators(by_class=False)` as one bare DuckDB
    query over the Parquet files. `scales` names a relation with SCALES_SCHEMA's columns.
    """
    return f"""
WITH r AS (
  SELECT p.school_code, p.procedure, p.year, p.subject, p.grade, p.primary_score / s.max_score AS pct,
    COALESCE(p.mark, CASE WHEN s.mark3_from IS NULL THEN NULL
      WHEN p.primary_score >= s.mark5_from THEN 5 WHEN p.primary_score >= s.mark4_from THEN 4
      WHEN p.primary_score >= s.mark3_from THEN 3 ELSE 2 END) AS m,
    COALESCE(p.test_score, s.test_table[CAST(p.primary_score AS BIGINT) + 1]) AS ts,
    s.score_kind = 'test_score' AND s.min_score IS NOT NULL AS by_test, s.min_score, s.high_bar,
    p.journal_mark AS j
  FROM read_parquet([{_sql_list(paths)}]) p
  JOIN {scales} s USING (procedure, year, subject, grade)
), g AS (
  SELECT school_code, procedure, year, subject, grade, count(*) AS n,
    count(*) FILTER (WHERE m = 2) AS mark2, count(*) FILTER (WHERE m = 3) AS mark3,
    count(*) FILTER (WHERE m = 4) AS mark4, count(*) FILTER (WHERE m = 5) AS mark5,
    count(*) FILTER (WHERE CASE WHEN by_test THEN ts < min_score ELSE m = 2 END) AS f,
    count(*) FILTER (WHERE CASE WHEN by_test THEN ts >= high_bar ELSE m >= 4 END) AS h,
    sum(pct) AS pct_sum, avg(m) AS mean_mark,
    count(*) FILTER (WHERE m IS NOT NULL AND j IS NOT NULL) AS jn,
    count(*) FILTER (WHERE m < j) AS lowered, count(*) FILTER (WHERE m = j) AS confirmed,
    count(*) FILTER (WHERE m > j) AS raised
  FROM r GROUP BY ALL
)
SELECT school_code, procedure, year, subject, grade, n AS participants, mark2, mark3, mark4, mark5,
  f / n AS fail_share,
  greatest(((f / n) + 1.9208 / n) / (1 + 3.8416 / n)
    - 1.96 * sqrt((f / n) * (1 - f / n) / n + 3.8416 / (4 * n * n)) / (1 + 3.8416 / n), 0) AS fail_low,
  least(((f / n) + 1.9208 / n) / (1 + 3.8416 / n)
    + 1.96 * sqrt((f / n) * (1 - f / n) / n + 3.8416 / (4 * n * n)) / (1 + 3.8416 / n), 1) AS fail_high,
  h / n AS high_share, pct_sum * 100 / n AS mean_pct, mean_mark,
  CASE WHEN n < 10 THEN 'too_few' WHEN n < 30 THEN 'warn' ELSE '' END AS small_group,
  CASE WHEN jn > 0 THEN lowered END AS lowered, CASE WHEN jn > 0 THEN confirmed END AS confirmed,
  CASE WHEN jn > 0 THEN raised END AS raised
FROM g
"""


def pandas_indicators(df: pd.DataFrame, scales_df: pd.DataFrame) -> pd.DataFrame:
    """The same whole-grade figures in plain pandas (benchmark and cross-check only)."""
    r = df.merge(scales_df, on=WORK_KEYS, how="inner")
    derived = pd.Series(2, index=r.index, dtype="float64")
    derived = derived.mask(r["primary_score"] >= r["mark3_from"], 3)
    derived = derived.mask(r["primary_score"] >= r["mark4_from"], 4)
    derived = derived.mask(r["primary_score"] >= r["mark5_from"], 5)
    derived = derived.where(r["mark3_from"].notna())
    mark = r["mark"].astype("float64").fillna(derived)
    test = r["test_score"].astype("float64")
    if "test_table" in r.columns:
        from_table = [
            float(table[int(p)]) if table is not None and len(table) > int(p) and pd.isna(t) else t
            for table, p, t in zip(r["test_table"], r["primary_score"], test, strict=True)
        ]
        test = pd.Series(from_table, index=r.index, dtype="float64")
    by_test = (r["score_kind"] == "test_score") & r["min_score"].notna()
    journal = r["journal_mark"].astype("float64")
    has_journal = mark.notna() & journal.notna()
    work = pd.DataFrame({
        **{k: r[k] for k in GROUP_KEYS},
        "n": 1,
        "mark2": mark == 2, "mark3": mark == 3, "mark4": mark == 4, "mark5": mark == 5,
        "f": (by_test & (test < r["min_score"])) | (~by_test & (mark == 2)),
        "h": (by_test & (test >= r["high_bar"])) | (~by_test & (mark >= 4)),
        "pct": r["primary_score"].astype("float64") / r["max_score"],
        "mark": mark,
        "jn": has_journal, "lowered": has_journal & (mark < journal),
        "confirmed": has_journal & (mark == journal), "raised": has_journal & (mark > journal),
    })
    g = work.groupby(GROUP_KEYS, as_index=False).agg(
        participants=("n", "sum"), mark2=("mark2", "sum"), mark3=("mark3", "sum"),
        mark4=("mark4", "sum"), mark5=("mark5", "sum"), f=("f", "sum"), h=("h", "sum"),
        pct_sum=("pct", "sum"), mean_mark=("mark", "mean"), jn=("jn", "sum"),
        lowered=("lowered", "sum"), confirmed=("confirmed", "sum"), raised=("raised", "sum"),
    )
    bounds = [wilson(k, n) for k, n in zip(g["f"], g["participants"], strict=True)]
    g["fail_share"] = g["f"] / g["participants"]
    g["fail_low"] = [b[0] for b in bounds]
    g["fail_high"] = [b[1] for b in bounds]
    g["high_share"] = g["h"] / g["participants"]
    g["mean_pct"] = g["pct_sum"] * 100 / g["participants"]
    g["small_group"] = [small_group(int(n)) for n in g["participants"]]
    for column in ("lowered", "confirmed", "raised"):
        g[column] = g[column].where(g["jn"] > 0)
    return g.drop(columns=["f", "h", "pct_sum", "jn"])
