from __future__ import annotations

import ibis
import pytest

from opora.analytics.intervals import wilson, wilson_expr


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [(0, 10, 0.0, 0.2775), (5, 10, 0.2366, 0.7634), (10, 10, 0.7225, 1.0), (3, 30, 0.0346, 0.2562),
     (50, 100, 0.4038, 0.5962)],
)
def test_wilson_interval_matches_published_values(k: int, n: int, low: float, high: float) -> None:
    assert wilson(k, n) == pytest.approx((low, high), abs=1e-4)


def test_wilson_interval_of_an_empty_group_says_nothing_is_known() -> None:
    assert wilson(0, 0) == (0.0, 1.0)


def test_wilson_expression_agrees_with_the_plain_function() -> None:
    t = ibis.memtable({"k": [0, 5, 3, 50], "n": [10, 10, 30, 100]})
    low, high = wilson_expr(t.k, t.n)
    frame = t.mutate(low=low, high=high).to_pandas()
    for row in frame.itertuples():
        assert (row.low, row.high) == pytest.approx(wilson(row.k, row.n), abs=1e-12)
