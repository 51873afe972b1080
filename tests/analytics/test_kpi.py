"""The pure part of programme indicators: summing schools' parts, missing data, plan against fact."""

from __future__ import annotations

from opora.analytics.kpi import ACHIEVED, NO_DATA, NO_TARGET, NOT_ACHIEVED, Contribution, aggregate, judge


def test_parts_are_summed_over_the_schools_with_data() -> None:
    fact = aggregate([Contribution(1, 3, 4), Contribution(2, 0, 2), Contribution(3, None, None, "нет реестра")])
    assert (fact.numerator, fact.denominator) == (3, 6)
    assert fact.value == 0.5
    assert fact.counted == [1, 2] and fact.hits == [1]
    assert fact.missing == {3: "нет реестра"} and not fact.complete


def test_no_school_with_data_gives_no_value_rather_than_zero() -> None:
    fact = aggregate([Contribution(1, None, None, "нет данных"), Contribution(2, 0, 0)])
    assert fact.value is None
    assert set(fact.missing) == {1, 2}  # a zero denominator is missing data too


def test_zero_hits_among_schools_with_data_is_a_real_zero() -> None:
    fact = aggregate([Contribution(1, 0, 1), Contribution(2, 0, 1)])
    assert fact.value == 0.0 and fact.complete


def test_plan_against_fact_respects_the_direction_and_rounds_like_a_target() -> None:
    assert judge(0.7996, 0.8) == ACHIEVED  # 80.0% as written
    assert judge(0.79, 0.8) == NOT_ACHIEVED
    assert judge(0.05, 0.1, higher_is_better=False) == ACHIEVED
    assert judge(0.15, 0.1, higher_is_better=False) == NOT_ACHIEVED
    assert judge(None, 0.8) == NO_DATA
    assert judge(0.5, None) == NO_TARGET
