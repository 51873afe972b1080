"""Import of pupil results: one row per pupil and work, into the Parquet results store.

The file is staged in DuckDB (`staging.py`), checked there with SQL, and written as one new
Parquet file per (procedure, year); `store.parts_activate` then switches it in at once. A
re-import of the same works (school × subject × grade of a procedure and year) replaces their
rows and nothing else.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.core.imports.outcome import ImportOutcome, ignored_note, rejected
from opora.core.imports.tabular import (
    Column,
    ColumnMap,
    ErrorList,
    FileRejected,
    Progress,
    RowError,
    map_columns,
    open_sheet,
)
from opora.core.models import School, User
from opora.core.years import FIRST_YEAR, LAST_YEAR, year_range_error
from opora.jobs.models import Job
from opora.results.imports import staging
from opora.results.models import Scale, SchoolIndicator, Source, TaskIndicator, TaskSpec
from opora.results.store import PartFile, PartWriter, parts_activate

logger = logging.getLogger(__name__)

RESULT_COLUMNS: tuple[Column, ...] = (
    Column("procedure", ("процедура", "оценочная процедура"), required=True),
    Column("year", ("год",), required=True),
    Column("school_code", ("код школы", "код оо"), required=True),
    Column("subject", ("предмет",), required=True),
    Column("grade", ("параллель",), required=True),
    Column("pupil", ("ученик", "код ученика", "код участника"), required=True),
    Column("primary_score", ("первичный балл", "балл"), required=True),
    Column("class", ("класс",)),
    Column("variant", ("вариант",)),
    Column("mark", ("отметка", "оценка")),
    Column("test_score", ("тестовый балл",)),
    Column("journal_mark", ("отметка в журнале", "оценка в журнале", "журнальная отметка")),
)
REQUIRED = tuple(c.key for c in RESULT_COLUMNS if c.required)
# Codes as the Parquet store keeps them; a longer «code» is a pasted text or a damaged file.
TEXT_MAX = {"pupil": 64, "class": 16, "variant": 32, "school_code": 32, "procedure": 100,
            "subject": 100}
WHOLE = {"year": (FIRST_YEAR, LAST_YEAR), "grade": (1, 11), "mark": (2, 5), "journal_mark": (2, 5),
         "test_score": (0, 100)}


@dataclass
class ResultsOutcome(ImportOutcome):
    schools: int = 0
    replaced: int = 0

    @property
    def summary(self) -> list[str]:
        if not self.ok:
            return super().summary
        lines = [
            _("pupil results loaded: %(rows)d (schools: %(schools)d)")
            % {"rows": self.rows, "schools": self.schools},
            _("earlier results replaced: %(count)d") % {"count": self.replaced},
        ]
        return [*lines, *self.notes]


def results_import(
    *,
    actor: User,
    path: Path,
    progress: Progress | None = None,
    job: Job | None = None,
    sheet: str | None = None,
) -> ImportOutcome:
    """Check the whole file, then store it as the current results of its works, or change nothing.

    The actor must hold IMPORT_RESULTS on every school in the file. Progress counts twice the
    rows: reading is the first half, checking, writing and the indicators the second.
    """
    if not access.has_perm_anywhere(actor, Perm.IMPORT_RESULTS):
        raise AccessDenied
    errors = ErrorList()
    with staging.staging_connection() as con:
        try:
            with open_sheet(path, sheet) as sheet:
                tasks = staging.task_columns(sheet.header)
                columns = map_columns(sheet, (*RESULT_COLUMNS, *tasks))
                rows = staging.stage_rows(con, sheet, columns, progress=_half(progress))
        except FileRejected as exc:
            return rejected(exc.errors)
        if rows == 0:
            return rejected([RowError(None, "", staging.no_rows_message())])
        task_keys = [c.key for c in tasks if columns.has(c.key)]
        scales = _prepare(con, actor, columns, task_keys)
        _check(con, errors, columns, task_keys)
        _derive(con, scales)
        _check_derived(con, errors, columns)
        if errors:
            return rejected(errors.final())
        if progress is not None:
            progress(int(rows * 1.3), rows * 2)
        files = _write(con, columns, task_keys)
    outcome = ResultsOutcome(rows=rows)
    try:
        with transaction.atomic():
            _drop_superseded_aggregates(files)
            switched = parts_activate(files=files, job=job)
    except BaseException:
        for f in files:
            f.absolute.unlink(missing_ok=True)
        raise
    outcome.replaced = switched.replaced_rows
    outcome.schools = len({s for f in files for s in f.school_codes})
    outcome.created = rows
    outcome.notes.extend(_refresh_indicators(files, rows, progress))
    outcome.notes.extend(ignored_note(columns.ignored))
    return outcome


def _half(progress: Progress | None) -> Progress | None:
    if progress is None:
        return None

    def report(done: int, total: int) -> None:
        progress(done, total * 2)

    return report


# --- Lookups into staging tables ----------------------------------------------------------------


def _distinct(con: duckdb.DuckDBPyConnection, key: str) -> list[str]:
    return [r[0] for r in con.execute(f'SELECT DISTINCT "{key}" FROM raw WHERE "{key}" IS NOT NULL').fetchall()]


def _table(con: duckdb.DuckDBPyConnection, name: str, data: dict[str, list[Any]],
           types: dict[str, pa.DataType]) -> None:
    arrow = pa.table({k: pa.array(v, types[k]) for k, v in data.items()})
    con.register("_lookup", arrow)
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _lookup")
    con.unregister("_lookup")


def _prepare(
    con: duckdb.DuckDBPyConnection, actor: User, columns: ColumnMap, task_keys: list[str]
) -> dict[int, Scale]:
    """Lookup tables for procedures, subjects, schools, scales and tasks; the typed view."""
    find_procedure = staging.procedure_finder()
    raw_procs = _distinct(con, "procedure")
    proc_pairs = [(raw, find_procedure(raw)) for raw in raw_procs]
    _table(con, "proc_map",
           {"raw": [r for r, _p in proc_pairs], "code": [p.code if p else None for _r, p in proc_pairs],
            "kind": [p.score_kind if p else None for _r, p in proc_pairs]},
           {"raw": pa.string(), "code": pa.string(), "kind": pa.string()})
    find_subject = staging.subject_finder()
    raw_subjects = _distinct(con, "subject")
    found_subjects = [find_subject(r) for r in raw_subjects]
    _table(con, "subject_map",
           {"raw": raw_subjects, "code": [s.code if s else None for s in found_subjects]},
           {"raw": pa.string(), "code": pa.string()})
    _school_map(con, actor)
    codes = sorted({p.code for _r, p in proc_pairs if p})
    scales = {
        s.pk: s
        for s in Scale.objects.filter(procedure__code__in=codes).select_related("procedure", "subject")
    }
    _table(con, "scale_map",
           {"procedure": [s.procedure.code for s in scales.values()],
            "year": [s.year for s in scales.values()],
            "subject": [s.subject.code for s in scales.values()],
            "grade": [s.grade for s in scales.values()],
            "scale_id": list(scales),
            "max_score": [float(s.max_score) for s in scales.values()]},
           {"procedure": pa.string(), "year": pa.int32(), "subject": pa.string(),
            "grade": pa.int32(), "scale_id": pa.int64(), "max_score": pa.float64()})
    specs = list(TaskSpec.objects.filter(scale_id__in=list(scales)).values_list("scale_id", "number", "max_score"))
    _table(con, "task_max",
           {"scale_id": [s for s, _n, _m in specs], "task": [n for _s, n, _m in specs],
            "max_score": [float(m) for _s, _n, m in specs]},
           {"scale_id": pa.int64(), "task": pa.int32(), "max_score": pa.float64()})
    con.execute("CREATE TABLE task_count AS SELECT scale_id, max(task) AS n FROM task_max GROUP BY 1")
    _typed(con, columns, task_keys)
    return scales


def _school_map(con: duckdb.DuckDBPyConnection, actor: User) -> None:
    raw_codes = _distinct(con, "school_code")
    known: dict[str, tuple[str, str]] = {}
    allowed: set[str] = set()
    for start in range(0, len(raw_codes), 5000):
        chunk = raw_codes[start:start + 5000]
        known.update({c: (c, n) for c, n in School.objects.filter(code__in=chunk).values_list("code", "name")})
        allowed.update(access.schools_for(actor, Perm.IMPORT_RESULTS).filter(code__in=chunk)
                       .values_list("code", flat=True))
    _table(con, "school_map",
           {"raw": raw_codes, "code": [c if c in known else None for c in raw_codes],
            "name": [known[c][1] if c in known else None for c in raw_codes],
            "allowed": [c in allowed for c in raw_codes]},
           {"raw": pa.string(), "code": pa.string(), "name": pa.string(), "allowed": pa.bool_()})


def _valid_num(key: str, columns: ColumnMap, *, whole: bool = False, low: float | None = None,
               high: float | None = None) -> str:
    """SQL for the cell as a number when it is one within the bounds, else NULL."""
    if not columns.has(key):
        return "NULL"
    value = f'num(r."{key}")'
    conditions = [f"isfinite({value})"]
    if whole:
        conditions.append(f"{value} = floor({value})")
    if low is not None:
        conditions.append(f"{value} >= {low}")
    if high is not None:
        conditions.append(f"{value} <= {high}")
    return f"CASE WHEN {' AND '.join(conditions)} THEN {value} END"


def _typed(con: duckdb.DuckDBPyConnection, columns: ColumnMap, task_keys: list[str]) -> None:
    def text(key: str) -> str:
        return f'r."{key}"' if columns.has(key) else "NULL"

    def whole(key: str) -> str:
        low, high = WHOLE[key]
        return f"CAST({_valid_num(key, columns, whole=True, low=low, high=high)} AS INTEGER)"

    tasks = "".join(f', {_valid_num(k, columns, low=0)} AS "{k}"' for k in task_keys)
    con.execute(f"""
        CREATE TABLE typed AS
        SELECT r."row", pm.code AS procedure, pm.kind, {whole("year")} AS year,
               sm.code AS school_code, sm.allowed, sm.name AS school_name,
               su.code AS subject, {whole("grade")} AS grade,
               {text("class")} AS class_name, r.pupil, {text("variant")} AS variant,
               {_valid_num("primary_score", columns, low=0)} AS primary_score,
               {whole("mark")} AS mark, {whole("test_score")} AS test_score,
               {whole("journal_mark")} AS journal_mark{tasks}
        FROM raw r
        LEFT JOIN proc_map pm ON pm.raw = r.procedure
        LEFT JOIN school_map sm ON sm.raw = r.school_code
        LEFT JOIN subject_map su ON su.raw = r.subject
    """)
    con.execute("""
        CREATE TABLE work AS
        SELECT t.*, s.scale_id, s.max_score, tc.n AS task_count
        FROM typed t
        LEFT JOIN scale_map s ON s.procedure = t.procedure AND s.year = t.year
             AND s.subject = t.subject AND s.grade = t.grade
        LEFT JOIN task_count tc ON tc.scale_id = s.scale_id
    """)


# --- Checks -------------------------------------------------------------------------------------


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}".replace(".", ",")


def _check(con: duckdb.DuckDBPyConnection, errors: ErrorList, columns: ColumnMap,
           task_keys: list[str]) -> None:
    label = columns.label

    def add(sql: str, key: str, message: Callable[[tuple[Any, ...]], str]) -> None:
        staging.report(con, errors, sql, label.get(key, key), message)

    for key in REQUIRED:
        add(f'SELECT "row" FROM raw WHERE "{key}" IS NULL', key, lambda r: _("The value is required."))
    for key, limit in TEXT_MAX.items():
        if columns.has(key):
            add(f'SELECT "row" FROM raw WHERE length("{key}") > {limit}', key,
                lambda r, limit=limit: _("The value is too long (at most %(max)d characters).")
                % {"max": limit})
    for key in ("year", "grade", "primary_score", "mark", "test_score", "journal_mark", *task_keys):
        if not columns.has(key):
            continue
        value = f'num("{key}")'
        add(f'SELECT "row", "{key}" FROM raw WHERE "{key}" IS NOT NULL '
            f"AND ({value} IS NULL OR NOT isfinite({value}))", key,
            lambda r: _("Expected a number, found «%(value)s».") % {"value": r[1]})
        add(f'SELECT "row" FROM raw WHERE isfinite({value}) AND {value} < 0', key,
            lambda r: _("The value cannot be negative."))
        if key in WHOLE:
            low, high = WHOLE[key]
            add(f'SELECT "row", "{key}" FROM raw WHERE isfinite({value}) AND {value} >= 0 '
                f"AND {value} <> floor({value})", key,
                lambda r: _("Expected a whole number, found «%(value)s».") % {"value": r[1]})
            add(f'SELECT "row", {value} FROM raw WHERE isfinite({value}) AND {value} >= 0 '
                f"AND {value} = floor({value}) AND ({value} < {low} OR {value} > {high})", key,
                _range_message(key))
    known = staging.known_procedures_text()
    add("SELECT r.\"row\", r.procedure FROM raw r JOIN proc_map pm ON pm.raw = r.procedure "
        "WHERE pm.code IS NULL", "procedure",
        lambda r: _("Unknown procedure «%(value)s»; known: %(known)s.") % {"value": r[1], "known": known})
    add("SELECT r.\"row\", r.subject FROM raw r JOIN subject_map su ON su.raw = r.subject "
        "WHERE su.code IS NULL", "subject",
        lambda r: _("Unknown subject «%(value)s»: write its code or Russian name.") % {"value": r[1]})
    add("SELECT r.\"row\", r.school_code FROM raw r JOIN school_map sm ON sm.raw = r.school_code "
        "WHERE sm.code IS NULL", "school_code",
        lambda r: _("Unknown school code %(code)s.") % {"code": r[1]})
    add('SELECT "row", school_code, school_name FROM typed WHERE school_code IS NOT NULL AND NOT allowed',
        "school_code",
        lambda r: _("You may not import results of the school %(code)s «%(name)s».")
        % {"code": r[1], "name": r[2]})
    add('SELECT "row", procedure, year, subject, grade FROM work WHERE scale_id IS NULL '
        "AND procedure IS NOT NULL AND year IS NOT NULL AND subject IS NOT NULL AND grade IS NOT NULL",
        "year",
        lambda r: _("There is no scale for %(procedure)s %(year)d, subject %(subject)s, grade "
                    "%(grade)d: import the scale first.")
        % {"procedure": r[1], "year": r[2], "subject": r[3], "grade": r[4]})
    add('SELECT "row", primary_score, max_score FROM work WHERE primary_score > max_score',
        "primary_score",
        lambda r: _("The score %(score)s is above the maximum %(max)s.")
        % {"score": _fmt(r[1]), "max": _fmt(r[2])})
    for key in task_keys:
        n = staging.task_number(key)
        add(f'SELECT w."row", w."{key}", tm.max_score FROM work w JOIN task_max tm '
            f'ON tm.scale_id = w.scale_id AND tm.task = {n} WHERE w."{key}" > tm.max_score', key,
            lambda r: _("The score %(score)s is above the task's maximum %(max)s.")
            % {"score": _fmt(r[1]), "max": _fmt(r[2])})
        add(f'SELECT "row", task_count FROM work WHERE "{key}" IS NOT NULL AND task_count < {n}', key,
            lambda r: ngettext("The work has only %(count)d task.", "The work has only %(count)d tasks.",
                               int(r[1])) % {"count": int(r[1])})
    add("""
        SELECT "row", pupil, first FROM (
            SELECT "row", pupil, min("row") OVER (
                PARTITION BY procedure, year, school_code, subject, grade, pupil) AS first
            FROM typed WHERE procedure IS NOT NULL AND year IS NOT NULL
              AND school_code IS NOT NULL AND subject IS NOT NULL AND grade IS NOT NULL
              AND pupil IS NOT NULL
        ) WHERE "row" <> first
        """, "pupil",
        lambda r: _("The pupil %(pupil)s is repeated in this work: already in row %(row)d.")
        % {"pupil": r[1], "row": r[2]})


def _range_message(key: str) -> Callable[[tuple[Any, ...]], str]:
    def message(r: tuple[Any, ...]) -> str:
        value = _fmt(r[1])
        if key == "year":
            return year_range_error()
        if key == "grade":
            return _("The grade must be between 1 and 11, found %(value)s.") % {"value": value}
        if key == "test_score":
            return _("A test score must be between 0 and 100, found %(value)s.") % {"value": value}
        return _("A mark must be 2, 3, 4 or 5, found %(value)s.") % {"value": value}

    return message


def _derive(con: duckdb.DuckDBPyConnection, scales: dict[int, Scale]) -> None:
    """Marks and test scores the scales give to each distinct (scale, primary score)."""
    pairs = con.execute(
        "SELECT DISTINCT scale_id, primary_score FROM work "
        "WHERE scale_id IS NOT NULL AND primary_score <= max_score"
    ).fetchall()
    ids, scores, marks, tests = [], [], [], []
    for scale_id, score in pairs:
        scale = scales[int(scale_id)]
        ids.append(int(scale_id))
        scores.append(float(score))
        marks.append(staging.mark_for(scale, float(score)))
        tests.append(staging.test_score_for(scale, float(score)))
    _table(con, "derived", {"scale_id": ids, "primary_score": scores, "mark": marks, "test_score": tests},
           {"scale_id": pa.int64(), "primary_score": pa.float64(), "mark": pa.int32(),
            "test_score": pa.int32()})


def _check_derived(con: duckdb.DuckDBPyConnection, errors: ErrorList, columns: ColumnMap) -> None:
    joined = ("FROM work w JOIN derived d ON d.scale_id = w.scale_id "
              "AND d.primary_score = w.primary_score")
    if columns.has("mark"):
        staging.report(
            con, errors, f'SELECT w."row", w.mark, w.primary_score, d.mark {joined} '
            "WHERE w.mark IS NOT NULL AND d.mark IS NOT NULL AND w.mark <> d.mark",
            columns.label["mark"],
            lambda r: _("The mark %(mark)d contradicts the scale: a primary score of %(score)s "
                        "gives %(expected)d.")
            % {"mark": r[1], "score": _fmt(r[2]), "expected": r[3]})
    if columns.has("test_score"):
        staging.report(
            con, errors, f'SELECT w."row", w.test_score, w.primary_score, d.test_score {joined} '
            "WHERE w.test_score IS NOT NULL AND d.test_score IS NOT NULL "
            "AND w.test_score <> d.test_score",
            columns.label["test_score"],
            lambda r: _("The test score %(value)d contradicts the scale: a primary score of "
                        "%(score)s gives %(expected)d.")
            % {"value": r[1], "score": _fmt(r[2]), "expected": r[3]})


# --- Writing ------------------------------------------------------------------------------------


def _tasks_sql(task_keys: list[str], most_tasks: int) -> str:
    """The task scores as a list: the work's task count long, or up to the last filled column."""
    if not task_keys:
        return "CAST(NULL AS FLOAT[])"
    by_number = {staging.task_number(k): k for k in task_keys}
    top = max(*by_number, most_tasks)
    items = ", ".join(
        f'CAST(w."{by_number[n]}" AS FLOAT)' if n in by_number else "CAST(NULL AS FLOAT)"
        for n in range(1, top + 1)
    )
    last = "greatest(0, " + ", ".join(
        f'CASE WHEN w."{k}" IS NOT NULL THEN {staging.task_number(k)} ELSE 0 END' for k in task_keys
    ) + ")"
    length = f"coalesce(w.task_count, {last})"
    return f"CASE WHEN {length} = 0 THEN NULL ELSE list_slice([{items}], 1, {length}) END"


