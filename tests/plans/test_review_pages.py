"""The review pages as each role sees them: the buttons offered, the history with returned sections,
waiting times, comments, earlier revisions; 403/404 for those outside."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from opora.plans.models import Comment, DocState, Document, DocumentKind
from opora.plans.services.review import comment_add, document_return, document_submit
from tests.conftest import Cast
from tests.plans.builders import make_document

pytestmark = pytest.mark.django_db


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(user: Any, document: Document) -> str:
    response = as_user(user).get(reverse("plans:document", args=[document.pk]))
    assert response.status_code == 200
    return response.content.decode()


def post(user: Any, name: str, document: Document, **data: Any) -> Any:
    return as_user(user).post(reverse(f"plans:{name}", args=[document.pk]), data)


def test_the_head_sees_the_submit_button_and_submits(cast: Cast, concept: Document) -> None:
    assert "Отправить на проверку" in page(cast.sam, concept)
    response = post(cast.sam, "document_submit", concept, lock_version=0)
    assert response.status_code == 302
    concept.refresh_from_db()
    assert concept.state == DocState.SUBMITTED


def test_a_refused_submission_shows_what_is_missing(cast: Cast) -> None:
    document = make_document(cast.s1, DocumentKind.CONCEPT, content={"analysis": ""})
    client = as_user(cast.sam)
    response = client.post(reverse("plans:document_submit", args=[document.pk]), {"lock_version": 0})
    shown = client.get(response.url).content.decode()
    assert "Документ пока нельзя отправить на проверку" in shown
    assert "Анализ текущего состояния школы" in shown
    document.refresh_from_db()
    assert document.state == DocState.DRAFT


@pytest.mark.parametrize("name", ["kate", "maria"])
def test_reviewers_see_approve_and_return_on_a_submitted_document(cast: Cast, concept: Document, name: str) -> None:
    document_submit(actor=cast.sam, document=concept, lock_version=0)
    shown = page(getattr(cast, name), concept)
    assert "Утвердить" in shown and "Вернуть на доработку" in shown
    assert "Отправить на проверку" not in shown


@pytest.mark.parametrize("name", ["rita", "alice", "olga"])
def test_regional_users_and_observers_see_but_cannot_review(cast: Cast, name: str) -> None:
    document = make_document(cast.s3, DocumentKind.CONCEPT)  # olga observes m2, the municipality of s3
    document_submit(actor=cast.vera, document=document, lock_version=0)
    shown = page(getattr(cast, name), document)
    assert "На проверке" in shown
    assert "Утвердить" not in shown and "Вернуть на доработку" not in shown
    assert post(getattr(cast, name), "document_approve", document, lock_version=1).status_code == 403
    assert post(getattr(cast, name), "document_return", document, lock_version=1, comment="x").status_code == 403
    document.refresh_from_db()
    assert document.state == DocState.SUBMITTED


def test_the_head_cannot_approve(cast: Cast, concept: Document) -> None:
    document_submit(actor=cast.sam, document=concept, lock_version=0)
    assert "Утвердить" not in page(cast.sam, concept)
    assert post(cast.sam, "document_approve", concept, lock_version=1).status_code == 403
    concept.refresh_from_db()
    assert concept.state == DocState.SUBMITTED


@pytest.mark.parametrize(("name", "status"), [("vera", 404), ("zoe", 404), ("tom", 403), ("oleg", 403),
                                              ("nobody", 403)])
def test_outsiders_get_404_or_403(cast: Cast, concept: Document, name: str, status: int) -> None:
    document_submit(actor=cast.sam, document=concept, lock_version=0)
    user = getattr(cast, name)
    assert post(user, "document_approve", concept, lock_version=1).status_code == status
    assert as_user(user).get(reverse("plans:revision", args=[concept.pk, 1])).status_code == status
    assert as_user(user).get(reverse("plans:diff", args=[concept.pk])).status_code == status
    assert post(user, "comment_add", concept, text="Привет").status_code == status
    assert not Comment.objects.exists()


def test_the_curator_approves_from_the_page(cast: Cast, concept: Document) -> None:
    document_submit(actor=cast.sam, document=concept, lock_version=0)
    post(cast.kate, "document_approve", concept, lock_version=1)
    concept.refresh_from_db()
    assert concept.state == DocState.APPROVED
    assert "Утверждён" in page(cast.sam, concept) or "утверждён" in page(cast.sam, concept)


def test_a_return_without_a_comment_keeps_the_form_and_says_why(cast: Cast, concept: Document) -> None:
    document_submit(actor=cast.sam, document=concept, lock_version=0)
    response = post(cast.kate, "document_return", concept, lock_version=1, comment="", sections=["goals"])
    assert response.status_code == 400
    shown = response.content.decode()
    assert "Укажите, что нужно доработать" in shown
    assert 'value="goals" checked' in shown
    concept.refresh_from_db()
    assert concept.state == DocState.SUBMITTED


def test_a_stale_return_keeps_the_typed_comment_and_shows_who_acted(cast: Cast, concept: Document) -> None:
    document_submit(actor=cast.sam, document=concept, lock_version=0)
    post(cast.maria, "document_approve", concept, lock_version=1)
    response = post(cast.kate, "document_return", concept, lock_version=1, comment="Доработайте цели")
    assert response.status_code == 409
    shown = response.content.decode()
    assert "Доработайте цели</textarea>" in shown
    assert str(cast.maria) in shown and "ваши изменения не сохранены" in shown
    concept.refresh_from_db()
    assert concept.state == DocState.APPROVED


def test_the_school_sees_which_sections_were_returned_and_why(cast: Cast, concept: Document) -> None:
    document_submit(actor=cast.sam, document=concept, lock_version=0)
    post(cast.kate, "document_return", concept, lock_version=1, comment="Нет базовых значений",
         sections=["indicators", "analysis"])
    shown = page(cast.sam, concept)
    assert "Возвращено на доработку" in shown or "Возвращены на доработку" in shown
    assert "Возвращённые разделы: Анализ текущего состояния школы, Целевые показатели" in shown
    assert "Нет базовых значений" in shown
    assert "Отправить на проверку" in shown  # resubmit


def test_waiting_times_are_shown_in_days(cast: Cast, concept: Document) -> None:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        document_submit(actor=cast.sam, document=concept, lock_version=0)
    with time_machine.travel(start + timedelta(days=3, hours=2), tick=False):
        assert "На проверке 3 дня" in page(cast.kate, concept)
        document_return(actor=cast.kate, document=concept, comment="Доработать", lock_version=1)
    with time_machine.travel(start + timedelta(days=8, hours=3), tick=False):
        shown = page(cast.sam, concept)
    assert "На доработке 5 дней" in shown


def test_comments_are_shown_threaded_and_replies_can_be_posted(cast: Cast, concept: Document) -> None:
    response = post(cast.kate, "comment_add", concept, text="Уточните миссию", section="mission")
    assert response.status_code == 302
    root = Comment.objects.get()
    post(cast.sam, "comment_add", concept, text="Уточнили миссию", parent=root.pk)
    assert Comment.objects.get(parent=root).section == "mission"
    shown = page(cast.alice, concept)
    assert "Уточните миссию" in shown and "Уточнили миссию" in shown
    assert shown.index("Уточните миссию") < shown.index("Уточнили миссию")
    assert "Добавить комментарий" not in shown  # alice only reads
    assert "Добавить комментарий" in page(cast.kate, concept)


def test_a_reviewer_resolves_a_comment(cast: Cast, concept: Document) -> None:
    comment = comment_add(actor=cast.sam, document=concept, text="Вопрос")
    response = as_user(cast.maria).post(reverse("plans:comment_resolve", args=[concept.pk, comment.pk]))
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.resolved_at is not None
    other = comment_add(actor=cast.kate, document=concept, text="Замечание")
    assert as_user(cast.sam).post(reverse("plans:comment_resolve", args=[concept.pk, other.pk])).status_code == 403


def test_an_earlier_revision_stays_readable(cast: Cast, concept: Document) -> None:
    original = concept.content["analysis"]
    document_submit(actor=cast.sam, document=concept, lock_version=0)
    document_return(actor=cast.kate, document=concept, comment="Анализ", lock_version=1)
    Document.objects.filter(pk=concept.pk).update(content={**concept.content, "analysis": "Совсем другой анализ"})
    concept.refresh_from_db()
    document_submit(actor=cast.sam, document=concept, lock_version=2)
    reader = as_user(cast.rita)
    first = reader.get(reverse("plans:revision", args=[concept.pk, 1])).content.decode()
    second = reader.get(reverse("plans:revision", args=[concept.pk, 2])).content.decode()
    assert original in first
    assert "Совсем другой анализ" not in first and "Совсем другой анализ" in second
    assert reader.get(reverse("plans:revision", args=[concept.pk, 3])).status_code == 404
    assert "Что изменилось с последней проверки" in page(cast.kate, concept)
