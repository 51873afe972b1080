"""Staging a results file in DuckDB, and the lookups both results imports share.

A file of a million rows is never held as Python objects: the core reader streams rows, each
batch of cells becomes an Arrow table of text columns (with the Excel row number) and is
appended to a DuckDB table on disk. Validation then runs there as SQL, and the row numbers the
user sees come along with every error.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from django.utils.translation import gettext as _

from opora.core.imports.cells import cell_text
from opora.core.imports.tabular import (
    MAX_ERRORS,
    CellValue,
    Column,
    ColumnMap,
    ErrorList,
    Layout,
    Progress,
    Sheet,
    normalise,
)
from opora.results import reference
from opora.results.models import Procedure, Scale

BATCH_ROWS = 50_000
_TASK_HEADER = re.compile(r"^(?:task|задание|з)\s*№?\s*(\d{1,3})(?:\s*pct|\s*%)?$")
_TASK_PCT_HEADER = re.compile(r"^(?:task|задание|з)\s*№?\s*(\d{1,3})\s*(?:pct|%)$")

# Numbers as people write them: spaces between thousands, a decimal comma.
NUM_MACRO = (
    "CREATE OR REPLACE MACRO num(x) AS TRY_CAST(replace(replace(replace(replace("
    "x, ' ', ''), chr(160), ''), chr(8239), ''), ',', '.') AS DOUBLE)"
)


_MAPPED_TASK = re.compile(r"^task_(\d{1,3})$")
_MAPPED_TASK_PCT = re.compile(r"^task_(\d{1,3})_pct$")
_MAPPED_SCORE = re.compile(r"^score_(\d{1,3})$")


def _mapped(layout: Layout | None, pattern: re.Pattern[str]) -> set[int]:
    """The numbers of the dynamic columns a column mapping names (e.g. «3» → task_3)."""
    if layout is None:
        return set()
    return {int(m.group(1)) for m in (pattern.match(k) for k in layout.columns.values()) if m}


def task_columns(header: Sequence[str], *, pct: bool = False, layout: Layout | None = None) -> list[Column]:
    """Columns `task_N` (or «задание N»; `task_N_pct` when pct) found in the header or named by
    the layout's mapping, by N."""
    pattern = _TASK_PCT_HEADER if pct else _TASK_HEADER
    numbers: set[int] = _mapped(layout, _MAPPED_TASK_PCT if pct else _MAPPED_TASK)
    for written in header:
        match = pattern.match(normalise(written))
        if match and (pct or not _TASK_PCT_HEADER.match(normalise(written))):
            numbers.add(int(match.group(1)))
    suffix = "_pct" if pct else ""
    ru = " %" if pct else ""
    return [
        Column(f"task_{n}{suffix}", (f"задание {n}{ru}", f"задание №{n}{ru}"))
        for n in sorted(numbers)
        if n >= 1
    ]


_SCORE_HEADER = re.compile(r"^(?:score|балл|первичный балл|пб)\s*(\d{1,3})$")


def score_columns(header: Sequence[str], layout: Layout | None = None) -> list[Column]:
    """Columns `score_N` («балл N»: pupils with primary score N) found in the header or named by
    the layout's mapping, by N."""
    found = {int(m.group(1)) for m in (_SCORE_HEADER.match(normalise(w)) for w in header) if m}
    numbers = sorted(found | _mapped(layout, _MAPPED_SCORE))
    return [Column(f"score_{n}", (f"балл {n}", f"первичный балл {n}")) for n in numbers]


def task_number(key: str) -> int:
    return int(key.split("_")[1])


def _text(value: CellValue) -> str | None:
    if type(value) is str:
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, bool):
        # Excel's TRUE is no score or code: keep it recognisable so the number check refuses it.
        return "TRUE" if value else "FALSE"
    return cell_text(value) or None


