"""Importing scales and ЕГЭ primary → test tables: values, errors by row and column, access,
whole-or-nothing, reruns, and the `opora import-scales` command."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from openpyxl import Workbook

from opora.cli import main
from opora.core.errors import AccessDenied
from opora.core.imports import ImportOutcome
from opora.results.imports import scales_import
from opora.results.imports.templates import scales_template
from opora.results.models import Procedure, Scale, Subject, TaskSpec
from tests.conftest import Cast
from tests.core.imports_files import write_csv, write_xlsx

pytestmark = pytest.mark.django_db

HEADER = [
    "procedure", "year", "subject", "grade", "max_score",
    "mark3_from", "mark4_from", "mark5_from", "min_score", "high_bar",
]  # fmt: skip
TABLE_HEADER = ["procedure", "year", "subject", "grade", "primary_score", "test_score"]
VPR_MATH_5 = ["vpr", 2026, "math", 5, 20, 6, 11, 16, None, None]
EGE_RUS = ["ЕГЭ", 2026, "Русский язык", 11, 4, None, None, None, 24, 81]
EGE_BASE = ["ege", 2026, "Математика (базовая)", 11, 21, 7, 12, 17, None, None]


def table(work: Sequence[Any], scores: Sequence[int]) -> list[list[Any]]:
    return [[*work[:4], primary, test] for primary, test in enumerate(scores)]


def write_book(path: Path, sheets: dict[str, Sequence[Sequence[Any]]]) -> Path:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


def scale(code: str, subject: str, grade: int = 11, year: int = 2026) -> Scale:
    return Scale.objects.get(procedure__code=code, subject__code=subject, grade=grade, year=year)


def problems(outcome: ImportOutcome) -> list[tuple[int | None, str]]:
    return [(e.row, e.column) for e in outcome.errors]


def test_regional_admin_loads_mark_scales_and_an_ege_table_from_one_workbook(cast: Cast, tmp_path: Path) -> None:
    path = write_book(
        tmp_path / "scales.xlsx",
        {
            "Шкалы": [HEADER, VPR_MATH_5, EGE_RUS, EGE_BASE],
            "Перевод": [TABLE_HEADER, *table(EGE_RUS, [0, 10, 24, 60, 100])],
        },
    )

    outcome = scales_import(actor=cast.alice, path=path)

    assert outcome.ok, outcome.errors
    assert (outcome.created, outcome.updated, outcome.unchanged) == (3, 0, 0)
    vpr = scale("vpr", "math", grade=5)
    assert (vpr.max_score, vpr.mark3_from, vpr.mark4_from, vpr.mark5_from) == (20, 6, 11, 16)
    assert vpr.min_score is None and vpr.test_table is None
    rus = scale("ege", "rus")
    assert (rus.min_score, rus.high_bar, rus.test_table) == (24, 81, [0, 10, 24, 60, 100])
    assert rus.mark3_from is None
    base = scale("ege", "math_base")
    assert (base.mark3_from, base.test_table) == (7, None)


def test_same_file_twice_changes_nothing_and_writes_no_history(cast: Cast, tmp_path: Path) -> None:
    path = write_book(
        tmp_path / "s.xlsx",
        {"s": [HEADER, VPR_MATH_5, EGE_RUS], "t": [TABLE_HEADER, *table(EGE_RUS, [0, 10, 24, 60, 100])]},
    )
    assert scales_import(actor=cast.alice, path=path).ok
    history = Scale.history.count()

    again = scales_import(actor=cast.alice, path=path)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Scale.history.count() == history


def test_corrected_boundary_updates_the_scale_with_history_by_the_importer(cast: Cast, tmp_path: Path) -> None:
    assert scales_import(actor=cast.alice, path=write_csv(tmp_path / "a.csv", [HEADER, VPR_MATH_5])).ok
    corrected = [*VPR_MATH_5[:5], 7, 11, 16, None, None]

    outcome = scales_import(actor=cast.zoe, path=write_csv(tmp_path / "b.csv", [HEADER, corrected]))

    assert (outcome.created, outcome.updated) == (0, 1)
    assert scale("vpr", "math", grade=5).mark3_from == 7
    assert Scale.history.latest("history_date").history_user == cast.zoe


def test_table_in_a_csv_of_its_own_is_added_to_a_stored_scale(cast: Cast, tmp_path: Path) -> None:
    assert scales_import(actor=cast.alice, path=write_csv(tmp_path / "s.csv", [HEADER, EGE_RUS])).ok
    path = write_csv(tmp_path / "t.csv", [TABLE_HEADER, *table(EGE_RUS, [0, 12, 24, 70, 100])])

    outcome = scales_import(actor=cast.alice, path=path)

    assert outcome.ok, outcome.errors
    assert (outcome.created, outcome.updated) == (0, 1)
    assert scale("ege", "rus").test_table == [0, 12, 24, 70, 100]
    assert scale("ege", "rus").min_score == 24  # the table file leaves the rest alone


def test_ege_scale_without_a_table_is_loaded_with_a_note(cast: Cast, tmp_path: Path) -> None:
    outcome = scales_import(actor=cast.alice, path=write_csv(tmp_path / "s.csv", [HEADER, EGE_RUS]))
    assert outcome.ok
    assert any("ЕГЭ 2026" in note for note in outcome.summary)


def test_russian_headers_and_names_are_accepted(cast: Cast, tmp_path: Path) -> None:
    header = ["Процедура", "Год", "Предмет", "Класс", "Максимальный балл", "Отметка 3 от",
              "Отметка 4 от", "Отметка 5 от"]  # fmt: skip
    path = write_csv(
        tmp_path / "s.csv",
        [header, ["ВПР", "2026", "Окружающий мир", "4", "32", "8", "18", "27"]],
        encoding="cp1251",
    )
    assert scales_import(actor=cast.alice, path=path).ok
    assert scale("vpr", "okr", grade=4).mark5_from == 27


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (["гиа", 2026, "math", 5, 20, 6, 11, 16, None, None], "procedure"),
        (["vpr", 2026, "астрология", 5, 20, 6, 11, 16, None, None], "subject"),
        (["vpr", 1989, "math", 5, 20, 6, 11, 16, None, None], "year"),
        (["vpr", 2026, "math", 12, 20, 6, 11, 16, None, None], "grade"),
        (["vpr", 2026, "math", 5, "двадцать", 6, 11, 16, None, None], "max_score"),
        (["vpr", 2026, "math", 5, 20, None, None, None, None, None], "mark3_from"),
        (["vpr", 2026, "math", 5, 20, 6, None, 16, None, None], "mark3_from"),
        (["vpr", 2026, "math", 5, 20, 11, 6, 16, None, None], "mark4_from"),
        (["vpr", 2026, "math", 5, 20, 6, 11, 21, None, None], "mark5_from"),
        (["vpr", 2026, "math", 5, 20, 6, 11, 16, 30, None], "min_score"),
        (["ege", 2026, "rus", 11, 50, None, None, None, None, None], "min_score"),
        (["ege", 2026, "rus", 11, 50, None, None, None, 101, None], "min_score"),
        (["ege", 2026, "rus", 11, 50, None, None, None, 24, 20], "high_bar"),
        (["ege", 2026, "math_base", 11, 21, 7, 12, 17, 24, None], "min_score"),
    ],
)
def test_bad_scale_row_is_named_by_row_and_column(cast: Cast, tmp_path: Path, row: list[Any], column: str) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", [HEADER, VPR_MATH_5[:3] + [6, *VPR_MATH_5[4:]], row])

    outcome = scales_import(actor=cast.alice, path=path)

    assert problems(outcome) == [(3, column)]
    assert not Scale.objects.exists()  # the good row 2 is not written either


def test_unknown_subject_lists_the_accepted_ones(cast: Cast, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", [HEADER, ["vpr", 2026, "Черчение", 5, 20, 6, 11, 16]])
    message = scales_import(actor=cast.alice, path=path).errors[0].message
    assert "Черчение" in message and "Русский язык (rus)" in message


def test_a_work_twice_in_the_file_is_an_error_naming_the_first_row(cast: Cast, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", [HEADER, VPR_MATH_5, ["ВПР", 2026, "Математика", 5, 20, 7, 11, 16]])
    outcome = scales_import(actor=cast.alice, path=path)
    assert problems(outcome) == [(3, "procedure")]
    assert "2" in outcome.errors[0].message


@pytest.mark.parametrize(
    ("scores", "row"),
    [
        ([0, 10, 24, 60], 2),  # primary 4 missing
        ([0, 10, 24, 60, 100, 100], 7),  # primary 5 above the maximum 4
        ([0, 30, 24, 60, 100], 4),  # decreases at primary 2
        ([0, 10, 24, 60, 101], 6),  # above 100
    ],
)
def test_table_must_cover_the_scale_and_never_decrease(cast: Cast, tmp_path: Path, scores: list[int], row: int) -> None:
    path = write_book(tmp_path / "s.xlsx", {"s": [HEADER, EGE_RUS], "Перевод": [TABLE_HEADER, *table(EGE_RUS, scores)]})

    outcome = scales_import(actor=cast.alice, path=path)

    assert problems(outcome) == [(row, "Перевод!test_score")]
    assert not Scale.objects.exists()


def test_primary_score_twice_in_a_table_is_an_error(cast: Cast, tmp_path: Path) -> None:
    rows = [TABLE_HEADER, *table(EGE_RUS, [0, 10, 24, 60, 100]), [*EGE_RUS[:4], 3, 61]]
    path = write_book(tmp_path / "s.xlsx", {"s": [HEADER, EGE_RUS], "t": rows})
    assert problems(scales_import(actor=cast.alice, path=path)) == [(7, "t!primary_score")]


def test_table_for_a_work_scored_by_marks_is_refused(cast: Cast, tmp_path: Path) -> None:
    path = write_book(
        tmp_path / "s.xlsx",
        {"s": [HEADER, EGE_BASE], "t": [TABLE_HEADER, *table(EGE_BASE, list(range(22)))]},
    )
    outcome = scales_import(actor=cast.alice, path=path)
    assert problems(outcome) == [(2, "t!test_score")]
    assert "базов" in outcome.errors[0].message.lower() or "marks" in outcome.errors[0].message


def test_table_for_a_scale_that_does_not_exist_names_the_work(cast: Cast, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [TABLE_HEADER, *table(EGE_RUS, [0, 10, 24, 60, 100])])
    outcome = scales_import(actor=cast.alice, path=path)
    assert problems(outcome) == [(2, "test_score")]
    assert "ЕГЭ 2026" in outcome.errors[0].message and "Русский язык" in outcome.errors[0].message


def test_changed_maximum_drops_the_stored_table_that_no_longer_fits(cast: Cast, tmp_path: Path) -> None:
    first = write_book(
        tmp_path / "a.xlsx", {"s": [HEADER, EGE_RUS], "t": [TABLE_HEADER, *table(EGE_RUS, [0, 10, 24, 60, 100])]}
    )
    assert scales_import(actor=cast.alice, path=first).ok
    wider = [*EGE_RUS[:4], 5, *EGE_RUS[5:]]

    outcome = scales_import(actor=cast.alice, path=write_csv(tmp_path / "b.csv", [HEADER, wider]))

    assert outcome.ok
    assert scale("ege", "rus").test_table is None
    assert any("Русский язык" in note for note in outcome.notes)


def test_changed_maximum_warns_about_tasks_that_no_longer_add_up(cast: Cast, tmp_path: Path) -> None:
    assert scales_import(actor=cast.alice, path=write_csv(tmp_path / "a.csv", [HEADER, VPR_MATH_5])).ok
    TaskSpec.objects.create(scale=scale("vpr", "math", grade=5), number=1, max_score=20)
    outcome = scales_import(
        actor=cast.alice, path=write_csv(tmp_path / "b.csv", [HEADER, [*VPR_MATH_5[:4], 22, 6, 11, 16]])
    )
    assert outcome.ok
    assert any("20" in note and "22" in note for note in outcome.notes)


def test_template_reference_sheets_are_skipped_and_named(cast: Cast, tmp_path: Path) -> None:
    path = write_book(tmp_path / "s.xlsx", {"Данные": [HEADER, VPR_MATH_5], "Справочник": [["Процедуры"], ["vpr"]]})
    outcome = scales_import(actor=cast.alice, path=path)
    assert outcome.ok
    assert any("Справочник" in line for line in outcome.summary)


def test_a_region_added_procedure_on_a_100_point_scale_is_accepted(cast: Cast, tmp_path: Path) -> None:
    Procedure.objects.create(code="rdr", name="Региональная диагностика", score_kind="test_score")
    Subject.objects.get(code="rus")
    path = write_csv(tmp_path / "s.csv", [HEADER, ["rdr", 2026, "rus", 7, 30, None, None, None, 40, None]])
    assert scales_import(actor=cast.alice, path=path).ok
    assert scale("rdr", "rus", grade=7).min_score == 40


@pytest.mark.parametrize("who", ["oleg", "maria", "rita", "sam", "nobody"])
def test_only_a_regional_administrator_or_the_superuser_may_import_scales(cast: Cast, tmp_path: Path, who: str) -> None:
    path = write_csv(tmp_path / "s.csv", [HEADER, VPR_MATH_5])
    with pytest.raises(AccessDenied):
        scales_import(actor=getattr(cast, who), path=path)
    assert not Scale.objects.exists()


def test_superuser_may_import_scales(cast: Cast, tmp_path: Path) -> None:
    cast.nobody.is_superuser = True
    cast.nobody.save()
    assert scales_import(actor=cast.nobody, path=write_csv(tmp_path / "s.csv", [HEADER, VPR_MATH_5])).ok


def test_missing_column_and_wrong_file_type_are_rejected(cast: Cast, tmp_path: Path) -> None:
    no_max = write_csv(tmp_path / "s.csv", [HEADER[:4], ["vpr", 2026, "math", 5]])
    assert problems(scales_import(actor=cast.alice, path=no_max)) == [(1, "max_score")]
    text = tmp_path / "s.txt"
    text.write_text("procedure;year\n")
    assert not scales_import(actor=cast.alice, path=text).ok


@pytest.fixture
def _keep_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """A command run from argv closes every connection at the end; the test's must stay open."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.mark.usefixtures("_keep_test_connection")
def test_import_scales_command_prints_the_summary(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "s.csv", [HEADER, VPR_MATH_5])
    main(["opora", "import-scales", str(path), "--user", "alice"])
    assert capsys.readouterr().out.strip()
    assert scale("vpr", "math", grade=5).max_score == 20


@pytest.mark.usefixtures("_keep_test_connection")
def test_import_scales_command_refuses_a_municipal_officer(cast: Cast, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", [HEADER, VPR_MATH_5])
    with pytest.raises(SystemExit) as exit_info:
        main(["opora", "import-scales", str(path), "--user", "oleg"])
    assert exit_info.value.code != 0
    assert not Scale.objects.exists()


def test_downloaded_template_imports_as_it_is(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    path.write_bytes(scales_template())

    outcome = scales_import(actor=cast.alice, path=path)

    assert outcome.ok, outcome.errors
    assert outcome.created == 3
    assert len(scale("ege", "rus").test_table or []) == scale("ege", "rus").max_score + 1
    assert any("Справочн" in line or "Допустим" in line or "Accepted" in line for line in outcome.summary)