def _write(con: duckdb.DuckDBPyConnection, columns: ColumnMap, task_keys: list[str]) -> list[PartFile]:
    groups = con.execute("SELECT DISTINCT procedure, year FROM work ORDER BY 1, 2").fetchall()
    most = con.execute("SELECT coalesce(max(n), 0) FROM task_count").fetchall()[0][0]
    tasks = _tasks_sql(task_keys, int(most))
    files: list[PartFile] = []
    try:
        for code, year in groups:
            writer = PartWriter(str(code), int(year))
            try:
                reader = con.sql(f"""
                    SELECT w.procedure, CAST(w.year AS SMALLINT) AS year, w.school_code,
                           w.subject, CAST(w.grade AS TINYINT) AS grade, w.class_name, w.pupil,
                           w.variant, CAST(w.primary_score AS FLOAT) AS primary_score,
                           CAST(coalesce(w.mark, d.mark) AS TINYINT) AS mark,
                           CAST(coalesce(w.test_score, d.test_score) AS SMALLINT) AS test_score,
                           CAST(w.journal_mark AS TINYINT) AS journal_mark,
                           {tasks} AS tasks
                    FROM work w LEFT JOIN derived d
                      ON d.scale_id = w.scale_id AND d.primary_score = w.primary_score
                    WHERE w.procedure = ? AND w.year = ?
                    ORDER BY w.school_code, w.subject, w.grade, w.class_name, w.pupil
                """, params=[code, year]).to_arrow_reader(100_000)
                for batch in reader:
                    writer.write(batch)
                files.append(writer.close())
            except BaseException:
                writer.discard()
                raise
    except BaseException:
        for f in files:
            f.absolute.unlink(missing_ok=True)
        raise
    return files


