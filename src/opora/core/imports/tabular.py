"""Reading CSV and XLSX files row by row, with the row numbers a user sees in Excel.

Every importer (schools, social passports, later results) reads through `open_sheet`, maps the
header with `map_columns` and reports problems as `RowError`s. A file that cannot be read at all
raises `FileRejected` with the reasons.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CellValue = str | int | float | bool | datetime.date | datetime.time | datetime.timedelta | None
NumberedRow = tuple[int, list[CellValue]]  # (row number as Excel shows it, cells)
Progress = Callable[[int, int], None]  # (rows processed, rows in the file, approximately)

ALLOWED_SUFFIXES: tuple[str, ...] = (".xlsx", ".csv")
CSV_ENCODINGS: tuple[str, ...] = ("utf-8-sig", "utf-8", "utf-16", "cp1251")
MAX_CELL_CHARS = 4000  # no column Opora reads holds more; a longer cell is damage, not data
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


def _reject(message: str) -> FileRejected:
    return FileRejected([RowError(None, "", message)])


def _is_blank(cells: Sequence[CellValue]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


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


HEADER_SEARCH_ROWS = 20  # a title, a date and notes above the header fit in this many rows


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


def _extra_column(position: int) -> str:
    return _("column %(number)d (no header)") % {"number": position + 1}


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


def _reject_at(row: int, column: str, message: str) -> FileRejected:
    return FileRejected([RowError(row, column, message)])


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


_UTF8_CYRILLIC = re.compile(rb"[\xd0\xd1][\x80-\xbf]")
_FREQUENT = set("оеаинт")  # a third of the letters of any Russian text


def _frequent_share(text: str) -> float:
    letters = [c for c in text.lower() if "а" <= c <= "я"]
    return sum(c in _FREQUENT for c in letters) / len(letters) if len(letters) >= 20 else 0.0


def _unsupported(detected: str) -> FileRejected:
    return _reject(
        _("The file's encoding looks like %(detected)s; supported: %(supported)s. "
          "Save it in Excel as «CSV UTF-8» or «Unicode text».")
        % {"detected": detected, "supported": _("UTF-8, UTF-16 (with a BOM), Windows-1251")}
    )


def _looks_utf16(sample: bytes) -> bool:
    """Latin and Cyrillic text in UTF-16 has a 0x00 or 0x04 in every other byte."""
    if len(sample) < 8:
        return False
    for high in (sample[1::2], sample[0::2]):
        if sum(b in (0, 4) for b in high) > 0.8 * len(high):
            return True
    return False


def detect_encoding(path: Path) -> str:
    """utf-8 or utf-16 (by BOM), utf-8 if the whole file decodes as such, otherwise cp1251.

    Raises FileRejected for what would otherwise be read as garbage: UTF-16 without a BOM,
    KOI8-R, or a file mixing UTF-8 with a single-byte encoding.
    """
    with path.open("rb") as f:
        start = f.read(4)
        if start[:3] == codecs.BOM_UTF8:
            return "utf-8-sig"
        if start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return "utf-16"
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        sample = f.read(1 << 16)
        if _looks_utf16(sample):
            raise _unsupported(_("UTF-16 without a byte order mark"))
        f.seek(0)
        try:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            pass
        else:
            return "utf-8"
    if len(_UTF8_CYRILLIC.findall(sample)) >= 3:
        raise _unsupported(_("a mix of UTF-8 and another encoding"))
    # The same bytes read as KOI8-R give Russian letter frequencies only if that is what they are.
    as_cp1251 = _frequent_share(sample.decode("cp1251", errors="replace"))
    if _frequent_share(sample.decode("koi8-r", errors="replace")) > 1.5 * as_cp1251 + 0.05:
        raise _unsupported("KOI8-R")
    return "cp1251"


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


def csv_dialect(path: Path) -> tuple[str, str]:
    """The CSV file's encoding and delimiter; FileRejected when it is empty or unreadable."""
    encoding = detect_encoding(path)
    with path.open("r", encoding=encoding, errors="replace", newline="") as f:
        lines = list(itertools.islice((line for line in f if line.strip()), HEADER_SEARCH_ROWS))
    if not lines:
        raise _reject(_("The file is empty."))
    # The header, not a title above it, shows the delimiter: the line that has most of one.
    delimiter = max((detect_delimiter(line) for line in lines),
                    key=lambda d: max(line.count(d) for line in lines))
    return encoding, delimiter


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
    instead: tuple[str, ...] = ()  # keys whose column may stand in for a required one

    def names(self) -> tuple[str, ...]:
        return (self.key, *self.aliases)


