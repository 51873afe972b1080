"""The generator alone: deterministic, realistic, in step with the models."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from statistics import mean

import pytest

from opora.core.models import PASSPORT_SHARE_FIELDS, PASSPORT_STAFF_FIELDS, SchoolType, Settlement
from opora.demo.generator import generate
from opora.demo.rows import SCHOOL_TYPES, SETTLEMENTS, SHARE_FIELDS, STAFF_FIELDS, Territory


@pytest.fixture(scope="module")
def region() -> Territory:
    return generate("region", 7)


def test_same_seed_gives_identical_schools_and_passports() -> None:
    first, second = generate("tiny", 1), generate("tiny", 1)
    assert first.schools == second.schools
    assert first.passports == second.passports
    assert first.municipalities == second.municipalities


def test_different_seed_gives_different_schools_and_passports() -> None:
    first, second = generate("tiny", 1), generate("tiny", 2)
    assert [s.name for s in first.schools] != [s.name for s in second.schools]
    assert first.passports != second.passports


def test_generator_vocabulary_matches_the_models() -> None:
    assert set(SCHOOL_TYPES) == set(SchoolType.values)
    # The demo registry is complete: every school has a known settlement, never «не указано».
    assert set(SETTLEMENTS) == set(Settlement.values) - {Settlement.UNKNOWN}
    assert SHARE_FIELDS == PASSPORT_SHARE_FIELDS
    assert STAFF_FIELDS == PASSPORT_STAFF_FIELDS


def test_unknown_size_is_refused() -> None:
    with pytest.raises(ValueError):
        generate("galaxy", 1)


def test_sizes_have_the_promised_scale() -> None:
    tiny = generate("tiny", 1)
    assert (len(tiny.regions), len(tiny.municipalities), len(tiny.schools)) == (1, 3, 24)
    municipality = generate("municipality", 1)
    assert (len(municipality.regions), len(municipality.municipalities)) == (1, 1)
    assert 35 <= len(municipality.schools) <= 45


def test_region_size_has_about_a_thousand_schools_in_thirty_municipalities(
    region: Territory,
) -> None:
    assert len(region.municipalities) == 30
    assert 900 <= len(region.schools) <= 1100
    assert len({s.code for s in region.schools}) == len(region.schools)
    assert len({m.name for m in region.municipalities}) == 30


def test_every_school_has_a_passport_for_each_of_three_years(region: Territory) -> None:
    years: dict[str, list[int]] = defaultdict(list)
    for p in region.passports:
        years[p.school_code].append(p.year)
    assert len(years) == len(region.schools)
    assert {tuple(v) for v in years.values()} == {(2023, 2024, 2025)}


def test_passport_shares_are_between_zero_and_one(region: Territory) -> None:
    for p in region.passports:
        for name in SHARE_FIELDS:
            assert Decimal(0) <= getattr(p, name) <= Decimal(1), (p.school_code, name)


def test_staff_summary_is_consistent(region: Territory) -> None:
    for p in region.passports:
        assert p.teachers >= 2
        assert p.teachers_first_category + p.teachers_highest_category <= p.teachers
        assert p.teachers_aged_60_plus <= p.teachers


def test_distance_is_short_in_centres_and_up_to_150_km_in_villages(region: Territory) -> None:
    centre = [s.distance_km for s in region.schools if s.settlement != "village"]
    villages = [s.distance_km for s in region.schools if s.settlement == "village"]
    assert max(centre) <= 2
    assert max(villages) <= 150
    assert max(villages) > 60


def test_village_schools_are_poorer_than_city_lyceums_and_gymnasiums(region: Territory) -> None:
    by_code = {s.code: s for s in region.schools}
    latest = [p for p in region.passports if p.year == 2025]
    village = [p for p in latest if by_code[p.school_code].settlement == "village"]
    elite = [
        p
        for p in latest
        if by_code[p.school_code].settlement == "city"
        and by_code[p.school_code].type in ("lyceum", "gymnasium")
    ]

    def avg(rows: list, name: str) -> float:  # type: ignore[type-arg]
        return mean(float(getattr(p, name)) for p in rows)

    assert avg(village, "low_income_families") > avg(elite, "low_income_families") + 0.1
    assert avg(elite, "parents_higher_education") > avg(village, "parents_higher_education") + 0.2
    assert mean(p.has_psychologist for p in elite) > mean(p.has_psychologist for p in village)


def test_correctional_schools_have_almost_all_pupils_with_special_needs(region: Territory) -> None:
    codes = {s.code for s in region.schools if s.type == "correctional"}
    assert codes
    for p in region.passports:
        if p.school_code in codes:
            assert p.special_needs >= Decimal("0.9")


def test_some_schools_have_many_pupils_speaking_another_language_at_home() -> None:
    national_sample = generate("region", 3)
    shares = [p.non_russian_home_language for p in national_sample.passports]
    assert any(s > Decimal("0.3") for s in shares)
    assert sum(s < Decimal("0.1") for s in shares) > len(shares) / 2


def test_passports_drift_a_little_from_year_to_year(region: Territory) -> None:
    by_school: dict[str, list] = defaultdict(list)  # type: ignore[type-arg]
    for p in region.passports:
        by_school[p.school_code].append(p)
    changed = 0
    for rows in by_school.values():
        first, last = rows[0], rows[-1]
        assert abs(first.low_income_families - last.low_income_families) < Decimal("0.15")
        changed += first.low_income_families != last.low_income_families
    assert changed > len(by_school) / 2


def test_school_names_read_like_russian_school_names() -> None:
    names = [s.name for s in generate("tiny", 1).schools]
    assert any(n.startswith("МАОУ «Лицей № ") or n.startswith("МБОУ «Лицей № ") for n in names)
    assert any("Специальная (коррекционная)" in n for n in names)
    assert any("Вечерняя (сменная) ОШ" in n for n in names)
    assert any("«СОШ № " in n and "г. " in n for n in names)
