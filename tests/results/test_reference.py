"""Procedures and subjects as files write them, and marks and test scores from a scale."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from opora.results import reference
from opora.results.models import Procedure, ScoreKind, Subject


@dataclass
class _Scale:
    max_score: int
    mark3_from: int | None = None
    mark4_from: int | None = None
    mark5_from: int | None = None
    test_table: list[int] | None = None


VPR_MATH_5 = _Scale(20, 6, 11, 16)
EGE_BASE_MATH = _Scale(21, 7, 12, 17)
EGE_RUS = _Scale(4, test_table=[0, 10, 24, 60, 100])


@pytest.mark.parametrize(
    ("primary", "mark"), [(0, 2), (5, 2), (6, 3), (10, 3), (11, 4), (15, 4), (16, 5), (20, 5)]
)
def test_mark_follows_the_boundaries_with_each_boundary_inclusive(primary: int, mark: int) -> None:
    assert reference.mark_for(VPR_MATH_5, primary) == mark


def test_ege_basic_maths_is_scored_by_marks_and_has_no_test_score() -> None:
    assert reference.mark_for(EGE_BASE_MATH, 7) == 3
    assert reference.test_score_for(EGE_BASE_MATH, 7) is None


def test_ege_subject_with_a_table_gives_test_scores_and_no_mark() -> None:
    assert [reference.test_score_for(EGE_RUS, p) for p in range(5)] == [0, 10, 24, 60, 100]
    assert reference.mark_for(EGE_RUS, 3) is None


def test_scale_of_a_test_procedure_without_a_table_scores_nothing() -> None:
    assert reference.test_score_for(_Scale(50), 30) is None


@pytest.mark.parametrize("primary", [-1, 22])
def test_mark_of_a_score_outside_the_scale_is_refused(primary: int) -> None:
    with pytest.raises(ValueError):
        reference.mark_for(EGE_BASE_MATH, primary)


@pytest.mark.parametrize("primary", [-1, 5])
def test_test_score_of_a_score_outside_the_table_is_refused(primary: int) -> None:
    with pytest.raises(ValueError):
        reference.test_score_for(EGE_RUS, primary)


@pytest.mark.django_db
def test_national_procedures_exist_with_their_scoring() -> None:
    kinds = dict(Procedure.objects.values_list("code", "score_kind"))
    assert kinds["vpr"] == ScoreKind.MARK
    assert kinds["oge"] == ScoreKind.MARK
    assert kinds["ege"] == ScoreKind.TEST_SCORE


@pytest.mark.django_db
def test_only_russian_and_mathematics_are_core_subjects() -> None:
    core = set(Subject.objects.filter(is_core=True).values_list("code", flat=True))
    assert core == {"rus", "math", "math_base", "math_prof"}
    assert Subject.objects.filter(code__in=["phys", "okr", "eng", "inf"]).count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("rus", "rus"),
        ("RUS", "rus"),
        ("Русский язык", "rus"),
        ("русский", "rus"),
        ("  русский   язык ", "rus"),
        ("Математика (профильная)", "math_prof"),
        ("математика профильная", "math_prof"),
        ("Математика (базовый уровень)", "math_base"),
        ("математика", "math"),
        ("Окружающий мир", "okr"),
        ("ИНФОРМАТИКА И ИКТ", "inf"),
    ],
)
def test_subject_is_found_by_code_name_or_other_spelling(written: str, code: str) -> None:
    subject = reference.subject_find(written)
    assert subject is not None and subject.code == code


@pytest.mark.django_db
def test_subject_names_ignore_the_letter_yo() -> None:
    Subject.objects.create(code="astro", name="Естествознание", aliases=["Ёлочная астрономия"])
    index = reference.SubjectIndex.load()
    found = index.find("елочная астрономия")
    assert found is not None and found.code == "astro"
    assert index.find("Естествознание") == found


@pytest.mark.django_db
def test_unknown_subject_is_not_guessed() -> None:
    assert reference.subject_find("Математика и физика") is None
    assert reference.subject_find("") is None


@pytest.mark.django_db
@pytest.mark.parametrize(("written", "code"), [("ege", "ege"), ("ЕГЭ", "ege"), ("впр", "vpr"), ("OGE", "oge")])
def test_procedure_is_found_by_code_or_name(written: str, code: str) -> None:
    procedure = reference.procedure_find(written)
    assert procedure is not None and procedure.code == code


@pytest.mark.django_db
def test_unknown_procedure_is_none() -> None:
    assert reference.procedure_find("гиа-9") is None
