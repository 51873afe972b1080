"""Writing tables to real .xlsx files (openpyxl's write-only mode: rows stream, memory stays flat)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _becomes_non_text(value: object) -> bool:
    # openpyxl stores a string starting with "=" as a formula and "#N/A"-like strings as errors.
    return isinstance(value, str) and (value.startswith("=") or value in ERROR_CODES)


def text_row(sheet: WriteOnlyWorksheet, row: Iterable[Any]) -> list[Any]:
    """A row for a write-only sheet in which every string stays a string (no formulas)."""
    out: list[Any] = []
    for value in row:
        if _becomes_non_text(value):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            out.append(cell)
        else:
            out.append(value)
    return out


def disarm_formulas(workbook: Workbook) -> None:
    """Turn every formula or error cell of a (normal-mode) workbook back into the text it came from.

    Opora's own workbooks never need formulas; whatever looks like one came from user data.
    """
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type in ("f", "e") and isinstance(cell.value, str):
                    cell.data_type = "s"


def workbook_bytes(workbook: Workbook) -> bytes:
    """Save a workbook built in normal mode, with user text kept inert."""
    disarm_formulas(workbook)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(*, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.data_type = "s"
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append(text_row(sheet, row))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(*, filename: str, title: str, headers: Sequence[str],
                  rows: Iterable[Sequence[Any]]) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(title=title, headers=headers, rows=rows),
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
