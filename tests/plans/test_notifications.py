"""Who hears about a document's state change: reviewers when it is submitted, the head when it is
returned (with the comment and the sections) or approved; never the person who acted."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from opora.core.models import User
from opora.notifications.models import Notification
from opora.plans.models import DocState, Document, Transition
from opora.plans.notify import transition_notify
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def move(document: Document, to_state: str, actor: User, *, comment: str = "",
         sections: list[str] | None = None) -> Transition:
    transition = Transition.objects.create(document=document, from_state=document.state, to_state=to_state,
                                           actor=actor, at=timezone.now(), comment=comment, sections=sections or [])
    document.state = to_state
    document.save()
    return transition


def notified(notification_verb: str) -> set[str]:
    return set(Notification.objects.filter(verb=notification_verb).values_list("user__username", flat=True))


def test_a_submitted_document_reaches_the_curator_and_the_municipal_coordinator(cast: Cast, concept: Document) -> None:
    assert transition_notify(move(concept, DocState.SUBMITTED, cast.sam)) == 2
    assert notified("submitted") == {"kate", "maria"}
    assert sorted(m.to[0] for m in mail.outbox) == ["kate@example.org", "maria@example.org"]
    letter = mail.outbox[0]
    assert letter.subject == f"МБОУ СОШ № 1 г. Озёрска: документ «{concept.title}» отправлен на рассмотрение"
    assert f"/plans/documents/{concept.pk}/" in letter.body
    assert "отправил(а) документ на рассмотрение" in letter.body
    assert Notification.objects.get(user=cast.kate).url == f"/plans/documents/{concept.pk}/"


def test_nobody_outside_the_school_hears_of_its_submission(cast: Cast, concept: Document) -> None:
    transition_notify(move(concept, DocState.SUBMITTED, cast.sam))
    assert not Notification.objects.filter(user__in=[cast.sam, cast.tom, cast.alice, cast.olga, cast.vera]).exists()


def test_a_returned_document_reaches_the_head_with_the_comment_and_the_sections(
        cast: Cast, concept: Document) -> None:
    concept.state = DocState.SUBMITTED
    transition_notify(move(concept, DocState.RETURNED, cast.kate, comment="Уточните показатели.",
                           sections=["indicators"]))
    note = Notification.objects.get()
    assert note.user == cast.sam
    assert note.subject == f"МБОУ СОШ № 1 г. Озёрска: документ «{concept.title}» возвращён на доработку"
    assert "Комментарий: Уточните показатели." in note.body
    assert "Разделы на доработку: Целевые показатели." in note.body
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert "Уточните показатели." in mail.outbox[0].body


def test_an_approved_document_reaches_the_head(cast: Cast, concept: Document) -> None:
    concept.state = DocState.SUBMITTED
    transition_notify(move(concept, DocState.APPROVED, cast.maria))
    assert notified("approved") == {"sam"}
    assert "утверждён" in mail.outbox[0].subject


def test_the_actor_is_not_told_of_their_own_action(cast: Cast, concept: Document) -> None:
    concept.state = DocState.SUBMITTED
    transition_notify(move(concept, DocState.APPROVED, cast.sam))  # a head who could also review
    assert not Notification.objects.exists()


def test_the_same_transition_is_not_announced_twice(cast: Cast, concept: Document) -> None:
    transition = move(concept, DocState.SUBMITTED, cast.sam)
    transition_notify(transition)
    assert transition_notify(transition) == 0
    assert Notification.objects.count() == 2 and len(mail.outbox) == 2


def test_the_review_cycle_through_the_services_notifies_once_it_commits(
        cast: Cast, concept: Document, django_capture_on_commit_callbacks: Any) -> None:
    from opora.plans.services.review import document_approve, document_return, document_submit

    with django_capture_on_commit_callbacks(execute=True):
        document_submit(actor=cast.sam, document=concept, lock_version=concept.lock_version)
    assert notified("submitted") == {"kate", "maria"}
    concept.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        document_return(actor=cast.kate, document=concept, comment="Добавьте анализ.", sections=["analysis"],
                        lock_version=concept.lock_version)
    assert notified("returned") == {"sam"}
    assert "Добавьте анализ." in Notification.objects.get(verb="returned").body
    concept.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        document_submit(actor=cast.sam, document=concept, lock_version=concept.lock_version)
    concept.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        document_approve(actor=cast.maria, document=concept, lock_version=concept.lock_version)
    assert notified("approved") == {"sam"}
    assert Notification.objects.filter(user=cast.kate, verb="submitted").count() == 2
    assert len(mail.outbox) == 2 + 1 + 2 + 1
