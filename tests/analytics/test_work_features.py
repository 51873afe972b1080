from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from opora.analytics.connection import connection
from opora.analytics.indicators import scales_table, school_indicators
from opora.analytics.work_features import (
    BOUNDARY_COLUMNS,
    PUPIL_FEATURE_COLUMNS,
    WORK_FEATURE_COLUMNS,
    bare_sql_work_features,
    pandas_work_features,
    work_features,
    work_features_frame,
)
from opora.results.schema import RESULT_SCHEMA
from tests.analytics.tables import EGE_RU, VPR5_RU, one, pupil, results

# VPR5_RU: max 20, mark 3 from 8, mark 4 from 12, mark 5 from 17.
MA = {**VPR5_RU, "subject": "ma", "max_score": 10, "mark3_from": 3, "mark4_from": 6, "mark5_from": 9}
EGE_TABLE = {**EGE_RU, "max_score": 3, "test_table": [0, 20, 50, 80]}


def test_pupils_on_and_just_below_each_mark_boundary_are_counted() -> None:
    scores = (8, 8, 8, 7, 12, 11, 11, 17, 16, 3)
    got = one(work_features(results([pupil(primary_score=s) for s in scores]), scales_table([VPR5_RU])))
    assert [got[c] for c in BOUNDARY_COLUMNS] == [3, 1, 1, 2, 1, 1]
    assert got["score_kind"] == "mark"


def test_a_work_without_a_top_boundary_has_no_count_for_it() -> None:
    scale = {**VPR5_RU, "mark5_from": None}
    got = one(work_features(results([pupil(primary_score=s) for s in (8, 7, 20)]), scales_table([scale])))
    assert (got["b3_at"], got["b3_below"]) == (1, 1)
    assert pd.isna(got["b5_at"]) and pd.isna(got["b5_below"])


def test_a_test_score_work_has_no_boundary_counts() -> None:
    rows = [pupil(work=EGE_RU, primary_score=p, test_score=t) for p, t in ((24, 24), (23, 23), (70, 70))]
    scale = {**EGE_RU, "max_score": 100, "mark3_from": 24}  # a boundary the test-score kind must ignore
    got = one(work_features(results(rows), scales_table([scale])))
    assert got["score_kind"] == "test_score"
    assert all(pd.isna(got[c]) for c in BOUNDARY_COLUMNS)


def test_journal_gap_counts_pupils_two_marks_apart_among_those_with_both_marks() -> None:
    rows = [
        pupil(primary_score=5, journal_mark=4),  # mark 2 vs 4: lowered, gap 2
        pupil(primary_score=18, journal_mark=3),  # mark 5 vs 3: raised, gap 2
        pupil(primary_score=13, journal_mark=3),  # mark 4 vs 3: raised, gap 1
        pupil(primary_score=9, journal_mark=3),  # mark 3 vs 3: confirmed
        pupil(primary_score=9, journal_mark=None),  # no journal mark: not compared
    ]
    got = one(work_features(results(rows), scales_table([VPR5_RU])))
    assert (got["journal_n"], got["journal_gap2"]) == (4, 2)
    assert (got["lowered"], got["confirmed"], got["raised"]) == (1, 1, 2)


def test_without_journal_marks_the_comparison_is_empty_not_zero() -> None:
    got = one(work_features(results([pupil(primary_score=5)]), scales_table([VPR5_RU])))
    assert got["journal_n"] == 0
    assert all(pd.isna(got[c]) for c in ("journal_gap2", "lowered", "confirmed", "raised"))


def test_the_materialised_frame_keeps_missing_counts_as_nullable_integers() -> None:
    rows = [pupil(primary_score=8, journal_mark=3), pupil(work=EGE_RU, primary_score=30, test_score=60)]
    expr = work_features(results(rows), scales_table([VPR5_RU, EGE_RU]))
    frame = work_features_frame(connection().to_pyarrow(expr)).set_index("procedure")
    assert frame["b3_at"].dtype == "Int64" and frame["lowered"].dtype == "Int64"
    assert (frame.loc["vpr", "b3_at"], frame.loc["vpr", "confirmed"]) == (1, 1)
    assert frame.loc["ege", "b3_at"] is pd.NA and frame.loc["ege", "lowered"] is pd.NA


