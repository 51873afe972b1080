"""Malformed files are refused with row, column and reason, never imported silently or crashing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from opora.core.imports import passports_import, schools_import
from opora.core.models import Municipality, School, SocialPassport
from tests.conftest import Cast
from tests.core.imports_files import SCHOOL_HEADER, write_csv, write_xlsx

pytestmark = pytest.mark.django_db
PASSPORT_HEADER = ["school_code", "year", "teachers", "vacancies"]


def _errors(outcome) -> list[tuple[int | None, str]]:  # type: ignore[no-untyped-def]
    return [(e.row, e.column) for e in outcome.errors]


def _text(outcome) -> str:  # type: ignore[no-untyped-def]
    return " ".join(str(e) for e in outcome.errors)


# --- 1. numbers the database cannot hold, or no school has -------------------------------------


def test_a_twenty_digit_count_is_a_row_error_not_a_crash(cast: Cast, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "p.csv", [PASSPORT_HEADER, ["1001", "2025", "12345678901234567890", "1"]]
    )
    before = SocialPassport.objects.count()
    outcome = passports_import(actor=cast.alice, path=path)
    assert _errors(outcome) == [(2, "teachers")]
    assert SocialPassport.objects.count() == before


@pytest.mark.parametrize("vacancies", ["1e9", "100000", "1E+400"])
def test_an_implausible_number_of_vacancies_is_refused(
    cast: Cast, tmp_path: Path, vacancies: str
) -> None:
    path = write_csv(tmp_path / "p.csv", [PASSPORT_HEADER, ["1001", "2025", "30", vacancies]])
    outcome = passports_import(actor=cast.alice, path=path)
    assert _errors(outcome) == [(2, "vacancies")]


def test_an_implausible_enrolment_is_refused(cast: Cast, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "s.xlsx",
        [SCHOOL_HEADER, ["9001", "Школа", cast.m1.name, "СОШ", "город", "", 10**12]],
    )
    outcome = schools_import(actor=cast.alice, path=path)
    assert _errors(outcome) == [(2, "enrolment")]
    assert not School.objects.filter(code="9001").exists()


# --- 2. what used to be dropped or cut silently -------------------------------------------------


def test_a_row_with_more_fields_than_the_header_is_refused(cast: Cast, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "p.csv",
        [PASSPORT_HEADER, ["1001", "2025", "30", "1"], ["1002", "2025", "30", "1", "7"]],
    )
    before = SocialPassport.objects.count()
    outcome = passports_import(actor=cast.alice, path=path)
    assert outcome.errors[0].row == 3
    assert "5" in outcome.errors[0].column
    assert SocialPassport.objects.count() == before


def test_a_nul_byte_in_a_cell_is_refused(cast: Cast, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [PASSPORT_HEADER, ["10\x0001", "2025", "30", "1"]])
    outcome = passports_import(actor=cast.alice, path=path)
    assert _errors(outcome) == [(2, "school_code")]


def test_a_hundred_kilobyte_cell_is_refused(cast: Cast, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [PASSPORT_HEADER, ["1" * 100_000, "2025", "30", "1"]])
    outcome = passports_import(actor=cast.alice, path=path)
    assert _errors(outcome) == [(2, "school_code")]


def test_a_code_shaped_municipality_does_not_create_a_municipality(
    cast: Cast, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "s.xlsx", [SCHOOL_HEADER, ["9001", "Школа", "99001", "СОШ", "город", "", ""]]
    )
    before = Municipality.objects.count()
    outcome = schools_import(actor=cast.alice, path=path)
    assert _errors(outcome) == [(2, "municipality")]
    assert Municipality.objects.count() == before


# --- 3. zip bombs -------------------------------------------------------------------------------


def test_a_workbook_that_inflates_far_beyond_its_size_is_refused_before_reading(
    cast: Cast, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "p.xlsx", [PASSPORT_HEADER, ["1001", 2025, 30, 1]])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/filler.bin", b"\0" * (64 * 2**20))  # ~64 KB packed
    before = SocialPassport.objects.count()
    outcome = passports_import(actor=cast.alice, path=path)
    assert "сжат" in _text(outcome)
    assert SocialPassport.objects.count() == before


def test_the_uncompressed_size_limit_comes_from_settings(
    cast: Cast, tmp_path: Path, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES = 1000
    path = write_xlsx(tmp_path / "p.xlsx", [PASSPORT_HEADER, ["1001", 2025, 30, 1]])
    outcome = passports_import(actor=cast.alice, path=path)
    assert "МБ" in _text(outcome)


# --- 4. encodings and sheets --------------------------------------------------------------------


def test_excel_unicode_text_in_utf16_is_accepted(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    rows = [["Код школы", "Год", "Вакансии"], ["1001", "2025", "2"]]
    path.write_bytes("\r\n".join("\t".join(r) for r in rows).encode("utf-16"))  # with BOM
    outcome = passports_import(actor=cast.alice, path=path)
    assert outcome.ok, outcome.errors
    assert SocialPassport.objects.get(school=cast.s1, year=2025).vacancies == 2


@pytest.mark.parametrize(
    ("encoding", "named"),
    [("koi8-r", "KOI8-R"), ("utf-16-le", "UTF-16")],
)
def test_an_unsupported_encoding_is_named_with_the_supported_ones(
    cast: Cast, tmp_path: Path, encoding: str, named: str
) -> None:
    rows = [["Код школы", "Год", "Вакансии", "Примечание"],
            ["1001", "2025", "2", "Средняя общеобразовательная школа в посёлке"]]
    path = write_csv(tmp_path / "p.csv", rows, encoding=encoding)
    text = _text(passports_import(actor=cast.alice, path=path))
    assert named in text and "Windows-1251" in text


def test_a_file_mixing_utf8_and_cp1251_is_named_as_such(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(
        "Код школы;Год;Вакансии\r\n".encode()
        + "1001;2025;2;Школа\r\n".encode("cp1251")
    )
    text = _text(passports_import(actor=cast.alice, path=path))
    assert "UTF-8" in text and "Windows-1251" in text


def _two_sheets(path: Path, *, second_has_data: bool = True, third: bool = False) -> Path:
    workbook = Workbook()
    assert workbook.active is not None
    workbook.active.title = "Титул"
    data = workbook.create_sheet("Данные")
    if second_has_data:
        data.append(PASSPORT_HEADER)
        data.append(["1001", 2025, 30, 3])
    if third:
        other = workbook.create_sheet("Прошлый год")
        other.append(PASSPORT_HEADER)
        other.append(["1001", 2024, 30, 1])
    workbook.save(path)
    return path


def test_the_only_sheet_with_data_is_read_when_the_first_is_empty(
    cast: Cast, tmp_path: Path
) -> None:
    outcome = passports_import(actor=cast.alice, path=_two_sheets(tmp_path / "p.xlsx"))
    assert outcome.ok, outcome.errors
    assert SocialPassport.objects.get(school=cast.s1, year=2025).vacancies == 3


def test_several_sheets_with_data_are_named_and_one_can_be_chosen(
    cast: Cast, tmp_path: Path
) -> None:
    path = _two_sheets(tmp_path / "p.xlsx", third=True)
    text = _text(passports_import(actor=cast.alice, path=path))
    assert "«Данные»" in text and "«Прошлый год»" in text
    outcome = passports_import(actor=cast.alice, path=path, sheet="Прошлый год")
    assert outcome.ok, outcome.errors
    assert SocialPassport.objects.get(school=cast.s1, year=2024).vacancies == 1


def test_an_empty_workbook_names_its_sheets(cast: Cast, tmp_path: Path) -> None:
    path = _two_sheets(tmp_path / "p.xlsx", second_has_data=False)
    text = _text(passports_import(actor=cast.alice, path=path))
    assert "«Титул»" in text and "«Данные»" in text
