"""User text in CSV and XLSX exports stays text: a spreadsheet never runs it as a formula."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from opora.core.formula_text import csv_row, csv_value
from opora.core.xlsx import xlsx_bytes


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
                                  "\t=1+1", "\r=1+1"])
def test_csv_fields_that_start_like_a_formula_get_an_apostrophe(text):
    assert csv_value(text) == "'" + text


@pytest.mark.parametrize("value", ["-0.05", "+3", "-12", "1e-3", "Школа № 5", "", 7, -1.5, None])
def test_numbers_and_plain_text_are_left_as_they_are(value):
    assert csv_value(value) == value


def test_a_csv_row_read_back_by_a_csv_reader_keeps_the_disarmed_text():
    out = io.StringIO()
    csv.writer(out).writerow(csv_row(["1001", '=HYPERLINK("http://evil","x")', "-0.25"]))
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["1001", '\'=HYPERLINK("http://evil","x")', "-0.25"]


def test_xlsx_cells_keep_formula_like_text_and_error_codes_as_strings():
    data = xlsx_bytes(title="t", headers=["=header", "b"],
                      rows=[['=HYPERLINK("http://evil","x")', "#N/A"], ["+1", -3]])
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert [c.value for c in cells] == ["=header", "b", '=HYPERLINK("http://evil","x")', "#N/A", "+1", -3]
    assert [c.data_type for c in cells] == ["s", "s", "s", "s", "s", "n"]
