"""Work features: the per school × work figures identification rests on (spec "Input 1").

One row per school × procedure × year × subject × grade (whole grade) from the pupil rows, in one
GROUP BY pass: the school indicators' counts and means plus what the objectivity signs need from
pupils — the journal comparison (pupils with both marks, and with a gap of two marks or more) and
the number of pupils exactly on each mark boundary and one point below it.

`work_features` returns PUPIL_FEATURE_COLUMNS; the caller adds `source` ("pupils") and `core`
(from Subject.is_core) to get WORK_FEATURE_COLUMNS, the frame works from aggregates share.
`bare_sql_work_features` and `pandas_work_features` are the same figures as a bare DuckDB query
and in plain pandas, for the benchmark and the cross-check only.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa
from ibis import _

from opora.analytics.indicators import GROUP_KEYS, WORK_KEYS, _sql_list, scored

BOUNDARY_COLUMNS = ["b3_at", "b3_below", "b4_at", "b4_below", "b5_at", "b5_below"]
ABOVE_COLUMNS = ["b3_above", "b4_above", "b5_above"]  # one point above each boundary
PUPIL_FEATURE_COLUMNS = [
    *GROUP_KEYS, "score_kind", "participants", "mark2", "mark3", "mark4", "mark5",
    "fail_count", "high_count", "fail_share", "high_share", "mean_pct", "mean_mark",
    "lowered", "confirmed", "raised", "journal_n", "journal_gap2", *BOUNDARY_COLUMNS, "pct_sd", *ABOVE_COLUMNS,
]
WORK_FEATURE_COLUMNS = [*GROUP_KEYS, "source", "core", *PUPIL_FEATURE_COLUMNS[len(GROUP_KEYS):]]
# Score-distribution columns: from pupil rows, or from aggregates that carry a distribution of
# primary scores (pct_sd also from a standard deviation); NA otherwise.
DISTRIBUTION_COLUMNS = [*BOUNDARY_COLUMNS, *ABOVE_COLUMNS]
# Columns only pupil rows can give: NA in works built from aggregates.
PUPIL_ONLY_COLUMNS = ["journal_n", "journal_gap2", *DISTRIBUTION_COLUMNS]
_JOURNAL_COUNTS = ["lowered", "confirmed", "raised", "journal_gap2"]
NULLABLE_COUNT_COLUMNS = [*_JOURNAL_COUNTS[:3], *PUPIL_ONLY_COLUMNS]
_MARKS = (3, 4, 5)


def work_features(results: ir.Table, scales: ir.Table) -> ir.Table:
    """Per school × work features (PUPIL_FEATURE_COLUMNS) from pupil rows and their scales.

    lowered/confirmed/raised and journal_gap2 are null when no pupil has both a result mark and a
    journal mark (journal_n = 0). bN_at / bN_below / bN_above count pupils whose primary score
    equals the mark-N boundary / the boundary − 1 / the boundary + 1; null for test-score works and
    when the boundary is unset. pct_sd: the pupils' standard deviation of the primary score as a
    percentage of the maximum (sample sd; null for a single pupil).
    """
    t = scored(results, scales)
    has_journal = t.mark_.notnull() & t.journal_mark.notnull()
    gap = (t.mark_.cast("int16") - t.journal_mark.cast("int16")).abs()
    boundary: dict[str, ir.Value] = {}
    for m in _MARKS:
        edge = t[f"mark{m}_from"]
        boundary[f"b{m}_at"] = t.primary_score.count(where=t.primary_score == edge)
        boundary[f"b{m}_below"] = t.primary_score.count(where=t.primary_score == edge - 1)
        boundary[f"b{m}_above"] = t.primary_score.count(where=t.primary_score == edge + 1)
        boundary[f"_b{m}"] = edge.arbitrary()
    g = t.group_by(GROUP_KEYS).aggregate(
        score_kind=t.score_kind.arbitrary(),
        participants=_.count(),
        mark2=t.mark_.count(where=t.mark_ == 2),
        mark3=t.mark_.count(where=t.mark_ == 3),
        mark4=t.mark_.count(where=t.mark_ == 4),
        mark5=t.mark_.count(where=t.mark_ == 5),
        fail_count=t.fail.count(where=t.fail),
        high_count=t.high.count(where=t.high),
        pct_sum=t.pct.sum(),
        pct_sd=t.pct.std(how="sample") * 100.0,
        mean_mark=t.mark_.mean(),
        journal_n=t.mark_.count(where=has_journal),
        lowered=t.mark_.count(where=has_journal & (t.mark_ < t.journal_mark)),
        confirmed=t.mark_.count(where=has_journal & (t.mark_ == t.journal_mark)),
        raised=t.mark_.count(where=has_journal & (t.mark_ > t.journal_mark)),
        journal_gap2=t.mark_.count(where=has_journal & (gap >= 2)),
        **boundary,
    )
    n = g.participants.cast("float64")
    no_journal = g.journal_n == 0
    nulled = {c: ibis.ifelse(no_journal, ibis.null("int64"), g[c]) for c in _JOURNAL_COUNTS}
    for m in _MARKS:
        unknown = (g.score_kind == "test_score") | g[f"_b{m}"].isnull()
        for c in (f"b{m}_at", f"b{m}_below", f"b{m}_above"):
            nulled[c] = ibis.ifelse(unknown, ibis.null("int64"), g[c])
    out = g.mutate(
        fail_share=g.fail_count / n, high_share=g.high_count / n, mean_pct=g.pct_sum * 100.0 / n, **nulled
    )
    return out.select(PUPIL_FEATURE_COLUMNS)


def work_features_frame(table: pa.Table | pd.DataFrame) -> pd.DataFrame:
    """A materialised `work_features` result as pandas with the counts that may be missing as
    nullable Int64 (a plain fetch turns them into floats), the dtypes identification expects."""
    frame = table.to_pandas() if isinstance(table, pa.Table) else table
    return frame.astype({c: "Int64" for c in NULLABLE_COUNT_COLUMNS if c in frame.columns})


# --- Reference implementations for the benchmark ------------------------------------------------


def bare_sql_work_features(paths: Sequence[str], scales: str = "scales") -> str:
    """The figures of `work_features` as one bare DuckDB query over the Parquet files. `scales`
    names a relation with SCALES_SCHEMA's columns."""
    boundary_sums = ",\n    ".join(
        f"count(*) FILTER (WHERE p = b{m}) AS b{m}_at, count(*) FILTER (WHERE p = b{m} - 1) AS b{m}_below, "
        f"count(*) FILTER (WHERE p = b{m} + 1) AS b{m}_above, any_value(b{m}) AS k{m}"
        for m in _MARKS
    )
    boundary_out = ", ".join(
        f"CASE WHEN kind <> 'test_score' AND k{m} IS NOT NULL THEN b{m}_{side} END AS b{m}_{side}"
        for m in _MARKS
        for side in ("at", "below", "above")
    )
    return f"""
WITH r AS (
  SELECT x.school_code, x.procedure, x.year, x.subject, x.grade, s.score_kind AS kind,
    x.primary_score AS p, x.primary_score / s.max_score AS pct,
    s.mark3_from AS b3, s.mark4_from AS b4, s.mark5_from AS b5,
    COALESCE(x.mark, CASE WHEN s.mark3_from IS NULL THEN NULL
      WHEN x.primary_score >= s.mark5_from THEN 5 WHEN x.primary_score >= s.mark4_from THEN 4
      WHEN x.primary_score >= s.mark3_from THEN 3 ELSE 2 END) AS m,
    COALESCE(x.test_score, s.test_table[CAST(x.primary_score AS BIGINT) + 1]) AS ts,
    s.score_kind = 'test_score' AND s.min_score IS NOT NULL AS by_test, s.min_score, s.high_bar,
    x.journal_mark AS j
  FROM read_parquet([{_sql_list(paths)}]) x
  JOIN {scales} s USING (procedure, year, subject, grade)
), g AS (
  SELECT school_code, procedure, year, subject, grade, any_value(kind) AS kind, count(*) AS n,
    count(*) FILTER (WHERE m = 2) AS mark2, count(*) FILTER (WHERE m = 3) AS mark3,
    count(*) FILTER (WHERE m = 4) AS mark4, count(*) FILTER (WHERE m = 5) AS mark5,
    count(*) FILTER (WHERE CASE WHEN by_test THEN ts < min_score ELSE m = 2 END) AS f,
    count(*) FILTER (WHERE CASE WHEN by_test THEN ts >= high_bar ELSE m >= 4 END) AS h,
    sum(pct) AS pct_sum, stddev_samp(pct) * 100 AS pct_sd, avg(m) AS mean_mark,
    count(*) FILTER (WHERE m IS NOT NULL AND j IS NOT NULL) AS jn,
    count(*) FILTER (WHERE m < j) AS lowered, count(*) FILTER (WHERE m = j) AS confirmed,
    count(*) FILTER (WHERE m > j) AS raised, count(*) FILTER (WHERE abs(m - j) >= 2) AS gap2,
    {boundary_sums}
  FROM r GROUP BY school_code, procedure, year, subject, grade
)
SELECT school_code, procedure, year, subject, grade, kind AS score_kind, n AS participants,
  mark2, mark3, mark4, mark5, f AS fail_count, h AS high_count, f / n AS fail_share, h / n AS high_share,
  pct_sum * 100 / n AS mean_pct, mean_mark,
  CASE WHEN jn > 0 THEN lowered END AS lowered, CASE WHEN jn > 0 THEN confirmed END AS confirmed,
  CASE WHEN jn > 0 THEN raised END AS raised, jn AS journal_n, CASE WHEN jn > 0 THEN gap2 END AS journal_gap2,
  pct_sd, {boundary_out}
FROM g
"""


