from __future__ import annotations

import pandas as pd
import pytest

from opora.analytics.connection import connection
from opora.analytics.indicators import (
    bare_sql_indicators,
    pandas_indicators,
    pooled,
    scales_table,
    school_indicators,
)
from tests.analytics.tables import EGE_RU, VPR5_RU, one, pupil, results

# VPR5_RU: max 20, mark 3 from 8, mark 4 from 12, mark 5 from 17.


def test_shares_means_and_marks_of_a_grade_are_counted_from_the_scale() -> None:
    rows = [pupil(primary_score=s) for s in (4, 7, 8, 12, 16, 17, 20, 10, 10, 6)]
    got = one(school_indicators(results(rows), scales_table([VPR5_RU]), by_class=False))
    # marks: 2,2,3,4,4,5,5,3,3,2 → three 2s, three 3s, two 4s, two 5s
    assert (got["mark2"], got["mark3"], got["mark4"], got["mark5"]) == (3, 3, 2, 2)
    assert got["participants"] == 10
    assert got["fail_share"] == pytest.approx(0.3)
    assert got["high_share"] == pytest.approx(0.4)
    assert got["mean_pct"] == pytest.approx(110 / 200 * 100)
    assert got["mean_mark"] == pytest.approx(33 / 10)
    assert (got["fail_low"], got["fail_high"]) == pytest.approx((0.1078, 0.6032), abs=1e-4)
    assert got["small_group"] == "warn"


def test_a_mark_given_in_the_file_wins_over_the_scale() -> None:
    rows = [pupil(primary_score=5, mark=3)]
    got = one(school_indicators(results(rows), scales_table([VPR5_RU]), by_class=False))
    assert (got["mark2"], got["mark3"], got["fail_share"]) == (0, 1, 0.0)


@pytest.mark.parametrize(("n", "expected"), [(9, "too_few"), (10, "warn"), (29, "warn"), (30, "")])
def test_small_groups_are_marked_by_size(n: int, expected: str) -> None:
    rows = [pupil(primary_score=10) for _ in range(n)]
    got = one(school_indicators(results(rows), scales_table([VPR5_RU]), by_class=False))
    assert got["small_group"] == expected


def test_test_score_procedure_fails_below_the_minimum_and_is_high_from_the_bar() -> None:
    rows = [pupil(work=EGE_RU, primary_score=p, test_score=t) for p, t in ((5, 20), (10, 24), (30, 69), (45, 85))]
    got = one(school_indicators(results(rows), scales_table([EGE_RU]), by_class=False))
    assert got["fail_share"] == pytest.approx(0.25)
    assert got["high_share"] == pytest.approx(0.25)
    assert got["mean_pct"] == pytest.approx(90 / 200 * 100)
    assert pd.isna(got["mean_mark"])
    assert got["mark2"] == 0


def test_missing_test_score_is_read_from_the_primary_to_test_table() -> None:
    scale = {**EGE_RU, "max_score": 3, "test_table": [0, 20, 50, 80]}
    rows = [pupil(work=EGE_RU, primary_score=1), pupil(work=EGE_RU, primary_score=3)]
    got = one(school_indicators(results(rows), scales_table([scale]), by_class=False))
    assert (got["fail_share"], got["high_share"]) == (0.5, 0.5)


def test_classes_are_grouped_apart_and_rows_without_class_only_count_for_the_grade() -> None:
    rows = [pupil(primary_score=5, class_name="5А"), pupil(primary_score=18, class_name="5Б"),
            pupil(primary_score=18, class_name=None)]
    scales = scales_table([VPR5_RU])
    classes = school_indicators(results(rows), scales, by_class=True).to_pandas()
    assert sorted(classes["class_name"]) == ["5А", "5Б"]
    assert one(school_indicators(results(rows), scales, by_class=False))["participants"] == 3


def test_journal_comparison_counts_lowered_confirmed_and_raised() -> None:
    rows = [pupil(primary_score=5, journal_mark=4), pupil(primary_score=9, journal_mark=3),
            pupil(primary_score=13, journal_mark=3), pupil(primary_score=13, journal_mark=None)]
    got = one(school_indicators(results(rows), scales_table([VPR5_RU]), by_class=False))
    assert (got["lowered"], got["confirmed"], got["raised"]) == (1, 1, 1)


