"""The measures pages per role: the head plans and reports, the curator only reads, a teacher is
refused, a stranger gets 404; the table on the roadmap's and the report's document pages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from opora.plans.models import DocState, Document, DocumentKind, MeasureStatus
from tests.conftest import Cast
from tests.plans.builders import YEAR, add_measure, make_document

TODAY = date(YEAR, 5, 20)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def roadmap(cast: Cast) -> Document:
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP, content={})
    add_measure(roadmap, "Семинар по мотивации", due_on=date(YEAR, 3, 1))  # overdue
    add_measure(roadmap, "Открытые уроки", due_on=date(YEAR, 9, 1), status=MeasureStatus.DONE,
                done_on=date(YEAR, 5, 1), fact="Проведено 12 уроков")
    return roadmap


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, *args: Any) -> str:
    return reverse(f"plans:{name}", args=args)


def test_the_head_sees_the_plan_with_overdue_marks_and_every_action(cast: Cast, roadmap: Document) -> None:
    response = as_user(cast.sam).get(url("measures", roadmap.pk))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Семинар по мотивации" in text and "Проведено 12 уроков" in text
    assert "Выполнено в срок: 1 из 2" in text and "просрочено: 1" in text
    assert text.count('class="overdue"') == 1
    for action in ("Добавить мероприятие", "Перенести из программ", "Отчитаться", "Изменить", "Удалить"):
        assert action in text


@pytest.mark.parametrize("who", ["kate", "maria", "rita"])
def test_reviewers_and_regional_users_read_the_plan_without_actions(cast: Cast, roadmap: Document, who: str) -> None:
    response = as_user(getattr(cast, who)).get(url("measures", roadmap.pk))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Семинар по мотивации" in text
    for action in ("Добавить мероприятие", "Перенести из программ", "Отчитаться", "Изменить"):
        assert action not in text


@pytest.mark.parametrize(("who", "status"), [("tom", 403), ("oleg", 403), ("vera", 404), ("olga", 404)])
def test_others_are_refused(cast: Cast, roadmap: Document, who: str, status: int) -> None:
    measure = roadmap.measures.first()
    client = as_user(getattr(cast, who))
    assert client.get(url("measures", roadmap.pk)).status_code == status
    assert client.get(url("measure_report", roadmap.pk, measure.pk)).status_code == status


def test_the_curator_cannot_post_a_report_or_a_new_measure(cast: Cast, roadmap: Document) -> None:
    measure = roadmap.measures.first()
    client = as_user(cast.kate)
    assert client.post(url("measure_report", roadmap.pk, measure.pk),
                       {"status": "done", "done_on": "2026-05-01"}).status_code == 403
    assert client.post(url("measure_new", roadmap.pk), {"title": "X", "lock_version": 0}).status_code == 403
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED


def test_the_head_pulls_the_programmes_measures_from_the_page(cast: Cast, roadmap: Document) -> None:
    make_document(cast.s1, DocumentKind.PROGRAMME)
    response = as_user(cast.sam).post(url("measures_pull", roadmap.pk), {"lock_version": roadmap.lock_version},
                                      follow=True)
    assert "Из программ добавлено 2 мероприятия." in response.content.decode()
    assert roadmap.measures.filter(source="programme").count() == 2


def test_a_new_measure_is_saved_and_a_stale_form_keeps_what_was_typed(cast: Cast, roadmap: Document) -> None:
    client = as_user(cast.sam)
    form = client.get(url("measure_new", roadmap.pk))
    assert form.status_code == 200 and 'name="lock_version"' in form.content.decode()
    data = {"title": "Педсовет", "due_on": "2026-10-01", "responsible": "Директор", "lock_version": 0}
    response = client.post(url("measure_new", roadmap.pk), data)
    assert response.status_code == 302
    assert roadmap.measures.get(title="Педсовет").due_on == date(YEAR, 10, 1)

    stale = client.post(url("measure_new", roadmap.pk), data | {"title": "Родительское собрание"})
    assert stale.status_code == 409
    text = stale.content.decode()
    assert "ваши изменения не сохранены" in text and "Родительское собрание" in text
    assert not roadmap.measures.filter(title="Родительское собрание").exists()


def test_the_head_edits_and_deletes_a_measure(cast: Cast, roadmap: Document) -> None:
    client = as_user(cast.sam)
    measure = roadmap.measures.first()
    client.post(url("measure_edit", roadmap.pk, measure.pk), {"title": "Семинар", "due_on": "2026-06-01",
                                                              "lock_version": 0})
    measure.refresh_from_db()
    assert measure.title == "Семинар"
    assert "Удалить мероприятие «Семинар»" in client.get(url("measure_delete", roadmap.pk, measure.pk)).content.decode()
    client.post(url("measure_delete", roadmap.pk, measure.pk), {"lock_version": 1})
    assert not roadmap.measures.filter(pk=measure.pk).exists()


def test_after_approval_the_plan_is_read_only_but_the_head_still_reports(cast: Cast, roadmap: Document) -> None:
    Document.objects.filter(pk=roadmap.pk).update(state=DocState.APPROVED)
    client = as_user(cast.sam)
    text = client.get(url("measures", roadmap.pk)).content.decode()
    assert "Отчитаться" in text and "Добавить мероприятие" not in text and "Изменить" not in text
    assert client.get(url("measure_new", roadmap.pk)).status_code == 302
    measure = roadmap.measures.get(title="Семинар по мотивации")

    refused = client.post(url("measure_report", roadmap.pk, measure.pk), {"status": "done", "fact": "Провели"})
    assert refused.status_code == 400
    assert "Укажите, когда мероприятие выполнено." in refused.content.decode()

    back = url("document", roadmap.pk) + "#measures"
    response = client.post(url("measure_report", roadmap.pk, measure.pk),
                           {"status": "done", "done_on": "2026-03-02", "fact": "Провели", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    measure.refresh_from_db()
    assert (measure.status, measure.done_on, measure.fact) == ("done", date(YEAR, 3, 2), "Провели")


def test_the_report_page_shows_the_roadmaps_measures_and_offers_the_prefill(cast: Cast, roadmap: Document) -> None:
    report = make_document(cast.s1, DocumentKind.REPORT_HALF)
    text = as_user(cast.sam).get(url("document", report.pk)).content.decode()
    assert "Семинар по мотивации" in text and "Проведено 12 уроков" in text
    assert "Заполнить из программ и рисковых профилей" in text
    assert url("measure_report", roadmap.pk, roadmap.measures.first().pk) in text
    curator = as_user(cast.kate).get(url("document", report.pk)).content.decode()
    assert "Семинар по мотивации" in curator and "Заполнить из программ" not in curator


def test_the_roadmaps_document_page_carries_the_measures_table(cast: Cast, roadmap: Document) -> None:
    text = as_user(cast.sam).get(url("document", roadmap.pk)).content.decode()
    assert "Семинар по мотивации" in text and "Добавить мероприятие" in text