def _test_scores(r: pd.DataFrame) -> pd.Series:
    """Test scores, missing ones read from the scale's primary → test table (vectorised: one
    merge with the exploded tables instead of a lookup per pupil)."""
    test = r["test_score"].astype("float64")
    missing = test.isna() & r["test_table"].notna() if "test_table" in r.columns else test.isna() & False
    if not missing.any():
        return test
    tables = r.loc[missing, [*WORK_KEYS, "test_table"]].drop_duplicates(WORK_KEYS).explode("test_table")
    tables["primary"] = tables.groupby(WORK_KEYS).cumcount().astype("float64")
    tables["looked_up"] = tables["test_table"].astype("float64")
    # DuckDB casts to an integer by rounding half away from zero; scores are ≥ 0.
    index = np.floor(r.loc[missing, "primary_score"].astype("float64") + 0.5)
    want = r.loc[missing, WORK_KEYS].assign(primary=index)
    found = want.merge(tables[[*WORK_KEYS, "primary", "looked_up"]], on=[*WORK_KEYS, "primary"], how="left")
    test.loc[missing] = found["looked_up"].to_numpy()
    return test


def pandas_work_features(df: pd.DataFrame, scales_df: pd.DataFrame) -> pd.DataFrame:
    """The figures of `work_features` in plain pandas (benchmark and cross-check only)."""
    r = df.merge(scales_df, on=WORK_KEYS, how="inner")
    primary = r["primary_score"].astype("float64")
    derived = pd.Series(2.0, index=r.index)
    for m in _MARKS:
        derived = derived.mask(primary >= r[f"mark{m}_from"], float(m))
    mark = r["mark"].astype("float64").fillna(derived.where(r["mark3_from"].notna()))
    test = _test_scores(r)
    by_test = (r["score_kind"] == "test_score") & r["min_score"].notna()
    journal = r["journal_mark"].astype("float64")
    has_journal = mark.notna() & journal.notna()
    work = pd.DataFrame({
        **{k: r[k] for k in GROUP_KEYS},
        "mark2": mark == 2, "mark3": mark == 3, "mark4": mark == 4, "mark5": mark == 5,
        "f": (by_test & (test < r["min_score"])) | (~by_test & (mark == 2)),
        "h": (by_test & (test >= r["high_bar"])) | (~by_test & (mark >= 4)),
        "pct": primary / r["max_score"], "mark": mark,
        "jn": has_journal, "lowered": has_journal & (mark < journal),
        "confirmed": has_journal & (mark == journal), "raised": has_journal & (mark > journal),
        "gap2": has_journal & ((mark - journal).abs() >= 2),
        **{f"b{m}_at": primary == r[f"mark{m}_from"] for m in _MARKS},
        **{f"b{m}_below": primary == r[f"mark{m}_from"] - 1 for m in _MARKS},
        **{f"b{m}_above": primary == r[f"mark{m}_from"] + 1 for m in _MARKS},
    })
    sums = ["mark2", "mark3", "mark4", "mark5", "f", "h", "pct", "jn", "lowered", "confirmed", "raised", "gap2",
            *BOUNDARY_COLUMNS, *ABOVE_COLUMNS]
    grouped = work.groupby(GROUP_KEYS, sort=False, observed=True)
    g = grouped[sums].sum()
    g["participants"] = grouped.size()
    g["mean_mark"] = grouped["mark"].mean()
    g["pct_sd"] = grouped["pct"].std(ddof=1) * 100
    g = g.reset_index()
    kinds = scales_df[[*WORK_KEYS, "score_kind", "mark3_from", "mark4_from", "mark5_from"]]
    g = g.merge(kinds, on=WORK_KEYS, how="left")
    n = g["participants"].astype("float64")
    out = g.rename(columns={"f": "fail_count", "h": "high_count", "jn": "journal_n", "gap2": "journal_gap2"})
    out["fail_share"] = out["fail_count"] / n
    out["high_share"] = out["high_count"] / n
    out["mean_pct"] = out["pct"] * 100 / n
    for column in _JOURNAL_COUNTS:
        out[column] = out[column].astype("Int64").where(out["journal_n"] > 0)
    for m in _MARKS:
        known = (out["score_kind"] != "test_score") & out[f"mark{m}_from"].notna()
        for column in (f"b{m}_at", f"b{m}_below", f"b{m}_above"):
            out[column] = out[column].astype("Int64").where(known)
    return out[PUPIL_FEATURE_COLUMNS]
