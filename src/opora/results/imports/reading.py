"""Staging a results file at disk speed: DuckDB parses the CSV, calamine's rows go in by column.

`stage_sheet` fills the same `raw` table as `staging.stage_rows` (row INTEGER, <key> VARCHAR:
the stripped text of each mapped cell, NULL when empty; blank rows left out) with the same row
numbers and the same refusals as the core reader (`tabular.check_row`: values beyond the header,
NUL, an overlong cell). It takes the bulk route only where it gives exactly what the core
reader would; anything else (quoted line breaks, a quote after a space, mixed line endings, a
row wider than the header allows, a file DuckDB cannot parse) is read the row-by-row way, which
stays the reference.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opora.core.imports.cells import cell_text
from opora.core.imports.tabular import (
    MAX_CELL_CHARS,
    CellValue,
    ColumnMap,
    CsvSource,
    Progress,
    Sheet,
    check_row,
)
from opora.results.imports import staging

logger = logging.getLogger(__name__)

# What Python's str.strip() removes: the core reader strips cells with it.
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
              "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_WS_SQL = "'" + WHITESPACE.replace("'", "''") + "'"
EXTRA_COLUMNS = 4  # cells beyond the header DuckDB reads (a trailing delimiter, a stray value)
_CHUNK = 1 << 24


def stage_sheet(
    con: duckdb.DuckDBPyConnection,
    sheet: Sheet,
    columns: ColumnMap,
    *,
    table: str = "raw",
    progress: Progress | None = None,
) -> int:
    """Copy the sheet's mapped columns as text into `table`; the number of data rows."""
    staged: int | None = None
    if sheet.csv is not None:
        staged = _stage_csv(con, sheet, sheet.csv, columns, table)
    elif sheet.workbook_sheet is not None:
        staged = _stage_workbook(con, sheet, columns, table)
    if staged is None:
        staged = staging.stage_rows(con, sheet, columns, table=table, progress=progress)
    elif progress is not None:
        progress(staged, staged)
    for key, value in columns.values.items():  # a form's title: the same value in every row
        literal = "'" + value.replace("'", "''") + "'"
        con.execute(f'ALTER TABLE "{table}" ADD COLUMN "{key}" VARCHAR DEFAULT {literal}')
    return staged


def _temp_dir(con: duckdb.DuckDBPyConnection) -> Path:
    return Path(str(con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0]))


# Bytes of the characters besides the space that str.strip() removes, in UTF-8 (\t, \r and \n
# are looked at separately: they are also separators and line ends).
_OTHER_WHITESPACE = re.compile(
    rb"[\x0b\x0c\x1c-\x1f]|\xc2[\x85\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80"
)


def _trim(name: str, spaces_only: bool) -> str:
    """SQL: the cell as str.strip() gives it (DuckDB's plain trim when only spaces can occur)."""
    return f"trim({name})" if spaces_only else f"trim({name}, {_WS_SQL})"


def _blank(names: Sequence[str], spaces_only: bool = False) -> str:
    """SQL: every cell of the row is empty or whitespace (so is their concatenation)."""
    if not names:
        return "true"
    return f"coalesce({_trim(f'concat({chr(44).join(names)})', spaces_only)}, '') = ''"


def _text(name: str, spaces_only: bool = False) -> str:
    """SQL: the cell as the core reader's text: stripped, NULL when empty."""
    return f"nullif({_trim(name, spaces_only)}, '')"


def _first_refusal(
    con: duckdb.DuckDBPyConnection, source: str, names: list[str], width: int, header: list[str],
    *, nul: bool = True, spaces_only: bool = False,
) -> bool:
    """Raise the core reader's refusal for the first refused row of `source`, if there is one.

    Returns False when SQL finds a refused row that `check_row` accepts (the bulk route then
    gave up: the row-by-row reader decides).
    """
    # No cell of a row is longer than all of them together: a cheap filter first.
    conditions = [f"(length(concat({', '.join(names)})) > {MAX_CELL_CHARS} AND ("
                  + " OR ".join(f"length({n}) > {MAX_CELL_CHARS}" for n in names) + "))"]
    if nul:
        conditions.append(f"contains(concat({', '.join(names)}), chr(0))")
    if names[width:]:
        conditions.append(f"NOT ({_blank(names[width:], spaces_only)})")
    found = con.execute(
        f'SELECT "row", {", ".join(names)} FROM {source} WHERE ({" OR ".join(conditions)}) '
        f"AND NOT ({_blank(names, spaces_only)}) ORDER BY \"row\" LIMIT 1"
    ).fetchall()
    if not found:
        return True
    number, *cells = found[0]
    check_row(int(number), ["" if c is None else c for c in cells], header)
    return False


