"""The states of a school document and who may move it from one to another.

The table below is the whole workflow: a head (the holder of `EDIT_PLANS` for the school) submits
a draft or a returned document; a reviewer (the holder of `REVIEW_PLANS`: the school's curator,
the municipal coordinator) approves or returns a submitted one, and may reopen an approved one by
returning it. Every change goes through `transition`, which locks the row, refuses a stale
`lock_version` (`Conflict`: two reviewers acting at once never both win) and records who, when,
why and which sections.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from opora.core.errors import AccessDenied, Conflict, ValidationFailed
from opora.core.models import User
from opora.core.signals import figures_inputs_changed
from opora.plans import selectors
from opora.plans.models import DocState, Document, Revision, Transition

EDITOR = "editor"
REVIEWER = "reviewer"

# (from state, to state) → who may do it.
TRANSITIONS: dict[tuple[str, str], str] = {
    (DocState.DRAFT, DocState.SUBMITTED): EDITOR,
    (DocState.RETURNED, DocState.SUBMITTED): EDITOR,
    (DocState.SUBMITTED, DocState.APPROVED): REVIEWER,
    (DocState.SUBMITTED, DocState.RETURNED): REVIEWER,
    (DocState.APPROVED, DocState.RETURNED): REVIEWER,  # reopening an approved document
}


def holds(user: Any, document: Document, who: str) -> bool:
    if who == EDITOR:
        return selectors.may_edit(user, document)
    return selectors.may_review(user, document)


def allowed(user: Any, document: Document, to_state: str) -> bool:
    """Whether the user may move the document, in its current state, to `to_state`."""
    who = TRANSITIONS.get((document.state, to_state))
    return who is not None and holds(user, document, who)


def actions(user: Any, document: Document) -> list[str]:
    """The states the user may move the document to now (for the buttons of the review panel)."""
    return [to for (frm, to) in TRANSITIONS if frm == document.state and allowed(user, document, to)]


def conflict_message(document: Document) -> str:
    who = str(document.updated_by) if document.updated_by else _("someone")
    when = date_format(timezone.localtime(document.updated_at), "DATETIME_FORMAT")
    return _("%(who)s changed the document at %(when)s; your changes were not saved, here is the current "
             "version.") % {"who": who, "when": when}


def lock(document: Document, lock_version: int) -> Document:
    """The document's row locked for this transaction; Conflict when it moved past `lock_version`."""
    # Only the document's own row is locked; who changed it is read after the lock is granted (a join
    # would be evaluated against the snapshot from before the wait).
    locked = Document.objects.select_for_update(of=("self",)).select_related("school__municipality").get(
        pk=document.pk)
    if locked.lock_version != lock_version:
        raise Conflict(conflict_message(locked))
    return locked


@transaction.atomic
def transition(*, actor: User, document: Document, to_state: str, lock_version: int, comment: str = "",
               sections: Iterable[str] = (), revision: Revision | None = None) -> Transition:
    """Move the document to `to_state` on behalf of `actor`, if the table allows it and nobody changed
    the document since `lock_version`. Updates `document` in place; notifies after the commit."""
    who = TRANSITIONS.get((document.state, to_state))
    role = who or (EDITOR if to_state == DocState.SUBMITTED else REVIEWER)
    if not holds(actor, document, role):
        raise AccessDenied()
    locked = lock(document, lock_version)
    if (locked.state, to_state) not in TRANSITIONS:
        raise ValidationFailed(_("A document in the state «%(state)s» cannot become «%(to)s».") % {
            "state": locked.get_state_display(), "to": DocState(to_state).label})
    now = timezone.now()
    sections = list(sections)
    fields: dict[str, Any] = {"state": to_state, "updated_by": actor, "updated_at": now,
                              "lock_version": F("lock_version") + 1}
    if to_state == DocState.SUBMITTED:
        fields.update(submitted_at=now, returned_sections=[])
    elif to_state == DocState.APPROVED:
        fields.update(approved_at=now, returned_sections=[])
    elif to_state == DocState.RETURNED:
        fields.update(approved_at=None, returned_sections=sections)
    Document.objects.filter(pk=locked.pk).update(**fields)
    row = Transition.objects.create(document=locked, from_state=locked.state, to_state=to_state, actor=actor,
                                    at=now, comment=comment, sections=sections, revision=revision)
    document.refresh_from_db()
    figures_inputs_changed.send(sender=Document, school_id=document.school_id)

    def notify() -> None:
        from opora.plans.notify import transition_notify

        transition_notify(row)

    transaction.on_commit(notify)
    return row
