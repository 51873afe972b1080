"""Column reference and downloadable XLSX templates of the pupil results and aggregates files."""

from __future__ import annotations

from django.utils.translation import gettext as _

from opora.core.imports.templates import ColumnHelp, columns_workbook
from opora.core.years import YEAR_RANGE

KINDS: tuple[str, ...] = ("results", "aggregates")


def _work() -> list[ColumnHelp]:
    return [
        ColumnHelp("процедура", "procedure", True, _("assessment procedure: code or name"),
                   "vpr, oge, ege …", "vpr"),
        ColumnHelp("год", "year", True, _("year of the work"), YEAR_RANGE, 2025),
        ColumnHelp("код школы", "school_code", True, _("school code"), "", "1001"),
        ColumnHelp("предмет", "subject", True, _("subject: code or Russian name"), "",
                   "Математика"),
        ColumnHelp("параллель", "grade", True, _("grade"), "1–11", 5),
    ]


def _results() -> list[ColumnHelp]:
    return [
        *_work(),
        ColumnHelp("ученик", "pupil", True,
                   _("pupil's code (a pseudonym, never a name), unique within the work"), "", "P-0001"),
        ColumnHelp("первичный балл", "primary_score", True, _("primary score"),
                   _("0 to the work's maximum"), 14),
        ColumnHelp("класс", "class", False, _("class"), "", "5А"),
        ColumnHelp("вариант", "variant", False, _("variant"), "", "1"),
        ColumnHelp("отметка", "mark", False, _("mark; derived from the scale when empty"),
                   "2, 3, 4, 5", 4),
        ColumnHelp("тестовый балл", "test_score", False,
                   _("test score; derived from the scale's table when empty"), "0–100", ""),
        ColumnHelp("отметка в журнале", "journal_mark", False,
                   _("the school's own mark in the journal"), "2, 3, 4, 5", 4),
        ColumnHelp("задание 1", "task_1", False,
                   _("score of task 1 (then task_2 … task_N)"), _("0 to the task's maximum"), 1),
    ]


def _aggregates() -> list[ColumnHelp]:
    return [
        *_work(),
        ColumnHelp("участники", "participants", True, _("number of participants"),
                   _("a whole number ≥ 1"), 40),
        ColumnHelp("отметка 2", "mark2", False, _("participants with mark 2"),
                   _("a whole number ≥ 0"), 8),
        ColumnHelp("отметка 3", "mark3", False, _("participants with mark 3"),
                   _("a whole number ≥ 0"), 20),
        ColumnHelp("отметка 4", "mark4", False, _("participants with mark 4"),
                   _("a whole number ≥ 0"), 10),
        ColumnHelp("отметка 5", "mark5", False, _("participants with mark 5"),
                   _("a whole number ≥ 0"), 2),
        ColumnHelp("средний процент", "mean_pct", False,
                   _("mean primary score as a percentage of the maximum"), "0–100", 52.5),
        ColumnHelp("средняя отметка", "mean_mark", False,
                   _("mean mark; computed from the mark counts when they are given"), "2–5", 3.1),
        ColumnHelp("понизили", "lowered", False,
                   _("participants whose result was below their journal mark"),
                   _("a whole number ≥ 0"), 6),
        ColumnHelp("подтвердили", "confirmed", False,
                   _("participants whose result equalled their journal mark"),
                   _("a whole number ≥ 0"), 30),
        ColumnHelp("повысили", "raised", False,
                   _("participants whose result was above their journal mark"),
                   _("a whole number ≥ 0"), 4),
        ColumnHelp("задание 1 %", "task_1_pct", False,
                   _("completion of task 1, % (then task_2_pct …)"), "0–100", 75),
    ]


def column_help(kind: str) -> list[ColumnHelp]:
    return _results() if kind == "results" else _aggregates()


def template_workbook(kind: str) -> bytes:
    return columns_workbook(column_help(kind))