def _create_raw(con: duckdb.DuckDBPyConnection, source: str, names: list[str], columns: ColumnMap,
                table: str, *, spaces_only: bool = False) -> int:
    keys = ", ".join(f'{_text(names[pos], spaces_only)} AS "{key}"' for key, pos in columns.index.items())
    con.execute(f'CREATE TABLE "{table}" AS SELECT CAST("row" AS INTEGER) AS "row", {keys} '
                f"FROM {source} WHERE NOT ({_blank(names, spaces_only)})")
    return int(con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0])


# --- CSV ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scan:
    newline: str
    empty_lines: bool
    spaces_only: bool  # no whitespace but the space (and the separator) occurs in the file
    quoted: bool


def _transcode(source: CsvSource, target: Path) -> Path:
    """The file as UTF-8, decoded as the core reader decodes it (a bad byte becomes U+FFFD)."""
    with source.path.open("r", encoding=source.encoding, errors="replace", newline="") as f, \
            target.open("w", encoding="utf-8", newline="") as out:
        while chunk := f.read(_CHUNK):
            out.write(chunk)
    return target


def _scan(path: Path, delimiter: str) -> _Scan | None:
    """What DuckDB needs to be told, or None when its parse could differ from Python's csv."""
    crs = crlfs = lfs = 0
    quoted = empty = other_space = False
    tail = b""
    with path.open("rb") as f:
        first = True
        while chunk := f.read(_CHUNK):
            window = tail + chunk
            if b"\x00" in chunk:
                return None
            crs += chunk.count(b"\r")
            lfs += chunk.count(b"\n")
            crlfs += (tail[-1:] + chunk).count(b"\r\n")
            if b'"' in chunk:
                quoted = True
                # Python keeps ` "a"` as it is; DuckDB would read a quoted a.
                if b' "' in window or (delimiter != "\t" and b'\t"' in window):
                    return None
            if first and chunk.removeprefix(b"\xef\xbb\xbf")[:1] in (b"\n", b"\r"):
                empty = True
            if b"\n\n" in window or b"\r\r" in window or b"\n\r\n" in window:
                empty = True
            if not other_space:
                other_space = bool(_OTHER_WHITESPACE.search(window)) or (
                    delimiter != "\t" and b"\t" in chunk)
            first = False
            tail = chunk[-3:]
    if crs == 0:
        newline = "\\n"
    elif crs == crlfs == lfs:
        newline = "\\r\\n"
    elif lfs == 0:
        newline = "\\r"
    else:
        return None
    if empty and quoted:
        return None  # a blank line inside quotes is not a record: leave it to the csv module
    return _Scan(newline, empty, not other_space, quoted)


def _line_numbers(path: Path, newline: str) -> np.ndarray:
    """1-based numbers of the file's non-empty lines (DuckDB skips the empty ones)."""
    data = np.fromfile(path, dtype=np.uint8)
    end_byte = 13 if newline == "\\r" else 10
    ends = np.flatnonzero(data == end_byte)
    if len(data) and data[-1] != end_byte:
        ends = np.append(ends, len(data))
    starts = np.concatenate(([0], ends[:-1] + 1))
    lengths = ends - starts
    if newline == "\\r\\n":
        lengths = lengths - 1
    if len(data) >= 3 and bytes(data[:3]) == b"\xef\xbb\xbf" and len(lengths):
        lengths[0] -= 3
    return (np.flatnonzero(lengths > 0) + 1).astype(np.int64)


