"""Visits and consultations: record, change, delete; their follow-up measures; a follow-up into the roadmap.

Recording needs `Perm.RECORD_VISITS` on the school. A follow-up goes into the school's roadmap of
the year (the year of its deadline, else of the visit) through the plans' measure service, so the
roadmap's own rules hold: only the school's head changes it (`EDIT_PLANS`), and only while its plan
is editable (a draft, or returned with its measures). Otherwise the follow-up stays proposed and
`roadmap_note` says why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import School, User
from opora.plans.models import Document, DocumentKind, Measure
from opora.plans.services.measures import measure_add, plan_editable
from opora.support.models import FollowUp, Visit, VisitKind
from opora.support.selectors_visits import participant_candidates

MEASURE_SOURCE = "visit"
MAX_YEARS_AHEAD = 1


def _require_record(actor: User, school: School) -> None:
    if not access.can_on_school(actor, Perm.RECORD_VISITS, school):
        raise AccessDenied(_("Only coordinators, methodists and the school's curator record its visits."))


def _clean(*, actor: User, kind: str, held_on: date | None, purpose: str,
           participants: Iterable[User]) -> tuple[date, str, list[User]]:
    problems: list[str] = []
    if kind not in VisitKind.values:
        problems.append(_("Choose the kind of the visit."))
    if held_on is None:
        problems.append(_("Give the date of the visit."))
    elif held_on.year > timezone.localdate().year + MAX_YEARS_AHEAD:
        problems.append(_("The date of the visit is too far in the future."))
    purpose = (purpose or "").strip()
    if not purpose:
        problems.append(_("Say what the visit is for."))
    people = list(participants)
    if people:
        allowed = set(participant_candidates(actor).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
        strangers = [str(p) for p in people if p.pk not in allowed]
        if strangers:
            problems.append(_("These people do not work in the support of the region's schools: %(names)s.")
                            % {"names": ", ".join(strangers)})
    if problems or held_on is None:
        raise ValidationFailed(problems)
    return held_on, purpose, people


@transaction.atomic
def visit_create(*, actor: User, school: School, kind: str, held_on: date | None, purpose: str,
                 findings: str = "", recommendations: str = "", participants: Iterable[User] = (),
                 participants_text: str = "") -> Visit:
    _require_record(actor, school)
    held_on, purpose, people = _clean(actor=actor, kind=kind, held_on=held_on, purpose=purpose,
                                      participants=participants)
    visit = Visit.objects.create(school=school, kind=kind, held_on=held_on, purpose=purpose,
                                 findings=(findings or "").strip(), recommendations=(recommendations or "").strip(),
                                 participants_text=(participants_text or "").strip(), created_by=actor)
    visit.participants.set(people)
    return visit


@transaction.atomic
def visit_update(*, actor: User, visit: Visit, kind: str, held_on: date | None, purpose: str,
                 findings: str = "", recommendations: str = "", participants: Iterable[User] = (),
                 participants_text: str = "") -> Visit:
    _require_record(actor, visit.school)
    held_on, purpose, people = _clean(actor=actor, kind=kind, held_on=held_on, purpose=purpose,
                                      participants=participants)
    # People named before by a colleague stay even when the actor would not be offered them.
    kept = [p for p in visit.participants.all() if p.pk in {q.pk for q in participants}]
    visit.kind, visit.held_on, visit.purpose = kind, held_on, purpose
    visit.findings, visit.recommendations = (findings or "").strip(), (recommendations or "").strip()
    visit.participants_text = (participants_text or "").strip()
    visit.save()
    visit.participants.set({p.pk: p for p in [*kept, *people]}.values())
    return visit


@transaction.atomic
def visit_delete(*, actor: User, visit: Visit) -> None:
    _require_record(actor, visit.school)
    if visit.follow_ups.filter(measure__isnull=False).exists():
        raise ValidationFailed(_("Some follow-ups of this visit are in the school's roadmap; the visit stays."))
    visit.delete()


# --- follow-ups ----------------------------------------------------------------------------------


@transaction.atomic
def follow_up_add(*, actor: User, visit: Visit, title: str, due_on: date | None = None,
                  responsible: str = "") -> FollowUp:
    _require_record(actor, visit.school)
    title = (title or "").strip()
    problems = []
    if not title:
        problems.append(_("Name the follow-up measure."))
    if due_on is not None and due_on < visit.held_on:
        problems.append(_("The deadline cannot be before the visit."))
    if problems:
        raise ValidationFailed(problems)
    return FollowUp.objects.create(visit=visit, title=title[:1000], due_on=due_on,
                                   responsible=(responsible or "").strip()[:300])


@transaction.atomic
def follow_up_delete(*, actor: User, follow_up: FollowUp) -> None:
    _require_record(actor, follow_up.visit.school)
    if FollowUp.objects.filter(pk=follow_up.pk, measure__isnull=False).exists():
        raise ValidationFailed(_("The measure is already in the school's roadmap; change it there."))
    follow_up.delete()


def roadmap_year(follow_up: FollowUp) -> int:
    return (follow_up.due_on or follow_up.visit.held_on).year


def roadmap_for(follow_up: FollowUp) -> Document | None:
    return Document.objects.filter(school_id=follow_up.visit.school_id, year=roadmap_year(follow_up),
                                   kind=DocumentKind.ROADMAP, factor="").first()


@dataclass(frozen=True)
class RoadmapNote:
    """Whether this user may put the follow-up into the roadmap now, and if not, why (in words)."""

    can_add: bool
    note: str


def roadmap_note(user: User, follow_up: FollowUp, roadmap: Document | None) -> RoadmapNote:
    year = roadmap_year(follow_up)
    if follow_up.measure_id:
        return RoadmapNote(False, "")
    if roadmap is None:
        return RoadmapNote(False, _("The school has no roadmap for %(year)s yet.") % {"year": year})
    if not plan_editable(roadmap):
        return RoadmapNote(False, _("The roadmap for %(year)s is under review or approved: its plan cannot change "
                                    "now.") % {"year": year})
    if not access.can_on_school(user, Perm.EDIT_PLANS, follow_up.visit.school):
        return RoadmapNote(False, _("The school's head adds it to the roadmap for %(year)s.") % {"year": year})
    return RoadmapNote(True, "")


@transaction.atomic
def follow_up_to_roadmap(*, actor: User, follow_up: FollowUp) -> Measure:
    """Add the follow-up to the school's roadmap as a measure (source «visit») and link the two."""
    follow_up = FollowUp.objects.select_for_update().select_related("visit__school").get(pk=follow_up.pk)
    if follow_up.measure_id:
        raise ValidationFailed(_("The measure is already in the school's roadmap."))
    roadmap = roadmap_for(follow_up)
    state = roadmap_note(actor, follow_up, roadmap)
    if not state.can_add or roadmap is None:
        if not access.can_on_school(actor, Perm.VIEW_SUPPORT, follow_up.visit.school):
            raise AccessDenied(_("The school is not in your scope."))
        raise ValidationFailed(state.note)
    measure = measure_add(actor=actor, roadmap=roadmap, lock_version=roadmap.lock_version, title=follow_up.title,
                          starts_on=None, due_on=follow_up.due_on, responsible=follow_up.responsible,
                          indicator="", target="", factor="")
    Measure.objects.filter(pk=measure.pk).update(source=MEASURE_SOURCE)
    measure.source = MEASURE_SOURCE
    follow_up.measure = measure
    follow_up.save(update_fields=["measure"])
    return measure
