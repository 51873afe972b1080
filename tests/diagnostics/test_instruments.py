"""The instrument as a workbook: it opens in a spreadsheet, reads back to the same definition, and
an edited workbook with mistakes is refused with the sheet, row and column of each mistake."""

from __future__ import annotations

import importlib.util
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from opora.analytics.risk_definition import Definition, default_definition
from opora.diagnostics.instrument_xlsx import (
    COLUMNS,
    GROUP_WORDS,
    WorkbookProblems,
    definition_from_workbook,
    definition_workbook,
)


def edited(data: bytes, edit: Any) -> bytes:
    """The workbook after `edit(workbook)`, as a user would save it from a spreadsheet."""
    workbook = load_workbook(BytesIO(data))
    edit(workbook)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def problems_of(data: bytes) -> list[str]:
    with pytest.raises(WorkbookProblems) as caught:
        definition_from_workbook(data)
    return caught.value.problems


def row_of(sheet: Any, column: str, value: str) -> int:
    index = list(COLUMNS[sheet.title]).index(column) + 1
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, index).value == value)


@pytest.fixture
def shipped() -> Definition:
    return default_definition()


@pytest.fixture
def workbook_bytes(shipped: Definition) -> bytes:
    return definition_workbook(shipped)


def test_the_workbook_has_the_six_sheets_with_russian_headers_and_words(workbook_bytes: bytes) -> None:
    workbook = load_workbook(BytesIO(workbook_bytes))
    assert workbook.sheetnames == ["Факторы", "Шкалы", "Вопросы", "Показатели", "Группы", "Правила"]
    questions = workbook["Вопросы"]
    assert [c.value for c in questions[1]] == ["код", "группа", "раздел", "текст", "шкала"]
    assert questions.cell(2, 2).value == "руководитель"
    groups = [[c.value for c in row] for row in workbook["Группы"].iter_rows(min_row=2)]
    assert groups[0][:2] == ["руководитель", "один человек"] and groups[2][5] == "да"
    directions = {row[3].value for row in workbook["Показатели"].iter_rows(min_row=2)}
    assert directions == {"чем выше ответ, тем выше риск", "чем выше ответ, тем ниже риск"}


def test_the_workbook_reads_back_to_the_same_definition(shipped: Definition, workbook_bytes: bytes) -> None:
    assert Definition.from_dict(definition_from_workbook(workbook_bytes)) == shipped


def test_group_and_basis_codes_are_accepted_as_well_as_words(shipped: Definition, workbook_bytes: bytes) -> None:
    def to_codes(workbook: Any) -> None:
        sheet = workbook["Группы"]
        for row in sheet.iter_rows(min_row=2):
            row[0].value = {w: c for c, w in GROUP_WORDS.items()}[row[0].value]
            row[1].value = {"один человек": "one", "число учителей": "teachers", "число учеников": "enrolment"}[
                row[1].value]
            row[5].value = "нет" if row[5].value == "нет" else "true"
        for row in workbook["Показатели"].iter_rows(min_row=2):
            row[3].value = 1 if "выше риск" in row[3].value else -1

    assert Definition.from_dict(definition_from_workbook(edited(workbook_bytes, to_codes))) == shipped


def test_an_unknown_scale_in_a_question_row_names_the_sheet_row_and_column(workbook_bytes: bytes) -> None:
    def edit(workbook: Any) -> None:
        sheet = workbook["Вопросы"]
        sheet.cell(row_of(sheet, "код", "H03"), 5).value = "agree7"

    assert problems_of(edited(workbook_bytes, edit)) == [
        "Лист «Вопросы», строка 4, столбец «шкала»: нет шкалы «agree7» на листе «Шкалы»."]


def test_a_zero_weight_names_its_row(workbook_bytes: bytes) -> None:
    def edit(workbook: Any) -> None:
        workbook["Показатели"].cell(3, 3).value = 0

    (problem,) = problems_of(edited(workbook_bytes, edit))
    assert problem.startswith("Лист «Показатели», строка 3, столбец «вес»:") and "больше 0" in problem


def test_a_repeated_question_code_names_the_second_row_and_the_first(workbook_bytes: bytes) -> None:
    def edit(workbook: Any) -> None:
        workbook["Вопросы"].cell(6, 1).value = "H01"

    problems = problems_of(edited(workbook_bytes, edit))
    assert "Лист «Вопросы», строка 6, столбец «код»: код вопроса «H01» повторяет строку 2." in problems


def test_a_missing_sheet_is_named(workbook_bytes: bytes) -> None:
    def edit(workbook: Any) -> None:
        del workbook["Группы"]

    assert problems_of(edited(workbook_bytes, edit)) == ["Лист «Группы»: листа нет в файле."]


def test_every_problem_of_the_file_is_reported_at_once(workbook_bytes: bytes) -> None:
    def edit(workbook: Any) -> None:
        workbook["Показатели"].cell(2, 3).value = "много"
        workbook["Показатели"].cell(4, 4).value = "вверх"
        workbook["Группы"].cell(2, 4).value = 0
        workbook["Правила"].cell(2, 2).value = "квантили"

    problems = problems_of(edited(workbook_bytes, edit))
    assert [p.split(":")[0] for p in problems] == [
        "Лист «Показатели», строка 2, столбец «вес»",
        "Лист «Показатели», строка 4, столбец «направление»",
        "Лист «Группы», строка 2, столбец «минимум респондентов»",
        "Лист «Правила», строка 2, столбец «значение»",
    ]


def test_a_file_that_is_not_a_workbook_is_refused() -> None:
    assert problems_of(b"code,text\nH01,hello\n") == ["Файл не является книгой .xlsx."]


def test_a_missing_column_is_named() -> None:
    workbook = Workbook()
    workbook.active.title = "Факторы"
    workbook.active.append(["код", "описание"])
    out = BytesIO()
    workbook.save(out)
    problems = problems_of(out.getvalue())
    assert problems[0] == "Лист «Факторы»: в первой строке нет столбца «название»."


# --- docs/questionnaires.md cannot drift from the shipped instrument ----------------------------

ROOT = Path(__file__).resolve().parents[2]


def test_the_questionnaires_document_names_every_shipped_factor_and_question(shipped: Definition) -> None:
    doc = (ROOT / "docs" / "questionnaires.md").read_text(encoding="utf-8")
    missing = [f.code for f in shipped.factors if f"`{f.code}`" not in doc or f.name not in doc]
    missing += [q.code for q in shipped.questions if f"`{q.code}`" not in doc or q.text not in doc]
    assert missing == []
    assert "приближение" in doc and "не анкеты ФИОКО" in doc


def test_the_tables_of_the_questionnaires_document_are_regenerated() -> None:
    spec = importlib.util.spec_from_file_location("questionnaires_doc", ROOT / "scripts" / "questionnaires_doc.py")
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    doc = (ROOT / "docs" / "questionnaires.md").read_text(encoding="utf-8")
    assert script.updated(doc) == doc, "docs/questionnaires.md is stale: run python scripts/questionnaires_doc.py"