# --- After the switch ---------------------------------------------------------------------------


def _works(files: Sequence[PartFile]) -> list[tuple[str, int, str, str, int]]:
    con = duckdb.connect()
    try:
        found: list[tuple[str, int, str, str, int]] = []
        for f in files:
            rows = con.execute(
                "SELECT DISTINCT school_code, subject, CAST(grade AS INTEGER) FROM read_parquet(?)",
                [str(f.absolute)],
            ).fetchall()
            found.extend((f.procedure_code, f.year, s, subj, g) for s, subj, g in rows)
        return found
    finally:
        con.close()


def _drop_superseded_aggregates(files: Sequence[PartFile]) -> None:
    """Pupil results replace school aggregates of the same work (the rollups recompute them)."""
    works = _works(files)
    by_key: dict[tuple[str, int], list[tuple[str, str, int]]] = {}
    for code, year, school, subject, grade in works:
        by_key.setdefault((code, year), []).append((school, subject, grade))
    for (code, year), cells in by_key.items():
        schools = sorted({s for s, _subj, _g in cells})
        aggregates = SchoolIndicator.objects.filter(
            procedure__code=code, year=year, source=Source.AGGREGATES, school__code__in=schools
        ).values_list("pk", "school_id", "school__code", "subject_id", "subject__code", "grade")
        wanted = set(cells)
        doomed = [row for row in aggregates if (row[2], row[4], row[5]) in wanted]
        if not doomed:
            continue
        SchoolIndicator.objects.filter(pk__in=[row[0] for row in doomed]).delete()
        for _pk, school_id, _sc, subject_id, _subj, grade in doomed:
            TaskIndicator.objects.filter(
                procedure__code=code, year=year, school_id=school_id, subject_id=subject_id,
                grade=grade, class_name="",
            ).delete()


