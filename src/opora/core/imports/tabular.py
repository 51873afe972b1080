"""Reading CSV and XLSX files row by row, with the row numbers a user sees in Excel.

Every importer (schools, social passports, later results) reads through `open_sheet`, maps the
header with `map_columns` and reports problems as `RowError`s. A file that cannot be read at all
raises `FileRejected` with the reasons.
"""

from __future__ import annotations

import csv
import itertools
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

# The names every importer takes from here live in these modules; this one reads the files.
from opora.core.imports.encoding import (
    HEADER_SEARCH_ROWS,
    _count_lines,
    csv_dialect,
    detect_delimiter,
    detect_encoding,
)
from opora.core.imports.header import Column, ColumnMap, HeaderMismatch, Layout, header_name, map_columns
from opora.core.imports.problems import (
    ALLOWED_SUFFIXES,
    CSV_DELIMITERS,
    CSV_ENCODINGS,
    MAX_CELL_CHARS,
    MAX_ERRORS,
    CellValue,
    ErrorList,
    FileRejected,
    NumberedRow,
    Progress,
    RowError,
    _extra_column,
    _is_blank,
    _reject,
    _reject_at,
    normalise,
)

__all__ = [
    "ALLOWED_SUFFIXES", "CSV_DELIMITERS", "CSV_ENCODINGS", "HEADER_SEARCH_ROWS", "MAX_CELL_CHARS", "MAX_ERRORS",
    "CellValue", "Column", "ColumnMap", "CsvSource", "ErrorList", "FileRejected", "HeaderMismatch", "Layout",
    "NumberedRow", "Progress", "RowError", "Sheet", "check_row", "check_zip_size", "csv_dialect", "detect_delimiter",
    "detect_encoding", "header_name", "likely_header", "map_columns", "normalise", "open_sheet", "raw_rows",
]

@dataclass(frozen=True)
class CsvSource:
    """How a CSV sheet was read, for a reader that parses the file itself (DuckDB)."""

    path: Path
    encoding: str
    delimiter: str


@dataclass
class Sheet:
    """The header (as written) and an iterator of data rows: (Excel row number, cells).

    `csv` (a CSV file) or `workbook_sheet` (the calamine sheet of an .xlsx) let a bulk reader
    read the same data column-wise instead of `rows`; it must keep `check_row`'s refusals.
    """

    header: list[str]
    header_row: int
    total_rows: int
    rows: Iterator[tuple[int, list[CellValue]]]
    name: str = ""
    csv: CsvSource | None = None
    workbook_sheet: Any = None


def _header_cells(cells: Sequence[CellValue]) -> list[str]:
    header = ["" if c is None else str(c).strip() for c in cells]
    while header and not header[-1]:
        header.pop()
    return header


def _split_header(
    numbered: Iterator[tuple[int, list[CellValue]]],
) -> tuple[int, list[str]]:
    for number, cells in numbered:
        if not _is_blank(cells):
            return number, _header_cells(cells)
    raise _reject(_("The file is empty."))


def likely_header(rows: Sequence[tuple[int, Sequence[CellValue]]], known: frozenset[str]) -> int:
    """Which of the first non-blank rows is the header: the one naming the most known columns;
    failing that, the first of the widest rows (a title or a date above the header is narrower)."""
    scores = [sum(isinstance(c, str) and normalise(c) in known for c in cells) for _n, cells in rows]
    if scores and max(scores) > 0:
        return max(range(len(rows)), key=lambda i: (scores[i], -i))
    widths = [sum(not _is_blank([c]) for c in cells) for _n, cells in rows]
    return widths.index(max(widths)) if widths else 0


def _find_header(
    numbered: Iterator[tuple[int, list[CellValue]]],
    header_row: int | None,
    known: frozenset[str],
) -> tuple[int, list[str], Iterator[tuple[int, list[CellValue]]]]:
    """The header row and the data rows after it.

    `header_row` (a saved mapping, the user's choice) is taken as given. Otherwise, among the
    first non-blank rows, the one with the most cells naming a `known` column is the header,
    so a title or a date above it is skipped; with no known names, the first non-blank row.
    """
    if header_row is not None:
        for number, cells in numbered:
            if number == header_row:
                return number, _header_cells(cells), numbered
            if number > header_row:
                break
        raise _reject(_("The file has no row %(row)d to take as the header.") % {"row": header_row})
    if not known:
        number, header = _split_header(numbered)
        return number, header, numbered
    seen: list[tuple[int, list[CellValue]]] = []
    for number, cells in numbered:
        if not _is_blank(cells):
            seen.append((number, cells))
            if len(seen) >= HEADER_SEARCH_ROWS:
                break
    if not seen:
        raise _reject(_("The file is empty."))
    best = likely_header(seen, known)
    number, cells = seen[best]
    return number, _header_cells(cells), itertools.chain(seen[best + 1:], numbered)


