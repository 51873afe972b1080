"""Review of a school document: submitting (after the completeness check, as a new revision),
returning for revision (with a required comment, optionally only some sections), approving, and
the threaded comments on sections and measures.

The state changes themselves go through `plans.workflow.transition` (the table of who may do
what, the lock, the history row, the notification).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import User
from opora.plans import selectors, workflow
from opora.plans.content import SECTIONS
from opora.plans.models import Comment, DocState, Document, Measure, Revision, Transition

MEASURE_FIELDS = ("title", "starts_on", "due_on", "responsible", "indicator", "target", "factor", "status")


def has_measures(kind: str) -> bool:
    return any(s.type == "measures" for s in SECTIONS[kind])


def measures_snapshot(document: Document) -> list[dict[str, Any]]:
    """The document's measures as plain data (dates as ISO strings), in their order."""
    rows = []
    for m in Measure.objects.filter(document=document).order_by("position", "pk"):
        item: dict[str, Any] = {"id": m.pk}
        for key in MEASURE_FIELDS:
            value = getattr(m, key)
            item[key] = value.isoformat() if hasattr(value, "isoformat") else (value or "")
        rows.append(item)
    return rows


def _snapshot(document: Document, actor: User) -> Revision:
    content = copy.deepcopy(document.content or {})
    if has_measures(document.kind):
        content["measures"] = measures_snapshot(document)
    number = (document.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    return Revision.objects.create(document=document, number=number, content=content, created_by=actor)


@transaction.atomic
def document_submit(*, actor: User, document: Document, lock_version: int) -> Transition:
    """Send the document to the reviewers, if nothing required is missing; snapshot it as a revision."""
    from opora.plans.checks import submit_problems

    if not selectors.may_edit(actor, document):
        raise AccessDenied()
    locked = workflow.lock(document, lock_version)
    if not workflow.allowed(actor, locked, DocState.SUBMITTED):
        raise ValidationFailed(_("A document in the state «%(state)s» cannot be submitted.")
                               % {"state": locked.get_state_display()})
    problems = submit_problems(locked)
    if problems:
        raise ValidationFailed([str(p.message) for p in problems])
    revision = _snapshot(locked, actor)
    return workflow.transition(actor=actor, document=document, to_state=DocState.SUBMITTED,
                               lock_version=lock_version, revision=revision)


def section_keys(kind: str) -> list[str]:
    return [s.key for s in SECTIONS[kind]]


@transaction.atomic
def document_return(*, actor: User, document: Document, comment: str, sections: Iterable[str] = (),
                    lock_version: int) -> Transition:
    """Return the document for revision: `comment` says what to fix; `sections` (empty: the whole
    document) are the only ones the school may edit until it resubmits."""
    comment = (comment or "").strip()
    sections = list(dict.fromkeys(s for s in sections if s))
    if not comment:
        raise ValidationFailed(_("Say what needs more work."))
    unknown = [s for s in sections if s not in section_keys(document.kind)]
    if unknown:
        raise ValidationFailed(_("Unknown section: %(keys)s.") % {"keys": ", ".join(unknown)})
    sections.sort(key=section_keys(document.kind).index)
    return workflow.transition(actor=actor, document=document, to_state=DocState.RETURNED, comment=comment,
                               sections=sections, lock_version=lock_version, revision=latest_revision(document))


@transaction.atomic
def document_approve(*, actor: User, document: Document, lock_version: int, comment: str = "") -> Transition:
    return workflow.transition(actor=actor, document=document, to_state=DocState.APPROVED,
                               comment=(comment or "").strip(), lock_version=lock_version,
                               revision=latest_revision(document))


def latest_revision(document: Document) -> Revision | None:
    return document.revisions.order_by("-number").first()


# --- comments ------------------------------------------------------------------------------------


def may_comment(user: Any, document: Document) -> bool:
    return selectors.may_view_school(user, document.school) and (
        selectors.may_edit(user, document) or selectors.may_review(user, document))


def may_resolve(user: Any, comment: Comment) -> bool:
    return bool(user.is_authenticated and comment.resolved_at is None and (
        selectors.may_review(user, comment.document) or comment.author_id == user.pk))


@transaction.atomic
def comment_add(*, actor: User, document: Document, text: str, section: str = "", measure: Measure | None = None,
                parent: Comment | None = None) -> Comment:
    """A comment on the document, a section of it or one measure; a reply joins its parent's thread."""
    if not may_comment(actor, document):
        raise AccessDenied()
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Write the comment."))
    if parent is not None:
        if parent.document_id != document.pk:
            raise ValidationFailed(_("The comment replied to belongs to another document."))
        while parent.parent is not None:  # one level of replies: a reply to a reply joins the thread
            parent = parent.parent
        section, measure = parent.section, parent.measure
    if section and section not in section_keys(document.kind):
        raise ValidationFailed(_("Unknown section: %(keys)s.") % {"keys": section})
    if measure is not None:
        if measure.document_id != document.pk:
            raise ValidationFailed(_("The measure belongs to another document."))
        section = section or "measures"
    return Comment.objects.create(document=document, revision=latest_revision(document), parent=parent,
                                  section=section, measure=measure, author=actor, text=text)


@transaction.atomic
def comment_resolve(*, actor: User, comment: Comment) -> Comment:
    """Mark the thread as dealt with: the reviewers or the comment's author."""
    if not (selectors.may_review(actor, comment.document) or comment.author_id == actor.pk):
        raise AccessDenied()
    if comment.resolved_at is None:
        comment.resolved_at = timezone.now()
        comment.save(update_fields=["resolved_at"])
    return comment