def _refresh_indicators(files: Sequence[PartFile], rows: int, progress: Progress | None) -> list[str]:
    """Recompute the school indicators of each imported (procedure, year), if rollups exist."""
    try:
        from opora.results import rollups
    except ImportError:
        return []
    refresh = getattr(rollups, "indicators_refresh", None)
    if refresh is None:
        return []
    keys = sorted({(f.procedure_code, f.year) for f in files})
    for i, (code, year) in enumerate(keys):
        step = _step_progress(progress, rows, i, len(keys))
        try:
            refresh(procedure_code=code, year=year, progress=step)
        except Exception:
            logger.exception("Indicators refresh failed for %s %s", code, year)
            return [_("the results were loaded, but the school indicators could not be "
                      "recomputed; they will be on the next import")]
    if progress is not None:
        progress(rows * 2, rows * 2)
    return []


def _step_progress(progress: Progress | None, rows: int, index: int, count: int) -> Progress | None:
    """Map a refresh's own (done, total) onto the last 30% of the import's bar."""
    if progress is None:
        return None
    start = rows * 1.4 + rows * 0.6 * index / count
    width = rows * 0.6 / count

    def report(done: int, total: int) -> None:
        share = done / total if total else 1.0
        progress(int(start + width * min(share, 1.0)), rows * 2)

    return report
