"""Downloadable XLSX templates for scales and tasks, and their column reference.

Each template has the data sheet(s) with a header and example rows, a sheet describing every
column, and a sheet of accepted values (procedures, subjects, difficulties) read from the
database, so a region's own procedures appear in it. The example rows import as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from opora.core.imports.templates import ColumnHelp
from opora.core.xlsx import workbook_bytes
from opora.core.years import YEAR_RANGE
from opora.results.imports.tasks import DIFFICULTY_NAMES
from opora.results.models import Difficulty, Procedure, Subject

KINDS: tuple[str, ...] = ("scales", "tasks")
_EXAMPLE_YEAR = 2026
_EGE_RUS_MAX = 50  # illustrative: take the year's maximum from the ФИПИ specification


def _work(grade: int, procedure: str, subject: str) -> list[ColumnHelp]:
    return [
        ColumnHelp(
            "процедура", "procedure", True, _("procedure code or name"), _("see the sheet of values"), procedure
        ),
        ColumnHelp("год", "year", True, _("year of the work"), YEAR_RANGE, _EXAMPLE_YEAR),
        ColumnHelp("предмет", "subject", True, _("subject code or name"), _("see the sheet of values"), subject),
        ColumnHelp("класс", "grade", True, _("grade (parallel) that wrote the work"), "1–11", grade),
    ]


def scale_columns() -> list[ColumnHelp]:
    marks = _("whole number; required for procedures scored by marks and for ЕГЭ basic mathematics")
    return [
        *_work(5, "ВПР", "Математика"),
        ColumnHelp("максимальный балл", "max_score", True, _("maximum primary score"), "1–999", 20),
        ColumnHelp("отметка 3 от", "mark3_from", False, _("lowest primary score for mark 3"), marks, 6),
        ColumnHelp("отметка 4 от", "mark4_from", False, _("lowest primary score for mark 4"), marks, 11),
        ColumnHelp("отметка 5 от", "mark5_from", False, _("lowest primary score for mark 5"), marks, 16),
        ColumnHelp(
            "минимальный балл",
            "min_score",
            False,
            _("minimum test score; required for test-score procedures (ЕГЭ) unless scored by marks"),
            "0–100",
            "",
        ),
        ColumnHelp(
            "высокий результат от",
            "high_bar",
            False,
            _("test score from which a result counts as high"),
            "0–100",
            "",
        ),
    ]


def table_columns() -> list[ColumnHelp]:
    return [
        *_work(11, "ЕГЭ", "Русский язык"),
        ColumnHelp(
            "первичный балл", "primary_score", True, _("primary score"), _("every score from 0 to the maximum"), 0
        ),
        ColumnHelp("тестовый балл", "test_score", True, _("test score for it"), _("0–100, never decreasing"), 0),
    ]


def task_columns() -> list[ColumnHelp]:
    levels = ", ".join(" / ".join(names) for names in DIFFICULTY_NAMES.values())
    return [
        *_work(5, "ВПР", "Математика"),
        ColumnHelp("задание", "task", True, _("task number: column task_N of result files"), "1–200", 1),
        ColumnHelp(
            "максимальный балл",
            "max_score",
            True,
            _("maximum score of the task; a work's tasks add up to its scale's maximum"),
            "1–999",
            1,
        ),
        ColumnHelp("уровень сложности", "difficulty", True, _("difficulty level"), levels, "Б"),
        ColumnHelp("проверяемое умение", "skill", False, _("skill the task checks"), "", "Сложение и вычитание"),
        ColumnHelp("кодификатор", "codifier", False, _("codifier codes"), "", "1.1; 1.2"),
    ]


def column_help(kind: str) -> list[ColumnHelp]:
    """The columns of a kind's main sheet (for scales, the table sheet has `table_columns`)."""
    return scale_columns() if kind == "scales" else task_columns()


def _data_sheet(sheet: Worksheet, columns: list[ColumnHelp], rows: Sequence[Sequence[Any]]) -> None:
    sheet.append([c.header for c in columns])
    for row in rows:
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        assert isinstance(cell, Cell)  # the header row of a new sheet has no merged cells
        sheet.column_dimensions[cell.column_letter].width = max(14, len(str(cell.value)) + 2)


