"""Programme indicators computed from what Opora holds, on data whose answers are worked out by hand
(tests/programmes/builders.known_programme), including exits from the list and missing data."""

from __future__ import annotations

from datetime import date

import pytest

from opora.analytics.kpi import ACHIEVED, NO_DATA, NOT_ACHIEVED
from opora.programmes.compute import kpi_results
from tests.conftest import Cast
from tests.programmes.builders import known_programme

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


def _by_code(cast: Cast, year: int) -> dict:
    return {r.kpi.code: r for r in kpi_results(known_programme(cast), year, today=TODAY)}


def test_the_programme_takes_the_list_of_its_first_year_as_its_schools(cast: Cast) -> None:
    programme = known_programme(cast)
    assert set(programme.schools.all()) == {cast.s1, cast.s2, cast.s3}


def test_schools_that_left_the_list_stay_in_the_denominator_of_positive_dynamics(cast: Cast) -> None:
    r = _by_code(cast, 2026)["positive_dynamics"]
    assert (r.fact.numerator, r.fact.denominator) == (1, 2)
    assert r.percent == 50.0
    assert r.fact.hits == [cast.s1.pk]
    assert set(r.fact.counted) == {cast.s1.pk, cast.s2.pk}  # s2 left the list but still counts
    assert list(r.fact.missing) == [cast.s3.pk]
    assert "2026" in r.fact.missing[cast.s3.pk]
    assert r.target_percent == 70.0 and r.status == NOT_ACHIEVED


def test_exits_from_the_list_are_counted_against_the_first_years_list(cast: Cast) -> None:
    r = _by_code(cast, 2026)["list_exit"]
    assert (r.fact.numerator, r.fact.denominator) == (2, 3)
    assert set(r.fact.hits) == {cast.s2.pk, cast.s3.pk}


def test_a_year_without_an_approved_list_has_no_value_not_zero(cast: Cast) -> None:
    r = _by_code(cast, 2027)["list_exit"]
    assert r.fact.value is None and r.percent is None
    assert r.status == NO_DATA
    assert len(r.fact.missing) == 3


def test_partnerships_count_when_they_run_during_the_year(cast: Cast) -> None:
    r = _by_code(cast, 2026)["network_partnership"]
    assert (r.fact.numerator, r.fact.denominator) == (1, 3)
    assert r.fact.hits == [cast.s2.pk]
    assert r.target_percent == 25.0 and r.status == ACHIEVED  # 33.3% ≥ 25%


def test_methodological_coverage_counts_curators_and_visits(cast: Cast) -> None:
    r = _by_code(cast, 2026)["methodological_coverage"]
    assert (r.fact.numerator, r.fact.denominator) == (2, 3)
    assert set(r.fact.hits) == {cast.s1.pk, cast.s3.pk}
    assert r.status == NOT_ACHIEVED  # target 100%


def test_teachers_diagnosed_sum_teachers_over_schools_with_a_registry(cast: Cast) -> None:
    r = _by_code(cast, 2026)["teachers_diagnosed"]
    assert (r.fact.numerator, r.fact.denominator) == (3, 6)
    assert list(r.fact.missing) == [cast.s3.pk]


def test_teachers_trained_count_completed_plans_among_plans(cast: Cast) -> None:
    r = _by_code(cast, 2026)["teachers_trained"]
    assert (r.fact.numerator, r.fact.denominator) == (1, 2)
    assert r.target is None


def test_the_first_year_has_no_dynamics_without_its_identification_rows(cast: Cast) -> None:
    r = _by_code(cast, 2025)["positive_dynamics"]
    assert r.fact.value is None and r.status == NO_DATA


def test_a_school_added_by_hand_that_was_never_listed_has_no_exit_to_count(cast: Cast) -> None:
    from opora.programmes.services import programme_create
    from tests.programmes.builders import year_list

    year_list(cast, 2025, cast.s1)
    year_list(cast, 2026)
    programme = programme_create(actor=cast.alice, region=cast.r10, municipality=None, code="manual",
                                 title="П", start_year=2025, end_year=2026, schools=[cast.s1, cast.s2],
                                 kpi_codes=("list_exit",))
    start, later = (kpi_results(programme, year, today=TODAY)[0] for year in (2025, 2026))
    assert (start.fact.numerator, start.fact.denominator) == (0, 1)  # s1 is on its first list
    assert (later.fact.numerator, later.fact.denominator) == (1, 1)  # s1 left
    assert list(later.fact.missing) == [cast.s2.pk]  # s2 was never listed: nothing to leave
