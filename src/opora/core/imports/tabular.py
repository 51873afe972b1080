"""Reading CSV and XLSX files row by row, with the row numbers a user sees in Excel.

Every importer (schools, social passports, later results) reads through `open_sheet`, maps the
header with `map_columns` and reports problems as `RowError`s. A file that cannot be read at all
raises `FileRejected` with the reasons.
"""

from __future__ import annotations

import codecs
import csv
import datetime
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CellValue = str | int | float | bool | datetime.date | datetime.time | datetime.timedelta | None
Progress = Callable[[int, int], None]  # (rows processed, rows in the file, approximately)

ALLOWED_SUFFIXES: tuple[str, ...] = (".xlsx", ".csv")
CSV_ENCODINGS: tuple[str, ...] = ("utf-8-sig", "utf-8", "cp1251")
CSV_DELIMITERS: tuple[str, ...] = (";", ",", "\t")
MAX_ERRORS = 1000  # beyond this the list stops growing: nobody reads further


@dataclass(frozen=True)
class RowError:
    """One problem in a file: the row as numbered in Excel (header = 1), the column, the reason."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            parts.append(_("column «%(column)s»") % {"column": self.column})
        where = ", ".join(parts)
        return f"{where}: {self.message}" if where else self.message


class FileRejected(Exception):
    """The file as a whole cannot be imported; nothing was changed."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


@dataclass
class ErrorList:
    """Collects row errors up to MAX_ERRORS and counts the rest."""

    items: list[RowError] = field(default_factory=list)
    dropped: int = 0

    def add(self, row: int | None, column: str, message: str) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append(RowError(row, column, message))
        else:
            self.dropped += 1

    def __bool__(self) -> bool:
        return bool(self.items)

    def final(self) -> list[RowError]:
        """The errors in row order (a file-wide problem first)."""
        ordered = sorted(self.items, key=lambda e: e.row or 0)
        if not self.dropped:
            return ordered
        more = RowError(
            None,
            "",
            ngettext(
                "… and %(count)d more problem.", "… and %(count)d more problems.", self.dropped
            )
            % {"count": self.dropped},
        )
        return [*ordered, more]


@dataclass
class Sheet:
    """The header (as written) and an iterator of data rows: (Excel row number, cells)."""

    header: list[str]
    header_row: int
    total_rows: int
    rows: Iterator[tuple[int, list[CellValue]]]


def _reject(message: str) -> FileRejected:
    return FileRejected([RowError(None, "", message)])


def _is_blank(cells: Sequence[CellValue]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _split_header(
    numbered: Iterator[tuple[int, list[CellValue]]],
) -> tuple[int, list[str]]:
    for number, cells in numbered:
        if not _is_blank(cells):
            header = ["" if c is None else str(c).strip() for c in cells]
            while header and not header[-1]:
                header.pop()
            return number, header
    raise _reject(_("The file is empty."))


def _data_rows(
    numbered: Iterator[tuple[int, list[CellValue]]],
) -> Iterator[tuple[int, list[CellValue]]]:
    for number, cells in numbered:
        if not _is_blank(cells):
            yield number, cells


@contextmanager
def open_sheet(path: Path) -> Iterator[Sheet]:
    """Open an .xlsx (first sheet) or .csv file for reading; raise FileRejected if unreadable."""
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
        with _open_xlsx(path) as sheet:
            yield sheet
    else:
        with _open_csv(path) as sheet:
            yield sheet


@contextmanager
def _open_xlsx(path: Path) -> Iterator[Sheet]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several unrelated types for damaged files
        raise _reject(_("The file cannot be read as an Excel workbook (.xlsx).")) from exc
    try:
        if not workbook.sheet_names:
            raise _reject(_("The file is empty."))
        try:
            worksheet = workbook.get_sheet_by_index(0)
        except Exception as exc:
            raise _reject(_("The file cannot be read as an Excel workbook (.xlsx).")) from exc
        # iter_rows starts at the sheet's first row, so index + 1 is the row number Excel shows.
        numbered = ((i + 1, list(row)) for i, row in enumerate(worksheet.iter_rows()))
        header_row, header = _split_header(numbered)
        total = max(0, worksheet.height - 1)
        yield Sheet(header, header_row, total, _data_rows(numbered))
    finally:
        workbook.close()


def detect_encoding(path: Path) -> str:
    """utf-8 (with or without BOM) if the whole file decodes as such, otherwise cp1251."""
    with path.open("rb") as f:
        if f.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1251"
    return "utf-8"


def detect_delimiter(line: str) -> str:
    """The delimiter that occurs most often in the header line, outside quotes."""
    counts = dict.fromkeys(CSV_DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(CSV_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


@contextmanager
def _open_csv(path: Path) -> Iterator[Sheet]:
    encoding = detect_encoding(path)
    with path.open("r", encoding=encoding, errors="replace", newline="") as f:
        first = ""
        for line in f:
            if line.strip():
                first = line
                break
        if not first:
            raise _reject(_("The file is empty."))
        f.seek(0)
        reader = csv.reader(f, delimiter=detect_delimiter(first))

        def numbered() -> Iterator[tuple[int, list[CellValue]]]:
            try:
                for i, row in enumerate(reader):
                    yield i + 1, list(row)
            except csv.Error as exc:
                raise _reject(
                    _("The CSV file is damaged near row %(row)d.") % {"row": reader.line_num}
                ) from exc

        rows = numbered()
        header_row, header = _split_header(rows)
        total = max(0, _count_lines(path) - header_row)
        yield Sheet(header, header_row, total, _data_rows(rows))


# --- Header -----------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Lower case, ё → е, underscores and runs of spaces → one space: for headers and values."""
    text = text.replace("ё", "е").replace("Ё", "Е").lower().replace("_", " ").replace("\xa0", " ")
    return " ".join(text.split())


@dataclass(frozen=True)
class Column:
    """A column an importer knows: its key (the English header) and accepted Russian headers."""

    key: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def names(self) -> tuple[str, ...]:
        return (self.key, *self.aliases)


@dataclass
class ColumnMap:
    index: dict[str, int]  # key → position in the row
    label: dict[str, str]  # key → the header as the user wrote it
    ignored: list[str]  # headers nobody reads

    def has(self, key: str) -> bool:
        return key in self.index

    def cell(self, cells: Sequence[CellValue], key: str) -> CellValue:
        pos = self.index.get(key)
        if pos is None or pos >= len(cells):
            return None
        return cells[pos]


def map_columns(sheet: Sheet, columns: Sequence[Column]) -> ColumnMap:
    """Match the header against known columns; raise FileRejected on missing or repeated ones."""
    by_name: dict[str, str] = {}
    for column in columns:
        for name in column.names():
            by_name[normalise(name)] = column.key
    errors = ErrorList()
    index: dict[str, int] = {}
    label: dict[str, str] = {}
    ignored: list[str] = []
    for pos, written in enumerate(sheet.header):
        if not written:
            continue
        key = by_name.get(normalise(written))
        if key is None:
            ignored.append(written)
        elif key in index:
            errors.add(
                sheet.header_row,
                written,
                _("The column is repeated: «%(first)s» already means the same.")
                % {"first": label[key]},
            )
        else:
            index[key] = pos
            label[key] = written
    for column in columns:
        if column.required and column.key not in index:
            errors.add(
                sheet.header_row,
                column.key,
                _("Required column is missing (accepted headers: %(names)s).")
                % {"names": ", ".join(column.names())},
            )
    if errors:
        raise FileRejected(errors.final())
    return ColumnMap(index, label, ignored)