def _reference_sheet(workbook: Workbook, sections: Sequence[tuple[str, list[ColumnHelp]]]) -> None:
    sheet = workbook.create_sheet(_("Columns"))
    sheet.append([_("Sheet"), _("Header"), _("Also accepted"), _("Required"), _("Meaning"), _("Accepted values")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for title, columns in sections:
        for c in columns:
            sheet.append([title, c.header, c.key, _("yes") if c.required else _("no"), c.description, c.values])
    for letter, width in zip("ABCDEF", (20, 24, 16, 12, 60, 50), strict=True):
        sheet.column_dimensions[letter].width = width


def _values_sheet(workbook: Workbook, *, difficulties: bool) -> None:
    sheet = workbook.create_sheet(_("Accepted values"))
    header = [_("Procedure"), _("Procedure name"), _("Subject"), _("Subject name"), _("Other names")]
    if difficulties:
        header += [_("Difficulty"), _("Also accepted")]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    procedures = [(p.code, p.name) for p in Procedure.objects.order_by("code")]
    subjects = [(s.code, s.name, "; ".join(s.aliases)) for s in Subject.objects.order_by("name")]
    levels = [(names[0], ", ".join(names[1:])) for names in DIFFICULTY_NAMES.values()]
    for i in range(max(len(procedures), len(subjects), len(levels) if difficulties else 0)):
        row: list[Any] = [*(procedures[i] if i < len(procedures) else ("", ""))]
        row += [*(subjects[i] if i < len(subjects) else ("", "", ""))]
        if difficulties:
            row += [*(levels[i] if i < len(levels) else ("", ""))]
        sheet.append(row)
    for letter, width in zip("ABCDEFG", (12, 28, 12, 28, 50, 12, 24), strict=True):
        sheet.column_dimensions[letter].width = width


def _example_table() -> list[list[Any]]:
    # Illustrative and linear: the real table is published each year.
    return [
        ["ЕГЭ", _EXAMPLE_YEAR, "Русский язык", 11, p, round(100 * p / _EGE_RUS_MAX)] for p in range(_EGE_RUS_MAX + 1)
    ]


def _save(workbook: Workbook) -> bytes:
    return workbook_bytes(workbook)


def scales_template() -> bytes:
    """Scales sheet (ВПР with marks, ЕГЭ Russian with a minimum, ЕГЭ basic maths with marks),
    the ЕГЭ primary → test table sheet, the column reference and the accepted values."""
    workbook = Workbook()
    scales = workbook.active
    assert scales is not None
    scales.title = _("Scales")
    _data_sheet(
        scales,
        scale_columns(),
        [
            ["ВПР", _EXAMPLE_YEAR, "Математика", 5, 20, 6, 11, 16, None, None],
            ["ЕГЭ", _EXAMPLE_YEAR, "Русский язык", 11, _EGE_RUS_MAX, None, None, None, 24, 81],
            ["ЕГЭ", _EXAMPLE_YEAR, "Математика (базовая)", 11, 21, 7, 12, 17, None, None],
        ],
    )
    table_title = _("Primary to test")
    _data_sheet(workbook.create_sheet(table_title), table_columns(), _example_table())
    _reference_sheet(workbook, [(scales.title, scale_columns()), (table_title, table_columns())])
    _values_sheet(workbook, difficulties=False)
    return _save(workbook)


def tasks_template() -> bytes:
    """Tasks sheet (three tasks of an illustrative ВПР work), column reference, accepted values."""
    workbook = Workbook()
    tasks = workbook.active
    assert tasks is not None
    tasks.title = _("Tasks of works")
    basic, advanced = (DIFFICULTY_NAMES[d][0] for d in (Difficulty.BASIC, Difficulty.ADVANCED))
    _data_sheet(
        tasks,
        task_columns(),
        [
            ["ВПР", _EXAMPLE_YEAR, "Математика", 5, 1, 1, basic, "Сложение и вычитание", "1.1"],
            ["ВПР", _EXAMPLE_YEAR, "Математика", 5, 2, 2, basic, "Дроби", "1.3"],
            ["ВПР", _EXAMPLE_YEAR, "Математика", 5, 3, 17, advanced, "Текстовые задачи", "3.1; 3.2"],
        ],
    )
    _reference_sheet(workbook, [(tasks.title, task_columns())])
    _values_sheet(workbook, difficulties=True)
    return _save(workbook)


def template_workbook(kind: str) -> bytes:
    return scales_template() if kind == "scales" else tasks_template()
