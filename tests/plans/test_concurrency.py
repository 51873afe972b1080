"""Two reviewers acting on the same submitted document at the same moment: exactly one wins, the
other is told someone changed it meanwhile, and nothing is lost silently (real row locks:
PostgreSQL only)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from opora.core.errors import Conflict
from opora.plans.models import DocState, Document, Transition
from opora.plans.services.review import document_approve, document_return, document_submit
from tests.conftest import Cast
from tests.plans.builders import make_document

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks (select_for_update) need PostgreSQL; SQLite serialises whole writes"),
]


def race(*actions: Callable[[Document], Any], document: Document) -> list[Any]:
    """Run the actions in threads, each on its own copy of the document read before a barrier, so
    they all start from the same lock_version; returns each one's result or exception."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(i: int, action: Callable[[Document], Any]) -> None:
        try:
            copy = Document.objects.get(pk=document.pk)
            barrier.wait(timeout=10)
            results[i] = action(copy)
        except Exception as error:  # noqa: BLE001 - the result under test
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_reviewers_at_once_one_approves_the_other_gets_a_conflict(cast: Cast) -> None:
    document = make_document(cast.s1)
    document_submit(actor=cast.sam, document=document, lock_version=0)
    results = race(
        lambda d: document_approve(actor=cast.kate, document=d, lock_version=d.lock_version),
        lambda d: document_return(actor=cast.maria, document=d, comment="Доработайте цели", sections=["goals"],
                                  lock_version=d.lock_version),
        document=document,
    )
    won = [r for r in results if isinstance(r, Transition)]
    lost = [r for r in results if isinstance(r, Conflict)]
    assert len(won) == 1 and len(lost) == 1, results
    document.refresh_from_db()
    assert document.state == won[0].to_state
    assert document.lock_version == 2
    assert list(document.transitions.values_list("to_state", flat=True)) == [DocState.SUBMITTED, won[0].to_state]
    assert str(won[0].actor) in lost[0].messages[0]  # the loser is told who acted first


def test_two_identical_approvals_record_one_transition(cast: Cast) -> None:
    document = make_document(cast.s1)
    document_submit(actor=cast.sam, document=document, lock_version=0)
    approve = [lambda d, u=u: document_approve(actor=u, document=d, lock_version=d.lock_version)
               for u in (cast.kate, cast.maria)]
    results = race(*approve, document=document)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Transition"], results
    assert document.transitions.filter(to_state=DocState.APPROVED).count() == 1
