"""Pupil results: the columns, the lookups and every check, as SQL over the staged `raw` table.

`prepare` builds the lookup tables (procedures, subjects, schools, scales, tasks) and the typed
`work` table; `check` and `check_derived` add a row/column/reason error for each problem;
`derive` computes marks and test scores from the scales.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
import pyarrow as pa
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opora.core import access
from opora.core.access import Perm
from opora.core.imports.tabular import Column, ColumnMap, ErrorList
from opora.core.models import School, User
from opora.core.years import FIRST_YEAR, LAST_YEAR, year_range_error
from opora.results.imports import staging
from opora.results.imports.answers import ANSWER_COLUMNS
from opora.results.models import Scale, TaskSpec

RESULT_COLUMNS: tuple[Column, ...] = (
    Column("procedure", ("процедура", "оценочная процедура"), required=True),
    Column("year", ("год",), required=True),
    Column("school_code", ("код школы", "код оо"), required=True),
    Column("subject", ("предмет",), required=True),
    Column("grade", ("параллель",), required=True),
    Column("pupil", ("ученик", "код ученика", "код участника"), required=True, instead=("pupil_document",)),
    Column("primary_score", ("первичный балл", "балл"), required=True),
    Column("class", ("класс",)),
    Column("variant", ("вариант",)),
    Column("mark", ("отметка", "оценка")),
    Column("test_score", ("тестовый балл",)),
    Column("journal_mark", ("отметка в журнале", "оценка в журнале", "журнальная отметка")),
    *ANSWER_COLUMNS,
)
REQUIRED = tuple(c.key for c in RESULT_COLUMNS if c.required)
# Codes as the Parquet store keeps them; a longer «code» is a pasted text or a damaged file.
TEXT_MAX = {"pupil": 64, "class": 16, "variant": 32, "school_code": 32, "procedure": 100,
            "subject": 100}
WHOLE = {"year": (FIRST_YEAR, LAST_YEAR), "grade": (1, 11), "mark": (2, 5), "journal_mark": (2, 5),
         "test_score": (0, 100)}


# --- Lookups into staging tables ----------------------------------------------------------------


def _distinct(con: duckdb.DuckDBPyConnection, key: str) -> list[str]:
    return [r[0] for r in con.execute(f'SELECT DISTINCT "{key}" FROM raw WHERE "{key}" IS NOT NULL').fetchall()]


def lookup_table(con: duckdb.DuckDBPyConnection, name: str, data: dict[str, list[Any]],
           types: dict[str, pa.DataType]) -> None:
    arrow = pa.table({k: pa.array(v, types[k]) for k, v in data.items()})
    con.register("_lookup", arrow)
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _lookup")
    con.unregister("_lookup")


def prepare(
    con: duckdb.DuckDBPyConnection, actor: User, columns: ColumnMap, task_keys: list[str]
) -> dict[int, Scale]:
    """Lookup tables for procedures, subjects, schools, scales and tasks; the typed view."""
    find_procedure = staging.procedure_finder()
    raw_procs = _distinct(con, "procedure")
    proc_pairs = [(raw, find_procedure(raw)) for raw in raw_procs]
    lookup_table(con, "proc_map",
           {"raw": [r for r, _p in proc_pairs], "code": [p.code if p else None for _r, p in proc_pairs],
            "kind": [p.score_kind if p else None for _r, p in proc_pairs]},
           {"raw": pa.string(), "code": pa.string(), "kind": pa.string()})
    find_subject = staging.subject_finder()
    raw_subjects = _distinct(con, "subject")
    found_subjects = [find_subject(r) for r in raw_subjects]
    lookup_table(con, "subject_map",
           {"raw": raw_subjects, "code": [s.code if s else None for s in found_subjects]},
           {"raw": pa.string(), "code": pa.string()})
    _school_map(con, actor)
    codes = sorted({p.code for _r, p in proc_pairs if p})
    scales = {
        s.pk: s
        for s in Scale.objects.filter(procedure__code__in=codes).select_related("procedure", "subject")
    }
    lookup_table(con, "scale_map",
           {"procedure": [s.procedure.code for s in scales.values()],
            "year": [s.year for s in scales.values()],
            "subject": [s.subject.code for s in scales.values()],
            "grade": [s.grade for s in scales.values()],
            "scale_id": list(scales),
            "max_score": [float(s.max_score) for s in scales.values()]},
           {"procedure": pa.string(), "year": pa.int32(), "subject": pa.string(),
            "grade": pa.int32(), "scale_id": pa.int64(), "max_score": pa.float64()})
    specs = list(TaskSpec.objects.filter(scale_id__in=list(scales)).values_list("scale_id", "number", "max_score"))
    lookup_table(con, "task_max",
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
    lookup_table(con, "school_map",
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


def check(con: duckdb.DuckDBPyConnection, errors: ErrorList, columns: ColumnMap,
           task_keys: list[str]) -> None:
    label = columns.label

    def _too_long(limit: int) -> Callable[[tuple[Any, ...]], str]:
        return lambda row: _("The value is too long (at most %(max)d characters).") % {"max": limit}

    def _required(row: tuple[Any, ...]) -> str:
        return _("The value is required.")

    def add(sql: str, key: str, message: Callable[[tuple[Any, ...]], str]) -> None:
        staging.report(con, errors, sql, label.get(key, key), message)

    for key in REQUIRED:
        add(f'SELECT "row" FROM raw WHERE "{key}" IS NULL', key, _required)
    for key, limit in TEXT_MAX.items():
        if columns.has(key):
            add(f'SELECT "row" FROM raw WHERE length("{key}") > {limit}', key, _too_long(limit))
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


def derive(con: duckdb.DuckDBPyConnection, scales: dict[int, Scale]) -> None:
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
    lookup_table(con, "derived", {"scale_id": ids, "primary_score": scores, "mark": marks, "test_score": tests},
           {"scale_id": pa.int64(), "primary_score": pa.float64(), "mark": pa.int32(),
            "test_score": pa.int32()})


def check_derived(con: duckdb.DuckDBPyConnection, errors: ErrorList, columns: ColumnMap) -> None:
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