def _data_rows(
    numbered: Iterator[tuple[int, list[CellValue]]],
    header: list[str],
) -> Iterator[tuple[int, list[CellValue]]]:
    """Non-blank rows; a row with values beyond the header, a NUL byte or an overlong cell
    rejects the file, since silently dropping or cutting them would import something else."""
    for number, cells in numbered:
        if _is_blank(cells):
            continue
        check_row(number, cells, header)
        yield number, cells


def check_row(number: int, cells: Sequence[CellValue], header: Sequence[str]) -> None:
    """Raise FileRejected for the first refused cell of a (non-blank) data row, if any."""
    width = len(header)
    for pos, cell in enumerate(cells):
        if type(cell) is not str:
            if pos >= width and cell is not None:
                raise _reject_at(number, _extra_column(pos),
                                 _("The row has more values than the header has columns."))
            continue
        column = header[pos] if pos < width and header[pos] else _extra_column(pos)
        if pos >= width and cell.strip():
            raise _reject_at(number, column,
                             _("The row has more values than the header has columns."))
        if "\x00" in cell:
            raise _reject_at(number, column,
                             _("The cell contains a NUL character: the file is damaged."))
        if len(cell) > MAX_CELL_CHARS:
            raise _reject_at(
                number, column,
                _("The cell is too long (at most %(max)d characters).") % {"max": MAX_CELL_CHARS},
            )


@contextmanager
def open_sheet(
    path: Path,
    sheet: str | int | None = None,
    *,
    layout: Layout | None = None,
    known: Sequence[Column] = (),
) -> Iterator[Sheet]:
    """Open an .xlsx or .csv file for reading; raise FileRejected if unreadable.

    `sheet` names the workbook's sheet (or gives its index); without it the first sheet is read,
    or the only sheet with data when the first is empty. A CSV file ignores it. A `layout` (a
    saved column mapping) names the sheet and the header row; otherwise the header is the row
    naming the most `known` columns among the first rows (title rows above it are skipped).
    """
    if layout is not None and layout.sheet:
        sheet = layout.sheet
    header_row = layout.header_row if layout is not None else None
    names = frozenset(normalise(n) for c in known for n in c.names())
    suffix = path.suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise _reject(
            _("Unsupported file type «%(suffix)s»: upload an .xlsx or .csv file.")
            % {"suffix": path.suffix or "—"}
        )
    if not path.is_file():
        raise _reject(_("The file was not found."))
    if path.stat().st_size == 0:
        raise _reject(_("The file is empty."))
    if suffix == ".xlsx":
        with _open_xlsx(path, sheet, header_row, names) as opened:
            yield opened
    else:
        with _open_csv(path, header_row, names) as opened:
            yield opened


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f}".replace(".", ",")


