"""Writes of the practices bank: describe a practice, attach files, send it for review, publish or
return it, let the school show it publicly.

Workflow (one entry point, `practice_transition`, with a history row per step):

    draft ──submit──▶ submitted ──publish──▶ published
      ▲                 │  ▲                     │
      │               return│  └──submit── returned ◀──withdraw (comment)──┘
      └─────────── (comment required) ─────────┘

The school side (SUBMIT_PRACTICES on the practice's school) writes, edits while draft or returned,
submits and decides whether the published practice may be shown without login. The reviewer
(REVIEW_PRACTICES on the school) publishes or returns with a comment and may withdraw a published
practice (returned, comment required). Nobody reviews a practice they wrote themselves.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import School, User
from opora.plans.services.attachments import check_upload
from opora.support.models.practices import Practice, PracticeFile, PracticeState, PracticeTransition

S = PracticeState
EDITABLE = (S.DRAFT, S.RETURNED)
FILES_MAX = 10
TAGS_MAX = 12
TAG_LENGTH = 60


@dataclass(frozen=True)
class Move:
    action: str
    source: tuple[str, ...]
    target: str
    reviewer: bool  # made by the reviewer (else by the school side)
    comment_required: bool = False


MOVES: dict[str, Move] = {
    "submit": Move("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, reviewer=False),
    "publish": Move("publish", (S.SUBMITTED,), S.PUBLISHED, reviewer=True),
    "return": Move("return", (S.SUBMITTED,), S.RETURNED, reviewer=True, comment_required=True),
    "withdraw": Move("withdraw", (S.PUBLISHED,), S.RETURNED, reviewer=True, comment_required=True),
}


# --- who may do what ------------------------------------------------------------------------


def may_write(user: User, school: School) -> bool:
    return bool(user.is_authenticated) and access.can_on_school(user, Perm.SUBMIT_PRACTICES, school)


def may_edit(user: User, practice: Practice) -> bool:
    return practice.state in EDITABLE and may_write(user, practice.school)


def may_review(user: User, practice: Practice) -> bool:
    return bool(user.is_authenticated) and access.can_on_school(user, Perm.REVIEW_PRACTICES, practice.school)


def allowed_moves(user: User, practice: Practice) -> list[str]:
    """The actions this user may take on the practice now (for the page's buttons)."""
    out = []
    for name, move in MOVES.items():
        if practice.state not in move.source:
            continue
        if move.reviewer:
            if may_review(user, practice) and practice.author_id != user.pk:
                out.append(name)
        elif may_write(user, practice.school):
            out.append(name)
    return out


def writable_schools(user: User) -> list[School]:
    """Schools whose practices the user may describe, by name."""
    return list(access.schools_for(user, Perm.SUBMIT_PRACTICES).filter(is_active=True)
                .select_related("municipality").order_by("name"))


# --- cleaning ---------------------------------------------------------------------------------


def clean_tags(raw: Sequence[str] | str) -> list[str]:
    """Tags as the user typed them (comma- or semicolon-separated), trimmed, lower-case, no duplicates."""
    items = re.split(r"[,;\n]", raw) if isinstance(raw, str) else list(raw)
    tags: list[str] = []
    for item in items:
        tag = re.sub(r"\s+", " ", str(item)).strip().strip("#").strip().lower()
        if not tag or tag in tags:
            continue
        if len(tag) > TAG_LENGTH:
            raise ValidationFailed(_("A tag is at most %(n)s characters: «%(tag)s».") % {"n": TAG_LENGTH,
                                                                                            "tag": tag[:30] + "…"})
        tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise ValidationFailed(_("At most %(n)s tags.") % {"n": TAGS_MAX})
    return tags


def _text(value: str) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _check_content(*, title: str, problem: str, actions: str, results: str) -> None:
    errors = []
    if not title:
        errors.append(_("Give the practice a title."))
    if not problem:
        errors.append(_("Describe the problem the school solved."))
    if not actions:
        errors.append(_("Describe what was done."))
    if not results:
        errors.append(_("Describe the results."))
    if errors:
        raise ValidationFailed(errors)


def _record(practice: Practice, *, source: str, target: str, actor: User, comment: str = "") -> None:
    PracticeTransition.objects.create(practice=practice, from_state=source, to_state=target, actor=actor,
                                      comment=comment)


# --- writes -----------------------------------------------------------------------------------


@transaction.atomic
def practice_create(*, actor: User, school: School, title: str, problem: str, actions: str, results: str,
                    tags: Sequence[str] | str = (), subjects: Sequence[str] = (), risk_factors: Sequence[str] = (),
                    is_public: bool = False) -> Practice:
    """A new draft of the school's practice (SUBMIT_PRACTICES on the school)."""
    if not may_write(actor, school):
        raise AccessDenied(_("You may not describe practices of this school."))
    title, problem, actions, results = _text(title), _text(problem), _text(actions), _text(results)
    _check_content(title=title, problem=problem, actions=actions, results=results)
    practice = Practice.objects.create(
        school=school, title=title[:500], problem=problem, actions=actions, results=results,
        tags=clean_tags(tags), subjects=sorted(set(subjects)), risk_factors=sorted(set(risk_factors)),
        is_public=is_public, author=actor)
    return practice


@transaction.atomic
def practice_update(*, actor: User, practice: Practice, title: str, problem: str, actions: str, results: str,
                    tags: Sequence[str] | str = (), subjects: Sequence[str] = (), risk_factors: Sequence[str] = (),
                    is_public: bool = False) -> Practice:
    """Edit a draft or a returned practice (the school side)."""
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if not may_write(actor, practice.school):
        raise AccessDenied(_("You may not describe practices of this school."))
    if practice.state not in EDITABLE:
        raise ValidationFailed(_("The practice is under review or published: it is not edited now."))
    title, problem, actions, results = _text(title), _text(problem), _text(actions), _text(results)
    _check_content(title=title, problem=problem, actions=actions, results=results)
    practice.title, practice.problem, practice.actions, practice.results = title[:500], problem, actions, results
    practice.tags = clean_tags(tags)
    practice.subjects = sorted(set(subjects))
    practice.risk_factors = sorted(set(risk_factors))
    practice.is_public = is_public
    practice.save()
    return practice


@transaction.atomic
def practice_transition(*, actor: User, practice: Practice, action: str, comment: str = "") -> Practice:
    """Submit, publish, return or withdraw; one history row per step."""
    move = MOVES.get(action)
    if move is None:
        raise ValidationFailed(_("Unknown action."))
    practice = Practice.objects.select_for_update().select_related("school__municipality").get(pk=practice.pk)
    comment = _text(comment)
    if move.reviewer:
        if not may_review(actor, practice):
            raise AccessDenied(_("You do not review practices of this school."))
        if practice.author_id == actor.pk:
            raise AccessDenied(_("A practice is reviewed by someone other than its author."))
    elif not may_write(actor, practice.school):
        raise AccessDenied(_("You may not describe practices of this school."))
    if practice.state not in move.source:
        raise ValidationFailed(_("The practice is «%(state)s» now: this step is not possible.")
                               % {"state": practice.get_state_display()})
    if move.comment_required and not comment:
        raise ValidationFailed(_("Say what should be revised: a comment is required."))
    source = practice.state
    now = timezone.now()
    practice.state = move.target
    if action == "submit":
        _check_content(title=practice.title, problem=practice.problem, actions=practice.actions,
                       results=practice.results)
        practice.submitted_at = now
    elif action == "publish":
        practice.published_at = now
        practice.reviewed_by = actor
        practice.review_comment = comment
    else:  # return, withdraw
        practice.reviewed_by = actor
        practice.review_comment = comment
        practice.published_at = None
    practice.save()
    _record(practice, source=source, target=move.target, actor=actor, comment=comment)
    return practice


@transaction.atomic
def practice_set_public(*, actor: User, practice: Practice, is_public: bool) -> Practice:
    """The school decides, at any state, whether its (published) practice is shown without login."""
    if not may_write(actor, practice.school):
        raise AccessDenied(_("Only the school decides whether its practice is public."))
    Practice.objects.filter(pk=practice.pk).update(is_public=is_public, updated_at=timezone.now())
    practice.is_public = is_public
    return practice


@transaction.atomic
def practice_delete(*, actor: User, practice: Practice) -> None:
    """A draft that was never sent may be removed by the school side (with its files)."""
    if not may_write(actor, practice.school):
        raise AccessDenied(_("You may not describe practices of this school."))
    if practice.state != S.DRAFT or practice.transitions.exists():
        raise ValidationFailed(_("Only a draft that was never sent for review can be deleted."))
    paths = [(f.file.storage, f.file.name) for f in practice.files.all()]
    practice.delete()
    transaction.on_commit(lambda: [storage.delete(path) for storage, path in paths if path])


# --- files ------------------------------------------------------------------------------------


@transaction.atomic
def practice_file_add(*, actor: User, practice: Practice, upload: UploadedFile) -> PracticeFile:
    """Attach a PDF/DOCX/XLSX/PNG/JPEG (checked by its signature, size-limited) to an editable practice."""
    if not may_write(actor, practice.school):
        raise AccessDenied(_("You may not describe practices of this school."))
    if practice.state not in EDITABLE:
        raise ValidationFailed(_("Files are attached while the practice is a draft or returned for revision."))
    if practice.files.count() >= FILES_MAX:
        raise ValidationFailed(_("At most %(n)s files per practice.") % {"n": FILES_MAX})
    name, _kind = check_upload(upload)
    item = PracticeFile(practice=practice, name=name, size=upload.size or 0)
    item.file.save(f"{uuid.uuid4().hex}{PurePath(name).suffix.lower()}", upload, save=False)
    try:
        item.save()
    except Exception:
        item.file.delete(save=False)
        raise
    return item


@transaction.atomic
def practice_file_delete(*, actor: User, item: PracticeFile) -> None:
    practice = item.practice
    if not may_write(actor, practice.school):
        raise AccessDenied(_("You may not describe practices of this school."))
    if practice.state not in EDITABLE:
        raise ValidationFailed(_("The practice is under review or published: its files stay as they are."))
    storage, path = item.file.storage, item.file.name
    item.delete()
    transaction.on_commit(lambda: storage.delete(path) if path else None)