@contextmanager
def staging_connection() -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB database in a temporary directory: spills to disk, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="opora-staging-") as tmp:
        con = duckdb.connect(str(Path(tmp) / "staging.duckdb"))
        try:
            con.execute(f"SET temp_directory = '{tmp}'")
            con.execute("SET preserve_insertion_order = false")
            con.execute(NUM_MACRO)
            yield con
        finally:
            con.close()


def stage_rows(
    con: duckdb.DuckDBPyConnection,
    sheet: Sheet,
    columns: ColumnMap,
    *,
    table: str = "raw",
    progress: Progress | None = None,
    progress_scale: float = 1.0,
) -> int:
    """Copy the sheet's mapped columns as text into `table` (row INTEGER, <key> VARCHAR …)."""
    keys = list(columns.index)
    positions = [columns.index[k] for k in keys]
    quoted = ", ".join(f'"{k}" VARCHAR' for k in keys)
    con.execute(f'CREATE TABLE "{table}" ("row" INTEGER, {quoted})')
    schema = pa.schema([("row", pa.int32()), *((k, pa.string()) for k in keys)])
    total = sheet.total_rows
    done = 0
    numbers: list[int] = []
    cols: list[list[str | None]] = [[] for _ in keys]

    def flush() -> None:
        if not numbers:
            return
        batch = pa.Table.from_arrays(
            [pa.array(numbers, pa.int32()), *(pa.array(c, pa.string()) for c in cols)],
            schema=schema,
        )
        con.register("_batch", batch)
        con.execute(f'INSERT INTO "{table}" SELECT * FROM _batch')
        con.unregister("_batch")
        numbers.clear()
        for c in cols:
            c.clear()

    for number, cells in sheet.rows:
        numbers.append(number)
        width = len(cells)
        for col, pos in zip(cols, positions, strict=True):
            col.append(_text(cells[pos]) if pos < width else None)
        done += 1
        if len(numbers) >= BATCH_ROWS:
            flush()
            if progress is not None:
                progress(int(done * progress_scale), int(max(total, done) * progress_scale))
    flush()
    return done


def report(
    con: duckdb.DuckDBPyConnection,
    errors: ErrorList,
    sql: str,
    column: str,
    message: Any,
    params: Sequence[Any] | None = None,
) -> None:
    """Add an error for each row `sql` returns (first column: the row number).

    `message(row_tuple) -> str`. At most what ErrorList still takes is fetched; the rest is
    counted, so the summary says how many problems were left out.
    """
    room = max(MAX_ERRORS - len(errors.items), 0)
    counted = con.execute(
        f"SELECT *, count(*) OVER () FROM ({sql}) ORDER BY 1 LIMIT {max(room, 1)}", params or []
    ).fetchall()
    if not counted:
        return
    total = int(counted[0][-1])
    for found in counted[:room]:
        errors.add(int(found[0]), column, message(found[:-1]))
    errors.dropped += total - min(room, len(counted))


# --- Lookups ------------------------------------------------------------------------------------


Finder = Callable[[str], Any]


def procedure_finder() -> Finder:
    """Find a procedure by code or name."""
    return reference.ProcedureIndex.load().find


def subject_finder() -> Finder:
    """Find a subject by code, Russian name or another spelling."""
    return reference.SubjectIndex.load().find


def known_procedures_text() -> str:
    return ", ".join(Procedure.objects.order_by("code").values_list("code", flat=True)) or "—"


def mark_for(scale: Scale, primary_score: float) -> int | None:
    """The mark 2–5 a primary score gets, or None when the scale has no mark boundaries."""
    score = int(primary_score) if float(primary_score).is_integer() else primary_score
    return reference.mark_for(scale, score)  # type: ignore[arg-type]


def test_score_for(scale: Scale, primary_score: float) -> int | None:
    """The test score of a primary score by the scale's table (a fraction rounds down)."""
    return reference.test_score_for(scale, int(primary_score))


test_score_for.__test__ = False  # type: ignore[attr-defined]


def no_rows_message() -> str:
    return _("The file has a header but no rows of data.")