def test_journal_comparison_is_empty_without_journal_marks() -> None:
    got = one(school_indicators(results([pupil(primary_score=5)]), scales_table([VPR5_RU]), by_class=False))
    assert pd.isna(got["lowered"]) and pd.isna(got["raised"])


def test_results_without_a_scale_are_left_out() -> None:
    other = {**VPR5_RU, "subject": "ma"}
    rows = [pupil(primary_score=5), pupil(work=other, primary_score=5)]
    frame = school_indicators(results(rows), scales_table([VPR5_RU]), by_class=False).to_pandas()
    assert list(frame["subject"]) == ["ru"]


def test_pooling_weights_schools_by_participants() -> None:
    frame = pd.DataFrame([
        {"school_code": "s1", "procedure": "vpr", "year": 2025, "class_name": "", "subject": "ru", "grade": 5,
         "participants": 10, "fail_share": 0.5, "high_share": 0.1, "mean_pct": 40.0, "mean_mark": 2.8},
        {"school_code": "s1", "procedure": "vpr", "year": 2025, "class_name": "", "subject": "ma", "grade": 5,
         "participants": 30, "fail_share": 0.1, "high_share": 0.5, "mean_pct": 60.0, "mean_mark": 3.6},
        {"school_code": "s1", "procedure": "vpr", "year": 2025, "class_name": "", "subject": "bi", "grade": 5,
         "participants": 30, "fail_share": 1.0, "high_share": 0.0, "mean_pct": 0.0, "mean_mark": 2.0},
    ])
    got = pooled(frame, subjects=["ru", "ma"], grades=[5]).iloc[0]
    assert got["participants"] == 40
    assert got["fail_share"] == pytest.approx(8 / 40)
    assert got["high_share"] == pytest.approx(16 / 40)
    assert got["mean_pct"] == pytest.approx(55.0)
    assert got["mean_mark"] == pytest.approx(3.4)
    assert (got["fail_low"], got["fail_high"]) == pytest.approx((0.1050, 0.3476), abs=1e-4)


def test_ibis_bare_sql_and_pandas_give_the_same_indicators(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pyarrow as pa
    import pyarrow.parquet as pq

    from opora.results.schema import RESULT_SCHEMA

    ma = {**VPR5_RU, "subject": "ma", "max_score": 10, "mark3_from": 3, "mark4_from": 6, "mark5_from": 9}
    ege_scale = {**EGE_RU, "max_score": 3, "test_table": [0, 20, 50, 80]}
    rows = [pupil(primary_score=s, journal_mark=j) for s, j in ((3, 3), (9, 2), (13, 4), (18, None))]
    rows += [pupil("s2", work=ma, primary_score=s, journal_mark=4) for s in (0, 3, 6, 9, 10)]
    rows += [pupil("s2", work=EGE_RU, primary_score=p, test_score=t) for p, t in ((1, None), (2, None), (3, 90))]
    table = pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)
    path = tmp_path / "part.parquet"
    pq.write_table(table, path)
    scales = scales_table([VPR5_RU, ma, ege_scale])
    columns = ["school_code", "procedure", "subject", "participants", "mark2", "mark3", "mark4", "mark5",
               "fail_share", "fail_low", "fail_high", "high_share", "mean_pct", "mean_mark", "small_group",
               "lowered", "confirmed", "raised"]

    def norm(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame[columns].sort_values(["school_code", "subject"]).reset_index(drop=True)
        return frame.astype({c: "float64" for c in columns[3:] if c != "small_group"})

    con = connection()
    via_ibis = norm(school_indicators(con.read_parquet(path), scales, by_class=False).to_pandas())
    con.con.register("scales", scales.to_pyarrow())
    via_sql = norm(con.raw_sql(bare_sql_indicators([str(path)])).df())
    via_pandas = norm(pandas_indicators(table.to_pandas(), scales.to_pandas()))
    pd.testing.assert_frame_equal(via_ibis, via_sql, check_dtype=False)
    pd.testing.assert_frame_equal(via_ibis, via_pandas, check_dtype=False)
    assert len(via_ibis) == 3