@dataclass(frozen=True)
class Layout:
    """Where a file keeps its data, as a user mapped it or a known form lays it out: the sheet,
    the header row, for each header as written (normalised) the column key it means ("" for a
    column to skip), and values that hold for every row (a form's title: «Предмет: Математика»)."""

    sheet: str = ""
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    form: str = ""  # the name of the recognised form, for the summary

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "header_row": self.header_row, "columns": self.columns,
                "values": self.values, "form": self.form}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Layout | None:
        if not data:
            return None
        row = data.get("header_row")
        return cls(str(data.get("sheet") or ""), int(row) if row else None,
                   {normalise(str(k)): str(v) for k, v in (data.get("columns") or {}).items()},
                   {str(k): str(v) for k, v in (data.get("values") or {}).items()},
                   str(data.get("form") or ""))


def header_name(header: Sequence[str], position: int) -> str:
    """What a mapping calls the header cell at `position`: its text, or «column N» when blank."""
    written = header[position] if position < len(header) else ""
    return normalise(written) if written else f"#{position + 1}"


class HeaderMismatch(FileRejected):
    """Required columns are missing from the header or repeated: a column mapping may fix it."""

    def __init__(self, errors: list[RowError], sheet: Sheet) -> None:
        super().__init__(errors)
        self.sheet_name = sheet.name
        self.header_row = sheet.header_row
        self.header = list(sheet.header)


@dataclass
class ColumnMap:
    index: dict[str, int]  # key → position in the row
    label: dict[str, str]  # key → the header as the user wrote it
    ignored: list[str]  # headers nobody reads
    values: dict[str, str] = field(default_factory=dict)  # key → the value of every row (a layout's)
    derived: set[str] = field(default_factory=set)  # keys an importer computes from other columns

    def has(self, key: str) -> bool:
        return key in self.index or key in self.values or key in self.derived

    def cell(self, cells: Sequence[CellValue], key: str) -> CellValue:
        if key in self.values:
            return self.values[key]
        pos = self.index.get(key)
        if pos is None or pos >= len(cells):
            return None
        return cells[pos]


def map_columns(sheet: Sheet, columns: Sequence[Column], layout: Layout | None = None) -> ColumnMap:
    """Match the header against known columns; raise FileRejected on repeated ones and
    HeaderMismatch on missing ones. A `layout`'s mapping decides for the headers it names."""
    by_name: dict[str, str] = {}
    for column in columns:
        for name in column.names():
            by_name[normalise(name)] = column.key
    keys = {c.key for c in columns}
    mapped = {name: key for name, key in (layout.columns if layout else {}).items() if not key or key in keys}
    errors = ErrorList()
    index: dict[str, int] = {}
    label: dict[str, str] = {}
    ignored: list[str] = []
    width = max(len(sheet.header), max((int(n[1:]) for n in mapped if n[:1] == "#" and n[1:].isdigit()),
                                       default=0))
    for pos in range(width):
        name = header_name(sheet.header, pos)
        written = sheet.header[pos] if pos < len(sheet.header) and sheet.header[pos] else _extra_column(pos)
        if name in mapped:
            key = mapped[name] or None
            if key is None:
                continue
        elif pos >= len(sheet.header) or not sheet.header[pos]:
            continue
        else:
            key = by_name.get(name)
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
    values = {k: v for k, v in (layout.values if layout else {}).items() if k in keys and k not in index}
    for column in columns:
        if column.key in values:
            label[column.key] = _("%(column)s (for the whole file)") % {
                "column": column.aliases[0] if column.aliases else column.key}
        present = [k for k in (column.key, *column.instead) if k in index or k in values]
        if column.required and not present:
            errors.add(
                sheet.header_row,
                column.key,
                _("Required column is missing (accepted headers: %(names)s).")
                % {"names": ", ".join(column.names())},
            )
    if errors:
        raise HeaderMismatch(errors.final(), sheet)
    return ColumnMap(index, label, ignored, values)