def check_zip_size(path: Path) -> None:
    """Refuse a workbook that would inflate beyond the configured size or ratio (a zip bomb).

    The sizes declared in the zip's directory are what calamine will inflate; a lie there makes
    the inflation fail, not run on.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _reject(_("The file cannot be read as an Excel workbook (.xlsx).")) from exc
    total = sum(m.file_size for m in members)
    limit = settings.IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES
    ratio = settings.IMPORT_XLSX_MAX_RATIO
    if total > limit:
        raise _reject(
            _("The workbook unpacks to %(size)s MB, more than the %(limit)s MB allowed; "
              "split it into several files.")
            % {"size": _megabytes(total), "limit": _megabytes(limit)}
        )
    for m in members:
        # Small parts (styles, an empty sheet) may compress very well without harm.
        if m.file_size > 2**20 and m.file_size > ratio * max(m.compress_size, 1):
            raise _reject(
                _("The workbook is compressed %(ratio)d times, more than the %(limit)d allowed: "
                  "it looks crafted to exhaust the server. Save it again in Excel.")
                % {"ratio": m.file_size // max(m.compress_size, 1), "limit": ratio}
            )


def _sheet_names_text(names: Sequence[str]) -> str:
    return ", ".join(f"«{n}»" for n in names)


def _has_data(worksheet: Any) -> bool:
    return any(not _is_blank(list(row)) for row in worksheet.iter_rows())


def _pick_sheet(workbook: Any, wanted: str | int | None) -> Any:
    names: list[str] = list(workbook.sheet_names)
    if isinstance(wanted, int):
        return workbook.get_sheet_by_index(wanted)
    if wanted:
        if wanted not in names:
            raise _reject(
                _("The workbook has no sheet «%(sheet)s»; its sheets: %(names)s.")
                % {"sheet": wanted, "names": _sheet_names_text(names)}
            )
        return workbook.get_sheet_by_name(wanted)
    first = workbook.get_sheet_by_index(0)
    if len(names) == 1 or _has_data(first):
        return first
    with_data = [n for n in names[1:] if _has_data(workbook.get_sheet_by_name(n))]
    if len(with_data) == 1:
        return workbook.get_sheet_by_name(with_data[0])
    if not with_data:
        raise _reject(
            _("The file is empty: no sheet has data (sheets: %(names)s).")
            % {"names": _sheet_names_text(names)}
        )
    raise _reject(
        _("The first sheet «%(first)s» is empty and several sheets have data: %(names)s; "
          "choose the sheet to import.")
        % {"first": names[0], "names": _sheet_names_text(with_data)}
    )


@contextmanager
def _open_xlsx(
    path: Path, wanted: str | int | None = None, header_row: int | None = None,
    known: frozenset[str] = frozenset(),
) -> Iterator[Sheet]:
    check_zip_size(path)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several unrelated types for damaged files
        raise _reject(_("The file cannot be read as an Excel workbook (.xlsx).")) from exc
    try:
        if not workbook.sheet_names:
            raise _reject(_("The file is empty."))
        try:
            worksheet = _pick_sheet(workbook, wanted)
        except FileRejected:
            raise
        except Exception as exc:
            raise _reject(_("The file cannot be read as an Excel workbook (.xlsx).")) from exc
        # iter_rows starts at the sheet's first row, so index + 1 is the row number Excel shows.
        numbered = ((i + 1, list(row)) for i, row in enumerate(worksheet.iter_rows()))
        header_row, header, rest = _find_header(numbered, header_row, known)
        total = max(0, worksheet.height - 1)
        yield Sheet(header, header_row, total, _data_rows(rest, header), worksheet.name,
                    workbook_sheet=worksheet)
    finally:
        workbook.close()


@contextmanager
def raw_rows(path: Path, sheet: str | int | None = None) -> Iterator[tuple[str, list[str], Iterator[NumberedRow]]]:
    """Every row as read, numbered as Excel shows it: (sheet, the workbook's sheets, rows)."""
    suffix = path.suffix.lower()
    if suffix not in ALLOWED_SUFFIXES or not path.is_file() or path.stat().st_size == 0:
        with open_sheet(path):  # raises the reader's own reason
            pass
    if suffix == ".xlsx":
        check_zip_size(path)
        try:
            workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # calamine raises several unrelated types for damaged files
            raise _reject(_("The file cannot be read as an Excel workbook (.xlsx).")) from exc
        try:
            worksheet = _pick_sheet(workbook, sheet)
            yield (worksheet.name, list(workbook.sheet_names),
                   ((i + 1, list(row)) for i, row in enumerate(worksheet.iter_rows())))
        finally:
            workbook.close()
        return
    encoding, delimiter = csv_dialect(path)
    with path.open("r", encoding=encoding, errors="replace", newline="") as f:
        yield "", [], ((i + 1, list(row)) for i, row in enumerate(csv.reader(f, delimiter=delimiter)))


@contextmanager
def _open_csv(path: Path, header_row: int | None = None, known: frozenset[str] = frozenset()) -> Iterator[Sheet]:
    encoding, delimiter = csv_dialect(path)
    with path.open("r", encoding=encoding, errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)

        def numbered() -> Iterator[tuple[int, list[CellValue]]]:
            try:
                for i, row in enumerate(reader):
                    yield i + 1, list(row)
            except csv.Error as exc:
                raise _reject(
                    _("The CSV file is damaged near row %(row)d.") % {"row": reader.line_num}
                ) from exc

        header_row, header, rows = _find_header(numbered(), header_row, known)
        total = max(0, _count_lines(path) - header_row)
        yield Sheet(header, header_row, total, _data_rows(rows, header),
                    csv=CsvSource(path, encoding, delimiter))


