"""Importing pupil results: checks by row and column, marks from the scale, whole or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from opora.core.errors import AccessDenied
from opora.results.imports.results import results_import
from opora.results.models import ResultPart, Scale, SchoolIndicator
from opora.results.store import active_paths
from tests.conftest import Cast
from tests.core.imports_files import write_csv, write_xlsx
from tests.results.results_files import RESULT_HEADER, pupil

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.results.results_files"]  # fixtures: reference rows, a store per test


def stored(procedure: str = "vpr", year: int = 2025) -> list[tuple]:
    paths = [str(p) for p in active_paths(procedure, year)]
    if not paths:
        return []
    return duckdb.sql(
        "SELECT school_code, subject, pupil, primary_score, mark, test_score, tasks "
        f"FROM read_parquet({paths!r}) ORDER BY school_code, subject, pupil"
    ).fetchall()


def messages(outcome) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(e) for e in outcome.errors]


def test_xlsx_results_are_stored_with_marks_from_the_scale(
    cast: Cast, vpr_math: Scale, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [
        RESULT_HEADER,
        pupil("1001", "p1", 6, 3, 3),
        pupil("1001", "p2", 12, 6, 6),
        pupil("1002", "p3", 17.5, 9, 8.5),
    ])
    outcome = results_import(actor=cast.alice, path=path)
    assert outcome.ok, messages(outcome)
    assert outcome.rows == 3
    assert stored() == [
        ("1001", "math", "p1", 6.0, 2, None, [3.0, 3.0]),
        ("1001", "math", "p2", 12.0, 4, None, [6.0, 6.0]),
        ("1002", "math", "p3", 17.5, 5, None, [9.0, 8.5]),
    ]
    part = ResultPart.objects.get(active=True)
    assert part.rows == 3 and part.school_codes == ["1001", "1002"]


def test_csv_in_windows_1251_with_russian_headers_and_subject_names(
    cast: Cast, vpr_math: Scale, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "r.csv", [
        ["Процедура", "Год", "Код школы", "Предмет", "Параллель", "Ученик", "Первичный балл",
         "Задание 1"],
        ["ВПР", 2025, "1001", "математика", 5, "p1", "7,5", "4"],
    ], encoding="cp1251")
    outcome = results_import(actor=cast.alice, path=path)
    assert outcome.ok, messages(outcome)
    assert stored() == [("1001", "math", "p1", 7.5, 3, None, [4.0, None])]


def test_test_score_is_derived_from_the_scale_table(
    cast: Cast, ege_profile: Scale, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "r.csv", [
        ["procedure", "year", "school_code", "subject", "grade", "pupil", "primary_score"],
        ["ege", 2025, "1001", "math_prof", 11, "p1", 3],
        ["ege", 2025, "1001", "math_prof", 11, "p2", 9],
    ])
    outcome = results_import(actor=cast.alice, path=path)
    assert outcome.ok, messages(outcome)
    assert [(r[2], r[4], r[5]) for r in stored("ege")] == [("p1", None, 30), ("p2", None, 90)]


def test_bad_rows_are_named_by_row_column_and_reason_and_nothing_is_stored(
    cast: Cast, vpr_math: Scale, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [
        [*RESULT_HEADER, "mark", "task_3"],
        [*pupil("7777", "p1", 5), "", ""],          # unknown school
        [*pupil("1001", "p2", 25), "", ""],         # above the maximum
        [*pupil("1001", "p3", 8, 11, 0), "", ""],   # task above its maximum
        [*pupil("1001", "p4", -1), "", ""],         # negative
        [*pupil("1001", "p5", 13), 3, ""],          # mark contradicts the scale (13 → 4)
        [*pupil("1001", "p6", 8), "", ""],
        [*pupil("1001", "p6", 9), "", ""],          # the same pupil twice
        [*pupil("1001", "p7", "много"), "", ""],    # not a number
        [*pupil("1001", "p8", 8, subject="алхимия"), "", ""],
        ["vpr", 2019, "1001", "math", 5, "5А", "p9", 8, "", "", "", ""],  # no scale
        [*pupil("1001", "p10", 8, 1, 1), "", 1],    # the work has two tasks
        [*pupil("1001", "p11", 8, procedure="pisa"), "", ""],
    ])
    outcome = results_import(actor=cast.alice, path=path)
    assert not outcome.ok
    # (row, column, words the reason must name); the wording is checked by the catalogue tests.
    expected = [
        (2, "school_code", "7777"),
        (3, "primary_score", "25 20"),
        (4, "task_1", "11 10"),
        (5, "primary_score", ""),
        (6, "mark", "3 13 4"),
        (8, "pupil", "p6 7"),
        (9, "primary_score", "много"),
        (10, "subject", "алхимия"),
        (11, "year", "vpr 2019 math 5"),
        (12, "task_3", "2"),
        (13, "procedure", "pisa vpr"),
    ]
    assert [(e.row, e.column) for e in outcome.errors] == [(r, c) for r, c, _w in expected]
    for error, (_r, _c, words) in zip(outcome.errors, expected, strict=True):
        assert all(w in error.message for w in words.split()), error
    assert ResultPart.objects.count() == 0
    assert _store_files() == []


def _store_files() -> list[Path]:
    from django.conf import settings

    return list(Path(settings.RESULTS_DIR).rglob("*.parquet"))


def test_officer_cannot_import_results_of_another_municipality(
    cast: Cast, vpr_math: Scale, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "r.csv", [
        RESULT_HEADER, pupil("1001", "p1", 8), pupil("1003", "p2", 8),
    ])
    outcome = results_import(actor=cast.oleg, path=path)
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "school_code")]
    assert "МАОУ Лицей № 3 г. Лесного" in outcome.errors[0].message
    assert ResultPart.objects.count() == 0


def test_school_head_may_not_import_results_at_all(
    cast: Cast, vpr_math: Scale, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "r.csv", [RESULT_HEADER, pupil("1001", "p1", 8)])
    with pytest.raises(AccessDenied):
        results_import(actor=cast.sam, path=path)


def test_reimport_replaces_the_same_works_and_keeps_the_others(
    cast: Cast, vpr_math: Scale, vpr_russian: Scale, tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = write_csv(tmp_path / "a.csv", [
        RESULT_HEADER,
        pupil("1001", "p1", 5), pupil("1001", "p2", 6),
        pupil("1002", "p3", 7),
        pupil("1001", "p1", 20, subject="rus"),
    ])
    assert results_import(actor=cast.alice, path=first).ok
    old_files = _store_files()
    corrected = write_csv(tmp_path / "b.csv", [
        RESULT_HEADER, pupil("1001", "p1", 15), pupil("1001", "p9", 16),
    ])
    with django_capture_on_commit_callbacks(execute=True):
        outcome = results_import(actor=cast.alice, path=corrected)
    assert outcome.ok and outcome.replaced == 2  # type: ignore[attr-defined]
    assert [(r[0], r[1], r[2], r[3]) for r in stored()] == [
        ("1001", "math", "p1", 15.0),
        ("1001", "math", "p9", 16.0),
        ("1001", "rus", "p1", 20.0),
        ("1002", "math", "p3", 7.0),
    ]
    # The superseded file is gone; what is left is listed by the manifest and nothing else.
    assert not any(f.exists() for f in old_files)
    assert sorted(_store_files()) == sorted(active_paths("vpr", 2025))


def test_pupil_results_supersede_school_aggregates_of_the_same_work(
    cast: Cast, vpr_math: Scale, tmp_path: Path
) -> None:
    SchoolIndicator.objects.create(
        school=cast.s1, procedure=vpr_math.procedure, year=2025, subject=vpr_math.subject,
        grade=5, source="aggregates", participants=10, mark2=1, mark3=9, fail_share=0.1,
        fail_low=0, fail_high=0.4, high_share=0, high_low=0, high_high=0.3,
    )
    path = write_csv(tmp_path / "r.csv", [RESULT_HEADER, pupil("1001", "p1", 8)])
    assert results_import(actor=cast.alice, path=path).ok
    assert not SchoolIndicator.objects.filter(source="aggregates").exists()


def test_a_file_with_only_a_header_is_rejected(cast: Cast, vpr_math: Scale, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [RESULT_HEADER])
    outcome = results_import(actor=cast.alice, path=path)
    assert not outcome.ok and len(outcome.errors) == 1 and outcome.errors[0].row is None
