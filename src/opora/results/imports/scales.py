"""Import of scales: one row per work (procedure × year × subject × grade), and for test-score
procedures the primary → test score table.

One design for both: every sheet is recognised by its header. A sheet (or a CSV file) with
`max_score` holds scales; one with `primary_score` and `test_score` holds tables. So an .xlsx may
carry the scales on its first sheet and the ЕГЭ tables on the second, and a CSV user loads the
scales file and then the table file with the same command. Other sheets (the template's
reference lists) are skipped and named in the summary.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from opora.core.errors import AccessDenied
from opora.core.imports.outcome import ImportOutcome, ignored_note, rejected
from opora.core.imports.tabular import (
    Column,
    ColumnMap,
    ErrorList,
    FileRejected,
    Progress,
    RowError,
    Sheet,
    _data_rows,
    _split_header,
    map_columns,
    normalise,
    open_sheet,
)
from opora.core.imports.upsert import upsert
from opora.core.models import User
from opora.results.imports.common import (
    WORK_COLUMNS,
    RowReader,
    Work,
    WorkKey,
    may_import_reference,
    scale_name,
)
from opora.results.models import Scale, ScoreKind, TaskSpec
from opora.results.reference import ProcedureIndex, SubjectIndex

MAX_PRIMARY = 999

SCALE_COLUMNS: tuple[Column, ...] = (
    *WORK_COLUMNS,
    Column("max_score", ("максимальный балл", "максимальный первичный балл"), required=True),
    Column("mark3_from", ("отметка 3 от", "оценка 3 от")),
    Column("mark4_from", ("отметка 4 от", "оценка 4 от")),
    Column("mark5_from", ("отметка 5 от", "оценка 5 от")),
    Column("min_score", ("минимальный балл", "минимальный тестовый балл")),
    Column("high_bar", ("высокий результат от", "высокий балл от")),
)
TABLE_COLUMNS: tuple[Column, ...] = (
    *WORK_COLUMNS,
    Column("primary_score", ("первичный балл",), required=True),
    Column("test_score", ("тестовый балл",), required=True),
)
_MARKS = ("mark3_from", "mark4_from", "mark5_from")


def _names(columns: tuple[Column, ...], *keys: str) -> set[str]:
    return {normalise(n) for c in columns if c.key in keys for n in c.names()}


_TABLE_HEADERS = _names(TABLE_COLUMNS, "primary_score", "test_score")
_SCALE_HEADERS = _names(SCALE_COLUMNS, "max_score")


@dataclass
class _ScaleRow:
    row: int
    work: Work
    max_score: int
    marks: tuple[int, int, int] | None
    min_score: int | None
    high_bar: int | None


@dataclass
class _Table:
    work: Work
    first_row: int
    label: str  # the test_score column as the user sees it, for errors on the whole table
    points: dict[int, tuple[int, int]] = field(default_factory=dict)  # primary → (test, row)


@dataclass
class _Parsed:
    scales: dict[WorkKey, _ScaleRow] = field(default_factory=dict)
    tables: dict[WorkKey, _Table] = field(default_factory=dict)
    rows: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    broken_tables: set[WorkKey] = field(default_factory=set)  # a row failed: skip whole-table checks


def scales_import(*, actor: User, path: Path, progress: Progress | None = None) -> ImportOutcome:
    """Validate every sheet, then create or update the scales in one transaction.

    Scales equal to what is stored are skipped, so applying the same file twice changes nothing.
    """
    if not may_import_reference(actor):
        raise AccessDenied
    errors = ErrorList()
    parsed = _Parsed()
    reader = _Reader(ProcedureIndex.load(), SubjectIndex.load(), errors, parsed, progress)
    try:
        with closing(_sheets(path)) as sheets:  # closes the file even if a sheet is rejected
            for name, sheet, prefix in sheets:
                reader.read(name, sheet, prefix)
    except FileRejected as exc:
        return rejected(exc.errors)
    if not parsed.scales and not parsed.tables and not errors:
        return rejected([RowError(None, "", _("The file has a header but no rows of data."))])
    stored = _stored(parsed)
    plan = _plan(parsed, stored, errors)
    if errors:
        return rejected(errors.final())
    outcome = _apply(actor, plan)
    outcome.rows = parsed.rows
    outcome.notes.extend(plan.notes)
    outcome.notes.extend(ignored_note(parsed.ignored_columns))
    if parsed.skipped_sheets:
        outcome.notes.append(
            _("sheets skipped: %(names)s") % {"names": ", ".join(f"«{n}»" for n in parsed.skipped_sheets)}
        )
    return outcome


# --- Reading ----------------------------------------------------------------------------------


def _is_table(sheet: Sheet) -> bool:
    return bool(_TABLE_HEADERS & {normalise(h) for h in sheet.header})


def _is_scales(sheet: Sheet) -> bool:
    return bool(_SCALE_HEADERS & {normalise(h) for h in sheet.header})


@contextmanager
def _later_sheet(workbook: Any, index: int) -> Iterator[Sheet | None]:
    try:
        worksheet = workbook.get_sheet_by_index(index)
    except Exception as exc:  # calamine raises several unrelated types for damaged sheets
        raise FileRejected([RowError(None, "", _("The file cannot be read as an Excel workbook (.xlsx)."))]) from exc
    numbered = ((i + 1, list(row)) for i, row in enumerate(worksheet.iter_rows()))
    try:
        header_row, header = _split_header(numbered)
    except FileRejected:  # an empty sheet: nothing to read
        yield None
        return
    yield Sheet(header, header_row, max(0, worksheet.height - 1), _data_rows(numbered, header))


def _sheets(path: Path) -> Generator[tuple[str, Sheet | None, str], None, None]:
    """(sheet name, sheet or None if empty, prefix for column names in errors) for each sheet.

    The first sheet (or the CSV file) is read by the shared reader, which also rejects files
    of the wrong type; an .xlsx's later sheets are read here.
    """
    with open_sheet(path, 0) as first:  # every sheet is read in turn: no picking
        yield "", first, ""
    if path.suffix.lower() != ".xlsx":
        return
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        for index, name in enumerate(workbook.sheet_names[1:], start=1):
            with _later_sheet(workbook, index) as sheet:
                yield name, sheet, f"{name}!"
    finally:
        workbook.close()


@dataclass
class _Reader:
    procedures: ProcedureIndex
    subjects: SubjectIndex
    errors: ErrorList
    parsed: _Parsed
    progress: Progress | None

    def read(self, name: str, sheet: Sheet | None, prefix: str) -> None:
        if sheet is None:
            return
        if _is_table(sheet):
            columns = self._columns(sheet, TABLE_COLUMNS, prefix)
            for number, cells in self._rows(sheet):
                self._table_row(RowReader(number, cells, columns, self.errors, prefix))
        elif _is_scales(sheet) or not prefix:
            # The first sheet is a scales sheet unless it says otherwise: a wrong header then
            # gets the usual «required column is missing».
            columns = self._columns(sheet, SCALE_COLUMNS, prefix)
            for number, cells in self._rows(sheet):
                self._scale_row(RowReader(number, cells, columns, self.errors, prefix))
        else:
            self.parsed.skipped_sheets.append(name)

    def _columns(self, sheet: Sheet, columns: tuple[Column, ...], prefix: str) -> ColumnMap:
        try:
            found = map_columns(sheet, columns)
        except FileRejected as exc:
            raise FileRejected(
                [RowError(e.row, prefix + e.column if e.column else "", e.message) for e in exc.errors]
            ) from exc
        self.parsed.ignored_columns.extend(prefix + h for h in found.ignored)
        return found

    def _rows(self, sheet: Sheet) -> Iterator[tuple[int, list[Any]]]:
        for done, item in enumerate(sheet.rows, start=1):
            self.parsed.rows += 1
            yield item
            if self.progress is not None and done % 200 == 0:
                self.progress(done, sheet.total_rows)

    def _scale_row(self, r: RowReader) -> None:
        work = r.work(self.procedures, self.subjects)
        max_score = r.whole("max_score", 1, MAX_PRIMARY)
        bounds = [r.whole(key, 0, MAX_PRIMARY, required=False) for key in _MARKS]
        min_score = r.whole("min_score", 0, 100, required=False)
        high_bar = r.whole("high_bar", 0, 100, required=False)
        if work is None or max_score is None or not r.ok:
            return
        marks = _check_marks(r, work, max_score, bounds)
        _check_test_scores(r, work, marks is not None, min_score, high_bar)
        if not r.ok:
            return
        first = self.parsed.scales.get(work.key)
        if first is not None:
            r.fail(
                "procedure",
                _("The work %(work)s is repeated: it is already in row %(row)d.") % {"work": work, "row": first.row},
            )
            return
        self.parsed.scales[work.key] = _ScaleRow(r.number, work, max_score, marks, min_score, high_bar)

    def _table_row(self, r: RowReader) -> None:
        work = r.work(self.procedures, self.subjects)
        primary = r.whole("primary_score", 0, MAX_PRIMARY)
        test = r.whole("test_score", 0, 100)
        if work is None or primary is None or test is None:
            if work is not None:
                self.parsed.broken_tables.add(work.key)
            return
        table = self.parsed.tables.setdefault(work.key, _Table(work, r.number, r.label("test_score")))
        seen = table.points.get(primary)
        if seen is not None:
            r.fail(
                "primary_score",
                _("The primary score %(score)d of %(work)s is repeated: it is already in row %(row)d.")
                % {"score": primary, "work": work, "row": seen[1]},
            )
            return
        table.points[primary] = (test, r.number)


def _check_marks(r: RowReader, work: Work, max_score: int, bounds: list[int | None]) -> tuple[int, int, int] | None:
    given = [b for b in bounds if b is not None]
    if not given:
        if work.procedure.score_kind == ScoreKind.MARK:
            r.fail(
                "mark3_from",
                _("Mark boundaries are required: %(procedure)s is scored by marks.")
                % {"procedure": work.procedure.name},
            )
        return None
    if len(given) < len(bounds):
        r.fail("mark3_from", _("Give all three mark boundaries (for marks 3, 4 and 5) or none."))
        return None
    mark3, mark4, mark5 = given
    if not mark3 < mark4 < mark5:
        r.fail(
            "mark4_from",
            _("Mark boundaries must increase: mark 3 from %(m3)d, mark 4 from %(m4)d, mark 5 from %(m5)d.")
            % {"m3": mark3, "m4": mark4, "m5": mark5},
        )
        return None
    if mark5 > max_score:
        r.fail(
            "mark5_from",
            _("The boundary %(value)d is above the maximum score %(max)d.") % {"value": mark5, "max": max_score},
        )
        return None
    return (mark3, mark4, mark5)


def _check_test_scores(r: RowReader, work: Work, by_marks: bool, min_score: int | None, high_bar: int | None) -> None:
    if work.procedure.score_kind == ScoreKind.MARK or by_marks:
        reason = (
            _("Only for test-score procedures: %(procedure)s is scored by marks.")
            if work.procedure.score_kind == ScoreKind.MARK
            else _("Not used for a work scored by marks (mark boundaries are given): leave it empty.")
        ) % {"procedure": work.procedure.name}
        for key, value in (("min_score", min_score), ("high_bar", high_bar)):
            if value is not None:
                r.fail(key, reason)
        return
    if min_score is None:
        r.fail(
            "min_score",
            _(
                "The minimum test score is required (or, for a work scored by marks such as "
                "basic mathematics, the three mark boundaries)."
            ),
        )
    elif high_bar is not None and high_bar < min_score:
        r.fail(
            "high_bar",
            _("The high result bar %(bar)d is below the minimum score %(min)d.") % {"bar": high_bar, "min": min_score},
        )


# --- Checking against what is stored ----------------------------------------------------------


def _stored(parsed: _Parsed) -> dict[WorkKey, Scale]:
    keys = set(parsed.scales) | set(parsed.tables)
    years = {key[1] for key in keys}
    found = Scale.objects.filter(year__in=years).select_related("procedure", "subject")
    return {k: s for s in found if (k := (s.procedure_id, s.year, s.subject_id, s.grade)) in keys}


@dataclass
class _Plan:
    items: list[tuple[Scale | None, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _check_table(table: _Table, max_score: int, errors: ErrorList) -> list[int] | None:
    """The table as a list indexed by primary score, or None after adding its errors."""
    beyond = sorted(p for p in table.points if p > max_score)
    for primary in beyond:
        errors.add(
            table.points[primary][1],
            table.label,
            _("The primary score %(score)d is above the maximum %(max)d of %(work)s.")
            % {"score": primary, "max": max_score, "work": table.work},
        )
    missing = [p for p in range(max_score + 1) if p not in table.points]
    if missing:
        shown = ", ".join(str(p) for p in missing[:10]) + (" …" if len(missing) > 10 else "")
        errors.add(
            table.first_row,
            table.label,
            _(
                "The table of %(work)s must give a test score for every primary score from 0 "
                "to %(max)d; missing: %(missing)s."
            )
            % {"work": table.work, "max": max_score, "missing": shown},
        )
    if beyond or missing:
        return None
    values = [table.points[p][0] for p in range(max_score + 1)]
    for primary in range(1, max_score + 1):
        if values[primary] < values[primary - 1]:
            errors.add(
                table.points[primary][1],
                table.label,
                _(
                    "The test score must not decrease: %(test)d for primary score %(primary)d "
                    "is below %(previous)d for %(before)d."
                )
                % {
                    "test": values[primary],
                    "primary": primary,
                    "previous": values[primary - 1],
                    "before": primary - 1,
                },
            )
            return None
    return values


def _plan(parsed: _Parsed, stored: dict[WorkKey, Scale], errors: ErrorList) -> _Plan:
    plan = _Plan()
    without_table: list[str] = []
    for key in sorted(set(parsed.scales) | set(parsed.tables)):
        row, table, current = parsed.scales.get(key), parsed.tables.get(key), stored.get(key)
        if row is None and current is None:
            assert table is not None
            errors.add(
                table.first_row,
                table.label,
                _("There is no scale for %(work)s: add it to the scales sheet or import it first.")
                % {"work": table.work},
            )
            continue
        if row is not None:
            work, max_score, by_marks = row.work, row.max_score, row.marks is not None
        else:
            assert table is not None and current is not None
            work, max_score = table.work, current.max_score
            by_marks = current.mark3_from is not None
        values: dict[str, Any] = {}
        if row is not None:
            mark3, mark4, mark5 = row.marks or (None, None, None)
            values = {
                "max_score": row.max_score,
                "mark3_from": mark3,
                "mark4_from": mark4,
                "mark5_from": mark5,
                "min_score": row.min_score,
                "high_bar": row.high_bar,
            }
        if table is not None:
            if by_marks:
                errors.add(
                    table.first_row,
                    table.label,
                    _("%(work)s is scored by marks: a primary → test table is not used.") % {"work": work},
                )
                continue
            if key in parsed.broken_tables:
                continue
            checked = _check_table(table, max_score, errors)
            if checked is None:
                continue
            values["test_table"] = checked
        else:
            kept = _kept_table(current, max_score, by_marks)
            if current is None or kept != current.test_table:
                values["test_table"] = kept
            if current is not None and current.test_table and kept is None:
                plan.notes.append(
                    _("the primary → test table of %(work)s was removed: the scale changed; load the new table")
                    % {"work": work}
                )
            if kept is None and not by_marks:
                without_table.append(str(work))
        if row is not None and current is not None and row.max_score != current.max_score:
            plan.notes.extend(_task_note(current, row.max_score))
        keys = {
            "procedure_id": work.procedure.pk,
            "year": work.year,
            "subject_id": work.subject.pk,
            "grade": work.grade,
        }
        plan.items.append((current, keys, values))
    if without_table:
        plan.notes.append(
            _("no primary → test table for: %(works)s; result files must give the test scores")
            % {"works": "; ".join(without_table)}
        )
    return plan


def _kept_table(current: Scale | None, max_score: int, by_marks: bool) -> list[int] | None:
    """The stored table, if it still fits the scale as the file leaves it."""
    if current is None or not current.test_table or by_marks:
        return None
    return current.test_table if len(current.test_table) == max_score + 1 else None


def _task_note(current: Scale, max_score: int) -> list[str]:
    total = TaskSpec.objects.filter(scale=current).aggregate(total=Sum("max_score"))["total"]
    if total is None or total == max_score:
        return []
    return [
        _("the tasks of %(work)s add up to %(total)d, not %(max)d: import its tasks again")
        % {"work": scale_name(current), "total": total, "max": max_score}
    ]


@transaction.atomic
def _apply(actor: User, plan: _Plan) -> ImportOutcome:
    counts = upsert(model=Scale, actor=actor, items=plan.items)
    return ImportOutcome(created=counts.created, updated=counts.updated, unchanged=counts.unchanged)
