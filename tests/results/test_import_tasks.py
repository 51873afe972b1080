"""Importing the tasks of works: difficulty spellings, the total against the scale, errors by
row and column, reruns, access and the `opora import-tasks` command."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from openpyxl import load_workbook

from opora.cli import main
from opora.core.errors import AccessDenied
from opora.core.imports import ImportOutcome
from opora.results.imports import scales_import, tasks_import
from opora.results.imports.templates import scales_template, tasks_template
from opora.results.models import Difficulty, Procedure, Scale, Subject, TaskSpec
from tests.conftest import Cast
from tests.core.imports_files import write_csv, write_xlsx

pytestmark = pytest.mark.django_db

HEADER = ["procedure", "year", "subject", "grade", "task", "max_score", "difficulty", "skill", "codifier"]
WORK = ["vpr", 2026, "math", 5]


@pytest.fixture
def vpr_math_5(db: None) -> Scale:
    return Scale.objects.create(
        procedure=Procedure.objects.get(code="vpr"), year=2026, subject=Subject.objects.get(code="math"),
        grade=5, max_score=6, mark3_from=2, mark4_from=4, mark5_from=5,
    )  # fmt: skip


def rows(*tasks: tuple[int, int, str]) -> list[list[Any]]:
    return [[*WORK, number, score, level, f"умение {number}", f"{number}.1"] for number, score, level in tasks]


def problems(outcome: ImportOutcome) -> list[tuple[int | None, str]]:
    return [(e.row, e.column) for e in outcome.errors]


def test_tasks_are_created_with_difficulty_written_as_a_russian_letter(
    cast: Cast, vpr_math_5: Scale, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", [HEADER, *rows((1, 1, "Б"), (2, 2, "п"), (3, 3, "В"))])

    outcome = tasks_import(actor=cast.alice, path=path)

    assert outcome.ok, outcome.errors
    assert outcome.created == 3
    stored = {t.number: (t.max_score, t.difficulty, t.skill) for t in vpr_math_5.tasks.all()}
    assert stored == {
        1: (1, Difficulty.BASIC, "умение 1"),
        2: (2, Difficulty.ADVANCED, "умение 2"),
        3: (3, Difficulty.HIGH, "умение 3"),
    }


@pytest.mark.parametrize(
    ("written", "expected"),
    [("basic", Difficulty.BASIC), ("Повышенный", Difficulty.ADVANCED), ("high", Difficulty.HIGH)],
)
def test_difficulty_is_read_in_words_too(
    cast: Cast, vpr_math_5: Scale, tmp_path: Path, written: str, expected: str
) -> None:
    path = write_csv(tmp_path / "t.csv", [HEADER, *rows((1, 6, written))])
    assert tasks_import(actor=cast.alice, path=path).ok
    assert TaskSpec.objects.get(scale=vpr_math_5, number=1).difficulty == expected


def test_same_file_twice_changes_nothing(cast: Cast, vpr_math_5: Scale, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [HEADER, *rows((1, 2, "Б"), (2, 4, "П"))])
    assert tasks_import(actor=cast.alice, path=path).ok

    again = tasks_import(actor=cast.alice, path=path)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_corrected_file_replaces_the_work_tasks_and_removes_those_it_no_longer_lists(
    cast: Cast, vpr_math_5: Scale, tmp_path: Path
) -> None:
    first = write_csv(tmp_path / "a.csv", [HEADER, *rows((1, 2, "Б"), (2, 2, "Б"), (3, 2, "П"))])
    assert tasks_import(actor=cast.alice, path=first).ok
    corrected = write_csv(tmp_path / "b.csv", [HEADER, *rows((1, 2, "Б"), (2, 4, "В"))])

    outcome = tasks_import(actor=cast.alice, path=corrected)

    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 1)
    assert list(vpr_math_5.tasks.values_list("number", "max_score", "difficulty")) == [
        (1, 2, Difficulty.BASIC),
        (2, 4, Difficulty.HIGH),
    ]
    assert any("1" in note for note in outcome.notes)


def test_other_works_are_not_touched(cast: Cast, vpr_math_5: Scale, tmp_path: Path) -> None:
    other = Scale.objects.create(
        procedure=vpr_math_5.procedure, year=2026, subject=Subject.objects.get(code="rus"), grade=5,
        max_score=3, mark3_from=1, mark4_from=2, mark5_from=3,
    )  # fmt: skip
    TaskSpec.objects.create(scale=other, number=1, max_score=3)
    assert tasks_import(actor=cast.alice, path=write_csv(tmp_path / "t.csv", [HEADER, *rows((1, 6, "Б"))])).ok
    assert other.tasks.count() == 1


def test_tasks_must_add_up_to_the_scale_maximum(cast: Cast, vpr_math_5: Scale, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [HEADER, *rows((1, 2, "Б"), (2, 2, "Б"))])

    outcome = tasks_import(actor=cast.alice, path=path)

    assert problems(outcome) == [(2, "max_score")]
    message = outcome.errors[0].message
    assert "ВПР 2026" in message and "Математика" in message and "4" in message and "6" in message
    assert not TaskSpec.objects.exists()


def test_work_without_a_scale_is_named(cast: Cast, vpr_math_5: Scale, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [HEADER, *rows((1, 6, "Б")), ["oge", 2026, "Химия", 9, 1, 40, "Б"]])

    outcome = tasks_import(actor=cast.alice, path=path)

    assert problems(outcome) == [(3, "procedure")]
    assert "ОГЭ 2026" in outcome.errors[0].message and "Химия" in outcome.errors[0].message
    assert not TaskSpec.objects.exists()


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ([*WORK, 2, 3, "С", "", ""], "difficulty"),
        ([*WORK, 2, 3, "", "", ""], "difficulty"),
        ([*WORK, 0, 3, "Б", "", ""], "task"),
        ([*WORK, 2, "три", "Б", "", ""], "max_score"),
        ([*WORK, 1, 3, "Б", "", ""], "task"),  # task 1 twice
        ([*WORK, 2, 3, "Б", "", "x" * 256], "codifier"),
        (["vpr", 2026, "Рисование", 5, 2, 3, "Б", "", ""], "subject"),
    ],
)
def test_bad_task_row_is_named_by_row_and_column(
    cast: Cast, vpr_math_5: Scale, tmp_path: Path, row: list[Any], column: str
) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", [HEADER, *rows((1, 6, "Б")), row])
    assert problems(tasks_import(actor=cast.alice, path=path)) == [(3, column)]
    assert not TaskSpec.objects.exists()


def test_without_skill_columns_stored_skills_are_kept(cast: Cast, vpr_math_5: Scale, tmp_path: Path) -> None:
    assert tasks_import(actor=cast.alice, path=write_csv(tmp_path / "a.csv", [HEADER, *rows((1, 6, "Б"))])).ok
    short = write_csv(tmp_path / "b.csv", [HEADER[:7], [*WORK, 1, 6, "П"]])
    assert tasks_import(actor=cast.alice, path=short).ok
    task = TaskSpec.objects.get()
    assert (task.difficulty, task.skill, task.codifier) == (Difficulty.ADVANCED, "умение 1", "1.1")


def test_russian_headers_are_accepted(cast: Cast, vpr_math_5: Scale, tmp_path: Path) -> None:
    header = ["Процедура", "Год", "Предмет", "Класс", "Номер задания", "Максимальный балл",
              "Уровень сложности", "Проверяемое умение", "Кодификатор"]  # fmt: skip
    path = write_csv(tmp_path / "t.csv", [header, ["ВПР", 2026, "Математика", 5, 1, 6, "Б", "Счёт", "1.1"]])
    assert tasks_import(actor=cast.alice, path=path).ok
    assert TaskSpec.objects.get().skill == "Счёт"


@pytest.mark.parametrize("who", ["oleg", "rita", "vera", "nobody"])
def test_only_a_regional_administrator_or_the_superuser_may_import_tasks(
    cast: Cast, vpr_math_5: Scale, tmp_path: Path, who: str
) -> None:
    with pytest.raises(AccessDenied):
        tasks_import(actor=getattr(cast, who), path=write_csv(tmp_path / "t.csv", [HEADER, *rows((1, 6, "Б"))]))


def test_import_tasks_command_prints_the_summary(
    cast: Cast, vpr_math_5: Scale, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connections, "close_all", lambda: None)  # keep the test's connection
    main(["opora", "import-tasks", str(write_csv(tmp_path / "t.csv", [HEADER, *rows((1, 6, "Б"))])), "--user", "zoe"])
    assert capsys.readouterr().out.strip()
    assert TaskSpec.objects.get().max_score == 6


def test_downloaded_templates_import_as_they_are(cast: Cast, tmp_path: Path) -> None:
    scales, tasks = tmp_path / "scales.xlsx", tmp_path / "tasks.xlsx"
    scales.write_bytes(scales_template())
    tasks.write_bytes(tasks_template())
    assert scales_import(actor=cast.alice, path=scales).ok

    outcome = tasks_import(actor=cast.alice, path=tasks)

    assert outcome.ok, outcome.errors
    assert TaskSpec.objects.filter(scale__procedure__code="vpr", scale__grade=5).count() == 3


def test_tasks_template_lists_subjects_and_difficulties(db: None) -> None:
    workbook = load_workbook(BytesIO(tasks_template()))
    values = [str(cell) for row in workbook.worksheets[-1].iter_rows(values_only=True) for cell in row if cell]
    assert "Русский язык" in values and "Окружающий мир" in values and "ЕГЭ" in values and "В" in values
