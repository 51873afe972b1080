"""Import of pupil results: one row per pupil and work, into the Parquet results store.

The file is staged in DuckDB (`reading.py`: DuckDB parses a CSV itself, an XLSX goes in column
by column), checked there with SQL (`result_checks.py`), and written as one new Parquet file per
(procedure, year) (`result_writing.py`); `store.parts_activate` then switches it in at once. A
re-import of the same works (school × subject × grade of a procedure and year) replaces their
rows and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.core.imports.outcome import ImportOutcome, ignored_note, rejected
from opora.core.imports.tabular import (
    ErrorList,
    FileRejected,
    Layout,
    Progress,
    RowError,
    map_columns,
    open_sheet,
)
from opora.core.models import User
from opora.jobs.models import Job
from opora.results.imports import answers, reading, result_checks, result_writing, staging
from opora.results.imports.result_checks import RESULT_COLUMNS
from opora.results.store import parts_activate

__all__ = ["RESULT_COLUMNS", "ResultsOutcome", "results_import"]


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
    layout: Layout | None = None,
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
            with open_sheet(path, sheet, layout=layout, known=result_checks.RESULT_COLUMNS) as table:
                tasks = staging.task_columns(table.header, layout=layout)
                columns = map_columns(table, (*result_checks.RESULT_COLUMNS, *tasks), layout)
                rows = reading.stage_sheet(con, table, columns, progress=_half(progress))
        except FileRejected as exc:
            return rejected(exc)
        if rows == 0:
            return rejected([RowError(None, "", staging.no_rows_message())])
        task_keys = [c.key for c in tasks if columns.has(c.key)]
        task_keys += answers.expand(con, columns, first=len(task_keys) + 1)
        scales = result_checks.prepare(con, actor, columns, task_keys)
        result_checks.check(con, errors, columns, task_keys)
        result_checks.derive(con, scales)
        result_checks.check_derived(con, errors, columns)
        if errors:
            return rejected(errors.final())
        if progress is not None:
            progress(int(rows * 1.3), rows * 2)
        files = result_writing.write(con, columns, task_keys)
    outcome = ResultsOutcome(rows=rows)
    try:
        with transaction.atomic():
            result_writing.drop_superseded_aggregates(files)
            switched = parts_activate(files=files, job=job)
    except BaseException:
        for f in files:
            f.absolute.unlink(missing_ok=True)
        raise
    outcome.replaced = switched.replaced_rows
    outcome.schools = len({s for f in files for s in f.school_codes})
    outcome.created = rows
    outcome.notes.extend(result_writing.refresh_indicators(files, rows, progress))
    outcome.notes.extend(answers.note(columns))
    outcome.notes.extend(ignored_note(columns.ignored))
    return outcome


def _half(progress: Progress | None) -> Progress | None:
    if progress is None:
        return None

    def report(done: int, total: int) -> None:
        progress(done, total * 2)

    return report
