"""Ranking of support candidates on tiny hand-checked tables."""

from __future__ import annotations

from opora.analytics.support_match import CONTEXT, IDENTIFICATION, MatchRow, mode_for, rank_candidates


def _row(pk: int, mun: int = 1, **kw: object) -> MatchRow:
    return MatchRow(school_id=pk, municipality_id=mun, **kw)  # type: ignore[arg-type]


TARGET = _row(1, swi=3.0, quality_index=0.40, distance_km=30.0, settlement="village", school_type="basic")


def test_similar_context_with_clearly_better_results_is_suggested_with_its_numbers() -> None:
    rows = [TARGET, _row(2, swi=3.4, quality_index=0.55, distance_km=10.0)]
    [c] = rank_candidates(TARGET, rows)
    assert c.school_id == 2 and c.mode == IDENTIFICATION
    assert c.swi_diff == 0.4 and c.quality_diff == 0.15
    assert c.same_municipality and c.distance_km == 40.0


def test_different_context_slightly_better_listed_or_flagged_schools_are_left_out() -> None:
    rows = [
        _row(2, swi=6.0, quality_index=0.9),  # another social context
        _row(3, swi=3.0, quality_index=0.42),  # not clearly better
        _row(4, swi=3.0, quality_index=0.7, listed=True),
        _row(5, swi=3.0, quality_index=0.7, low_results=True),
        _row(6, swi=3.0, quality_index=0.7, decline_risk=True),
        _row(7, swi=3.0, quality_index=0.7, active=False),
        _row(8, swi=3.0, quality_index=None),  # no data
    ]
    assert rank_candidates(TARGET, rows) == []


def test_same_municipality_and_nearby_come_first() -> None:
    rows = [
        _row(2, mun=2, swi=3.0, quality_index=0.9),
        _row(3, swi=3.0, quality_index=0.6, distance_km=80.0),
        _row(4, swi=3.5, quality_index=0.5, distance_km=5.0),
    ]
    assert [c.school_id for c in rank_candidates(TARGET, rows)] == [4, 3, 2]
    assert [c.rank for c in rank_candidates(TARGET, rows)] == [1, 2, 3]


def test_result_is_used_when_there_is_no_quality_index() -> None:
    target = _row(1, swi=3.0, result=50.0)
    rows = [_row(2, swi=3.2, result=51.0), _row(3, swi=3.2, result=56.0)]
    [c] = rank_candidates(target, rows)
    assert c.school_id == 3 and c.metric == "result" and c.quality_diff == 6.0


def test_without_identification_the_same_settlement_and_type_come_first() -> None:
    target = _row(1, settlement="village", school_type="basic", distance_km=10.0)
    rows = [
        _row(2, mun=2, settlement="village", school_type="basic"),
        _row(3, settlement="city", school_type="secondary", distance_km=0.0),
        _row(4, settlement="village", school_type="secondary", distance_km=20.0),
        _row(5, settlement="village", school_type="basic", distance_km=12.0, listed=True),
    ]
    ranked = rank_candidates(target, rows)
    assert mode_for(target) == CONTEXT
    assert [c.school_id for c in ranked] == [4, 3, 2]
    assert all(c.mode == CONTEXT for c in ranked)


def test_limit_caps_the_list() -> None:
    rows = [_row(i, swi=3.0, quality_index=0.6) for i in range(2, 30)]
    assert len(rank_candidates(TARGET, rows, limit=5)) == 5
