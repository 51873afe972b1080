"""Scoped reads of the objectivity cases, for pages, exports, the API and reminders.

Who sees a case: holders of `Perm.VIEW_IDENTIFICATION` for its school (regional users, the
municipality, the school's curator, the school's head). Who answers: the head (`ANSWER_CASES`);
who gives the municipality's opinion: the municipal coordinator (`REVIEW_CASES`); who opens, sends
and decides: the regional coordinator (`DECIDE_CASES`, region-wide).
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from opora.cases.models import CaseState, ObjectivityCase, Outcome
from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.core.models import Region, Role, School, User

UserLike = User | AnonymousUser


def cases_for(user: UserLike, *, year: int | None = None, state: str = "") -> QuerySet[ObjectivityCase]:
    qs = ObjectivityCase.objects.filter(school__in=access.schools_for(user, Perm.VIEW_IDENTIFICATION))
    if year is not None:
        qs = qs.filter(year=year)
    if state:
        qs = qs.filter(state=state)
    return qs.select_related("school__municipality", "region")


def case_get(user: UserLike, pk: int) -> ObjectivityCase:
    case = cases_for(user).filter(pk=pk).first()
    if case is None:
        raise AccessDenied()
    return case


def may_answer(user: UserLike, case: ObjectivityCase) -> bool:
    return access.can_on_school(user, Perm.ANSWER_CASES, case.school)


def may_review(user: UserLike, case: ObjectivityCase) -> bool:
    return access.can_on_school(user, Perm.REVIEW_CASES, case.school)


def may_decide(user: UserLike, case: ObjectivityCase) -> bool:
    return access.can_on_region(user, Perm.DECIDE_CASES, case.region)


def may_open(user: UserLike, region: Region) -> bool:
    return access.can_on_region(user, Perm.DECIDE_CASES, region)


def overdue(case: ObjectivityCase, today: date) -> str:
    """'answer' or 'decision' when that deadline has passed, '' otherwise."""
    if case.state == CaseState.WAITING and case.answer_due and case.answer_due < today:
        return "answer"
    if case.state == CaseState.REVIEW and case.decision_due and case.decision_due < today:
        return "decision"
    return ""


def overdue_filter(today: date) -> Q:
    return (Q(state=CaseState.WAITING, answer_due__lt=today)
            | Q(state=CaseState.REVIEW, decision_due__lt=today))


def confirmed(qs: QuerySet[ObjectivityCase] | None = None) -> QuerySet[ObjectivityCase]:
    base = ObjectivityCase.objects.all() if qs is None else qs
    return base.filter(state=CaseState.DECIDED, outcome=Outcome.CONFIRMED)


def heads(school: School) -> QuerySet[User]:
    return User.objects.filter(role_assignments__role=Role.SCHOOL_HEAD, role_assignments__school=school,
                               is_active=True).distinct()


def municipal_reviewers(school: School) -> QuerySet[User]:
    return User.objects.filter(role_assignments__role=Role.MUNICIPAL_COORDINATOR,
                               role_assignments__municipality_id=school.municipality_id, is_active=True).distinct()


def regional_deciders(region: Region) -> QuerySet[User]:
    return User.objects.filter(role_assignments__role=Role.REGIONAL_COORDINATOR,
                               role_assignments__region=region, is_active=True).distinct()