def _stage_csv(con: duckdb.DuckDBPyConnection, sheet: Sheet, source: CsvSource, columns: ColumnMap,
               table: str) -> int | None:
    tmp = _temp_dir(con)
    utf8 = source.path
    if source.encoding not in ("utf-8", "utf-8-sig"):
        utf8 = _transcode(source, tmp / "utf8.csv")
    scan = _scan(utf8, source.delimiter)
    if scan is None:
        return None
    width = len(sheet.header)
    names = [f"c{i}" for i in range(width + EXTRA_COLUMNS)]
    types = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    path_sql = str(utf8).replace("'", "''")
    delimiter = source.delimiter.replace("'", "''")
    read = (f"read_csv('{path_sql}', auto_detect = false, header = false, delim = '{delimiter}', "
            f"quote = '\"', escape = '\"', columns = {types}, "
            f"null_padding = true, strict_mode = true, max_line_size = 4194304)")
    try:
        con.execute("SET preserve_insertion_order = true")
        con.execute(f"CREATE TABLE _csv AS SELECT * FROM {read}")
    except duckdb.Error as exc:
        logger.info("DuckDB did not read %s (%s); reading it row by row", source.path, exc)
        con.execute("DROP TABLE IF EXISTS _csv")
        return None
    finally:
        con.execute("SET preserve_insertion_order = false")
    try:
        count = int(con.execute("SELECT count(*) FROM _csv").fetchall()[0][0])
        if scan.empty_lines:
            numbers = _line_numbers(utf8, scan.newline)
            if len(numbers) != count:
                return None
            con.register("_numbers", pa.table({"row": numbers}))
            con.execute("CREATE TABLE _numbered AS SELECT n.row, c.* FROM _csv c POSITIONAL JOIN _numbers n")
            con.unregister("_numbers")
            rows_sql = f'(SELECT * FROM _numbered WHERE "row" > {sheet.header_row})'
        else:
            rows_sql = f'(SELECT rowid + 1 AS "row", * FROM _csv WHERE rowid + 1 > {sheet.header_row})'
        spaces_only = scan.spaces_only
        if spaces_only and scan.quoted:  # a line end inside quotes is whitespace too
            breaks = " OR ".join(f"regexp_matches({n}, '[\\r\\n]')" for n in names)
            spaces_only = not con.execute(f"SELECT bool_or({breaks}) FROM _csv").fetchall()[0][0]
        if not _first_refusal(con, rows_sql, names, width, sheet.header, nul=False, spaces_only=spaces_only):
            return None
        return _create_raw(con, rows_sql, names, columns, table, spaces_only=spaces_only)
    finally:
        con.execute("DROP TABLE IF EXISTS _numbered")
        con.execute("DROP TABLE IF EXISTS _csv")


# --- XLSX -----------------------------------------------------------------------------------------


def _cell_texts(values: Sequence[CellValue]) -> pa.Array:
    """A column of cells as the core reader's text (not yet stripped): numbers without a '.0'."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        return pa.array(values, pa.string())
    if kinds <= {str, float, int}:
        where = [i for i, v in enumerate(values) if type(v) is not str]
        out = list(values)
        for i, text in zip(where, _number_texts([values[i] for i in where]), strict=True):
            out[i] = text
        return pa.array(out, pa.string())
    return pa.array([_any_text(v) for v in values], pa.string())


def _number_texts(numbers: list[Any]) -> list[str]:
    """`cell_text` of each number, the whole ones (nearly all) converted by Arrow at once."""
    values = np.array(numbers, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(values) & (values == np.floor(values)) & (np.abs(values) < 2.0**53)
    texts: list[Any] = [None] * len(numbers)
    positions = np.flatnonzero(whole).tolist()
    converted = pc.cast(pa.array(values[whole].astype(np.int64)), pa.string()).to_pylist()
    for i, text in zip(positions, converted, strict=True):
        texts[i] = text
    for i in np.flatnonzero(~whole).tolist():
        texts[i] = cell_text(numbers[i])
    return texts


def _any_text(value: CellValue) -> str | None:
    if isinstance(value, bool):
        # Excel's TRUE is no score or code: keep it recognisable so the number check refuses it.
        return "TRUE" if value else "FALSE"
    if value is None or type(value) is str:
        return value
    return cell_text(value)


def _stage_workbook(con: duckdb.DuckDBPyConnection, sheet: Sheet, columns: ColumnMap,
                    table: str) -> int | None:
    worksheet: Any = sheet.workbook_sheet
    try:
        rows = worksheet.to_python(skip_empty_area=False)
    except Exception:  # calamine raises several unrelated types for damaged files
        return None
    first = sheet.header_row  # rows[first:] are the data rows (Excel row first + 1 on)
    data = rows[first:]
    if not data:
        return None
    width = len(sheet.header)
    widest = max(map(len, data))
    columns_of = list(zip(*data, strict=False)) if len({len(r) for r in data}) == 1 else None
    if columns_of is None:
        return None
    names = [f"c{i}" for i in range(widest)]
    arrays = {"row": pa.array(np.arange(first + 1, first + 1 + len(data), dtype=np.int64))}
    for pos, (name, values) in enumerate(zip(names, columns_of, strict=True)):
        texts = _cell_texts(values)
        # A refused cell (NUL, overlong, a value beyond the header): the row reader names it.
        if pc.any(pc.greater(pc.utf8_length(texts), MAX_CELL_CHARS)).as_py() or \
                pc.any(pc.match_substring(texts, "\x00")).as_py():
            return None
        texts = pc.utf8_trim(texts, characters=WHITESPACE)  # str.strip(), by Arrow
        if pos >= width and pc.any(pc.greater(pc.utf8_length(texts), 0)).as_py():
            return None
        arrays[name] = texts
    con.register("_sheet", pa.table(arrays))
    try:
        return _create_raw(con, "_sheet", names, columns, table, spaces_only=True)
    finally:
        con.unregister("_sheet")
