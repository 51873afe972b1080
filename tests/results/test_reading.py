"""The bulk reader (`reading.stage_sheet`) stages exactly what the row-by-row reader does.

DuckDB parses the CSV and calamine's rows go in by column, but the `raw` table, the row numbers
and the refusals must be those of `staging.stage_rows` over the core reader, for any file.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from opora.core.imports.tabular import Column, FileRejected, map_columns, open_sheet
from opora.results.imports import reading, staging
from tests.core.imports_files import write_xlsx

COLUMNS = (Column("a"), Column("b"), Column("c"))
FUZZ = settings(max_examples=150, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def staged(path: Path, *, bulk: bool) -> Any:
    with staging.staging_connection() as con:
        try:
            with open_sheet(path) as sheet:
                columns = map_columns(sheet, COLUMNS)
                if bulk:
                    count = reading.stage_sheet(con, sheet, columns)
                else:
                    count = staging.stage_rows(con, sheet, columns)
        except FileRejected as exc:
            return "rejected", [str(e) for e in exc.errors]
        return count, con.execute('SELECT * FROM raw ORDER BY "row"').fetchall()


# Separators, quotes, line ends, Python's whitespace beyond ASCII, and letters.
PIECES = st.sampled_from([";", ";", ",", "\t", '"', '""', " ", "\n", "\r\n", "\r", "\xa0", "\u3000",
                          "\x1c", "a", "1", "12,5", "я", "", "b;c", "\x00", "x" * 4001])


@FUZZ
@given(body=st.lists(PIECES, max_size=40).map("".join), header=st.booleans(),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16"]))
def test_any_csv_stages_as_the_row_reader_stages_it(tmp_path: Path, body: str, header: bool,
                                                   encoding: str) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes((("a;b;c\r\n" if header else "") + body).encode(encoding, errors="replace"))
    assert staged(path, bulk=True) == staged(path, bulk=False)


XLSX_CELL = st.one_of(st.none(), st.sampled_from(["", " ", " a ", "\xa0", "1", "x" * 4001, "TRUE"]),
                      st.text(max_size=8), st.integers(-10**6, 10**6), st.booleans(),
                      st.floats(allow_nan=False, allow_infinity=False), st.dates(),
                      st.just(datetime.time(12, 30)))


@settings(max_examples=40, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(st.lists(XLSX_CELL, max_size=5), max_size=6))
def test_any_sheet_stages_as_the_row_reader_stages_it(tmp_path: Path, rows: list[list[Any]]) -> None:
    table = [["a", "b", "c"], *rows]
    table = [[ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row] for row in table]
    path = write_xlsx(tmp_path / "f.xlsx", table)
    assert staged(path, bulk=True) == staged(path, bulk=False)


@pytest.mark.parametrize("text", [
    "a;b;c\r\n1;2;3\r\n\r\n4; 5 ;6\r\n",
    "\n\na,b,c\n1,2,3\n\n\n4,5,6\n",
    'a,b,c\n1,"2,5",3\n"4""x""",5,6\n',
    "a;b;c\n1;2;3;\n",
])
def test_plain_files_take_the_bulk_route_with_the_same_row_numbers(
    tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8")
    expected = staged(path, bulk=False)

    def refuse(*_args: Any, **_kwargs: Any) -> int:
        raise AssertionError("the bulk reader fell back to the row reader")

    monkeypatch.setattr(staging, "stage_rows", refuse)
    assert staged(path, bulk=True) == expected


def test_a_refused_cell_is_named_as_the_row_reader_names_it(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("a;b;c\n1;2;3\n4;5;6;7\n", encoding="utf-8")
    assert staged(path, bulk=True) == staged(path, bulk=False)
    assert staged(path, bulk=True)[1][0].startswith("строка 3")
