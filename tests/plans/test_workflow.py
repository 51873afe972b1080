"""The review workflow through its services: who may submit, approve and return; returns need a
comment and may name sections; each submission is a revision; threaded comments; the waits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from opora.core.errors import AccessDenied, Conflict, ValidationFailed
from opora.plans import timing, workflow
from opora.plans.models import Comment, DocState, Document, DocumentKind, Transition
from opora.plans.services.review import (
    comment_add,
    comment_resolve,
    document_approve,
    document_return,
    document_submit,
)
from tests.conftest import Cast
from tests.plans.builders import add_measure, make_document

pytestmark = pytest.mark.django_db


def submitted(document: Document, cast: Cast) -> Document:
    document_submit(actor=cast.sam, document=document, lock_version=document.lock_version)
    return document


def test_the_head_submits_a_complete_draft_and_it_becomes_revision_one(cast: Cast, concept: Document) -> None:
    row = document_submit(actor=cast.sam, document=concept, lock_version=0)
    concept.refresh_from_db()
    assert concept.state == DocState.SUBMITTED
    assert concept.lock_version == 1
    assert concept.submitted_at is not None
    assert row.actor == cast.sam and (row.from_state, row.to_state) == ("draft", "submitted")
    assert row.revision.number == 1
    assert row.revision.content["analysis"] == concept.content["analysis"]


def test_submitting_an_incomplete_document_lists_what_is_missing(cast: Cast) -> None:
    document = make_document(cast.s1, DocumentKind.CONCEPT, content={"analysis": "", "goals": []})
    with pytest.raises(ValidationFailed) as error:
        document_submit(actor=cast.sam, document=document, lock_version=0)
    assert error.value.messages
    document.refresh_from_db()
    assert document.state == DocState.DRAFT and not document.revisions.exists()


@pytest.mark.parametrize("name", ["kate", "maria", "rita", "alice", "olga", "tom"])
def test_only_the_head_may_submit(cast: Cast, concept: Document, name: str) -> None:
    with pytest.raises(AccessDenied):
        document_submit(actor=getattr(cast, name), document=concept, lock_version=0)


@pytest.mark.parametrize("name", ["kate", "maria"])
def test_the_curator_and_the_municipal_coordinator_approve(cast: Cast, concept: Document, name: str) -> None:
    submitted(concept, cast)
    document_approve(actor=getattr(cast, name), document=concept, lock_version=1, comment="Хорошо")
    concept.refresh_from_db()
    assert concept.state == DocState.APPROVED and concept.approved_at is not None
    assert concept.transitions.last().actor == getattr(cast, name)


@pytest.mark.parametrize("name", ["kate", "maria"])
def test_the_curator_and_the_municipal_coordinator_return(cast: Cast, concept: Document, name: str) -> None:
    submitted(concept, cast)
    document_return(actor=getattr(cast, name), document=concept, comment="Доработайте анализ",
                    sections=["analysis"], lock_version=1)
    concept.refresh_from_db()
    assert concept.state == DocState.RETURNED
    assert concept.returned_sections == ["analysis"]


@pytest.mark.parametrize("name", ["sam", "rita", "alice", "olga", "vera", "zoe", "oleg"])
def test_nobody_else_reviews(cast: Cast, concept: Document, name: str) -> None:
    submitted(concept, cast)
    with pytest.raises(AccessDenied):
        document_approve(actor=getattr(cast, name), document=concept, lock_version=1)
    with pytest.raises(AccessDenied):
        document_return(actor=getattr(cast, name), document=concept, comment="нет", lock_version=1)
    concept.refresh_from_db()
    assert concept.state == DocState.SUBMITTED


def test_a_draft_cannot_be_approved(cast: Cast, concept: Document) -> None:
    with pytest.raises(ValidationFailed, match="cannot become|не может"):
        document_approve(actor=cast.kate, document=concept, lock_version=0)


def test_an_approved_document_cannot_be_submitted_again_but_a_reviewer_may_reopen_it(
        cast: Cast, concept: Document) -> None:
    submitted(concept, cast)
    document_approve(actor=cast.kate, document=concept, lock_version=1)
    with pytest.raises(ValidationFailed):
        document_submit(actor=cast.sam, document=concept, lock_version=2)
    document_return(actor=cast.maria, document=concept, comment="Нужно обновить показатели", lock_version=2)
    concept.refresh_from_db()
    assert concept.state == DocState.RETURNED and concept.approved_at is None


def test_a_return_without_a_comment_is_refused(cast: Cast, concept: Document) -> None:
    submitted(concept, cast)
    with pytest.raises(ValidationFailed, match="Say what needs more work|Укажите, что нужно доработать"):
        document_return(actor=cast.kate, document=concept, comment="  ", lock_version=1)
    assert not concept.transitions.filter(to_state=DocState.RETURNED).exists()


def test_a_return_names_only_sections_of_the_document(cast: Cast, concept: Document) -> None:
    submitted(concept, cast)
    with pytest.raises(ValidationFailed):
        document_return(actor=cast.kate, document=concept, comment="см.", sections=["budget"], lock_version=1)


def test_returned_sections_are_recorded_in_the_documents_order(cast: Cast, concept: Document) -> None:
    submitted(concept, cast)
    row = document_return(actor=cast.kate, document=concept, comment="Цели и показатели",
                          sections=["indicators", "goals"], lock_version=1)
    assert row.sections == ["goals", "indicators"]
    assert row.comment == "Цели и показатели"


def test_a_stale_lock_version_is_a_conflict_and_changes_nothing(cast: Cast, concept: Document) -> None:
    submitted(concept, cast)
    stale = Document.objects.get(pk=concept.pk)
    document_approve(actor=cast.kate, document=concept, lock_version=1)
    with pytest.raises(Conflict) as error:
        document_return(actor=cast.maria, document=stale, comment="Нет", lock_version=1)
    assert str(cast.kate) in error.value.messages[0]
    assert Transition.objects.filter(document=concept).count() == 2
    concept.refresh_from_db()
    assert concept.state == DocState.APPROVED


def test_the_table_of_actions_matches_each_role(cast: Cast, concept: Document) -> None:
    assert workflow.actions(cast.sam, concept) == [DocState.SUBMITTED]
    assert workflow.actions(cast.kate, concept) == []
    submitted(concept, cast)
    assert workflow.actions(cast.sam, concept) == []
    assert set(workflow.actions(cast.kate, concept)) == {DocState.APPROVED, DocState.RETURNED}
    assert workflow.actions(cast.rita, concept) == []


def test_a_resubmission_is_revision_two(cast: Cast, concept: Document) -> None:
    submitted(concept, cast)
    document_return(actor=cast.kate, document=concept, comment="Анализ", lock_version=1)
    Document.objects.filter(pk=concept.pk).update(content={**concept.content, "analysis": "Новый анализ"})
    concept.refresh_from_db()
    row = document_submit(actor=cast.sam, document=concept, lock_version=2)
    assert row.revision.number == 2 and row.revision.content["analysis"] == "Новый анализ"
    assert concept.revisions.get(number=1).content["analysis"] != "Новый анализ"
    assert concept.returned_sections == []


def test_a_roadmap_revision_keeps_its_measures(cast: Cast) -> None:
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP, content={})
    add_measure(roadmap, "Семинар", status="in_progress")
    revision = document_submit(actor=cast.sam, document=roadmap, lock_version=0).revision
    [measure] = revision.content["measures"]
    assert measure["title"] == "Семинар" and measure["due_on"] == "2026-03-01"
    assert measure["responsible"] == "Завуч" and measure["status"] == "in_progress"


def test_comments_are_threaded_and_replies_join_the_thread(cast: Cast, concept: Document) -> None:
    submitted(concept, cast)
    root = comment_add(actor=cast.kate, document=concept, text="Уточните цели", section="goals")
    reply = comment_add(actor=cast.sam, document=concept, text="Уточнили", parent=root)
    again = comment_add(actor=cast.kate, document=concept, text="Спасибо", parent=reply)
    assert reply.parent == root and again.parent == root
    assert again.section == "goals"
    assert root.revision.number == 1
    assert list(root.replies.values_list("text", flat=True)) == ["Уточнили", "Спасибо"]


def test_a_comment_may_point_at_one_measure(cast: Cast) -> None:
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP, content={})
    measure = add_measure(roadmap)
    comment = comment_add(actor=cast.maria, document=roadmap, text="Срок?", measure=measure)
    assert comment.measure == measure and comment.section == "measures"


@pytest.mark.parametrize("name", ["rita", "alice", "olga", "vera"])
def test_viewers_do_not_comment(cast: Cast, concept: Document, name: str) -> None:
    with pytest.raises(AccessDenied):
        comment_add(actor=getattr(cast, name), document=concept, text="Мнение")


def test_an_empty_comment_is_refused(cast: Cast, concept: Document) -> None:
    with pytest.raises(ValidationFailed):
        comment_add(actor=cast.kate, document=concept, text=" ")


def test_the_author_or_a_reviewer_resolves_a_comment(cast: Cast, concept: Document) -> None:
    by_head = comment_add(actor=cast.sam, document=concept, text="Вопрос")
    by_curator = comment_add(actor=cast.kate, document=concept, text="Замечание")
    with pytest.raises(AccessDenied):
        comment_resolve(actor=cast.sam, comment=by_curator)
    comment_resolve(actor=cast.sam, comment=by_head)
    comment_resolve(actor=cast.maria, comment=by_curator)
    assert Comment.objects.filter(resolved_at__isnull=False).count() == 2


def test_waiting_times_count_exact_days(cast: Cast, concept: Document) -> None:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        submitted(concept, cast)
    with time_machine.travel(start + timedelta(days=3), tick=False):
        document_return(actor=cast.kate, document=concept, comment="Доработать", lock_version=1)
    with time_machine.travel(start + timedelta(days=8), tick=False):
        document_submit(actor=cast.sam, document=concept, lock_version=2)
    waits = timing.waits(concept.transitions.all(), start + timedelta(days=10, hours=5))
    assert waits.review == timedelta(days=5, hours=5)
    assert waits.revision == timedelta(days=5)
    assert (waits.reviews, waits.revisions) == (2, 1)
    assert waits.current_kind == "review" and waits.current_days == 2
    with time_machine.travel(start + timedelta(days=11), tick=False):
        document_approve(actor=cast.kate, document=concept, lock_version=3)
    done = timing.waits(concept.transitions.all(), start + timedelta(days=40))
    assert done.current is None and done.review == timedelta(days=6)


def test_a_draft_has_not_waited() -> None:
    waits = timing.waits([], datetime(2026, 1, 1, tzinfo=UTC))
    assert waits.current is None and waits.review == timedelta(0) and waits.reviews == 0
