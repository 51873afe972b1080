"""Reading files: encodings, delimiters, row numbers as in Excel, and files that cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest

from opora.core.imports import schools_import
from opora.core.imports.tabular import FileRejected, open_sheet
from tests.conftest import Cast
from tests.core.imports_files import SCHOOL_HEADER, write_csv, write_xlsx


def _read(path: Path) -> tuple[list[str], list[tuple[int, list[object]]]]:
    with open_sheet(path) as sheet:
        return sheet.header, list(sheet.rows)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_is_read_in_any_common_encoding_and_delimiter(
    tmp_path: Path, encoding: str, delimiter: str
) -> None:
    path = write_csv(
        tmp_path / "f.csv",
        [["код", "наименование"], ["1", "Ёлкинская школа"]],
        delimiter=delimiter,
        encoding=encoding,
    )
    header, rows = _read(path)
    assert header == ["код", "наименование"]
    assert rows == [(2, ["1", "Ёлкинская школа"])]


def test_row_numbers_are_those_excel_shows_even_after_blank_rows(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", [[], ["code", "name"], ["1", "a"], [], ["2", "b"]])
    header, rows = _read(path)
    assert header == ["code", "name"]
    assert [number for number, _cells in rows] == [3, 5]


def test_csv_with_quoted_delimiters_keeps_cells_whole(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text('code,name\n1,"Школа ""Радуга"", корпус 2"\n', encoding="utf-8")
    _header, rows = _read(path)
    assert rows == [(2, ["1", 'Школа "Радуга", корпус 2'])]


@pytest.mark.parametrize(
    ("name", "content"),
    [("f.txt", b"code;name\n"), ("f.xlsx", b""), ("f.csv", b"\n\n"), ("f.xlsx", b"not a workbook")],
)
def test_unreadable_files_are_rejected_whole(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileRejected) as caught:
        _read(path)
    assert [(e.row, e.column) for e in caught.value.errors] == [(None, "")]


@pytest.mark.django_db
def test_a_header_without_data_rows_is_rejected(cast: Cast, tmp_path: Path) -> None:
    outcome = schools_import(actor=cast.alice, path=write_csv(tmp_path / "f.csv", [SCHOOL_HEADER]))
    assert not outcome.ok and outcome.errors[0].row is None


@pytest.mark.django_db
def test_a_repeated_column_is_rejected(cast: Cast, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "f.csv", [[*SCHOOL_HEADER[:5], "Код"], ["1", "a", "10-01", "СОШ", "город", "2"]]
    )
    outcome = schools_import(actor=cast.alice, path=path)
    assert [(e.row, e.column) for e in outcome.errors] == [(1, "Код")]
