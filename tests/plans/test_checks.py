"""The check before submitting: what is missing, named by section and row."""

from __future__ import annotations

from datetime import date

import pytest

from opora.plans.checks import submit_problems
from opora.plans.models import Document, DocumentKind
from tests.conftest import Cast
from tests.plans.builders import YEAR, add_measure, complete_content, make_document
from tests.plans.test_documents import verified_profile

pytestmark = pytest.mark.django_db


def messages(document: Document) -> list[str]:
    return [p.message for p in submit_problems(document)]


@pytest.mark.parametrize("kind", [DocumentKind.CONCEPT, DocumentKind.PROGRAMME, DocumentKind.ANTIRISK,
                                  DocumentKind.REPORT_HALF, DocumentKind.REPORT_YEAR])
def test_a_complete_document_has_nothing_missing(cast: Cast, kind: str) -> None:
    assert messages(make_document(cast.s1, kind, factor="f1" if kind == DocumentKind.ANTIRISK else "")) == []


def test_an_empty_concept_lists_every_required_section_but_not_the_optional_mission(cast: Cast) -> None:
    document = make_document(cast.s1, DocumentKind.CONCEPT, content={})
    problems = submit_problems(document)
    assert [p.section for p in problems] == ["analysis", "goals", "directions", "indicators", "expected"]
    assert problems[0].message == "Раздел «Анализ текущего состояния школы»: не заполнен."
    assert problems[1].message == "Раздел «Цели развития»: добавьте хотя бы одну строку."


def test_an_indicator_without_baseline_is_named_by_section_and_row(cast: Cast) -> None:
    content = complete_content(DocumentKind.CONCEPT)
    content["indicators"][1]["baseline"] = " "
    problems = submit_problems(make_document(cast.s1, DocumentKind.CONCEPT, content=content))
    assert [(p.section, p.item, p.message) for p in problems] == [
        ("indicators", 1, "Раздел «Целевые показатели», строка 2: не указано «базовое значение».")]


def test_a_programme_measure_without_responsible_or_with_a_bad_date_is_reported(cast: Cast) -> None:
    content = complete_content(DocumentKind.PROGRAMME)
    content["measures"][0]["responsible"] = ""
    content["measures"][1]["due_on"] = "скоро"
    content["indicators"][0]["target"] = ""
    found = messages(make_document(cast.s1, DocumentKind.PROGRAMME, content=content))
    assert found == ["Раздел «Целевые показатели», строка 1: не указано «целевое значение».",
                     "Раздел «Мероприятия», строка 1: не указано «ответственный».",
                     "Раздел «Мероприятия», строка 2: «срок» — не дата."]


def test_a_complete_roadmap_addresses_every_selected_factor(cast: Cast) -> None:
    verified_profile(cast.s1, {"f_motivation": True, "f_climate": True, "f_staff": False})
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP, content={})
    add_measure(roadmap, factor="f_motivation")
    add_measure(roadmap, "Классные часы", factor="f_climate")
    assert messages(roadmap) == []


def test_a_roadmap_misses_a_factor_and_a_measure_misses_its_owner_deadline_and_indicator(cast: Cast) -> None:
    verified_profile(cast.s1, {"f_motivation": True, "f_climate": True})
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP, content={})
    add_measure(roadmap, factor="f_motivation")
    bare = add_measure(roadmap, "Педсовет", responsible="", due_on=None, indicator="")
    problems = submit_problems(roadmap)
    assert [(p.measure, p.message) for p in problems] == [
        (bare.pk, "Раздел «План мероприятий», мероприятие 2 «Педсовет»: не указано «ответственный»."),
        (bare.pk, "Раздел «План мероприятий», мероприятие 2 «Педсовет»: не указано «срок»."),
        (bare.pk, "Раздел «План мероприятий», мероприятие 2 «Педсовет»: не указано «показатель»."),
        (None, "Раздел «План мероприятий»: ни одно мероприятие не направлено на фактор риска «Фактор f_climate»."),
    ]


def test_a_roadmap_without_measures_cannot_be_submitted(cast: Cast) -> None:
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP, content={})
    assert messages(roadmap) == ["Раздел «План мероприятий»: добавьте хотя бы одно мероприятие."]


def test_factors_selected_in_another_year_do_not_count(cast: Cast) -> None:
    verified_profile(cast.s1, {"f_motivation": True}, year=YEAR - 1)
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP, content={})
    add_measure(roadmap, due_on=date(YEAR, 5, 1))
    assert messages(roadmap) == []
