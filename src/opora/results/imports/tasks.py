"""Import of task metadata: one row per task of a work, matched to the work's stored scale.

A work in the file gets exactly the file's tasks: their maxima must add up to the scale's
maximum, and a stored task the file no longer lists is removed. Works not in the file are
not touched.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opora.core.errors import AccessDenied
from opora.core.imports.outcome import ImportOutcome, ignored_note, rejected
from opora.core.imports.tabular import (
    Column,
    ColumnMap,
    ErrorList,
    FileRejected,
    Layout,
    Progress,
    RowError,
    map_columns,
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
)
from opora.results.models import Difficulty, Scale, TaskSpec
from opora.results.reference import ProcedureIndex, SubjectIndex, match_key

MAX_TASKS = 200
MAX_TASK_SCORE = 999
CODIFIER_LENGTH = 255

TASK_COLUMNS: tuple[Column, ...] = (
    *WORK_COLUMNS,
    Column("task", ("задание", "номер задания", "№ задания"), required=True),
    Column("max_score", ("максимальный балл",), required=True),
    Column("difficulty", ("уровень сложности", "сложность", "уровень"), required=True),
    Column("skill", ("проверяемое умение", "умение", "проверяемые умения")),
    Column("codifier", ("кодификатор", "коды кодификатора", "код кодификатора")),
)

# Accepted spellings; the first of each is shown in messages and templates.
DIFFICULTY_NAMES: dict[str, tuple[str, ...]] = {
    Difficulty.BASIC: ("Б", "базовый", "basic"),
    Difficulty.ADVANCED: ("П", "повышенный", "advanced"),
    Difficulty.HIGH: ("В", "высокий", "high"),
}
_DIFFICULTIES = {match_key(n): value for value, names in DIFFICULTY_NAMES.items() for n in names}
_UNSET: Any = object()  # the column is absent: keep the stored value


@dataclass
class _TaskRow:
    row: int
    number: int
    max_score: int
    difficulty: str
    skill: str = _UNSET
    codifier: str = _UNSET


@dataclass
class _WorkTasks:
    work: Work
    first_row: int
    tasks: dict[int, _TaskRow] = field(default_factory=dict)
    broken: bool = False  # a row of it failed: its total means nothing


def tasks_import(*, actor: User, path: Path, progress: Progress | None = None,
                 sheet: str | None = None, layout: Layout | None = None) -> ImportOutcome:
    """Validate the whole file, then write each listed work's tasks in one transaction.

    Tasks equal to what is stored are skipped, so applying the same file twice changes nothing.
    """
    if not may_import_reference(actor):
        raise AccessDenied
    errors = ErrorList()
    procedures, subjects = ProcedureIndex.load(), SubjectIndex.load()
    works: dict[WorkKey, _WorkTasks] = {}
    rows = 0
    try:
        with open_sheet(path, sheet, layout=layout, known=TASK_COLUMNS) as table:
            columns = map_columns(table, TASK_COLUMNS, layout)
            for done, (number, cells) in enumerate(table.rows, start=1):
                rows += 1
                _read(RowReader(number, cells, columns, errors), procedures, subjects, works)
                if progress is not None and done % 200 == 0:
                    progress(done, table.total_rows)
    except FileRejected as exc:
        return rejected(exc)
    if not works and not errors:
        return rejected([RowError(None, "", _("The file has a header but no rows of data."))])
    scales = _scales(works, columns, errors)
    if errors:
        return rejected(errors.final())
    outcome = _apply(actor, works, scales)
    outcome.rows = rows
    outcome.notes.extend(ignored_note(columns.ignored))
    return outcome


def _read(
    r: RowReader,
    procedures: ProcedureIndex,
    subjects: SubjectIndex,
    works: dict[WorkKey, _WorkTasks],
) -> None:
    work = r.work(procedures, subjects)
    number = r.whole("task", 1, MAX_TASKS)
    max_score = r.whole("max_score", 1, MAX_TASK_SCORE)
    difficulty_text = r.text("difficulty")
    difficulty = _DIFFICULTIES.get(match_key(difficulty_text), "")
    if not difficulty_text:
        r.fail("difficulty", _("The value is required."))
    elif not difficulty:
        r.fail(
            "difficulty",
            _("Unknown difficulty «%(value)s»; accepted: %(accepted)s.")
            % {"value": difficulty_text, "accepted": ", ".join(_accepted_difficulties())},
        )
    task = _TaskRow(r.number, number or 0, max_score or 0, difficulty)
    if r.columns.has("skill"):
        task.skill = r.text("skill")
    if r.columns.has("codifier"):
        task.codifier = r.text("codifier")
        if len(task.codifier) > CODIFIER_LENGTH:
            r.fail(
                "codifier",
                _("The value is too long (at most %(max)d characters).") % {"max": CODIFIER_LENGTH},
            )
    if work is None:
        return
    entry = works.setdefault(work.key, _WorkTasks(work, r.number))
    first = entry.tasks.get(task.number)
    if first is not None and r.ok:
        r.fail(
            "task",
            _("Task %(task)d of %(work)s is repeated: it is already in row %(row)d.")
            % {"task": task.number, "work": work, "row": first.row},
        )
    if r.ok:
        entry.tasks[task.number] = task
    else:
        entry.broken = True


def _accepted_difficulties() -> list[str]:
    return [" / ".join(names) for names in DIFFICULTY_NAMES.values()]


def _scales(works: dict[WorkKey, _WorkTasks], columns: ColumnMap, errors: ErrorList) -> dict[WorkKey, Scale]:
    """The stored scale of each work; a missing scale or a wrong total is an error."""
    years = {key[1] for key in works}
    found = {(s.procedure_id, s.year, s.subject_id, s.grade): s for s in Scale.objects.filter(year__in=years)}
    scales: dict[WorkKey, Scale] = {}
    for key, entry in works.items():
        scale = found.get(key)
        if scale is None:
            errors.add(
                entry.first_row,
                columns.label["procedure"],
                _("There is no scale for %(work)s: import the scales first.") % {"work": entry.work},
            )
            continue
        total = sum(t.max_score for t in entry.tasks.values())
        if entry.broken:
            continue
        if total != scale.max_score:
            errors.add(
                entry.first_row,
                columns.label["max_score"],
                _("The tasks of %(work)s add up to %(total)d points, but the maximum score of its scale is %(max)d.")
                % {"work": entry.work, "total": total, "max": scale.max_score},
            )
            continue
        scales[key] = scale
    return scales


@transaction.atomic
def _apply(actor: User, works: dict[WorkKey, _WorkTasks], scales: dict[WorkKey, Scale]) -> ImportOutcome:
    outcome = ImportOutcome()
    stored: dict[tuple[int, int], TaskSpec] = {
        (t.scale_id, t.number): t for t in TaskSpec.objects.filter(scale__in=scales.values())
    }
    keep: set[int] = set()
    items = []
    for key, entry in works.items():
        scale = scales[key]
        for task in entry.tasks.values():
            current = stored.get((scale.pk, task.number))
            if current is not None:
                keep.add(current.pk)
            items.append((current, {"scale": scale, "number": task.number}, dict(_values(task))))
    counts = upsert(model=TaskSpec, actor=actor, items=items)
    outcome.unchanged = counts.unchanged
    removed = [t for t in stored.values() if t.pk not in keep]
    for task_spec in removed:  # one by one, so each removal has its history row
        task_spec._history_user = actor  # type: ignore[attr-defined]
        task_spec.delete()
    outcome.created, outcome.updated = counts.created, counts.updated
    if removed:
        outcome.notes.append(
            ngettext(
                "removed %(count)d task the file no longer lists",
                "removed %(count)d tasks the file no longer lists",
                len(removed),
            )
            % {"count": len(removed)}
        )
    return outcome


def _values(task: _TaskRow) -> Iterator[tuple[str, Any]]:
    yield "max_score", task.max_score
    yield "difficulty", task.difficulty
    if task.skill is not _UNSET:
        yield "skill", task.skill
    if task.codifier is not _UNSET:
        yield "codifier", task.codifier