def _synthetic() -> pa.Table:
    """Three schools, two mark works and a test-score work; random scores that hit the
    boundaries, missing journal marks, and test scores left for the scale's table."""
    rng = np.random.default_rng(7)
    rows = []
    for school in ("s1", "s2", "s3"):
        for work, top in ((VPR5_RU, 20), (MA, 10)):
            for score in rng.integers(0, top + 1, size=40):
                journal = int(rng.integers(2, 6)) if rng.random() < 0.8 else None
                rows.append(pupil(school, work=work, primary_score=int(score), journal_mark=journal))
        for score in rng.integers(0, 4, size=12):
            test = None if rng.random() < 0.5 else int(rng.integers(0, 101))
            rows.append(pupil(school, work=EGE_RU, primary_score=int(score), test_score=test))
    rows.append(pupil("s4", primary_score=12, mark=5, journal_mark=3))  # a mark from the file wins
    return pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)


def _norm(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[PUPIL_FEATURE_COLUMNS].sort_values(["school_code", "subject"]).reset_index(drop=True)
    numeric = PUPIL_FEATURE_COLUMNS[PUPIL_FEATURE_COLUMNS.index("participants"):]
    frame = frame.astype({c: "float64" for c in numeric} | {"year": "int64", "grade": "int64"})
    return frame.astype({c: object for c in ("school_code", "procedure", "subject", "score_kind")})


def test_ibis_bare_sql_and_pandas_give_the_same_work_features(tmp_path: Path) -> None:
    table = _synthetic()
    path = tmp_path / "part.parquet"
    pq.write_table(table, path)
    scales = scales_table([VPR5_RU, MA, EGE_TABLE])
    con = connection()
    via_ibis = _norm(work_features(con.read_parquet(path), scales).to_pandas())
    con.con.register("scales", scales.to_pyarrow())
    via_sql = _norm(con.raw_sql(bare_sql_work_features([str(path)])).df())
    via_pandas = _norm(pandas_work_features(table.to_pandas(), scales.to_pandas()))
    assert len(via_ibis) == 10
    assert via_ibis["b3_at"].sum() > 0 and via_ibis["journal_gap2"].sum() > 0  # the data exercises them
    pd.testing.assert_frame_equal(via_ibis, via_sql, check_dtype=False)
    pd.testing.assert_frame_equal(via_ibis, via_pandas, check_dtype=False)


def test_work_features_agree_with_the_school_indicators() -> None:
    scales = scales_table([VPR5_RU, MA, EGE_TABLE])
    pupils = results(_synthetic().to_pylist())
    features = work_features(pupils, scales).to_pandas()
    indicators = school_indicators(pupils, scales, by_class=False).to_pandas()
    shared = ["participants", "mark2", "mark3", "mark4", "mark5", "fail_share", "high_share", "mean_pct",
              "mean_mark", "lowered", "confirmed", "raised"]
    keys = ["school_code", "procedure", "year", "subject", "grade"]
    both = features.merge(indicators, on=keys, suffixes=("", "_ind"), validate="one_to_one")
    assert len(both) == len(features) == len(indicators)
    for column in shared:
        left, right = both[column].astype("float64"), both[f"{column}_ind"].astype("float64")
        pd.testing.assert_series_equal(left, right, check_names=False)
    assert (both["fail_count"] == (both["fail_share_ind"] * both["participants"]).round()).all()


def test_the_caller_adds_source_and_core_to_make_the_full_work_columns() -> None:
    assert set(WORK_FEATURE_COLUMNS) == set(PUPIL_FEATURE_COLUMNS) | {"source", "core"}
    assert len(WORK_FEATURE_COLUMNS) == len(set(WORK_FEATURE_COLUMNS))

