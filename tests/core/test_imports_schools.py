"""Importing the school register: values, errors by row and column, access, atomicity, reruns."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from opora.core.errors import AccessDenied
from opora.core.imports import schools_import
from opora.core.models import Municipality, School, SchoolType, Settlement
from tests.conftest import Cast
from tests.core.imports_files import SCHOOL_HEADER, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def _errors(outcome) -> list[tuple[int | None, str]]:  # type: ignore[no-untyped-def]
    return [(e.row, e.column) for e in outcome.errors]


def test_regional_admin_creates_and_updates_schools_from_xlsx(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "schools.xlsx",
        [
            SCHOOL_HEADER,
            [1004, "МБОУ Новая СОШ", "Озёрский округ", "СОШ", "Село", "12,5", 230],
            ["1005", "Гимназия № 5", "10-02", "гимназия", "город", 0, 900],
            ["1002", "МКОУ Заречная ООШ", "озерский округ", "ООШ", "деревня", 42.5, 90],
        ],
    )

    outcome = schools_import(actor=cast.alice, path=path)

    assert outcome.ok, outcome.errors
    assert (outcome.created, outcome.updated, outcome.unchanged) == (2, 1, 0)
    new = School.objects.get(code="1004")
    assert (new.municipality, new.type, new.settlement) == (
        cast.m1,
        SchoolType.SECONDARY,
        Settlement.VILLAGE,
    )
    assert new.distance_km == Decimal("12.5") and new.enrolment == 230
    assert School.objects.get(code="1005").municipality == cast.m2
    assert School.objects.get(code="1002").enrolment == 90


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("НОШ", SchoolType.PRIMARY),
        ("ООШ", SchoolType.BASIC),
        ("лицей", SchoolType.LYCEUM),
        ("СОШ с углублённым изучением", SchoolType.IN_DEPTH),
        ("сош с углубленным изучением", SchoolType.IN_DEPTH),
        ("Коррекционная", SchoolType.CORRECTIONAL),
        ("вечерняя", SchoolType.EVENING),
    ],
)
def test_school_types_are_read_by_russian_names(
    cast: Cast, tmp_path: Path, written: str, expected: str
) -> None:
    path = write_csv(
        tmp_path / "s.csv", [SCHOOL_HEADER[:5], ["9001", "Школа", "10-01", written, "пгт"]]
    )
    assert schools_import(actor=cast.alice, path=path).ok
    school = School.objects.get(code="9001")
    assert (school.type, school.settlement) == (expected, Settlement.TOWN)


def test_russian_headers_in_cp1251_csv_with_semicolons_are_accepted(
    cast: Cast, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "s.csv",
        [
            [
                "Код",
                "Наименование",
                "Муниципалитет",
                "Тип",
                "Тип поселения",
                "Расстояние_км",
                "Численность",
            ],
            ["9002", "МБОУ Ёлкинская СОШ", "Лесной район", "СОШ", "посёлок", "3,5", "120"],
        ],
        encoding="cp1251",
    )
    outcome = schools_import(actor=cast.alice, path=path)
    assert outcome.ok, outcome.errors
    school = School.objects.get(code="9002")
    assert school.name == "МБОУ Ёлкинская СОШ" and school.distance_km == Decimal("3.5")


def test_unknown_type_is_reported_with_the_accepted_values(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "s.xlsx", [SCHOOL_HEADER[:5], ["9003", "Школа", "10-01", "колледж", "город"]]
    )
    outcome = schools_import(actor=cast.alice, path=path)
    assert _errors(outcome) == [(2, "type")]
    assert "колледж" in outcome.errors[0].message and "гимназия" in outcome.errors[0].message


def test_every_bad_value_is_reported_by_row_and_column(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "s.xlsx",
        [
            SCHOOL_HEADER,
            ["9004", "", "10-01", "СОШ", "город", 1, 10],
            ["9005", "Школа", "10-01", "СОШ", "хутор на луне", 1, 10],
            ["9006", "Школа", "10-01", "СОШ", "город", "далеко", 10],
            ["9007", "Школа", "10-01", "СОШ", "город", -1, 10],
            ["9008", "Школа", "10-01", "СОШ", "город", 1, 10.5],
        ],
    )
    outcome = schools_import(actor=cast.alice, path=path)
    assert _errors(outcome) == [
        (2, "name"),
        (3, "settlement"),
        (4, "distance_km"),
        (5, "distance_km"),
        (6, "enrolment"),
    ]


def test_missing_required_column_rejects_the_file(cast: Cast, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "s.csv", [["code", "name", "type", "settlement"], ["1", "a", "СОШ", "город"]]
    )
    outcome = schools_import(actor=cast.alice, path=path)
    assert _errors(outcome) == [(1, "municipality")]


def test_duplicate_code_names_both_rows(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "s.xlsx",
        [
            SCHOOL_HEADER[:5],
            ["9009", "Первая", "10-01", "СОШ", "город"],
            ["9010", "Вторая", "10-01", "СОШ", "город"],
            ["9009", "Третья", "10-01", "СОШ", "город"],
        ],
    )
    outcome = schools_import(actor=cast.alice, path=path)
    assert _errors(outcome) == [(4, "code")]
    assert "2" in outcome.errors[0].message


def test_file_with_one_bad_row_creates_nothing(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "s.xlsx",
        [
            SCHOOL_HEADER[:5],
            ["9011", "Хорошая", "Новый округ", "СОШ", "город"],
            ["9012", "Хорошая", "10-01", "СОШ", "город"],
            ["9013", "Плохая", "10-01", "техникум", "город"],
        ],
    )
    before = (School.objects.count(), Municipality.objects.count())
    assert not schools_import(actor=cast.alice, path=path).ok
    assert (School.objects.count(), Municipality.objects.count()) == before


def test_second_apply_of_the_same_file_changes_nothing(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "s.xlsx",
        [
            SCHOOL_HEADER,
            ["9014", "Новая", "10-01", "НОШ", "село", 5, 40],
            ["1001", "МБОУ СОШ № 1 г. Озёрска", "10-01", "СОШ", "город", 0, 650],
        ],
    )
    first = schools_import(actor=cast.alice, path=path)
    history = School.history.count()

    second = schools_import(actor=cast.alice, path=path)

    assert (first.created, first.updated) == (1, 1)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert School.history.count() == history


def test_changes_are_attributed_to_the_importing_user(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "s.xlsx", [SCHOOL_HEADER[:5], ["1002", "Переименована", "10-01", "ООШ", "село"]]
    )
    schools_import(actor=cast.oleg, path=path)
    assert School.objects.get(code="1002").history.first().history_user == cast.oleg


def test_regional_admin_may_add_a_municipality_and_it_is_reported(
    cast: Cast, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "s.xlsx",
        [
            [*SCHOOL_HEADER[:5], "municipality_code"],
            ["9015", "Школа", "Горный район", "СОШ", "село", "10-03"],
            ["9016", "Школа 2", "Горный район", "ООШ", "село", ""],
        ],
    )
    outcome = schools_import(actor=cast.alice, path=path)
    assert outcome.ok, outcome.errors
    municipality = Municipality.objects.get(code="10-03")
    assert municipality.region == cast.r10 and municipality.name == "Горный район"
    assert municipality.schools.count() == 2
    assert any("Горный район" in line for line in outcome.summary)


def test_municipal_officer_cannot_import_into_another_municipality(
    cast: Cast, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "s.xlsx",
        [
            SCHOOL_HEADER[:5],
            ["9017", "Своя", "Озёрский округ", "СОШ", "город"],
            ["9018", "Чужая", "Лесной район", "СОШ", "город"],
            ["9019", "Новая", "Горный район", "СОШ", "город"],
        ],
    )
    outcome = schools_import(actor=cast.oleg, path=path)
    assert _errors(outcome) == [(3, "municipality"), (4, "municipality")]
    assert "Лесной район" in outcome.errors[0].message
    assert not School.objects.filter(code="9017").exists()


def test_existing_code_in_a_municipality_the_user_cannot_change_is_an_error(
    cast: Cast, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "s.xlsx", [SCHOOL_HEADER[:5], ["1003", "Захват", "10-01", "СОШ", "город"]]
    )
    outcome = schools_import(actor=cast.oleg, path=path)
    assert _errors(outcome) == [(2, "code")]
    assert School.objects.get(code="1003").municipality == cast.m2


def test_school_head_may_not_import_schools(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "s.xlsx", [SCHOOL_HEADER[:5], ["9020", "Школа", "10-01", "СОШ", "город"]]
    )
    with pytest.raises(AccessDenied):
        schools_import(actor=cast.sam, path=path)


def test_superuser_needs_a_region_column_when_there_are_several_regions(
    cast: Cast, tmp_path: Path
) -> None:
    cast.nobody.is_superuser = True
    cast.nobody.save()
    rows = [["9021", "Школа", "Степной район", "СОШ", "город"]]
    without = schools_import(
        actor=cast.nobody, path=write_xlsx(tmp_path / "a.xlsx", [SCHOOL_HEADER[:5], *rows])
    )
    with_region = schools_import(
        actor=cast.nobody,
        path=write_xlsx(tmp_path / "b.xlsx", [[*SCHOOL_HEADER[:5], "region"], [*rows[0], "20"]]),
    )
    assert _errors(without) == [(1, "region")]
    assert with_region.ok, with_region.errors
    assert School.objects.get(code="9021").municipality == cast.m3


def test_unknown_columns_are_named_in_the_summary(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "s.xlsx",
        [
            [*SCHOOL_HEADER[:5], "численост"],
            ["9023", "Школа", "10-01", "СОШ", "город", 100],
        ],
    )
    outcome = schools_import(actor=cast.alice, path=path)
    assert outcome.ok and any("численост" in line for line in outcome.summary)
    assert School.objects.get(code="9023").enrolment is None


def test_settlement_may_be_missing_or_not_specified(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", [
        ["code", "name", "municipality", "type", "settlement"],
        ["9201", "Без поселения", "10-01", "СОШ", ""],
        ["9202", "Не указано", "10-01", "СОШ", "не указано"],
    ])
    assert schools_import(actor=cast.alice, path=path).ok
    assert School.objects.get(code="9201").get_settlement_display() == "не указано"
    assert School.objects.get(code="9202").settlement == Settlement.UNKNOWN
    # A later file without the column keeps what is stored.
    School.objects.filter(code="9201").update(settlement=Settlement.VILLAGE)
    again = write_csv(tmp_path / "s.csv", [["code", "name", "municipality", "type"],
                                           ["9201", "Без поселения", "10-01", "ООШ"]])
    assert schools_import(actor=cast.alice, path=again).ok
    assert School.objects.get(code="9201").settlement == Settlement.VILLAGE
