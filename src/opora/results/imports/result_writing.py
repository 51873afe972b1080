"""Pupil results: writing the checked rows as Parquet parts, and what follows the switch.

`write` turns the `work` table into one new part per (procedure, year) (`store.PartWriter`);
after `store.parts_activate`, `drop_superseded_aggregates` removes school aggregates of the same
works and `refresh_indicators` recomputes the rollups.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import duckdb
from django.utils.translation import gettext as _

from opora.core.imports.tabular import ColumnMap, Progress
from opora.results.imports import staging
from opora.results.models import SchoolIndicator, Source, TaskIndicator
from opora.results.store import PartFile, PartWriter

logger = logging.getLogger(__name__)


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


def write(con: duckdb.DuckDBPyConnection, columns: ColumnMap, task_keys: list[str]) -> list[PartFile]:
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


def drop_superseded_aggregates(files: Sequence[PartFile]) -> None:
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


def refresh_indicators(files: Sequence[PartFile], rows: int, progress: Progress | None) -> list[str]:
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
