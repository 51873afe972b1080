"""Importing social passports: shares vs percentages, staff, errors, access, reruns."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from opora.core.imports import passports_import
from opora.core.models import SocialPassport
from tests.conftest import Cast
from tests.core.imports_files import write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def _errors(outcome) -> list[tuple[int | None, str]]:  # type: ignore[no-untyped-def]
    return [(e.row, e.column) for e in outcome.errors]


def test_passport_is_created_with_shares_staff_and_unknowns(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "p.xlsx",
        [
            [
                "school_code",
                "year",
                "low_income_families",
                "special_needs",
                "teachers",
                "vacancies",
                "has_psychologist",
            ],
            ["1003", 2025, 0.2, None, 60, 0, "да"],
        ],
    )
    outcome = passports_import(actor=cast.alice, path=path)
    assert outcome.ok, outcome.errors
    passport = SocialPassport.objects.get(school=cast.s3, year=2025)
    assert passport.low_income_families == Decimal("0.2")
    assert passport.special_needs is None
    assert (passport.teachers, passport.vacancies, passport.has_psychologist) == (60, 0, True)


def test_a_column_with_a_value_above_one_is_read_as_percentages(cast: Cast, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "p.csv",
        [
            ["school_code", "year", "low_income_families", "special_needs"],
            ["1001", "2024", "12,5", "0,5"],
            ["1002", "2024", "0,5", "0,25"],
        ],
    )
    assert passports_import(actor=cast.alice, path=path).ok
    first = SocialPassport.objects.get(school=cast.s1, year=2024)
    second = SocialPassport.objects.get(school=cast.s2, year=2024)
    # low_income_families holds 12.5 somewhere, so every value there is a percentage.
    assert (first.low_income_families, second.low_income_families) == (
        Decimal("0.125"),
        Decimal("0.005"),
    )
    assert (first.special_needs, second.special_needs) == (Decimal("0.5"), Decimal("0.25"))


def test_a_trailing_percent_sign_marks_the_column_as_percentages(
    cast: Cast, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "p.csv",
        [
            ["school_code", "year", "large_families"],
            ["1001", "2024", "1%"],
            ["1002", "2024", "0,5"],
        ],
    )
    outcome = passports_import(actor=cast.alice, path=path)
    assert outcome.ok
    assert SocialPassport.objects.get(school=cast.s1, year=2024).large_families == Decimal("0.01")
    assert SocialPassport.objects.get(school=cast.s2, year=2024).large_families == Decimal("0.005")
    assert any("large_families" in line for line in outcome.summary)


def test_russian_headers_in_cp1251_csv_are_accepted(cast: Cast, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "p.csv",
        [
            [
                "Код школы",
                "Год",
                "Малоимущие семьи",
                "ОВЗ",
                "Учителя",
                "Психолог",
                "На профилактическом учёте",
            ],
            ["1002", "2026", "41%", "11%", "11", "нет", "2%"],
        ],
        encoding="cp1251",
    )
    outcome = passports_import(actor=cast.oleg, path=path)
    assert outcome.ok, outcome.errors
    passport = SocialPassport.objects.get(school=cast.s2, year=2026)
    assert passport.low_income_families == Decimal("0.41") and passport.has_psychologist is False
    assert passport.prevention_register == Decimal("0.02")


def test_out_of_range_negative_and_non_numeric_values_are_errors(
    cast: Cast, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "p.xlsx",
        [
            ["school_code", "year", "low_income_families", "teachers", "has_psychologist"],
            ["1001", 2024, 150, 10, "да"],
            ["1002", 2024, -0.1, 10, "да"],
            ["1003", 2024, "много", 10, "да"],
            ["2001", 2024, 0.1, -3, "может быть"],
            ["1001", 1989, 0.1, 2.5, "1"],
        ],
    )
    outcome = passports_import(actor=cast.alice, path=path)
    assert sorted(_errors(outcome)) == sorted(
        [
            (2, "low_income_families"),
            (3, "low_income_families"),
            (4, "low_income_families"),
            (5, "teachers"),
            (5, "has_psychologist"),
            (6, "year"),
            (6, "teachers"),
        ]
    )
    assert SocialPassport.objects.filter(year=2024).count() == 0


def test_unknown_school_and_repeated_school_year_are_errors(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "p.xlsx",
        [
            ["school_code", "year", "teachers"],
            ["1001", 2024, 10],
            ["7777", 2024, 10],
            ["1001", 2024, 12],
        ],
    )
    outcome = passports_import(actor=cast.alice, path=path)
    assert _errors(outcome) == [(3, "school_code"), (4, "school_code")]
    assert "7777" in outcome.errors[0].message and "2" in outcome.errors[1].message


def test_municipal_officer_cannot_import_passports_of_another_municipality(
    cast: Cast, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "p.xlsx",
        [
            ["school_code", "year", "teachers"],
            ["1001", 2024, 10],
            ["1003", 2024, 10],
        ],
    )
    outcome = passports_import(actor=cast.oleg, path=path)
    assert _errors(outcome) == [(3, "school_code")]
    assert not SocialPassport.objects.filter(year=2024).exists()


def test_existing_passport_is_updated_and_a_rerun_changes_nothing(
    cast: Cast, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "p.xlsx",
        [
            ["school_code", "year", "low_income_families", "special_needs", "teachers"],
            ["1001", 2025, "12%", "5%", 50],
            ["1002", 2025, "41%", "11%", 11],
        ],
    )
    first = passports_import(actor=cast.alice, path=path)
    history = SocialPassport.history.count()
    second = passports_import(actor=cast.alice, path=path)

    assert (first.created, first.updated, first.unchanged) == (0, 1, 1)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert SocialPassport.history.count() == history
    passport = SocialPassport.objects.get(school=cast.s1, year=2025)
    assert passport.teachers == 50 and passport.history.first().history_user == cast.alice
    # Columns absent from the file are kept.
    assert passport.has_psychologist is True


def test_file_without_indicator_columns_is_rejected(cast: Cast, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [["school_code", "year"], ["1001", "2024"]])
    outcome = passports_import(actor=cast.alice, path=path)
    assert _errors(outcome) == [(1, "")]
